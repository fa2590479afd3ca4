#include "tasks.h"
#include "list_walk.h"
#include "task_state.h"

#include <stdlib.h>
#include <string.h>

/* PID_MAX_LIMIT on 64-bit: no list of tasks or threads is longer. */
static const uint64_t MAX_TASKS = 4u << 20;
static const uint64_t PF_KTHREAD = 0x00200000;

struct task_layout {
	struct wh_member_info tasks, pid, tgid, comm, state, exit_state, flags, cpu, mm;
	struct wh_member_info signal, thread_head, thread_node, exec_start;
	bool have_thread_head, have_exec_start;
	struct wh_member_info thread_group; /* pre-thread_head kernels */
	struct wh_member_info rq_curr, rq_idle, rq_clock_task;
	bool have_rq;
};

struct collector {
	struct wh_kernel *k;
	struct task_layout *lay;
	struct wh_task_list *out;
	size_t cap;
	uint64_t *seen; /* addresses already collected (open addressing) */
	size_t seen_cap;
	uint64_t *cpu_clock; /* rq->clock_task per CPU, 0 if unknown */
	uint64_t *cpu_curr;
};

static struct wh_error *probe_layout(struct wh_kernel *k, struct task_layout *l)
{
	struct wh_error *err;
	bool found;
#define NEED(field, type, path)                                                                    \
	do {                                                                                       \
		if ((err = wh_kernel_member(k, type, path, &l->field)))                            \
			return err;                                                                \
	} while (0)
	NEED(tasks, "task_struct", "tasks");
	NEED(pid, "task_struct", "pid");
	NEED(tgid, "task_struct", "tgid");
	NEED(comm, "task_struct", "comm");
	NEED(exit_state, "task_struct", "exit_state");
	NEED(flags, "task_struct", "flags");
	NEED(mm, "task_struct", "mm");
	/* 5.14 renamed state to __state (commit 2f064a59a11f). */
	if ((err = wh_kernel_member_opt(k, "task_struct", "__state", &l->state, &found)))
		return err;
	if (!found)
		NEED(state, "task_struct", "state");
	/* THREAD_INFO_IN_TASK kernels since 5.16 keep cpu in thread_info. */
	if ((err = wh_kernel_member_opt(k, "task_struct", "thread_info.cpu", &l->cpu, &found)))
		return err;
	if (!found)
		NEED(cpu, "task_struct", "cpu");
	/* signal->thread_head (3.13+) vs the older thread_group ring. */
	if ((err = wh_kernel_member_opt(k, "task_struct", "thread_node", &l->thread_node,
					&l->have_thread_head)))
		return err;
	if (l->have_thread_head) {
		NEED(signal, "task_struct", "signal");
		NEED(thread_head, "signal_struct", "thread_head");
	} else {
		NEED(thread_group, "task_struct", "thread_group");
	}
	if ((err = wh_kernel_member_opt(k, "task_struct", "se.exec_start", &l->exec_start,
					&l->have_exec_start)))
		return err;
	/* struct rq is private to kernel/sched/; scheduler_tick() was renamed
	 * sched_tick() in 6.11. */
	static const char *const rq_hint[] = {"scheduler_tick", "sched_tick", NULL};
	wh_kernel_type_hint(k, rq_hint);
	bool a, b, c;
	if ((err = wh_kernel_member_opt(k, "rq", "curr", &l->rq_curr, &a)) ||
	    (err = wh_kernel_member_opt(k, "rq", "idle", &l->rq_idle, &b)) ||
	    (err = wh_kernel_member_opt(k, "rq", "clock_task", &l->rq_clock_task, &c)))
		return err;
	l->have_rq = a && b && c;
#undef NEED
	return NULL;
}

static size_t hash_addr(uint64_t a, size_t cap)
{
	return (size_t)((a >> 4) * 0x9e3779b97f4a7c15ull) & (cap - 1);
}

static struct wh_error *mark_seen(struct collector *c, uint64_t addr, bool *ret_dup)
{
	if ((c->out->count + 1) * 2 > c->seen_cap) {
		size_t cap = c->seen_cap ? c->seen_cap * 2 : 1024;
		uint64_t *s = calloc(cap, sizeof(*s));
		if (!s)
			return &wh_error_nomem;
		for (size_t i = 0; i < c->seen_cap; i++) {
			if (!c->seen[i])
				continue;
			size_t j = hash_addr(c->seen[i], cap);
			while (s[j])
				j = (j + 1) & (cap - 1);
			s[j] = c->seen[i];
		}
		free(c->seen);
		c->seen = s;
		c->seen_cap = cap;
	}
	size_t j = hash_addr(addr, c->seen_cap);
	while (c->seen[j]) {
		if (c->seen[j] == addr) {
			*ret_dup = true;
			return NULL;
		}
		j = (j + 1) & (c->seen_cap - 1);
	}
	c->seen[j] = addr;
	*ret_dup = false;
	return NULL;
}

