/* Which tasks' live stacks hold the address of a wait object: the
 * evidence for holders the kernel does not record (rwsem readers, folio
 * lockers). One pass over every task's stack for all the objects of an
 * analysis, instead of one pass over every stack per object. */
#ifndef WHYHUNG_STACK_REFS_H
#define WHYHUNG_STACK_REFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "stack_index.h"
#include "tasks.h"

struct wh_stack_refs;

/* Look for the N VALUES on the live stack of every task of TASKS (from the
 * saved stack pointer up; a task on a CPU, all of it). */
struct wh_error *wh_stack_refs_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				     const struct wh_stack_index *stacks, const uint64_t *values,
				     size_t n, struct wh_stack_refs **ret);
void wh_stack_refs_destroy(struct wh_stack_refs *refs);
/* The tasks (task list indices, in list order) whose live stacks hold
 * VALUE; false when VALUE was not looked for. */
bool wh_stack_refs_tasks(const struct wh_stack_refs *refs, uint64_t value, const size_t **ret,
			 size_t *ret_n);
/* The live part of TASK's stack, [*RET_LO, *RET_HI); false when unknown. */
bool wh_stack_live_range(struct wh_kernel *k, const struct wh_stack_index *stacks,
			 const struct wh_task *task, uint64_t *ret_lo, uint64_t *ret_hi);

#endif
