#include "explain.h"
#include "escape.h"
#include "report.h"
#include "task_state.h"
#include "wait_words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ROOTS_EXPLAINED = 8 };

void wh_explain_object_label(const struct wh_report *r, size_t object, char *buf, size_t size)
{
	const struct wh_wait_object *o = &r->waits.objects[object];
	char name[4 * sizeof(o->name)];
	wh_escape_text(o->name, sizeof(o->name), name, sizeof(name));
	/* Names that already say the kind ("rwsem at 0x...") need no prefix. */
	const char *kind = wh_wait_kind_name(o->kind);
	if (!strncmp(name, kind, strlen(kind)))
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%s %s", kind, name);
}

static const char *const scheduler[] = {
    "__schedule", "schedule", "schedule_preempt_disabled", "schedule_timeout", "io_schedule", NULL};

void wh_explain_task_whereabouts(const struct wh_report *r, size_t task, char *buf, size_t size)
{
	const struct wh_task *t = &r->summary.tasks.tasks[task];
	const struct wh_backtrace *bt = wh_report_backtrace(r, t->address);
	const char *where = NULL, *module = NULL;
	for (size_t i = 0; bt && i < bt->stack.n && !where; i++) {
		const struct wh_frame *f = &bt->stack.frames[i];
		if (!f->have_symbol)
			continue;
		bool sched = false;
		for (const char *const *s = scheduler; *s; s++)
			sched |= !strcmp(f->sym.function, *s);
		if (!sched) {
			where = f->sym.function;
			module = f->sym.module;
		}
	}
	enum { WHERE_MAX = 200, MODULE_MAX = 100 };
	char w[sizeof(" in ") + WHERE_MAX + MODULE_MAX] = "";
	if (where) {
		char e[WHERE_MAX], m[MODULE_MAX] = "";
		wh_escape_text(where, SIZE_MAX, e, sizeof(e));
		if (module) {
			char em[80];
			snprintf(m, sizeof(m), " [%s]",
				 wh_escape_text(module, SIZE_MAX, em, sizeof(em)));
		}
		snprintf(w, sizeof(w), " in %s%s", e, m);
	}
	if (t->on_cpu)
		snprintf(buf, size, "running on CPU %d%s", t->cpu, w);
	else
		snprintf(buf, size, "in state %c (%s)%s", t->state, wh_task_state_name(t->state),
			 w);
}

static const struct wh_task *task_at(const struct wh_report *r, size_t i)
{
	return &r->summary.tasks.tasks[i];
}

/* A deadlock whose locks hold more than one cycle (several holders of an
 * rwsem, a task waiting across two cycles) is shown by its shortest cycle;
 * the component's other tasks are as stuck and are named here. */
static void explain_other_members(FILE *f, const struct wh_report *r, size_t cycle)
{
	const struct wh_cycle *cy = &r->graph.cycles[cycle];
	size_t more = cy->n_members - cy->n, told = 0;
	fprintf(f,
		"; %zu more task%s %s in this deadlock through other cycles of its locks: ", more,
		more == 1 ? "" : "s", more == 1 ? "is" : "are");
	for (size_t m = 0; m < cy->n_members && told < 5; m++) {
		size_t t = cy->members[m];
		bool on_cycle = false;
		for (size_t i = 0; i < cy->n && !on_cycle; i++)
			on_cycle = cy->tasks[i] == t;
		if (on_cycle)
			continue;
		char label[96];
		wh_report_task_label(task_at(r, t), label, sizeof(label));
		fprintf(f, "%s%s", told++ ? ", " : "", label);
	}
	if (more > told)
		fprintf(f, " and %zu more", more - told);
}

static void explain_cycle(FILE *f, const struct wh_report *r, const struct wh_root_cause *rc)
{
	const struct wh_cycle *cy = &r->graph.cycles[rc->index];
	fprintf(f, cy->inferred ? "Possible deadlock (a holder in it is inferred, not recorded): "
				: "Deadlock: ");
	for (size_t i = 0; i < cy->n; i++) {
		const struct wh_task *t = task_at(r, cy->tasks[i]);
		char label[96], obj[400];
		wh_report_task_label(t, label, sizeof(label));
		wh_explain_object_label(r, cy->objects[i], obj, sizeof(obj));
		const struct wh_task *next = task_at(r, cy->tasks[(i + 1) % cy->n]);
		char next_label[96];
		wh_report_task_label(next, next_label, sizeof(next_label));
		if (i)
			fprintf(f, ", which waits for %s, held by %s", obj, next_label);
		else
			fprintf(f, "%s waits for %s, held by %s", label, obj, next_label);
	}
	if (cy->n_members > cy->n)
		explain_other_members(f, r, rc->index);
	fprintf(f, ". %zu task%s %s stuck in or behind this cycle.\n", rc->blocked,
		rc->blocked == 1 ? "" : "s", rc->blocked == 1 ? "is" : "are");
}

