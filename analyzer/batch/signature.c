#include "signature.h"
#include "escape.h"
#include "hash.h"
#include "symbolize.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frames kept per normalised stack after the skipped ones: enough to tell
 * which path took the lock, few enough that an unrelated caller further
 * down (which syscall, which work item) does not split one bug in two. */
enum { KEEP_FRAMES = 5, MAX_WAITER_STACKS = 3, STACK_TEXT = 1024 };

/* Frames that say how a task sleeps or spins, not why: the scheduler, the
 * lock and wait primitives (the lock kind already says which), and the
 * entry code every stack ends in. Prefixes, matched after suffixes are
 * removed. Like syzkaller's hung-task titles, the first frame past these
 * is the one that names the bug. */
static const char *const skipped_prefixes[] = {
    "__schedule",
    "schedule",
    "io_schedule",
    "preempt_schedule",
    "__switch_to",
    "context_switch",
    "__cond_resched",
    "_cond_resched",
    "mutex_lock",
    "__mutex_lock",
    "mutex_lock_",
    "down",
    "__down",
    "rwsem_down",
    "up_",
    "wait_for_completion",
    "__wait_for_common",
    "wait_for_common",
    "do_wait_for_common",
    "wait_on_bit",
    "__wait_on_bit",
    "out_of_line_wait_on_bit",
    "bit_wait",
    "folio_wait",
    "__folio_lock",
    "folio_lock",
    "__lock_page",
    "lock_page",
    "wait_on_page",
    "percpu_down",
    "__percpu_down",
    "percpu_rwsem_wait",
    "__percpu_rwsem",
    "__wait_",
    "wait_woken",
    "prepare_to_wait",
    "finish_wait",
    "rcuwait_wait",
    "queued_spin_lock",
    "native_queued_spin",
    "_raw_spin",
    "__pv_queued",
    "do_raw_spin",
    "__raw_spin",
    "wait_var_event",
    "__var_waitqueue",
    "ret_from_fork",
    "kthread",
    "entry_SYSCALL",
    "do_syscall_64",
    "syscall_exit",
    "exit_to_user_mode",
    "asm_",
    "sysvec_",
    "__sysvec_",
    "irq_exit",
    "__irq_exit",
    "do_softirq",
    "__do_softirq",
    "smp_call_function",
    "nmi_",
    "default_do_nmi",
    "exc_nmi",
    "end_repeat_nmi",
    "panic",
    "crash_",
    "__crash_kexec",
    "native_machine_crash",
    "machine_crash",
    "hrtimer_",
    "__hrtimer",
    "watchdog_timer_fn",
    "__run_hrtimer",
    "native_safe_halt",
    "default_idle",
    "do_idle",
    "cpu_startup_entry",
};

void wh_signature_function(const char *name, char *out, size_t size)
{
	size_t n = 0;
	/* A compiler suffix starts at the first '.': kernel function names
	 * have none of their own. */
	while (name[n] && name[n] != '.')
		n++;
	snprintf(out, size, "%.*s", (int)n, name);
}

static bool skipped(const char *fn)
{
	for (size_t i = 0; i < sizeof(skipped_prefixes) / sizeof(*skipped_prefixes); i++)
		if (!strncmp(fn, skipped_prefixes[i], strlen(skipped_prefixes[i])))
			return true;
	return false;
}

/* Append SEP (when BUF is not empty) and S to BUF, truncating. */
static void append(char *buf, size_t size, const char *sep, const char *s)
{
	size_t used = strlen(buf);
	if (used < size)
		snprintf(buf + used, size - used, "%s%s", used ? sep : "", s);
}

/* "f1 < f2 < f3 [mod]": innermost first, skipped frames and frames the
 * stack scan only guessed left out; FIRST is the first frame to look at
 * (a CPU's interrupted code). */
