#include "panic.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- bounded parsing of one log line (raw bytes, not NUL-terminated) ---- */

struct line {
	const char *s;
	size_t len;
};

static bool starts_with(struct line l, const char *prefix)
{
	size_t n = strlen(prefix);
	return l.len >= n && !memcmp(l.s, prefix, n);
}

/* Offset of NEEDLE in L at or after FROM, or -1. */
static long find(struct line l, size_t from, const char *needle)
{
	if (from > l.len)
		return -1;
	const char *p = memmem(l.s + from, l.len - from, needle, strlen(needle));
	return p ? (long)(p - l.s) : -1;
}

/* Decimal digits at *POS (at most 19, so no overflow); advances *POS. */
static bool parse_uint(struct line l, size_t *pos, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i = *pos;
	while (i < l.len && i - *pos < 19 && l.s[i] >= '0' && l.s[i] <= '9')
		v = v * 10 + (uint64_t)(l.s[i++] - '0');
	if (i == *pos)
		return false;
	*pos = i;
	*ret = v;
	return true;
}

static bool parse_small(struct line l, size_t *pos, int64_t max, int64_t *ret)
{
	uint64_t v;
	if (!parse_uint(l, pos, &v) || v > (uint64_t)max)
		return false;
	*ret = (int64_t)v;
	return true;
}

/* Copy at most SIZE-1 bytes of L[FROM, TO) into DST, NUL-terminated. */
static void copy_span(char *dst, size_t size, struct line l, size_t from, size_t to)
{
	size_t n = to > from && to <= l.len ? to - from : 0;
	if (n > size - 1)
		n = size - 1;
	memcpy(dst, l.s + from, n);
	dst[n] = '\0';
}

static size_t trimmed_len(struct line l)
{
	size_t n = l.len;
	while (n && (l.s[n - 1] == ' ' || l.s[n - 1] == '\t' || l.s[n - 1] == '\r'))
		n--;
	return n;
}

/* ---- the messages, as 6.1 prints them (older kernels agree) ---- */

static const char PANIC_PREFIX[] = "Kernel panic - not syncing: ";

/* kernel/hung_task.c check_hung_task(). COMM may hold ':', so the pid is
 * after the last one. */
static struct wh_error *parse_hung(struct line l, struct wh_panic *p)
{
	static const char pre[] = "INFO: task ", mid[] = " blocked for more than ";
	long at = find(l, 0, pre);
	if (at < 0)
		return NULL;
	size_t start = (size_t)at + strlen(pre);
	long m = find(l, start, mid);
	if (m < 0)
		return NULL;
	size_t colon = (size_t)m;
	while (colon > start && l.s[colon - 1] != ':')
		colon--;
	if (colon == start)
		return NULL;
	size_t pos = colon;
	int64_t pid;
	uint64_t seconds = 0;
	if (!parse_small(l, &pos, INT32_MAX, &pid) || pos != (size_t)m)
		return NULL;
	pos = (size_t)m + strlen(mid);
	parse_uint(l, &pos, &seconds); /* missing: 0, the report still counts */
	for (size_t i = 0; i < p->n_hung; i++) {
		if (p->hung[i].pid == pid) {
			if (seconds > p->hung[i].seconds)
				p->hung[i].seconds = seconds;
			return NULL;
		}
	}
	if (p->n_hung == WH_PANIC_MAX_HUNG) {
		p->n_hung_dropped++;
		return NULL;
	}
	if (!p->hung) {
		p->hung = calloc(WH_PANIC_MAX_HUNG, sizeof(*p->hung));
		if (!p->hung)
			return &wh_error_nomem;
	}
	struct wh_hung_report *r = &p->hung[p->n_hung++];
	r->pid = (int32_t)pid;
	r->seconds = seconds;
	copy_span(r->comm, sizeof(r->comm), l, start, colon - 1);
	return NULL;
}

/* kernel/watchdog.c watchdog_timer_fn(): "BUG: soft lockup - CPU#%d stuck
 * for %us! [%s:%d]". The first report is the one that panics. */