static void explain_task_root(FILE *f, const struct wh_report *r, const struct wh_root_cause *rc)
{
	const struct wh_task *t = task_at(r, rc->index);
	const struct wh_wait_object *o = &r->waits.objects[rc->via_object];
	char label[96], obj[400], where[400];
	wh_report_task_label(t, label, sizeof(label));
	wh_explain_object_label(r, rc->via_object, obj, sizeof(obj));
	wh_explain_task_whereabouts(r, rc->index, where, sizeof(where));
	const struct wh_owner *ow = NULL;
	for (size_t i = 0; i < o->n_owners; i++)
		if (o->owners[i].task == t->address)
			ow = &o->owners[i];
	char raw[WH_STATE_TEXT], state[4 * WH_STATE_TEXT];
	wh_object_state_text(&o->state, WH_WORDS_BESIDE_OWNERS, raw, sizeof(raw));
	wh_escape_text(raw, sizeof(raw), state, sizeof(state));
	fprintf(
	    f,
	    "%zu task%s %s blocked behind %s (%s), held by %s%s, which waits on no lock whyhung "
	    "recognised: it is %s.\n",
	    rc->blocked, rc->blocked == 1 ? "" : "s", rc->blocked == 1 ? "is" : "are", obj, state,
	    label,
	    ow && ow->how == WH_OWNER_INFERRED ? " (inferred, not recorded by the kernel)" : "",
	    where);
}

static void explain_object_root(FILE *f, const struct wh_report *r, const struct wh_root_cause *rc)
{
	const struct wh_wait_object *o = &r->waits.objects[rc->index];
	char obj[400], raw[WH_STATE_TEXT], state[4 * WH_STATE_TEXT];
	wh_explain_object_label(r, rc->index, obj, sizeof(obj));
	wh_object_state_text(&o->state, WH_WORDS_BESIDE_OWNERS, raw, sizeof(raw));
	wh_escape_text(raw, sizeof(raw), state, sizeof(state));
	fprintf(f, "%zu task%s wait%s on %s: %s", rc->blocked, rc->blocked == 1 ? "" : "s",
		rc->blocked == 1 ? "s" : "", obj, state);
	if (o->n_waiters) {
		fprintf(f, "; waiting: ");
		for (size_t i = 0; i < o->n_waiters && i < 5; i++) {
			const struct wh_task *t =
			    wh_task_list_find_address(&r->summary.tasks, o->waiters[i]);
			char label[96] = "?";
			if (t)
				wh_report_task_label(t, label, sizeof(label));
			fprintf(f, "%s%s", i ? ", " : "", label);
		}
		if (o->n_waiters > 5)
			fprintf(f, " and %zu more", o->n_waiters - 5);
	}
	fprintf(f, ".\n");
}

/* Roots that are I/O never completing, grouped by device: "3 tasks are
 * stuck behind I/O to vda (queue quiesced; ...): jbd2/vda-8[66] waits on
 * buffer_head ..., ...". Returns false when RC is not such a root or its
 * device was already explained. */
static bool explain_io_device(FILE *f, const struct wh_report *r, size_t root, bool *done)
{
	const struct wh_root_cause *rc = &r->graph.roots[root];
	if (rc->kind != WH_ROOT_OBJECT || !r->waits.objects[rc->index].io.known)
		return false;
	uint64_t bdev = r->waits.objects[rc->index].io.bdev;
	if (done[root])
		return true;
	size_t blocked = 0;
	for (size_t i = root; i < r->graph.n_roots; i++) {
		const struct wh_root_cause *o = &r->graph.roots[i];
		if (o->kind == WH_ROOT_OBJECT && r->waits.objects[o->index].io.known &&
		    r->waits.objects[o->index].io.bdev == bdev)
			blocked += o->blocked;
	}
	char io[400], esc[4 * sizeof(io)];
	wh_io_target_summary(&r->waits.objects[rc->index].io, io, sizeof(io));
	wh_escape_text(io, sizeof(io), esc, sizeof(esc));
	fprintf(f, "%zu task%s %s stuck behind I/O that has not completed on %s:", blocked,
		blocked == 1 ? "" : "s", blocked == 1 ? "is" : "are", esc);
	const char *sep = " ";
	size_t direct = 0;
	for (size_t i = root; i < r->graph.n_roots; i++) {
		const struct wh_root_cause *o = &r->graph.roots[i];
		const struct wh_wait_object *obj = &r->waits.objects[o->index];
		if (o->kind != WH_ROOT_OBJECT || !obj->io.known || obj->io.bdev != bdev)
			continue;
		done[i] = true;
		char label[400];
		wh_explain_object_label(r, o->index, label, sizeof(label));
		for (size_t w = 0; w < obj->n_waiters && w < 5; w++) {
			const struct wh_task *t =
			    wh_task_list_find_address(&r->summary.tasks, obj->waiters[w]);
			char tl[96] = "?";
			if (t)
				wh_report_task_label(t, tl, sizeof(tl));
			fprintf(f, "%s%s", w ? ", " : sep, tl);
		}
		if (obj->n_waiters > 5)
			fprintf(f, " and %zu more", obj->n_waiters - 5);
		fprintf(f, " %s on %s", obj->n_waiters == 1 ? "waits" : "wait", label);
		direct += obj->n_waiters;
		sep = "; ";
	}
	if (blocked > direct)
		fprintf(f, "; %zu more task%s wait%s behind these", blocked - direct,
			blocked - direct == 1 ? "" : "s", blocked - direct == 1 ? "s" : "");
	fprintf(f, ".\n");
	return true;
}

