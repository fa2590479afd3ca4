#include "report.h"
#include "escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wh_report_task_label(const struct wh_task *t, char *buf, size_t size)
{
	char comm[4 * WH_COMM_LEN + 1];
	wh_escape_text(t->comm, WH_COMM_LEN, comm, sizeof(comm));
	snprintf(buf, size, "%s[%d]", comm, t->pid);
}

const struct wh_backtrace *wh_report_backtrace(const struct wh_report *r, uint64_t task)
{
	size_t i = wh_addr_map_get(&r->bt_of_task, task);
	return i == SIZE_MAX ? NULL : r->bts.items[i];
}

static struct wh_error *index_backtraces(struct wh_report *r)
{
	struct wh_error *err = wh_addr_map_reserve(&r->bt_of_task, r->bts.count);
	for (size_t i = 0; !err && i < r->bts.count; i++)
		if (r->bts.items[i]->cpu < 0)
			err = wh_addr_map_add(&r->bt_of_task, r->bts.items[i]->task.address, i);
	return err;
}

/* Largest first; equal sizes keep first-seen (pid) order. */
static int compare_groups(const void *a, const void *b)
{
	const struct wh_stack_group *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->members[0] < y->members[0] ? -1 : x->members[0] > y->members[0];
}

struct grouping {
	struct wh_addr_map by_hash; /* functions hash -> group */
	size_t *first;		    /* per group: its first stack (bts.items index) */
	size_t cap;
};

/* The group of stack I (found through its hash), or a new one. */
static struct wh_error *group_of(struct wh_report *r, struct grouping *gr, size_t i, size_t *ret)
{
	const struct wh_backtrace *bt = r->bts.items[i];
	uint64_t h = wh_backtrace_functions_hash(bt);
	size_t cursor = 0, g;
	while ((g = wh_addr_map_next(&gr->by_hash, h, &cursor)) != SIZE_MAX)
		if (wh_backtrace_same_functions(r->bts.items[gr->first[g]], bt)) {
			*ret = g;
			return NULL;
		}
	if (r->n_groups == gr->cap) {
		size_t n = gr->cap ? 2 * gr->cap : 16;
		struct wh_stack_group *grown = realloc(r->groups, n * sizeof(*grown));
		if (grown)
			r->groups = grown;
		size_t *first = realloc(gr->first, n * sizeof(*first));
		if (first)
			gr->first = first;
		if (!grown || !first)
			return &wh_error_nomem;
		gr->cap = n;
	}
	g = r->n_groups++;
	r->groups[g] = (struct wh_stack_group){0};
	gr->first[g] = i;
	*ret = g;
	return wh_addr_map_add(&gr->by_hash, h, g);
}

/* Identical stacks read as one: 300 D tasks in the same place are one
 * line. Two passes: each D stack's group, then the groups' members. */
static struct wh_error *group_stacks(struct wh_report *r)
{
	struct grouping gr = {0};
	wh_addr_map_init(&gr.by_hash);
	size_t *group = malloc((r->bts.count ? r->bts.count : 1) * sizeof(*group));
	struct wh_error *err = group ? NULL : &wh_error_nomem;
	for (size_t i = 0; !err && i < r->bts.count; i++) {
		const struct wh_backtrace *bt = r->bts.items[i];
		group[i] = SIZE_MAX;
		if (bt->cpu < 0 && bt->task.state == 'D' && !(err = group_of(r, &gr, i, &group[i])))
			r->groups[group[i]].n++;
	}
	for (size_t g = 0; !err && g < r->n_groups; g++) {
		r->groups[g].members = malloc(r->groups[g].n * sizeof(*r->groups[g].members));
		r->groups[g].n = 0;
		if (!r->groups[g].members)
			err = &wh_error_nomem;
	}
	for (size_t i = 0; !err && i < r->bts.count; i++)
		if (group[i] != SIZE_MAX)
			r->groups[group[i]].members[r->groups[group[i]].n++] = i;
	free(group);
	free(gr.first);
	wh_addr_map_deinit(&gr.by_hash);
	if (!err && r->n_groups) /* no groups: r->groups is NULL */
		qsort(r->groups, r->n_groups, sizeof(*r->groups), compare_groups);
	return err;
}

/* File:line for the stacks a report shows: D tasks, waiters, holders. */
static struct wh_error *add_shown_sources(struct wh_kernel *k, struct wh_report *r)
{
	for (size_t i = 0; i < r->bts.count; i++) {
		struct wh_backtrace *bt = r->bts.items[i];
		if (bt->task.state == 'D' || wh_waits_of_task(&r->waits, bt->task.address) ||
		    wh_waits_task_holds(&r->waits, bt->task.address))
			wh_backtrace_add_sources(k, bt);
	}
	return NULL;
}

struct wh_error *wh_report_build(struct wh_kernel *k, struct wh_report *r)
{
	memset(r, 0, sizeof(*r));
	struct wh_error *err = wh_summary_build(k, &r->summary);
	if (err)
		return err;
	/* Every task: holders are often not in D (S, R, T). Source lines only
	 * for the stacks the report shows (add_shown_sources). The CPUs'
	 * stacks are unwound once, by wh_cpus_build(). */
	struct wh_bt_selection sel = {.cpu = -1, .all = true, .skip_sources = true};
	if (!(err = wh_backtraces_build(k, &r->summary.tasks, &sel, &r->bts)) &&
	    !(err = index_backtraces(r)) &&
	    !(err = wh_waits_analyze(k, &r->summary.tasks, &r->bts, &r->waits)) &&
	    !(err = wh_graph_build(&r->summary.tasks, &r->waits, &r->graph)) &&
	    !(err = add_shown_sources(k, r)) && !(err = group_stacks(r)) &&
	    !(err = wh_cpus_build(k, &r->summary.tasks, r->summary.panic.cpu, &r->cpus)))
		err = wh_spinlocks_find(k, &r->summary.tasks, &r->cpus, &r->spinlocks);
	if (err)
		wh_report_deinit(r);
	else
		wh_summary_note_limits(k, &r->summary);
	return err;
}

void wh_report_deinit(struct wh_report *r)
{
	free(r->explanation);
	for (size_t i = 0; i < r->n_groups; i++)
		free(r->groups[i].members);
	free(r->groups);
	wh_addr_map_deinit(&r->bt_of_task);
	wh_spinlocks_deinit(&r->spinlocks);
	wh_cpus_deinit(&r->cpus);
	wh_graph_deinit(&r->graph);
	wh_waits_deinit(&r->waits);
	wh_backtraces_deinit(&r->bts);
	wh_summary_deinit(&r->summary);
	memset(r, 0, sizeof(*r));
}