/* Keep ERR among the list's problems and go on; consumes ERR. */
static void note(struct wh_task_list *list, struct wh_error *err)
{
	wh_diags_add_error(&list->diags, "tasks", err);
}

/* Read one task. Fails only when the task_struct itself is unreadable. */
static struct wh_error *read_task(struct collector *c, uint64_t addr, struct wh_task *t)
{
	struct wh_kernel *k = c->k;
	struct task_layout *l = c->lay;
	memset(t, 0, sizeof(*t));
	t->address = addr;
	uint64_t v;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(k, addr, &l->pid, &v)))
		return err;
	t->pid = (int32_t)v;
	if ((err = wh_kernel_read_member(k, addr, &l->tgid, &v)))
		return err;
	t->tgid = (int32_t)v;
	if ((err = wh_dump_read(k->dump, addr + l->comm.offset, t->comm, WH_COMM_LEN)))
		return err;
	t->comm[WH_COMM_LEN] = '\0';
	if ((err = wh_kernel_read_member(k, addr, &l->state, &t->raw_state)) ||
	    (err = wh_kernel_read_member(k, addr, &l->exit_state, &t->exit_state)) ||
	    (err = wh_kernel_read_member(k, addr, &l->flags, &t->flags)))
		return err;
	t->state = wh_task_state_char(t->raw_state, t->exit_state);
	t->kthread = t->flags & PF_KTHREAD;
	t->cpu = -1;
	if (wh_best_effort(wh_kernel_read_member(k, addr, &l->cpu, &v)) && v < k->nr_cpu_ids)
		t->cpu = (int)v;
	t->in_state_ns = -1;
	if (t->cpu >= 0 && c->cpu_curr && c->cpu_curr[t->cpu] == addr)
		t->on_cpu = true;
	if (l->have_exec_start && t->cpu >= 0 && !t->on_cpu && c->cpu_clock &&
	    c->cpu_clock[t->cpu] &&
	    wh_best_effort(wh_kernel_read_member(k, addr, &l->exec_start, &v)) && v &&
	    v <= c->cpu_clock[t->cpu])
		t->in_state_ns = (int64_t)(c->cpu_clock[t->cpu] - v);
	return NULL;
}

static struct wh_error *append_task(struct collector *c, uint64_t addr, bool idle)
{
	bool dup;
	struct wh_error *err = mark_seen(c, addr, &dup);
	if (err || dup)
		return err;
	if (c->out->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct wh_task *t = realloc(c->out->tasks, cap * sizeof(*t));
		if (!t)
			return &wh_error_nomem;
		c->out->tasks = t;
		c->cap = cap;
	}
	struct wh_task *t = &c->out->tasks[c->out->count];
	err = read_task(c, addr, t);
	if (err) {
		note(c->out, wh_error_wrap(err, "task at 0x%llx", (unsigned long long)addr));
		return NULL;
	}
	t->idle = idle;
	c->out->count++;
	return NULL;
}

static struct wh_error *visit_thread(void *arg, uint64_t node, bool *stop)
{
	struct collector *c = arg;
	uint64_t off =
	    c->lay->have_thread_head ? c->lay->thread_node.offset : c->lay->thread_group.offset;
	return append_task(c, node - off, false);
}

static struct wh_error *visit_leader(void *arg, uint64_t node, bool *stop)
{
	struct collector *c = arg;
	struct task_layout *l = c->lay;
	uint64_t leader = node - l->tasks.offset;
	struct wh_error *err = append_task(c, leader, false);
	if (err)
		return err;
	uint64_t head;
	if (l->have_thread_head) {
		uint64_t signal;
		err = wh_kernel_read_member(c->k, leader, &l->signal, &signal);
		if (err) {
			note(c->out, wh_error_wrap(err, "threads of task 0x%llx",
						   (unsigned long long)leader));
			return NULL;
		}
		if (!signal)
			return NULL; /* fully exited */
		head = signal + l->thread_head.offset;
	} else {
		head = leader + l->thread_group.offset;
	}
	err = wh_list_walk(c->k, head, MAX_TASKS, visit_thread, c);
	if (err && err != &wh_error_nomem) {
		note(c->out,
		     wh_error_wrap(err, "threads of task 0x%llx", (unsigned long long)leader));
		return NULL;
	}
	return err;
}

