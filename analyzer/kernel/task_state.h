/* Task state letters as ps and /proc show them. */
#ifndef WHYHUNG_TASK_STATE_H
#define WHYHUNG_TASK_STATE_H

#include <stdint.h>

/* Mirror of task_state_index()/task_index_to_char() in 6.1's
 * include/linux/sched.h; the bit values have been stable since 4.14
 * (TASK_REPORT_IDLE). TASK_FROZEN (6.1+) reports as D like the kernel. */
char wh_task_state_char(uint64_t state, uint64_t exit_state);
/* Long name for a letter: "uninterruptible" for 'D', ... */
const char *wh_task_state_name(char letter);

enum {
	WH_TASK_INTERRUPTIBLE = 0x1,
	WH_TASK_UNINTERRUPTIBLE = 0x2,
	WH_TASK_WAKEKILL = 0x100,
	WH_TASK_NOLOAD = 0x400,
};

#endif