/* "CPU 1 has spun 22 s on spinlock X, held by CPU 0 running T, which has
 * looped in F with preemption off for 23 s" (or: holder unknown). */
static void explain_spinlock(FILE *f, const struct wh_report *r, const struct wh_spinlock *l)
{
	char name[4 * sizeof(l->name)];
	wh_escape_text(l->name, sizeof(l->name), name, sizeof(name));
	for (size_t i = 0; i < l->n_spinners; i++) {
		const struct wh_cpu_view *v = NULL;
		for (size_t c = 0; c < r->cpus.count; c++)
			if (r->cpus.cpus[c].cpu == l->spinners[i])
				v = &r->cpus.cpus[c];
		fprintf(f, "%sCPU %u", i ? ", " : "", l->spinners[i]);
		if (v && v->watchdog_age_s >= 0)
			fprintf(f, " (watchdog untouched for %lld s)",
				(long long)v->watchdog_age_s);
	}
	fprintf(f, " %s spinning on spinlock %s (word 0x%x: %s%s)",
		l->n_spinners == 1 ? "is" : "are", name, l->val, l->locked ? "locked" : "unlocked",
		l->pending ? ", pending" : "");
	const struct wh_cpu_view *holder = NULL;
	for (size_t c = 0; c < r->cpus.count; c++)
		if (l->holder_cpu >= 0 && r->cpus.cpus[c].cpu == (unsigned)l->holder_cpu)
			holder = &r->cpus.cpus[c];
	if (holder) {
		char label[96], fn[256] = "?", mod[96] = "";
		wh_report_task_label(&holder->bt->task, label, sizeof(label));
		if (holder->interrupted_frame != SIZE_MAX) {
			const struct wh_frame *fr =
			    &holder->bt->stack.frames[holder->interrupted_frame];
			if (fr->have_symbol)
				wh_escape_text(fr->sym.function, SIZE_MAX, fn, sizeof(fn));
			if (fr->sym.module) {
				char em[80];
				snprintf(mod, sizeof(mod), " [%s]",
					 wh_escape_text(fr->sym.module, SIZE_MAX, em, sizeof(em)));
			}
		}
		fprintf(f, ", held by CPU %d running %s (inferred: %s), which keeps running %s%s",
			l->holder_cpu, label, l->holder_evidence, fn, mod);
		const struct wh_panic *p = &r->summary.panic;
		if (p->kind == WH_PANIC_SOFT_LOCKUP && p->lockup_cpu == l->holder_cpu)
			fprintf(f, ": the soft-lockup detector found CPU %d stuck for %llu s",
				l->holder_cpu, (unsigned long long)p->lockup_seconds);
		fprintf(f, ".\n");
	} else {
		fprintf(f,
			"; the kernel records no spinlock holder and the dump does not show one");
		if (l->suspects[0])
			fprintf(f, " (running with preemption disabled: %s)", l->suspects);
		fprintf(f, ".\n");
	}
}

struct explain_item {
	size_t root, blocked;
};

/* Most blocked first; equal counts keep the graph's order. */
static int compare_items(const void *a, const void *b)
{
	const struct explain_item *x = a, *y = b;
	if (x->blocked != y->blocked)
		return x->blocked > y->blocked ? -1 : 1;
	return x->root < y->root ? -1 : x->root > y->root;
}

