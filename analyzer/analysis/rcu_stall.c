#include "rcu_stall.h"
#include "list_walk.h"
#include "symbolize.h"

#include <stdio.h>
#include <string.h>

/* kernel/rcu/rcu.h: the low RCU_SEQ_CTR_SHIFT (2) bits of a grace-period
 * sequence are its state, non-zero while one is in progress (since 4.19's
 * gp_seq). */
enum { RCU_SEQ_STATE_MASK = 3 };

/* Functions a task waits in for a grace period (kernel/rcu/tree.c,
 * update.c). */
static const char *const gp_wait_functions[] = {
    "synchronize_rcu",
    "synchronize_rcu_expedited",
    "synchronize_rcu_normal",
    "rcu_barrier",
    "__wait_rcu_gp",
    "synchronize_rcu_tasks",
    "synchronize_rcu_tasks_rude",
    "synchronize_rcu_tasks_trace",
    NULL,
};

/* Bounds: a tree of more nodes or a list of more readers than this is
 * not a real one. */
enum { MAX_RCU_NODES = 4096, MAX_BLOCKED = 1 << 16 };

struct rcu_layout {
	struct wh_member_info gp_seq, gp_start, name, node, node_level, grplo, grphi, qsmask,
	    gp_tasks, exp_tasks, blkd_tasks, rcu_node_entry, nesting;
	bool have_nesting, have_entry;
	uint64_t node_size, n_node_slots;
};

static struct wh_error *probe_layout(struct wh_kernel *k, struct rcu_layout *l)
{
	/* rcu_state and rcu_node are defined in kernel/rcu/tree.c's unit. */
	static const char *const hint[] = {"rcu_gp_kthread", "synchronize_rcu", NULL};
	wh_kernel_type_hint(k, hint);
	struct wh_error *err;
	struct wh_type node;
	if ((err = wh_kernel_member(k, "rcu_state", "gp_seq", &l->gp_seq)) ||
	    (err = wh_kernel_member(k, "rcu_state", "gp_start", &l->gp_start)) ||
	    (err = wh_kernel_member(k, "rcu_state", "name", &l->name)) ||
	    (err = wh_kernel_member(k, "rcu_state", "node", &l->node)) ||
	    (err = wh_kernel_member(k, "rcu_node", "level", &l->node_level)) ||
	    (err = wh_kernel_member(k, "rcu_node", "grplo", &l->grplo)) ||
	    (err = wh_kernel_member(k, "rcu_node", "grphi", &l->grphi)) ||
	    (err = wh_kernel_member(k, "rcu_node", "qsmask", &l->qsmask)) ||
	    (err = wh_kernel_member(k, "rcu_node", "gp_tasks", &l->gp_tasks)) ||
	    (err = wh_kernel_member(k, "rcu_node", "exp_tasks", &l->exp_tasks)) ||
	    (err = wh_kernel_member(k, "rcu_node", "blkd_tasks", &l->blkd_tasks)) ||
	    (err = wh_types_struct_size(k->types, "rcu_node", &l->node_size)) ||
	    (err = wh_types_find(k->types, WH_TYPE_STRUCT, "rcu_node", &node)))
		return err;
	/* The node array's length (NUM_RCU_NODES) bounds rcu_num_nodes. */
	if ((err = wh_types_array_length(k->types, l->node.type, &l->n_node_slots)))
		return err;
	/* Preemptible RCU only (CONFIG_PREEMPT_RCU): readers can be preempted. */
	if ((err = wh_kernel_member_opt(k, "task_struct", "rcu_node_entry", &l->rcu_node_entry,
					&l->have_entry)) ||
	    (err = wh_kernel_member_opt(k, "task_struct", "rcu_read_lock_nesting", &l->nesting,
					&l->have_nesting)))
		return err;
	return NULL;
}

static struct wh_error *read_int_symbol(struct wh_kernel *k, const char *name, uint64_t *ret)
{
	uint64_t addr;
	uint32_t v;
	struct wh_error *err = wh_kernel_symbol_address(k, name, &addr);
	if (!err)
		err = wh_dump_read_u32(k->dump, addr, &v);
	if (!err)
		*ret = v;
	return err;
}

