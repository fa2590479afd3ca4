#include "stack_refs.h"
#include "addr_map.h"

#include <stdlib.h>

struct wh_stack_refs {
	struct wh_addr_map value_index; /* value -> its row */
	size_t *start;			/* row v: holders[start[v] .. start[v + 1]) */
	size_t *holders;		/* task list indices */
};

/* A (value row, task) sighting, found in task list order. */
struct sighting {
	size_t row, task;
};

bool wh_stack_live_range(struct wh_kernel *k, const struct wh_stack_index *stacks,
			 const struct wh_task *task, uint64_t *ret_lo, uint64_t *ret_hi)
{
	uint64_t lo, hi;
	if (!wh_stack_index_range(stacks, task->address, &lo, &hi))
		return false;
	/* Only the live part of a sleeping task's stack: from its saved stack
	 * pointer up; below it are dead frames of earlier calls. (A task on a
	 * CPU has no saved pointer here: its whole stack is scanned.) */
	struct wh_member_info sp_m;
	uint64_t sp;
	struct wh_error *e = wh_kernel_member(k, "task_struct", "thread.sp", &sp_m);
	if (!e && !task->on_cpu)
		e = wh_kernel_read_member(k, task->address, &sp_m, &sp);
	if (!e && !task->on_cpu && sp > lo && sp < hi)
		lo = sp & ~7ull;
	wh_error_destroy(e); /* without the saved pointer, the whole stack */
	*ret_lo = lo;
	*ret_hi = hi;
	return true;
}

static struct wh_error *add_sighting(struct sighting **s, size_t *n, size_t *cap, size_t row,
				     size_t task)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 256;
		struct sighting *grown = realloc(*s, c * sizeof(*grown));
		if (!grown)
			return &wh_error_nomem;
		*s = grown;
		*cap = c;
	}
	(*s)[(*n)++] = (struct sighting){row, task};
	return NULL;
}

/* Every sighting of an indexed value on TASK's live stack, once per value. */
static struct wh_error *scan_task(struct wh_kernel *k, const struct wh_stack_index *stacks,
				  const struct wh_task_list *tasks, size_t task,
				  const struct wh_addr_map *value_index, size_t *last_task,
				  struct sighting **s, size_t *n, size_t *cap)
{
	uint64_t lo, hi;
	if (!wh_stack_live_range(k, stacks, &tasks->tasks[task], &lo, &hi))
		return NULL;
	uint64_t buf[512];
	for (uint64_t a = lo; a < hi; a += sizeof(buf)) {
		uint64_t len = hi - a < sizeof(buf) ? hi - a : sizeof(buf);
		struct wh_error *err = wh_dump_read(k->dump, a, buf, len);
		if (err) {
			wh_error_destroy(err); /* an unreadable part holds nothing */
			continue;
		}
		for (size_t i = 0; i < len / 8; i++) {
			size_t row = wh_addr_map_get(value_index, buf[i]);
			if (row == SIZE_MAX || last_task[row] == task)
				continue;
			last_task[row] = task;
			if ((err = add_sighting(s, n, cap, row, task)))
				return err;
		}
	}
	return NULL;
}

/* Rows of holders from the sightings, each in task list order. */
static struct wh_error *make_rows(struct wh_stack_refs *refs, size_t rows, const struct sighting *s,
				  size_t n)
{
	refs->start = calloc(rows + 2, sizeof(*refs->start));
	refs->holders = malloc((n ? n : 1) * sizeof(*refs->holders));
	if (!refs->start || !refs->holders)
		return &wh_error_nomem;
	for (size_t i = 0; i < n; i++)
		refs->start[s[i].row + 2]++;
	for (size_t r = 0; r < rows; r++)
		refs->start[r + 2] += refs->start[r + 1];
	for (size_t i = 0; i < n; i++)
		refs->holders[refs->start[s[i].row + 1]++] = s[i].task;
	return NULL;
}

struct wh_error *wh_stack_refs_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				     const struct wh_stack_index *stacks, const uint64_t *values,
				     size_t n_values, struct wh_stack_refs **ret)
{
	struct wh_stack_refs *refs = calloc(1, sizeof(*refs));
	if (!refs)
		return &wh_error_nomem;
	wh_addr_map_init(&refs->value_index);
	struct wh_error *err = wh_addr_map_reserve(&refs->value_index, n_values);
	size_t rows = 0;
	for (size_t i = 0; !err && i < n_values; i++)
		if (wh_addr_map_get(&refs->value_index, values[i]) == SIZE_MAX)
			err = wh_addr_map_add(&refs->value_index, values[i], rows++);
	size_t *last_task = err ? NULL : malloc((rows ? rows : 1) * sizeof(*last_task));
	if (!err && !last_task)
		err = &wh_error_nomem;
	for (size_t r = 0; !err && r < rows; r++)
		last_task[r] = SIZE_MAX;
	struct sighting *s = NULL;
	size_t n = 0, cap = 0;
	for (size_t t = 0; !err && t < tasks->count; t++)
		err = scan_task(k, stacks, tasks, t, &refs->value_index, last_task, &s, &n, &cap);
	if (!err)
		err = make_rows(refs, rows, s, n);
	free(s);
	free(last_task);
	if (err) {
		wh_stack_refs_destroy(refs);
		return err;
	}
	*ret = refs;
	return NULL;
}

void wh_stack_refs_destroy(struct wh_stack_refs *refs)
{
	if (!refs)
		return;
	wh_addr_map_deinit(&refs->value_index);
	free(refs->start);
	free(refs->holders);
	free(refs);
}

bool wh_stack_refs_tasks(const struct wh_stack_refs *refs, uint64_t value, const size_t **ret,
			 size_t *ret_n)
{
	size_t row = wh_addr_map_get(&refs->value_index, value);
	if (row == SIZE_MAX)
		return false;
	*ret = &refs->holders[refs->start[row]];
	*ret_n = refs->start[row + 1] - refs->start[row];
	return true;
}