static void normalise_stack(const struct wh_backtrace *bt, size_t first, char *out, size_t size)
{
	out[0] = '\0';
	if (!bt) {
		snprintf(out, size, "(no stack)");
		return;
	}
	size_t kept = 0;
	for (size_t i = first; i < bt->stack.n && kept < KEEP_FRAMES; i++) {
		const struct wh_frame *f = &bt->stack.frames[i];
		if (!f->have_symbol || !f->sym.function || (f->flags & WH_FRAME_SCANNED))
			continue;
		char fn[128], esc[160];
		wh_signature_function(f->sym.function, fn, sizeof(fn));
		if (skipped(fn))
			continue;
		append(out, size, " < ", wh_escape_text(fn, SIZE_MAX, esc, sizeof(esc)));
		if (f->sym.module) {
			char mod[180];
			snprintf(mod, sizeof(mod), "[%s]",
				 wh_escape_text(f->sym.module, SIZE_MAX, esc, sizeof(esc)));
			append(out, size, " ", mod);
		}
		kept++;
	}
	if (!kept)
		snprintf(out, size, "(no frames)");
}

/* Where a named lock lives, for the names whyhung gives per-object locks
 * ("FIELD of OWNER"). */
static const struct {
	const char *field;
	const char *cls;
} lock_fields[] = {
    {"mmap_lock", "mm_struct.mmap_lock"},	    {"i_rwsem", "inode.i_rwsem"},
    {"s_umount", "super_block.s_umount"},	    {"sb_writers", "super_block.s_writers"},
    {"i_mmap_rwsem", "address_space.i_mmap_rwsem"},
};