/* HZ from tick_nsec (kernel/time/ntp.c: NSEC_PER_SEC / HZ, adjusted by NTP
 * by parts per million); 0 when absent or absurd. */
static int64_t read_hz(struct wh_kernel *k)
{
	uint64_t addr, tick_nsec = 0;
	struct wh_error *err = wh_kernel_symbol_address(k, "tick_nsec", &addr);
	if (!err)
		err = wh_dump_read_u64(k->dump, addr, &tick_nsec);
	wh_error_destroy(err);
	if (err || tick_nsec < 100000 || tick_nsec > 100000000)
		return 0;
	int64_t hz = (int64_t)((1000000000ull + tick_nsec / 2) / tick_nsec);
	/* Round to the nearest 10: NTP's adjustment is tiny. */
	return (hz + 5) / 10 * 10;
}

static struct wh_error *read_jiffies(struct wh_kernel *k, uint64_t *ret)
{
	uint64_t addr;
	struct wh_error *err = wh_kernel_symbol_address(k, "jiffies_64", &addr);
	if (err && err->code == WH_ERR_ABSENT) {
		wh_error_destroy(err);
		err = wh_kernel_symbol_address(k, "jiffies", &addr);
	}
	return err ? err : wh_dump_read_u64(k->dump, addr, ret);
}

struct walk_ctx {
	struct wh_kernel *k;
	const struct wh_task_list *tasks;
	const struct wh_rcu_blocked_list *list;
	struct wh_rcu_view *v;
	bool past_gp, past_exp;
};

static struct wh_error *visit_blocked(void *arg, uint64_t node, bool *stop)
{
	struct walk_ctx *c = arg;
	(void)stop;
	c->past_gp |= node == c->list->gp_tasks;
	c->past_exp |= node == c->list->exp_tasks;
	if (c->v->n_readers == WH_RCU_MAX_LISTED)
		return NULL;
	struct wh_rcu_reader *r = &c->v->readers[c->v->n_readers++];
	r->task = node - c->list->entry_offset;
	const struct wh_task *t = wh_task_list_find_address(c->tasks, r->task);
	r->pid = t ? t->pid : -1;
	r->nesting = -1;
	uint64_t nesting;
	if (c->list->nesting) {
		struct wh_error *err =
		    wh_kernel_read_member(c->k, r->task, c->list->nesting, &nesting);
		if (!err)
			r->nesting = (int)(int32_t)(uint32_t)nesting;
		wh_error_destroy(err);
	}
	r->blocks_gp = c->past_gp;
	r->blocks_exp = c->past_exp;
	r->grplo = c->list->grplo;
	r->grphi = c->list->grphi;
	return NULL;
}

struct wh_error *wh_rcu_walk_blocked(struct wh_kernel *k, const struct wh_task_list *tasks,
				     const struct wh_rcu_blocked_list *list, struct wh_rcu_view *v)
{
	struct walk_ctx c = {.k = k, .tasks = tasks, .list = list, .v = v};
	/* Readers blocked on a list are rare: bound by the tasks there are. */
	uint64_t max = tasks->count + 64 < MAX_BLOCKED ? tasks->count + 64 : MAX_BLOCKED;
	struct wh_error *err = wh_list_walk(k, list->head, max, visit_blocked, &c);
	if (!err || err == &wh_error_nomem)
		return err;
	if (!v->incomplete[0])
		snprintf(v->incomplete, sizeof(v->incomplete),
			 "blocked-tasks list of rcu_node (CPUs %d-%d): %s", list->grplo,
			 list->grphi, err->message);
	wh_error_destroy(err);
	return NULL;
}

