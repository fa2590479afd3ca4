/* Why the kernel panicked: the kind of panic and its particulars, read from
 * the kernel's own messages in the log (hung task reports, lockup
 * warnings, oopses, the "Kernel panic - not syncing" line), then confirmed
 * from kernel state where the dump has it (panic_cpu, that CPU's task). */
#ifndef WHYHUNG_PANIC_H
#define WHYHUNG_PANIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "printk.h"
#include "tasks.h"

enum wh_panic_kind {
	WH_PANIC_NONE,	      /* no panic and no problem report in the log */
	WH_PANIC_HUNG_TASK,   /* hung_task_panic */
	WH_PANIC_SOFT_LOCKUP, /* softlockup_panic */
	WH_PANIC_HARD_LOCKUP, /* hardlockup_panic */
	WH_PANIC_RCU_STALL,   /* panic_on_rcu_stall */
	WH_PANIC_OOPS,	      /* Oops, BUG, kernel BUG at, WARNING with panic_on_warn */
	WH_PANIC_SYSRQ,	      /* sysrq-c */
	WH_PANIC_OTHER,	      /* any other panic(): see the message */
};

enum {
	WH_PANIC_TEXT = 256,	  /* bytes kept of a message line */
	WH_PANIC_MAX_HUNG = 4096, /* distinct hung task reports kept */
	WH_PANIC_MAX_RCU = 32,	  /* stalled CPUs and blocked readers kept */
};

/* The first RCU stall warning (kernel/rcu/tree_stall.h): "INFO: FLAVOUR
 * detected stalls on CPUs/tasks:", one line per stalled CPU, "Tasks
 * blocked on level-N rcu_node (CPUs A-B): P<pid>...", "(detected by C,
 * t=J jiffies, g=G, ...)"; or "INFO: FLAVOUR self-detected stall on CPU". */
struct wh_rcu_stall_report {
	bool seen;
	bool self_detected;
	char flavour[24]; /* "rcu_preempt", "rcu_sched": raw, escape on output */
	int detected_by;  /* -1 unknown */
	int64_t jiffies;  /* t=: jiffies since the grace period started, -1 */
	bool have_gp;
	int64_t gp; /* g=: rcu_state.gp_seq as signed (negative early in boot) */
	int cpus[WH_PANIC_MAX_RCU];
	size_t n_cpus;
	int32_t pids[WH_PANIC_MAX_RCU]; /* preempted readers named */
	size_t n_pids;
};

/* "INFO: task COMM:PID blocked for more than SECONDS seconds." */
struct wh_hung_report {
	int32_t pid;
	char comm[WH_COMM_LEN + 1]; /* raw bytes from the log: escape on output */
	uint64_t seconds;
};

struct wh_panic {
	enum wh_panic_kind kind;
	/* The text after "Kernel panic - not syncing: ". Strings here are
	 * raw bytes from the dump: escape on output. */
	bool have_message;
	char message[WH_PANIC_TEXT];
	/* Panicking CPU and the task running there; -1 when unknown. */
	int cpu;
	const char *cpu_source; /* "panic_cpu", "log" or NULL */
	int32_t pid;
	char comm[WH_COMM_LEN + 1];
	const char *task_source; /* "runqueue", "log" or NULL */
	/* Hung tasks in report order, one per pid (longest time kept). */
	struct wh_hung_report *hung;
	size_t n_hung;
	size_t n_hung_dropped; /* reports beyond WH_PANIC_MAX_HUNG */
	/* Soft lockup: "BUG: soft lockup - CPU#N stuck for Ss! [COMM:PID]";
	 * hard lockup: "Watchdog detected hard LOCKUP on cpu N". */
	int lockup_cpu;
	uint64_t lockup_seconds;
	int32_t lockup_pid;
	char lockup_comm[WH_COMM_LEN + 1];
	struct wh_rcu_stall_report rcu;
	/* Oops and friends: the first line saying what went wrong. */
	char detail[WH_PANIC_TEXT];
	/* Set when the log could not be read; the rest is then from kernel
	 * state alone. */
	bool log_unavailable;
	char log_error[WH_PANIC_TEXT];
	/* The log kdump saved beside the dump, used because the dump's own
	 * was unreadable (log_error then says why); "" when not used. */
	char log_file[512];
};

/* "hung task", "soft lockup", ... */
const char *wh_panic_kind_name(enum wh_panic_kind kind);
/* "hung_task", "soft_lockup", ...: stable identifiers for JSON. */
const char *wh_panic_kind_id(enum wh_panic_kind kind);

/* Classify from log records alone (no dump needed). Fails only when out of
 * memory. */
struct wh_error *wh_panic_classify(const struct wh_log_record *records, size_t n,
				   struct wh_panic *ret);
/* Refine P from the dump: panic_cpu, and the task that TASKS shows running
 * on that CPU. Unreadable state leaves P as the log made it. */
void wh_panic_add_kernel_state(struct wh_kernel *k, const struct wh_task_list *tasks,
			       struct wh_panic *p);
void wh_panic_deinit(struct wh_panic *p);

#endif
