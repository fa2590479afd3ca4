/* Where a task's or a CPU's stack starts: a sleeping task's saved switch
 * frame, or the registers the dump recorded for a CPU at the crash. */
#ifndef WHYHUNG_STACK_START_H
#define WHYHUNG_STACK_START_H

#include "tasks.h"
#include "unwind.h"

/* Registers CPU had when the dump was taken. *ret_found is false when the
 * dump has none for it (kdump skips CPUs that did not answer the NMI). */
struct wh_error *wh_cpu_registers(struct wh_kernel *k, unsigned cpu, struct wh_regs *ret,
				  bool *ret_found);
/* Unwind TASK: from its CPU's registers when it was running there, else
 * from the inactive_task_frame at thread.sp. */
struct wh_error *wh_task_stack(struct wh_kernel *k, const struct wh_task *task,
			       struct wh_stack *ret);
/* The task's stack range [lo, hi). */
struct wh_error *wh_task_stack_range(struct wh_kernel *k, const struct wh_task *task,
				     uint64_t *ret_lo, uint64_t *ret_hi);

#endif