/* One rcu_node: its stalled CPUs (a leaf's qsmask bits) and its readers. */
static struct wh_error *read_node(struct wh_kernel *k, const struct wh_task_list *tasks,
				  const struct rcu_layout *l, uint64_t node, bool leaf,
				  struct wh_rcu_view *v)
{
	uint64_t lo, hi, qsmask, gp_tasks, exp_tasks;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(k, node, &l->grplo, &lo)) ||
	    (err = wh_kernel_read_member(k, node, &l->grphi, &hi)) ||
	    (err = wh_kernel_read_member(k, node, &l->qsmask, &qsmask)) ||
	    (err = wh_kernel_read_member(k, node, &l->gp_tasks, &gp_tasks)) ||
	    (err = wh_kernel_read_member(k, node, &l->exp_tasks, &exp_tasks)))
		return err;
	int grplo = (int)(int32_t)lo, grphi = (int)(int32_t)hi;
	if (grplo < 0 || grphi < grplo || (unsigned)grphi >= k->nr_cpu_ids)
		return wh_error_create(WH_ERR_CORRUPT, "rcu_node at 0x%llx: CPUs %d-%d",
				       (unsigned long long)node, grplo, grphi);
	if (leaf && v->gp_in_progress)
		for (int b = 0; b < 64 && grplo + b <= grphi; b++)
			if ((qsmask >> b) & 1 && v->n_stalled_cpus < WH_RCU_MAX_LISTED)
				v->stalled_cpus[v->n_stalled_cpus++] = grplo + b;
	if (!l->have_entry)
		return NULL;
	struct wh_rcu_blocked_list list = {.head = node + l->blkd_tasks.offset,
					   .gp_tasks = gp_tasks,
					   .exp_tasks = exp_tasks,
					   .entry_offset = l->rcu_node_entry.offset,
					   .nesting = l->have_nesting ? &l->nesting : NULL,
					   .grplo = grplo,
					   .grphi = grphi};
	return wh_rcu_walk_blocked(k, tasks, &list, v);
}

static void find_waiters(const struct wh_backtraces *bts, struct wh_rcu_view *v)
{
	for (size_t i = 0; i < bts->count && v->n_waiters < WH_RCU_MAX_LISTED; i++) {
		const struct wh_backtrace *bt = bts->items[i];
		if (bt->cpu >= 0 || bt->task.on_cpu)
			continue;
		/* The outermost matching frame names the call (synchronize_rcu
		 * rather than the __wait_rcu_gp it calls). */
		const char *fn = NULL;
		for (size_t f = 0; f < bt->stack.n; f++) {
			const struct wh_frame *fr = &bt->stack.frames[f];
			if (fr->have_symbol && !fr->sym.module &&
			    wh_function_is_one_of(fr->sym.function, gp_wait_functions))
				fn = fr->sym.function;
		}
		if (!fn)
			continue;
		struct wh_rcu_waiter *w = &v->waiters[v->n_waiters++];
		w->task = bt->task.address;
		w->pid = bt->task.pid;
		snprintf(w->function, sizeof(w->function), "%s", fn);
	}
}