/* One item per root, but one per device for the roots that are I/O to it
 * (found by device through a hash), sorted. */
static struct wh_error *group_io_roots(const struct wh_report *r, struct explain_item *items,
				       size_t *ret_n)
{
	struct wh_addr_map item_of_device;
	wh_addr_map_init(&item_of_device);
	struct wh_error *err = NULL;
	size_t n_items = 0;
	for (size_t i = 0; !err && i < r->graph.n_roots; i++) {
		const struct wh_root_cause *rc = &r->graph.roots[i];
		const struct wh_io_target *io =
		    rc->kind == WH_ROOT_OBJECT ? &r->waits.objects[rc->index].io : NULL;
		size_t j = io && io->known ? wh_addr_map_get(&item_of_device, io->bdev) : SIZE_MAX;
		if (j == SIZE_MAX) {
			j = n_items++;
			items[j] = (struct explain_item){.root = i};
			if (io && io->known)
				err = wh_addr_map_add(&item_of_device, io->bdev, j);
		}
		items[j].blocked += rc->blocked;
	}
	wh_addr_map_deinit(&item_of_device);
	qsort(items, n_items, sizeof(*items), compare_items);
	*ret_n = n_items;
	return err;
}

struct wh_error *wh_explain(const struct wh_report *r, char **ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return &wh_error_nomem;
	size_t nd = 0, waiting = 0;
	for (size_t i = 0; i < r->summary.tasks.count; i++)
		nd += r->summary.tasks.tasks[i].state == 'D';
	waiting = r->waits.n_waits;
	/* What panicked first: a locked-up CPU, a stalled grace period. */
	bool rcu_panic = r->summary.panic.kind == WH_PANIC_RCU_STALL;
	wh_explain_hard_lockup(f, r);
	if (rcu_panic)
		wh_explain_rcu_stall(f, r);
	wh_explain_pidns(f, r);
	fprintf(f,
		"%zu task%s in uninterruptible sleep (D); %zu task%s wait%s on %zu lock%s or "
		"other wait object%s.\n",
		nd, nd == 1 ? " is" : "s are", waiting, waiting == 1 ? "" : "s",
		waiting == 1 ? "s" : "", r->waits.n_objects, r->waits.n_objects == 1 ? "" : "s",
		r->waits.n_objects == 1 ? "" : "s");
	for (size_t i = 0; i < r->spinlocks.count; i++)
		explain_spinlock(f, r, &r->spinlocks.locks[i]);
	if (!rcu_panic)
		wh_explain_rcu_stall(f, r);
	/* What to explain, most tasks blocked first: each root cause, except
	 * that roots waiting on I/O to one device count as one item with
	 * their blocked tasks summed (explain_io_device tells them together). */
	size_t n = r->graph.n_roots, n_items = 0;
	struct explain_item *items = calloc(n ? n : 1, sizeof(*items));
	bool *done = calloc(n ? n : 1, sizeof(*done));
	struct wh_error *err = items && done ? group_io_roots(r, items, &n_items) : &wh_error_nomem;
	if (err) {
		free(items);
		free(done);
		fclose(f);
		free(buf);
		return err;
	}
	/* Past the first few, only stalled devices are still told: a device
	 * that completes no I/O is a root cause whatever few tasks it holds. */
	size_t untold = 0;
	for (size_t i = 0; i < n_items; i++) {
		const struct wh_root_cause *rc = &r->graph.roots[items[i].root];
		bool io = rc->kind == WH_ROOT_OBJECT && r->waits.objects[rc->index].io.known;
		if (i >= MAX_ROOTS_EXPLAINED && !io) {
			untold++;
			continue;
		}
		if (explain_io_device(f, r, items[i].root, done))
			continue;
		switch (rc->kind) {
		case WH_ROOT_CYCLE: explain_cycle(f, r, rc); break;
		case WH_ROOT_TASK: explain_task_root(f, r, rc); break;
		case WH_ROOT_OBJECT: explain_object_root(f, r, rc); break;
		}
	}
	free(items);
	free(done);
	if (untold)
		fprintf(f, "(%zu more root cause%s below.)\n", untold, untold == 1 ? "" : "s");
	if (!r->graph.n_roots && !r->spinlocks.count && nd)
		fprintf(f, "No blocked task could be tied to a lock or wait object whyhung "
			   "recognises; see the stacks below.\n");
	if (fclose(f) != 0) {
		free(buf);
		return &wh_error_nomem;
	}
	*ret = buf;
	return NULL;
}

struct wh_error *wh_explain_report(struct wh_report *r)
{
	return r->explanation ? NULL : wh_explain(r, &r->explanation);
}
