#include "report.h"
#include "escape.h"
#include "explain.h"

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
	for (size_t i = 0; i < r->bts.count; i++)
		if (r->bts.items[i]->cpu < 0 && r->bts.items[i]->task.address == task)
			return r->bts.items[i];
	return NULL;
}

static int compare_groups(const void *a, const void *b)
{
	const struct wh_stack_group *x = a, *y = b;
	return x->n != y->n ? (x->n > y->n ? -1 : 1) : 0;
}

/* Identical stacks read as one: 300 D tasks in the same place are one line. */
static struct wh_error *group_stacks(struct wh_report *r)
{
	for (size_t i = 0; i < r->bts.count; i++) {
		const struct wh_backtrace *bt = r->bts.items[i];
		if (bt->cpu >= 0 || bt->task.state != 'D')
			continue;
		size_t g = 0;
		while (g < r->n_groups &&
		       !wh_backtrace_same_functions(r->bts.items[r->groups[g].members[0]], bt))
			g++;
		if (g == r->n_groups) {
			struct wh_stack_group *grown =
			    realloc(r->groups, (r->n_groups + 1) * sizeof(*grown));
			if (!grown)
				return &wh_error_nomem;
			r->groups = grown;
			memset(&grown[g], 0, sizeof(grown[g]));
			r->n_groups++;
		}
		size_t *m = realloc(r->groups[g].members, (r->groups[g].n + 1) * sizeof(*m));
		if (!m)
			return &wh_error_nomem;
		r->groups[g].members = m;
		m[r->groups[g].n++] = i;
	}
	/* Stable for equal sizes: keep first-seen (pid) order. */
	for (size_t i = 1; i < r->n_groups; i++)
		for (size_t j = i; j > 0 && compare_groups(&r->groups[j - 1], &r->groups[j]) > 0;
		     j--) {
			struct wh_stack_group tmp = r->groups[j];
			r->groups[j] = r->groups[j - 1];
			r->groups[j - 1] = tmp;
		}
	return NULL;
}

/* File:line for the stacks a report shows: D tasks, waiters, holders. */
static struct wh_error *add_shown_sources(struct wh_kernel *k, struct wh_report *r)
{
	for (size_t i = 0; i < r->bts.count; i++) {
		struct wh_backtrace *bt = r->bts.items[i];
		bool shown = bt->task.state == 'D' || wh_waits_of_task(&r->waits, bt->task.address);
		for (size_t o = 0; !shown && o < r->waits.n_objects; o++)
			for (size_t j = 0; j < r->waits.objects[o].n_owners; j++)
				shown |= r->waits.objects[o].owners[j].task == bt->task.address;
		if (shown)
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
	    !(err = wh_waits_analyze(k, &r->summary.tasks, &r->bts, &r->waits)) &&
	    !(err = wh_graph_build(&r->summary.tasks, &r->waits, &r->graph)) &&
	    !(err = add_shown_sources(k, r)) && !(err = group_stacks(r)) &&
	    !(err = wh_cpus_build(k, &r->summary.tasks, r->summary.panic.cpu, &r->cpus)) &&
	    !(err = wh_spinlocks_find(k, &r->summary.tasks, &r->cpus, &r->spinlocks)))
		err = wh_explain(r, &r->explanation);
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
	wh_spinlocks_deinit(&r->spinlocks);
	wh_cpus_deinit(&r->cpus);
	wh_graph_deinit(&r->graph);
	wh_waits_deinit(&r->waits);
	wh_backtraces_deinit(&r->bts);
	wh_summary_deinit(&r->summary);
	memset(r, 0, sizeof(*r));
}
