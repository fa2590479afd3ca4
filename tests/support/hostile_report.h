/* A report built by hand whose task and object names are hostile: markup
 * (<script>, "><img onerror=...>), control bytes, invalid UTF-8, a 16-byte
 * comm without NUL, Graphviz escapes. Tasks 0 and 1 deadlock on two
 * mutexes; tasks 2-5 wait on a completion nobody holds. The unit test of
 * every format and the browser test (through hostile_render) use it. */
#ifndef WHYHUNG_TEST_HOSTILE_REPORT_H
#define WHYHUNG_TEST_HOSTILE_REPORT_H

#include "report.h"

enum { HOSTILE_TASKS = 6, HOSTILE_OBJECTS = 3 };

/* What a script in the page would set if any name were run as markup. */
#define HOSTILE_MARKER "PWNED"

struct hostile_report {
	struct wh_report r;
	struct wh_task tasks[HOSTILE_TASKS];
	struct wh_wait_object objects[HOSTILE_OBJECTS];
	struct wh_task_wait waits[HOSTILE_TASKS];
	int task_cycle[HOSTILE_TASKS];
	size_t cycle_tasks[2];
	struct wh_cycle cycle;
	struct wh_root_cause roots[2];
	uint64_t waiters[HOSTILE_TASKS];
	struct wh_wait_mode modes[HOSTILE_TASKS];
};

extern const char *const hostile_comms[HOSTILE_TASKS];
extern const char *const hostile_object_names[HOSTILE_OBJECTS];

/* H must stay where it is: the report points into it. */
void hostile_report_build(struct hostile_report *h);

#endif