static bool parse_soft_lockup(struct line l, struct wh_panic *p)
{
	static const char pre[] = "BUG: soft lockup - CPU#", stuck[] = " stuck for ";
	long at = find(l, 0, pre);
	if (at < 0)
		return false;
	size_t pos = (size_t)at + strlen(pre);
	int64_t cpu;
	if (!parse_small(l, &pos, INT32_MAX, &cpu))
		return false;
	p->lockup_cpu = (int)cpu;
	if (!starts_with((struct line){l.s + pos, l.len - pos}, stuck))
		return true;
	pos += strlen(stuck);
	parse_uint(l, &pos, &p->lockup_seconds);
	long open = find(l, pos, "[");
	size_t end = trimmed_len(l);
	if (open < 0 || !end || l.s[end - 1] != ']')
		return true;
	size_t colon = end - 1;
	while (colon > (size_t)open + 1 && l.s[colon - 1] != ':')
		colon--;
	int64_t pid;
	size_t ppos = colon;
	if (colon <= (size_t)open + 1 || !parse_small(l, &ppos, INT32_MAX, &pid) || ppos != end - 1)
		return true;
	p->lockup_pid = (int32_t)pid;
	copy_span(p->lockup_comm, sizeof(p->lockup_comm), l, (size_t)open + 1, colon - 1);
	return true;
}

/* kernel/watchdog_hld.c watchdog_overflow_callback(). */
static bool parse_hard_lockup(struct line l, struct wh_panic *p)
{
	static const char pre[] = "Watchdog detected hard LOCKUP on cpu ";
	long at = find(l, 0, pre);
	if (at < 0)
		return false;
	size_t pos = (size_t)at + strlen(pre);
	int64_t cpu;
	if (parse_small(l, &pos, INT32_MAX, &cpu))
		p->lockup_cpu = (int)cpu;
	return true;
}

/* Skip "rcu: " and blanks (the stall lines are tab-indented). */
static size_t after_rcu_prefix(struct line l)
{
	size_t pos = starts_with(l, "rcu: ") ? strlen("rcu: ") : 0;
	while (pos < l.len && (l.s[pos] == ' ' || l.s[pos] == '\t'))
		pos++;
	return pos;
}

/* " P45/1:b..l P46": the pids of the readers a stall warning names, each
 * a 'P' after a blank (or at FROM) followed by digits. */
static void parse_rcu_pids(struct line l, size_t from, struct wh_rcu_stall_report *r)
{
	for (size_t i = from; i < l.len && r->n_pids < WH_PANIC_MAX_RCU; i++) {
		if (l.s[i] != 'P' || (i > from && l.s[i - 1] != ' ' && l.s[i - 1] != '\t'))
			continue;
		size_t pos = i + 1;
		int64_t pid;
		if (parse_small(l, &pos, INT32_MAX, &pid))
			r->pids[r->n_pids++] = (int32_t)pid;
		i = pos - 1;
	}
}

/* kernel/rcu/tree_stall.h: print_other_cpu_stall(), print_cpu_stall(),
 * rcu_print_task_stall(), print_cpu_stall_info(). Only the first warning
 * is kept: with panic_on_rcu_stall it is the one that panics. */
