#include "pid_ns.h"
#include "symbolize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* include/linux/pid_namespace.h MAX_PID_NS_LEVEL (32 since 3.11); a
 * deeper struct pid is corrupt. include/linux/sched.h PF_EXITING and
 * include/uapi/asm-generic/signal.h SIGKILL: ABI-stable values. */
enum { MAX_PID_NS_LEVEL = 32, PF_EXITING = 0x4, SIGKILL = 9 };

static const char *const reaper_functions[] = {"zap_pid_ns_processes", NULL};

struct wh_error *wh_task_pid_ns(struct wh_kernel *k, uint64_t task, int level, uint64_t *ret_ns,
				unsigned *ret_level)
{
	struct wh_member_info thread_pid, pid_level, numbers, upid_ns;
	uint64_t upid_size, pid, deepest, ns;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "task_struct", "thread_pid", &thread_pid)) ||
	    (err = wh_kernel_member(k, "pid", "level", &pid_level)) ||
	    (err = wh_kernel_member(k, "pid", "numbers", &numbers)) ||
	    (err = wh_kernel_member(k, "upid", "ns", &upid_ns)) ||
	    (err = wh_types_struct_size(k->types, "upid", &upid_size)) ||
	    (err = wh_kernel_read_member(k, task, &thread_pid, &pid)) ||
	    (err = wh_kernel_read_member(k, pid, &pid_level, &deepest)))
		return err;
	if (deepest > MAX_PID_NS_LEVEL)
		return wh_error_create(WH_ERR_CORRUPT, "struct pid at 0x%llx: level %llu",
				       (unsigned long long)pid, (unsigned long long)deepest);
	uint64_t at = level < 0 ? deepest : (uint64_t)level;
	if (at > deepest)
		return wh_error_create(WH_ERR_ABSENT, "task 0x%llx is not that deep (level %llu)",
				       (unsigned long long)task, (unsigned long long)deepest);
	err = wh_kernel_read_member(k, pid + numbers.offset + at * upid_size, &upid_ns, &ns);
	if (err)
		return err;
	*ret_ns = ns;
	*ret_level = (unsigned)at;
	return NULL;
}

/* SIGKILL in the task's or its thread group's pending set. */
static int sigkill_pending(struct wh_kernel *k, uint64_t task)
{
	struct wh_member_info own, shared, signal;
	uint64_t set = 0, sig = 0, group = 0;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "task_struct", "pending.signal.sig", &own)) ||
	    (err = wh_kernel_member(k, "task_struct", "signal", &signal)) ||
	    (err = wh_kernel_member(k, "signal_struct", "shared_pending.signal.sig", &shared)) ||
	    (err = wh_dump_read_u64(k->dump, task + own.offset, &set)) ||
	    (err = wh_kernel_read_member(k, task, &signal, &sig)) ||
	    (err = wh_dump_read_u64(k->dump, sig + shared.offset, &group))) {
		wh_error_destroy(err);
		return -1;
	}
	return ((set | group) >> (SIGKILL - 1)) & 1;
}

static bool in_reaper_function(const struct wh_backtrace *bt)
{
	for (size_t f = 0; f < bt->stack.n; f++) {
		const struct wh_frame *fr = &bt->stack.frames[f];
		if (fr->have_symbol && wh_function_is_one_of(fr->sym.function, reaper_functions))
			return true;
	}
	return false;
}

static void find_left(struct wh_kernel *k, const struct wh_task_list *tasks, struct wh_pidns *d)
{
	for (size_t i = 0; i < tasks->count; i++) {
		const struct wh_task *t = &tasks->tasks[i];
		uint64_t ns;
		unsigned level;
		if (t->idle || t->address == d->reaper)
			continue;
		struct wh_error *err = wh_task_pid_ns(k, t->address, (int)d->level, &ns, &level);
		if (err && err->code != WH_ERR_ABSENT && !d->error[0])
			snprintf(d->error, sizeof(d->error), "%s", err->message);
		wh_error_destroy(err);
		if (err || ns != d->ns)
			continue;
		if (d->n_left == WH_PIDNS_MAX_LEFT) {
			d->n_left_dropped++;
			continue;
		}
		struct wh_pidns_task *l = &d->left[d->n_left++];
		l->task = t->address;
		l->pid = t->pid;
		l->exiting = t->flags & PF_EXITING;
		l->zombie = t->exit_state != 0;
		l->sigkill = sigkill_pending(k, t->address);
	}
}

struct wh_error *wh_pidns_view_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				     const struct wh_backtraces *bts, struct wh_pidns_view *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < bts->count && ret->count < WH_PIDNS_MAX; i++) {
		const struct wh_backtrace *bt = bts->items[i];
		if (bt->cpu >= 0 || !in_reaper_function(bt))
			continue;
		struct wh_pidns *d = &ret->dying[ret->count++];
		memset(d, 0, sizeof(*d));
		d->reaper = bt->task.address;
		d->reaper_pid = bt->task.pid;
		d->pid_allocated = -1;
		struct wh_error *err = wh_task_pid_ns(k, d->reaper, -1, &d->ns, &d->level);
		if (err) {
			snprintf(d->error, sizeof(d->error), "the reaper's namespace: %s",
				 err->message);
			wh_error_destroy(err);
			continue;
		}
		struct wh_member_info allocated;
		uint64_t v;
		err = wh_kernel_member(k, "pid_namespace", "pid_allocated", &allocated);
		if (!err)
			err = wh_kernel_read_member(k, d->ns, &allocated, &v);
		if (!err)
			d->pid_allocated = (int64_t)(int32_t)(uint32_t)v;
		wh_error_destroy(err);
		find_left(k, tasks, d);
	}
	return NULL;
}
