/* crash's saved backtraces (reference/crash-foreach-UN-bt.txt,
 * crash-bt-a.txt): one stack per "PID: N  TASK: ...  CPU: C" header, each
 * frame " #I [SP] FUNCTION at ADDR". Function names lose their compiler
 * suffixes (.constprop.0, .cold) as the tests compare base names. */
#ifndef WHYHUNG_TEST_CRASH_REF_H
#define WHYHUNG_TEST_CRASH_REF_H

#include <stddef.h>

enum { CRASH_MAX_FRAMES = 64 };

struct crash_stack {
	int pid, cpu;
	size_t n;
	char names[CRASH_MAX_FRAMES][128];
};

/* All stacks of the file at PATH in file order; *RET is malloc'ed (NULL
 * and 0 when the file does not exist). */
size_t crash_stacks_read(const char *path, struct crash_stack **ret);

#endif