static bool parse_rcu_stall(struct line l, struct wh_rcu_stall_report *r, bool *in_tasks,
			    bool *ended)
{
	static const char info[] = "INFO: ", other[] = " detected stalls on CPUs/tasks",
			  self[] = " self-detected stall on CPU";
	size_t pos = after_rcu_prefix(l);
	struct line rest = {l.s + pos, l.len - pos};
	if (!r->seen) {
		if (!starts_with(rest, info))
			return false;
		long o = find(l, pos, other), sd = find(l, pos, self);
		if (o < 0 && sd < 0)
			return false;
		r->seen = true;
		r->self_detected = o < 0;
		copy_span(r->flavour, sizeof(r->flavour), l, pos + strlen(info),
			  (size_t)(o < 0 ? sd : o));
		return true;
	}
	if (*ended) /* the warning's last line was seen */
		return false;
	if (starts_with(rest, "Tasks blocked on level-")) {
		long colon = find(l, pos, "):");
		if (colon >= 0)
			parse_rcu_pids(l, (size_t)colon + 2, r);
		*in_tasks = true;
		return true;
	}
	if (*in_tasks && starts_with(rest, "P")) { /* a pr_cont() kept apart */
		parse_rcu_pids(l, pos, r);
		return true;
	}
	*in_tasks = false;
	static const char by[] = "(detected by ";
	if (starts_with(rest, by) || starts_with(rest, "(t=")) {
		size_t p2 = pos + 1;
		int64_t cpu;
		uint64_t v;
		if (starts_with(rest, by)) {
			p2 = pos + strlen(by);
			if (parse_small(l, &p2, INT32_MAX, &cpu))
				r->detected_by = (int)cpu;
		}
		long t = find(l, p2, "t=");
		size_t tp = t < 0 ? l.len : (size_t)t + 2;
		if (t >= 0 && parse_uint(l, &tp, &v) && v <= INT64_MAX)
			r->jiffies = (int64_t)v;
		long g = find(l, p2, "g=");
		size_t gp = g < 0 ? l.len : (size_t)g + 2;
		bool neg = g >= 0 && gp < l.len && l.s[gp] == '-';
		if (g >= 0 && parse_uint(l, &(size_t){gp + neg}, &v) && v <= INT64_MAX) {
			r->gp = neg ? -(int64_t)v : (int64_t)v;
			r->have_gp = true;
		}
		*ended = true;
		return true;
	}
	/* "0-...!: (1 GPs behind) idle=...": a CPU that has not reported. */
	size_t cp = pos;
	int64_t cpu;
	if (parse_small(l, &cp, INT32_MAX, &cpu) && cp + 6 < l.len && l.s[cp] == '-' &&
	    l.s[cp + 5] == ':' && l.s[cp + 6] == ' ' && r->n_cpus < WH_PANIC_MAX_RCU) {
		r->cpus[r->n_cpus++] = (int)cpu;
		return true;
	}
	return false;
}

/* Lines that start an oops report: die(), BUG(), report_bug() for WARN,
 * the page fault handler ("BUG: kernel NULL pointer dereference"). */
static bool is_oops_line(struct line l)
{
	return (starts_with(l, "BUG: ") && find(l, 0, "soft lockup") < 0) ||
	       starts_with(l, "Oops: ") || starts_with(l, "kernel BUG at ") ||
	       starts_with(l, "WARNING: ");
}

/* drivers/tty/sysrq.c: "sysrq: Trigger a crash" (6.1), "SysRq : Trigger
 * a crash" (older). */
static bool is_sysrq_crash(struct line l)
{
	return l.len >= 5 && !strncasecmp(l.s, "sysrq", 5) && find(l, 0, "Trigger a crash") >= 0;
}

/* lib/dump_stack.c dump_stack_print_info(), right after the panic line:
 * "CPU: %d PID: %d Comm: %.20s Not tainted|Tainted: ..." (6.10+ puts
 * "UID: %u " before PID). */
static bool parse_cpu_line(struct line l, struct wh_panic *p)
{
	if (!starts_with(l, "CPU: "))
		return false;
	size_t pos = strlen("CPU: ");
	int64_t cpu, pid;
	if (!parse_small(l, &pos, INT32_MAX, &cpu))
		return false;
	long at = find(l, pos, " PID: ");
	if (at < 0)
		return false;
	pos = (size_t)at + strlen(" PID: ");
	if (!parse_small(l, &pos, INT32_MAX, &pid))
		return false;
	p->cpu = (int)cpu;
	p->cpu_source = "log";
	p->pid = (int32_t)pid;
	p->task_source = "log";
	p->comm[0] = '\0';
	long c = find(l, pos, " Comm: ");
	if (c < 0)
		return true;
	size_t start = (size_t)c + strlen(" Comm: ");
	long end = find(l, start, " Not tainted");
	if (end < 0)
		end = find(l, start, " Tainted: ");
	copy_span(p->comm, sizeof(p->comm), l, start, end < 0 ? trimmed_len(l) : (size_t)end);
	return true;
}