/* Per-CPU runqueue facts used for on-CPU and time-in-state. */
static struct wh_error *read_runqueues(struct collector *c)
{
	struct wh_kernel *k = c->k;
	if (!c->lay->have_rq)
		return NULL;
	c->cpu_clock = calloc(k->nr_cpu_ids, sizeof(*c->cpu_clock));
	c->cpu_curr = calloc(k->nr_cpu_ids, sizeof(*c->cpu_curr));
	if (!c->cpu_clock || !c->cpu_curr)
		return &wh_error_nomem;
	for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		if (!k->cpu_possible[cpu])
			continue;
		uint64_t rq;
		struct wh_error *err = wh_kernel_percpu_address(k, "runqueues", cpu, &rq);
		if (err)
			return err;
		if ((err = wh_kernel_read_member(k, rq, &c->lay->rq_curr, &c->cpu_curr[cpu])) ||
		    (err = wh_kernel_read_member(k, rq, &c->lay->rq_clock_task,
						 &c->cpu_clock[cpu]))) {
			note(c->out, wh_error_wrap(err, "runqueue of CPU %u", cpu));
		}
	}
	return NULL;
}

static struct wh_error *collect_idle(struct collector *c)
{
	struct wh_kernel *k = c->k;
	uint64_t init_task;
	struct wh_error *err = wh_kernel_symbol_address(k, "init_task", &init_task);
	if (err)
		return err;
	if ((err = append_task(c, init_task, true)))
		return err;
	if (!c->lay->have_rq)
		return NULL;
	for (unsigned cpu = 1; cpu < k->nr_cpu_ids; cpu++) {
		if (!k->cpu_possible[cpu])
			continue;
		uint64_t rq, idle;
		if ((err = wh_kernel_percpu_address(k, "runqueues", cpu, &rq)))
			return err;
		err = wh_kernel_read_member(k, rq, &c->lay->rq_idle, &idle);
		if (!err && idle)
			err = append_task(c, idle, true);
		if (err == &wh_error_nomem)
			return err;
		if (err)
			note(c->out, wh_error_wrap(err, "idle task of CPU %u", cpu));
	}
	return NULL;
}

static int compare_tasks(const void *a, const void *b)
{
	const struct wh_task *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->cpu - y->cpu;
}

struct wh_error *wh_tasks_collect(struct wh_kernel *k, struct wh_task_list *ret)
{
	struct task_layout lay;
	memset(ret, 0, sizeof(*ret));
	struct wh_error *err = probe_layout(k, &lay);
	if (err)
		return wh_error_wrap(err, "task layout");
	struct collector c = {.k = k, .lay = &lay, .out = ret};
	uint64_t init_task;
	if (!(err = read_runqueues(&c)) && !(err = collect_idle(&c)) &&
	    !(err = wh_kernel_symbol_address(k, "init_task", &init_task))) {
		size_t before = ret->count;
		err = wh_list_walk(k, init_task + lay.tasks.offset, MAX_TASKS, visit_leader, &c);
		if (err && err != &wh_error_nomem) {
			ret->list_incomplete = true;
			note(ret, wh_error_wrap(err, "task list cannot be walked"));
			err = NULL;
		} else if (!err && ret->count == before) {
			/* A running kernel always has init and kthreadd on it. */
			ret->list_incomplete = true;
			note(ret, wh_error_create(WH_ERR_CORRUPT, "task list cannot be walked: "
								  "init_task.tasks is empty (damaged)"));
		}
	}
	free(c.seen);
	free(c.cpu_clock);
	free(c.cpu_curr);
	if (err) {
		wh_task_list_deinit(ret);
		return err;
	}
	qsort(ret->tasks, ret->count, sizeof(*ret->tasks), compare_tasks);
	if ((err = wh_task_list_index(ret)))
		wh_task_list_deinit(ret);
	return err;
}

struct wh_error *wh_task_list_index(struct wh_task_list *list)
{
	wh_addr_map_deinit(&list->by_address);
	struct wh_error *err = wh_addr_map_reserve(&list->by_address, list->count);
	/* Addresses are unique: mark_seen() dropped repeats. */
	for (size_t i = 0; !err && i < list->count; i++)
		err = wh_addr_map_add(&list->by_address, list->tasks[i].address, i);
	return err;
}

void wh_task_list_deinit(struct wh_task_list *list)
{
	free(list->tasks);
	wh_diags_deinit(&list->diags);
	wh_addr_map_deinit(&list->by_address);
	memset(list, 0, sizeof(*list));
}

const struct wh_task *wh_task_list_find_pid(const struct wh_task_list *list, int32_t pid)
{
	for (size_t i = 0; i < list->count; i++)
		if (list->tasks[i].pid == pid && !list->tasks[i].idle)
			return &list->tasks[i];
	return NULL;
}

const struct wh_task *wh_task_list_find_address(const struct wh_task_list *list, uint64_t addr)
{
	if (list->by_address.count != list->count) {
		/* Not indexed (yet): only lists built by hand for tests. */
		for (size_t i = 0; i < list->count; i++)
			if (list->tasks[i].address == addr)
				return &list->tasks[i];
		return NULL;
	}
	size_t i = wh_addr_map_get(&list->by_address, addr);
	return i == SIZE_MAX ? NULL : &list->tasks[i];
}