struct wh_error *wh_rcu_view_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				   const struct wh_backtraces *bts, struct wh_rcu_view *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->gp_age_jiffies = -1;
	struct rcu_layout l = {0};
	uint64_t state, gp_start, name, jiffies, lvls, nodes;
	struct wh_error *err = probe_layout(k, &l);
	if (!err)
		err = wh_kernel_symbol_address(k, "rcu_state", &state);
	if (!err)
		err = wh_kernel_read_member(k, state, &l.gp_seq, &ret->gp_seq);
	if (!err)
		err = wh_kernel_read_member(k, state, &l.gp_start, &gp_start);
	if (!err)
		err = read_int_symbol(k, "rcu_num_lvls", &lvls);
	if (!err)
		err = read_int_symbol(k, "rcu_num_nodes", &nodes);
	if (err == &wh_error_nomem)
		return err;
	if (err) {
		snprintf(ret->error, sizeof(ret->error), "RCU state unreadable: %s", err->message);
		wh_error_destroy(err);
		find_waiters(bts, ret);
		return NULL;
	}
	ret->known = true;
	ret->hz = read_hz(k);
	ret->gp_in_progress = ret->gp_seq & RCU_SEQ_STATE_MASK;
	err = read_jiffies(k, &jiffies);
	if (!err && ret->gp_in_progress && jiffies - gp_start < (1ull << 62))
		ret->gp_age_jiffies = (int64_t)(jiffies - gp_start);
	wh_error_destroy(err);
	err = wh_kernel_read_member(k, state, &l.name, &name);
	if (!err)
		err = wh_dump_read(k->dump, name, ret->flavour, sizeof(ret->flavour) - 1);
	if (err)
		ret->flavour[0] = '\0';
	wh_error_destroy(err);
	ret->flavour[sizeof(ret->flavour) - 1] = '\0';
	if (nodes > l.n_node_slots || nodes > MAX_RCU_NODES || lvls == 0 || lvls > 8) {
		snprintf(ret->error, sizeof(ret->error),
			 "rcu_num_nodes %llu or rcu_num_lvls %llu out of range",
			 (unsigned long long)nodes, (unsigned long long)lvls);
		nodes = 0;
	}
	for (uint64_t i = 0; i < nodes; i++) {
		uint64_t node = state + l.node.offset + i * l.node_size, level;
		err = wh_kernel_read_member(k, node, &l.node_level, &level);
		if (!err)
			err = read_node(k, tasks, &l, node, level == lvls - 1, ret);
		if (err == &wh_error_nomem)
			return err;
		if (err) {
			if (!ret->error[0])
				snprintf(ret->error, sizeof(ret->error), "rcu_node %llu: %s",
					 (unsigned long long)i, err->message);
			wh_error_destroy(err);
		}
	}
	find_waiters(bts, ret);
	return NULL;
}

bool wh_rcu_view_stalled(const struct wh_rcu_view *v)
{
	if (!v->gp_in_progress)
		return false;
	for (size_t i = 0; i < v->n_readers; i++)
		if (v->readers[i].blocks_gp || v->readers[i].blocks_exp)
			return true;
	return v->n_stalled_cpus > 0;
}

static void add_owner(struct wh_wait_object *o, uint64_t task, int32_t pid,
		      struct wh_evidence evidence)
{
	for (size_t i = 0; i < o->n_owners; i++)
		if (o->owners[i].task == task)
			return;
	if (o->n_owners == WH_MAX_OWNERS)
		return;
	struct wh_owner *ow = &o->owners[o->n_owners++];
	ow->task = task;
	ow->pid = pid;
	ow->how = WH_OWNER_INFERRED;
	ow->evidence = evidence;
}

struct wh_error *wh_rcu_tie_waiters(struct wh_rcu_view *v, const struct wh_task_list *tasks,
				    const struct wh_cpus *cpus, struct wh_waits *w)
{
	if (!wh_rcu_view_stalled(v) || !v->n_waiters)
		return NULL;
	for (size_t i = 0; i < v->n_waiters; i++) {
		const struct wh_task_wait *tw = wh_waits_of_task(w, v->waiters[i].task);
		if (!tw)
			continue;
		struct wh_wait_object *o = &w->objects[tw->object];
		for (size_t r = 0; r < v->n_readers; r++) {
			const struct wh_rcu_reader *rd = &v->readers[r];
			if (!rd->blocks_gp && !rd->blocks_exp)
				continue;
			struct wh_evidence ev = {.kind = WH_EVIDENCE_RCU_READER,
						 .field = (uint64_t)(uint32_t)rd->grplo << 32 |
							  (uint32_t)rd->grphi,
						 .number = v->gp_seq};
			add_owner(o, rd->task, rd->pid, ev);
		}
		for (size_t c = 0; c < v->n_stalled_cpus; c++)
			for (size_t j = 0; j < cpus->count; j++) {
				const struct wh_cpu_view *cv = &cpus->cpus[j];
				if ((int)cv->cpu != v->stalled_cpus[c] || cv->idle)
					continue;
				struct wh_evidence ev = {.kind = WH_EVIDENCE_RCU_STALLED_CPU,
							 .field = cv->cpu,
							 .number = v->gp_seq};
				const struct wh_task *t =
				    wh_task_list_find_address(tasks, cv->bt->task.address);
				add_owner(o, cv->bt->task.address, t ? t->pid : -1, ev);
			}
		v->waiters[i].tied = o->n_owners > 0;
	}
	return wh_waits_index(w);
}