/* ---- classification ---- */

struct evidence {
	bool soft, hard, sysrq, oops;
	bool rcu_tasks;		  /* inside a stall warning's "Tasks blocked" line */
	bool rcu_ended;		  /* its "(detected by" line seen */
	size_t lines_since_panic; /* to find the CPU line right after it */
};

static struct wh_error *scan_line(struct line l, struct wh_panic *p, struct evidence *e)
{
	if (p->have_message && e->lines_since_panic++ < 4 && p->cpu_source == NULL &&
	    parse_cpu_line(l, p))
		return NULL;
	if (!p->have_message && starts_with(l, PANIC_PREFIX)) {
		size_t start = strlen(PANIC_PREFIX);
		copy_span(p->message, sizeof(p->message), l, start, trimmed_len(l));
		p->have_message = true;
		return NULL;
	}
	if (!e->soft && !e->hard && parse_soft_lockup(l, p)) {
		e->soft = true;
		return NULL;
	}
	/* A hard lockup outranks an earlier soft-lockup warning: with two
	 * CPUs stuck, the one with interrupts off is what hardlockup_panic
	 * panics for. */
	if (!e->hard && parse_hard_lockup(l, p)) {
		e->hard = true;
		p->lockup_seconds = 0;
		p->lockup_pid = -1;
		p->lockup_comm[0] = '\0';
		return NULL;
	}
	if (parse_rcu_stall(l, &p->rcu, &e->rcu_tasks, &e->rcu_ended))
		return NULL;
	if (!e->sysrq && is_sysrq_crash(l)) {
		e->sysrq = true;
		return NULL;
	}
	if (!e->oops && is_oops_line(l)) {
		e->oops = true;
		copy_span(p->detail, sizeof(p->detail), l, 0, trimmed_len(l));
		return NULL;
	}
	return parse_hung(l, p);
}

static bool has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

static enum wh_panic_kind decide(const struct wh_panic *p, const struct evidence *e)
{
	if (p->have_message) {
		const char *m = p->message;
		if (!strncmp(m, "hung_task: blocked tasks", 24))
			return WH_PANIC_HUNG_TASK;
		if (has(m, "softlockup: hung tasks"))
			return WH_PANIC_SOFT_LOCKUP;
		if (has(m, "Hard LOCKUP") || has(m, "hard LOCKUP"))
			return WH_PANIC_HARD_LOCKUP;
		if (has(m, "RCU Stall"))
			return WH_PANIC_RCU_STALL;
		if (has(m, "sysrq triggered crash") || e->sysrq)
			return WH_PANIC_SYSRQ;
		if (e->oops || has(m, "Fatal exception") || has(m, "panic_on_warn") ||
		    has(m, "panic_on_oops"))
			return WH_PANIC_OOPS;
		return WH_PANIC_OTHER;
	}
	/* No panic line (a dump taken from outside, or the line was lost):
	 * name the most serious problem the log reports. */
	if (e->sysrq)
		return WH_PANIC_SYSRQ;
	if (e->hard)
		return WH_PANIC_HARD_LOCKUP;
	if (e->soft)
		return WH_PANIC_SOFT_LOCKUP;
	if (p->rcu.seen)
		return WH_PANIC_RCU_STALL;
	if (e->oops)
		return WH_PANIC_OOPS;
	if (p->n_hung)
		return WH_PANIC_HUNG_TASK;
	return WH_PANIC_NONE;
}