void wh_signature_lock_class(const char *kind, const char *name, char *out, size_t size)
{
	char cls[160];
	size_t n = 0;
	const char *of = strstr(name, " of ");
	/* Up to " of " (an object inside another), else the whole name. */
	size_t end = of ? (size_t)(of - name) : strlen(name);
	for (size_t i = 0; i < end && n + 1 < sizeof(cls); i++) {
		unsigned char c = (unsigned char)name[i];
		/* Addresses, offsets and instance numbers differ per boot. */
		if (c == '0' && name[i + 1] == 'x') {
			i++;
			while (i + 1 < end && isxdigit((unsigned char)name[i + 1]))
				i++;
			continue;
		}
		if (isdigit(c) && (n == 0 || !isalpha((unsigned char)cls[n - 1]))) {
			while (i + 1 < end && isdigit((unsigned char)name[i + 1]))
				i++;
			cls[n++] = 'N';
			continue;
		}
		cls[n++] = (char)(c < 0x20 || c >= 0x7f ? '?' : c);
	}
	while (n && (cls[n - 1] == ' ' || cls[n - 1] == '+'))
		n--;
	cls[n] = '\0';
	/* "completion at 0x...": an object known by its address only. */
	if (n >= 3 && !strcmp(cls + n - 3, " at"))
		cls[n - 3] = '\0';
	for (size_t i = 0; i < sizeof(lock_fields) / sizeof(*lock_fields); i++)
		if (!strcmp(cls, lock_fields[i].field))
			snprintf(cls, sizeof(cls), "%s", lock_fields[i].cls);
	snprintf(out, size, "%s:%s", kind, cls[0] ? cls : "?");
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct parts {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void add_part(struct parts *p, const char *key, const char *value)
{
	size_t need = strlen(key) + strlen(value) + 3;
	if (p->len + need + 1 > p->cap) {
		size_t cap = (p->cap + need + 1) * 2;
		char *b = realloc(p->buf, cap);
		if (!b) {
			p->failed = true;
			return;
		}
		p->buf = b;
		p->cap = cap;
	}
	p->len += (size_t)sprintf(p->buf + p->len, "%s: %s\n", key, value);
}

/* Distinct normalised stacks of N tasks, sorted, at most MAX_WAITER_STACKS,
 * joined by " | ": which tasks queue first differs per run, the set of
 * paths that reach the lock does not. */
static struct wh_error *stack_set(const struct wh_report *r, const uint64_t *tasks, size_t n,
				  char *out, size_t size)
{
	char **stacks = calloc(n ? n : 1, sizeof(*stacks));
	if (!stacks)
		return &wh_error_nomem;
	struct wh_error *err = NULL;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		char text[STACK_TEXT];
		normalise_stack(wh_report_backtrace(r, tasks[i]), 0, text, sizeof(text));
		if (!(stacks[m] = strdup(text))) {
			err = &wh_error_nomem;
			break;
		}
		m++;
	}
	if (m)
		qsort(stacks, m, sizeof(*stacks), compare_strings);
	out[0] = '\0';
	size_t shown = 0;
	for (size_t i = 0; !err && i < m && shown < MAX_WAITER_STACKS; i++) {
		if (i && !strcmp(stacks[i], stacks[i - 1]))
			continue;
		append(out, size, " | ", stacks[i]);
		shown++;
	}
	if (!m)
		snprintf(out, size, "(none)");
	for (size_t i = 0; i < m; i++)
		free(stacks[i]);
	free(stacks);
	return err;
}

static const char *panic_kind_name(enum wh_panic_kind kind)
{
	switch (kind) {
	case WH_PANIC_NONE: return "none";
	case WH_PANIC_HUNG_TASK: return "hung_task";
	case WH_PANIC_SOFT_LOCKUP: return "soft_lockup";
	case WH_PANIC_HARD_LOCKUP: return "hard_lockup";
	case WH_PANIC_OOPS: return "oops";
	case WH_PANIC_SYSRQ: return "sysrq";
	case WH_PANIC_OTHER: return "other";
	}
	return "other";
}

/* A deadlock: each task of the cycle as "lock class <- its stack", sorted,
 * so that where the cycle is entered (which pid is lowest) does not
 * matter. */
static struct wh_error *cycle_parts(const struct wh_report *r, const struct wh_cycle *c,
				    struct parts *p)
{
	char **entries = calloc(c->n ? c->n : 1, sizeof(*entries));
	if (!entries)
		return &wh_error_nomem;
	struct wh_error *err = NULL;
	size_t m = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct wh_task *t = &r->summary.tasks.tasks[c->tasks[i]];
		const struct wh_task_wait *w = wh_waits_of_task(&r->waits, t->address);
		char cls[200] = "?", stack[STACK_TEXT], entry[STACK_TEXT + 256];
		if (w)
			wh_signature_lock_class(wh_wait_kind_name(r->waits.objects[w->object].kind),
						r->waits.objects[w->object].name, cls, sizeof(cls));
		normalise_stack(wh_report_backtrace(r, t->address), 0, stack, sizeof(stack));
		snprintf(entry, sizeof(entry), "%s <- %s", cls, stack);
		if (!(entries[m] = strdup(entry))) {
			err = &wh_error_nomem;
			break;
		}
		m++;
	}
	if (m)
		qsort(entries, m, sizeof(*entries), compare_strings);
	for (size_t i = 0; i < m; i++) {
		if (!err)
			add_part(p, "cycle", entries[i]);
		free(entries[i]);
	}
	free(entries);
	return err;
}

static struct wh_error *object_parts(const struct wh_report *r, size_t object,
				     const struct wh_task *holder, struct parts *p)
{
	const struct wh_wait_object *o = &r->waits.objects[object];
	char cls[200], text[STACK_TEXT * MAX_WAITER_STACKS];
	wh_signature_lock_class(wh_wait_kind_name(o->kind), o->name, cls, sizeof(cls));
	add_part(p, "lock", cls);
	if (holder) {
		normalise_stack(wh_report_backtrace(r, holder->address), 0, text, sizeof(text));
		add_part(p, "holder", text);
	}
	struct wh_error *err = stack_set(r, o->waiters, o->n_waiters, text, sizeof(text));
	if (!err)
		add_part(p, "waiters", text);
	return err;
}

/* What CPU CPU was running when it was stopped (from the interrupted
 * frame on: the NMI or IPI that stopped it is the same on every dump). */
