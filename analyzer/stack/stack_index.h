/* Task stacks by address: "is this word on task T's stack?", "where is
 * task T's stack?". Built once per analysis; lookups are binary searches. */
#ifndef WHYHUNG_STACK_INDEX_H
#define WHYHUNG_STACK_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"
#include "tasks.h"

struct wh_stack_index;
/* A task's stack: [lo, hi). */
struct wh_stack_range {
	uint64_t lo, hi, task;
};
struct wh_error *wh_stack_index_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				      struct wh_stack_index **ret);
/* From ranges given (synthetic memory in tests); empty ones are left out. */
struct wh_error *wh_stack_index_create(const struct wh_stack_range *ranges, size_t n,
				       struct wh_stack_index **ret);
void wh_stack_index_destroy(struct wh_stack_index *idx);
/* The task whose stack contains ADDR, or 0. */
uint64_t wh_stack_index_owner(const struct wh_stack_index *idx, uint64_t addr);
bool wh_stack_index_range(const struct wh_stack_index *idx, uint64_t task, uint64_t *lo,
			  uint64_t *hi);

#endif