struct wh_error *wh_panic_classify(const struct wh_log_record *records, size_t n,
				   struct wh_panic *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->cpu = -1;
	ret->pid = -1;
	ret->lockup_cpu = -1;
	ret->lockup_pid = -1;
	ret->rcu.detected_by = -1;
	ret->rcu.jiffies = -1;
	struct evidence e = {0};
	for (size_t i = 0; i < n; i++) {
		const struct wh_log_record *r = &records[i];
		if (r->gap || !r->text)
			continue;
		size_t start = 0;
		while (start <= r->text_len) {
			const char *nl = memchr(r->text + start, '\n', r->text_len - start);
			size_t end = nl ? (size_t)(nl - r->text) : r->text_len;
			struct line l = {r->text + start, end - start};
			struct wh_error *err = scan_line(l, ret, &e);
			if (err) {
				wh_panic_deinit(ret);
				return err;
			}
			start = end + 1;
		}
	}
	ret->kind = decide(ret, &e);
	return NULL;
}

/* panic_cpu is an atomic_t holding the panicking CPU, or
 * PANIC_CPU_INVALID (-1) when no panic started (kernel/panic.c). */
static struct wh_error *read_panic_cpu(struct wh_kernel *k, int *ret)
{
	struct wh_type atomic;
	struct wh_member_info counter;
	uint64_t addr, v;
	struct wh_error *err;
	if ((err = wh_types_find(k->types, WH_TYPE_TYPEDEF, "atomic_t", &atomic)) ||
	    (err = wh_types_member(k->types, atomic, "counter", &counter)) ||
	    (err = wh_kernel_symbol_address(k, "panic_cpu", &addr)) ||
	    (err = wh_kernel_read_member(k, addr, &counter, &v)))
		return err;
	int32_t cpu = (int32_t)(uint32_t)v;
	*ret = cpu >= 0 && (unsigned)cpu < k->nr_cpu_ids ? cpu : -1;
	return NULL;
}

void wh_panic_add_kernel_state(struct wh_kernel *k, const struct wh_task_list *tasks,
			       struct wh_panic *p)
{
	int cpu;
	struct wh_error *err = read_panic_cpu(k, &cpu);
	wh_error_destroy(err);
	if (err || cpu < 0)
		return;
	p->cpu = cpu;
	p->cpu_source = "panic_cpu";
	for (size_t i = 0; i < tasks->count; i++) {
		const struct wh_task *t = &tasks->tasks[i];
		if (t->on_cpu && t->cpu == cpu) {
			p->pid = t->pid;
			memcpy(p->comm, t->comm, sizeof(p->comm));
			p->task_source = "runqueue";
			return;
		}
	}
}

void wh_panic_deinit(struct wh_panic *p)
{
	free(p->hung);
	p->hung = NULL;
	p->n_hung = 0;
}

const char *wh_panic_kind_name(enum wh_panic_kind kind)
{
	switch (kind) {
	case WH_PANIC_NONE: return "none";
	case WH_PANIC_HUNG_TASK: return "hung task";
	case WH_PANIC_SOFT_LOCKUP: return "soft lockup";
	case WH_PANIC_HARD_LOCKUP: return "hard lockup";
	case WH_PANIC_RCU_STALL: return "RCU stall";
	case WH_PANIC_OOPS: return "oops";
	case WH_PANIC_SYSRQ: return "sysrq crash";
	case WH_PANIC_OTHER: return "other";
	}
	return "?";
}

const char *wh_panic_kind_id(enum wh_panic_kind kind)
{
	switch (kind) {
	case WH_PANIC_NONE: return "none";
	case WH_PANIC_HUNG_TASK: return "hung_task";
	case WH_PANIC_SOFT_LOCKUP: return "soft_lockup";
	case WH_PANIC_HARD_LOCKUP: return "hard_lockup";
	case WH_PANIC_RCU_STALL: return "rcu_stall";
	case WH_PANIC_OOPS: return "oops";
	case WH_PANIC_SYSRQ: return "sysrq";
	case WH_PANIC_OTHER: return "other";
	}
	return "unknown";
}
