/* Who holds up an RCU grace period, from the kernel's own RCU state
 * (kernel/rcu/tree.h): the grace-period sequence and its start in
 * rcu_state, the leaf rcu_nodes' qsmask bits (CPUs that have not passed a
 * quiescent state) and their blocked-tasks lists (readers preempted inside
 * rcu_read_lock(); those from ->gp_tasks on hold up the current grace
 * period). And who waits for it: the tasks in synchronize_rcu() and
 * friends, whose waits are then tied to those holders. */
#ifndef WHYHUNG_RCU_STALL_H
#define WHYHUNG_RCU_STALL_H

#include "backtraces.h"
#include "cpus.h"
#include "waits.h"

enum { WH_RCU_MAX_LISTED = 64 };

struct wh_rcu_reader {
	uint64_t task;
	int32_t pid;	  /* -1: not in the task list */
	int nesting;	  /* rcu_read_lock_nesting, -1 unknown */
	bool blocks_gp;	  /* at or after the node's ->gp_tasks */
	bool blocks_exp;  /* at or after ->exp_tasks (expedited grace period) */
	int grplo, grphi; /* the rcu_node's CPUs */
};

struct wh_rcu_waiter {
	uint64_t task;
	int32_t pid;
	char function[48]; /* "synchronize_rcu", ... */
	bool tied;	   /* its wait object got the holders as owners */
};

struct wh_rcu_view {
	bool known;	  /* rcu_state was read */
	char error[192];  /* why not, or what could not be read ("" none) */
	char flavour[24]; /* rcu_state.name: raw, escape on output */
	uint64_t gp_seq;  /* as the stall warning's g= (signed there) */
	bool gp_in_progress;
	int64_t gp_age_jiffies;		     /* jiffies - gp_start while in progress, -1 */
	int64_t hz;			     /* from tick_nsec; 0 unknown */
	int stalled_cpus[WH_RCU_MAX_LISTED]; /* leaf qsmask bits still set */
	size_t n_stalled_cpus;
	struct wh_rcu_reader readers[WH_RCU_MAX_LISTED];
	size_t n_readers;
	char incomplete[192]; /* a blocked-tasks list that could not be walked */
	struct wh_rcu_waiter waiters[WH_RCU_MAX_LISTED];
	size_t n_waiters;
};

/* Read the RCU state and find the grace-period waiters among BTS. Never
 * fails for the dump's sake: what is unreadable is said in ret->error. */
struct wh_error *wh_rcu_view_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				   const struct wh_backtraces *bts, struct wh_rcu_view *ret);
/* Does the grace period have holders (a stalled CPU or a blocking reader)? */
bool wh_rcu_view_stalled(const struct wh_rcu_view *v);
/* One rcu_node's blocked-tasks list: its head, ->gp_tasks and ->exp_tasks,
 * where task_struct.rcu_node_entry is, and the node's CPUs. */
struct wh_rcu_blocked_list {
	uint64_t head, gp_tasks, exp_tasks, entry_offset;
	const struct wh_member_info *nesting; /* rcu_read_lock_nesting; NULL: unread */
	int grplo, grphi;
};
/* Add the list's readers to V (bounded, cycle-checked); a list that cannot
 * be walked to its end keeps the readers before the damage and says why in
 * v->incomplete. Fails only when out of memory. */
struct wh_error *wh_rcu_walk_blocked(struct wh_kernel *k, const struct wh_task_list *tasks,
				     const struct wh_rcu_blocked_list *list, struct wh_rcu_view *v);
/* Give each waiter's wait object the grace period's holders as inferred
 * owners: the blocking readers, and the tasks on the stalled CPUs. Then
 * reindex W. */
struct wh_error *wh_rcu_tie_waiters(struct wh_rcu_view *v, const struct wh_task_list *tasks,
				    const struct wh_cpus *cpus, struct wh_waits *w);

#endif