static bool cpu_stack(const struct wh_report *r, int cpu, char *text, size_t size)
{
	for (size_t i = 0; cpu >= 0 && i < r->cpus.count; i++) {
		const struct wh_cpu_view *v = &r->cpus.cpus[i];
		if (v->cpu != (unsigned)cpu || !v->bt)
			continue;
		size_t first = v->interrupted_frame == SIZE_MAX ? 0 : v->interrupted_frame;
		normalise_stack(v->bt, first, text, size);
		return true;
	}
	return false;
}

/* CPUs spinning on a lock: the lock, the first spinner's code and the
 * holder's when known; else what the CPU the watchdog or the panic names
 * was running. */
static void cpu_parts(const struct wh_report *r, struct parts *p)
{
	char text[STACK_TEXT];
	if (r->spinlocks.count) {
		const struct wh_spinlock *s = &r->spinlocks.locks[0];
		char cls[200];
		wh_signature_lock_class("spinlock", s->name, cls, sizeof(cls));
		add_part(p, "root", "spinning-cpu");
		add_part(p, "lock", cls);
		if (s->holder_cpu >= 0 && cpu_stack(r, s->holder_cpu, text, sizeof(text)))
			add_part(p, "holder", text);
		if (s->n_spinners && cpu_stack(r, (int)s->spinners[0], text, sizeof(text)))
			add_part(p, "spinner", text);
		return;
	}
	enum wh_panic_kind kind = r->summary.panic.kind;
	bool lockup = kind == WH_PANIC_SOFT_LOCKUP || kind == WH_PANIC_HARD_LOCKUP;
	add_part(p, "root", "cpu");
	if (cpu_stack(r, lockup ? r->summary.panic.lockup_cpu : r->summary.panic.cpu, text,
		      sizeof(text)))
		add_part(p, "running", text);
}

struct wh_error *wh_signature_build(const struct wh_report *r, struct wh_signature *ret)
{
	struct parts p = {0};
	struct wh_error *err = NULL;
	enum wh_panic_kind kind = r->summary.panic.kind;
	add_part(&p, "panic", panic_kind_name(kind));
	/* A lockup panic is about a CPU: when CPUs spin on a lock, that is
	 * the bug, whatever tasks happen to wait on besides. */
	bool lockup = kind == WH_PANIC_SOFT_LOCKUP || kind == WH_PANIC_HARD_LOCKUP;
	if (!r->graph.n_roots || (lockup && r->spinlocks.count)) {
		cpu_parts(r, &p);
	} else {
		const struct wh_root_cause *rc = &r->graph.roots[0];
		switch (rc->kind) {
		case WH_ROOT_CYCLE:
			add_part(&p, "root", "deadlock");
			err = cycle_parts(r, &r->graph.cycles[rc->index], &p);
			break;
		case WH_ROOT_TASK:
			add_part(&p, "root", "holder");
			err =
			    object_parts(r, rc->via_object, &r->summary.tasks.tasks[rc->index], &p);
			break;
		case WH_ROOT_OBJECT:
			add_part(&p, "root", "no-holder");
			err = object_parts(r, rc->index, NULL, &p);
			break;
		}
	}
	if (!err && p.failed)
		err = &wh_error_nomem;
	if (err) {
		free(p.buf);
		return err;
	}
	struct wh_hash h;
	char hex[33];
	wh_hash_init(&h);
	wh_hash_update(&h, WH_SIGNATURE_PREFIX, strlen(WH_SIGNATURE_PREFIX));
	wh_hash_update(&h, p.buf, p.len);
	wh_hash_hex(&h, hex);
	snprintf(ret->id, sizeof(ret->id), "%s%s", WH_SIGNATURE_PREFIX, hex);
	ret->parts = p.buf;
	return NULL;
}

void wh_signature_deinit(struct wh_signature *s)
{
	free(s->parts);
	s->parts = NULL;
}
