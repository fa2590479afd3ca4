#include "stack_index.h"
#include "stack_start.h"

#include <stdlib.h>
#include <string.h>

struct wh_stack_index {
	struct wh_stack_range *ranges;	/* sorted by lo: which stack holds an address */
	struct wh_stack_range *by_task; /* sorted by task: a task's stack */
	size_t n;
};

static int compare_tasks(const void *a, const void *b)
{
	const struct wh_stack_range *x = a, *y = b;
	return x->task < y->task ? -1 : x->task > y->task;
}

static int compare_ranges(const void *a, const void *b)
{
	const struct wh_stack_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

struct wh_error *wh_stack_index_create(const struct wh_stack_range *ranges, size_t n,
				       struct wh_stack_index **ret)
{
	struct wh_stack_index *idx = calloc(1, sizeof(*idx));
	if (!idx)
		return &wh_error_nomem;
	idx->ranges = malloc((n ? n : 1) * sizeof(*idx->ranges));
	idx->by_task = malloc((n ? n : 1) * sizeof(*idx->by_task));
	if (!idx->ranges || !idx->by_task) {
		wh_stack_index_destroy(idx);
		return &wh_error_nomem;
	}
	for (size_t i = 0; i < n; i++)
		if (ranges[i].lo && ranges[i].hi > ranges[i].lo)
			idx->ranges[idx->n++] = ranges[i];
	qsort(idx->ranges, idx->n, sizeof(*idx->ranges), compare_ranges);
	memcpy(idx->by_task, idx->ranges, idx->n * sizeof(*idx->by_task));
	qsort(idx->by_task, idx->n, sizeof(*idx->by_task), compare_tasks);
	*ret = idx;
	return NULL;
}

struct wh_error *wh_stack_index_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				      struct wh_stack_index **ret)
{
	struct wh_stack_range *ranges = calloc(tasks->count ? tasks->count : 1, sizeof(*ranges));
	if (!ranges)
		return &wh_error_nomem;
	size_t n = 0;
	for (size_t i = 0; i < tasks->count; i++) {
		uint64_t lo, hi;
		if (wh_best_effort(wh_task_stack_range(k, &tasks->tasks[i], &lo, &hi)))
			ranges[n++] = (struct wh_stack_range){lo, hi, tasks->tasks[i].address};
	}
	struct wh_error *err = wh_stack_index_create(ranges, n, ret);
	free(ranges);
	return err;
}

void wh_stack_index_destroy(struct wh_stack_index *idx)
{
	if (!idx)
		return;
	free(idx->ranges);
	free(idx->by_task);
	free(idx);
}

uint64_t wh_stack_index_owner(const struct wh_stack_index *idx, uint64_t addr)
{
	size_t lo = 0, hi = idx->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (idx->ranges[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr < idx->ranges[lo - 1].hi)
		return idx->ranges[lo - 1].task;
	return 0;
}

bool wh_stack_index_range(const struct wh_stack_index *idx, uint64_t task, uint64_t *lo,
			  uint64_t *hi)
{
	struct wh_stack_range key = {.task = task};
	const struct wh_stack_range *r =
	    bsearch(&key, idx->by_task, idx->n, sizeof(*idx->by_task), compare_tasks);
	if (!r)
		return false;
	*lo = r->lo;
	*hi = r->hi;
	return true;
}
