/* The wait model the wait-kind plugins fill and the analysis reads: the
 * objects blocked tasks wait on, with owners and waiters in queue order.
 * Every owner says how it is known: read from an owner field, or inferred
 * with the evidence. Kinds, modes, object states and evidence are facts
 * (enums, numbers, addresses), never prose: the output layer says them in
 * words (analyzer/output/wait_words.c). */
#ifndef WHYHUNG_WAIT_MODEL_H
#define WHYHUNG_WAIT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backtraces.h"
#include "blockdev.h"
#include "diag.h"
#include "stack_index.h"
#include "tasks.h"
#include "wait_kind_ids.h" /* enum wh_wait_kind_id, generated from plugins/ */

/* How a task waits on an object; the outputs name it (wh_wait_mode_name). */
enum wh_wait_how {
	WH_WAIT_PLAIN,	   /* no mode: a mutex, a completion, ... */
	WH_WAIT_READ,	   /* shared: rwsem or percpu rwsem reader */
	WH_WAIT_WRITE,	   /* exclusive: rwsem or percpu rwsem writer */
	WH_WAIT_PAGE_LOCK, /* PG_locked of a folio */
	WH_WAIT_WRITEBACK, /* PG_writeback of a folio */
	WH_WAIT_BIT,	   /* a bit of a word: wh_wait_mode.bit says which */
};

struct wh_wait_mode {
	enum wh_wait_how how;
	uint8_t bit; /* WH_WAIT_BIT (and a folio's other bits): the bit number */
};

/* "read", "write", "lock", "wrback", "bit3", or "" for WH_WAIT_PLAIN. */
const char *wh_wait_mode_name(struct wh_wait_mode mode, char buf[8]);
static inline bool wh_wait_mode_equal(struct wh_wait_mode a, struct wh_wait_mode b)
{
	return a.how == b.how && (a.how != WH_WAIT_BIT || a.bit == b.bit);
}
/* The kind's name as the outputs write it: "mutex", "percpu-rwsem", ... */
const char *wh_wait_kind_name(enum wh_wait_kind_id kind);

enum wh_owner_how {
	WH_OWNER_FIELD,	   /* read from the lock's owner field */
	WH_OWNER_INFERRED, /* a candidate, see evidence */
};

/* How an owner is known, as facts; the outputs say it in words. */
enum wh_evidence_kind {
	WH_EVIDENCE_NONE,
	WH_EVIDENCE_MUTEX_OWNER,       /* field: mutex.owner; handed_off: PICKUP set */
	WH_EVIDENCE_RWSEM_WRITER,      /* field: rw_semaphore.owner; biased: <= 5.2 count */
	WH_EVIDENCE_RWSEM_LAST_READER, /* field: rw_semaphore.owner; on_stack: it holds the lock */
	WH_EVIDENCE_LOCK_ON_STACK,     /* its stack holds the lock, it is not queued on it */
	WH_EVIDENCE_FOLIO_ON_STACK,    /* its stack holds the folio, it does not wait for it */
	WH_EVIDENCE_FUSE_DEVICE,       /* number: its /dev/fuse fd; task_state: its state */
	WH_EVIDENCE_JBD2_COMMIT_TASK,  /* number: the transaction it must write */
	/* Added by the analysis (rcu_stall.c) to a grace-period waiter's object:
	 * number: rcu_state.gp_seq; field: the rcu_node's CPUs (lo << 32 | hi)
	 * or the stalled CPU. */
	WH_EVIDENCE_RCU_READER,	     /* preempted reader on a blocked-tasks list */
	WH_EVIDENCE_RCU_STALLED_CPU, /* runs on a CPU with no quiescent state */
	/* PREEMPT_RT and rt_mutex (plugins/rt_lock.h): field: rt_mutex_base.owner;
	 * number: enum wh_rt_lock_type, what the rt_mutex_base is in. */
	WH_EVIDENCE_RT_MUTEX_OWNER,
	WH_EVIDENCE_RCU_BOOST_OWNER, /* field: boost_mtx's owner, the boosted reader */
	WH_EVIDENCE_RWBASE_WRITER,   /* field: rtmutex owner; number: readers (WRITER_BIAS) */
};

/* What an rt_mutex_base is embedded in, as the evidence names it. */
enum wh_rt_lock_type {
	WH_RT_LOCK_RT_MUTEX, /* struct rt_mutex or a bare rt_mutex_base */
	WH_RT_LOCK_MUTEX,    /* struct mutex on PREEMPT_RT */
	WH_RT_LOCK_SPINLOCK, /* spinlock_t on PREEMPT_RT */
};

struct wh_evidence {
	enum wh_evidence_kind kind;
	uint64_t field;	 /* the owner field's value */
	uint64_t number; /* fd, transaction */
	char task_state; /* the owner's state letter */
	bool handed_off, biased, on_stack;
};

struct wh_owner {
	uint64_t task; /* task_struct address */
	int32_t pid;   /* -1 if the task is not in the task list */
	enum wh_owner_how how;
	struct wh_evidence evidence;
};

/* What a kind read of its object, as facts; the outputs say it in words.
 * Which fields mean something depends on the condition (listed there). */
enum wh_object_condition {
	WH_STATE_UNKNOWN,	      /* not described */
	WH_STATE_UNREADABLE,	      /* unreadable: what part, and why */
	WH_STATE_MUTEX_UNLOCKED,      /* value: owner field */
	WH_STATE_MUTEX_LOCKED,	      /* value: owner field; flag: waiters flagged */
	WH_STATE_MUTEX_HANDED_OFF,    /* value: owner field; flag: waiters flagged */
	WH_STATE_RWSEM_WRITE,	      /* value: count */
	WH_STATE_RWSEM_READ,	      /* value: count; number: readers */
	WH_STATE_RWSEM_FREE,	      /* value: count */
	WH_STATE_SEMAPHORE,	      /* value: count */
	WH_STATE_COMPLETION,	      /* value: done */
	WH_STATE_COMPLETION_OF_BIO,   /* value: done; a submit_bio_wait() bio's */
	WH_STATE_FUSE_UNANSWERED,     /* a request the daemon has not answered */
	WH_STATE_PCPU_WRITER_WAITING, /* task: the writer; number: readers; frozen */
	WH_STATE_PCPU_WRITE,	      /* frozen */
	WH_STATE_PCPU_READ,	      /* number: readers; frozen */
	WH_STATE_PCPU_FREE,	      /* frozen */
	WH_STATE_FOLIO,		      /* value: flags; flag: locked; writeback */
	WH_STATE_BIT_WORD,	      /* value: the word */
	WH_STATE_BUFFER_LOCKED,	      /* value: b_state (BH_Lock) */
	WH_STATE_BUFFER_SHADOW,	      /* value: b_state (BH_Shadow) */
	WH_STATE_JBD2_COMMIT,  /* number: requested; value: last committed; flag: committing */
	WH_STATE_QUEUE_FREEZE, /* number: mq_freeze_depth (> 0: frozen) */
	WH_STATE_VAR,	       /* value: the variable's first 8 bytes */
	WH_STATE_WAIT_QUEUE,   /* a wait queue: nobody is recorded as the waker */
	/* rt_mutex_base (PREEMPT_RT mutex, spinlock_t, rt_mutex). */
	WH_STATE_RT_UNLOCKED, /* value: owner field */
	WH_STATE_RT_LOCKED,   /* value: owner field; flag: waiters flagged */
	/* rwbase_rt (PREEMPT_RT rw_semaphore, rwlock_t): value: readers count. */
	WH_STATE_RWBASE_WRITE,
	WH_STATE_RWBASE_READ, /* number: readers; flag: a writer waits for them */
	WH_STATE_RWBASE_FREE,
};

struct wh_object_state {
	enum wh_object_condition condition;
	uint64_t value; /* the word read: owner field, count, flags, ... */
	int64_t number; /* readers, depth, transaction */
	uint64_t task;	/* PCPU_WRITER_WAITING: the writer */
	int frozen;	/* percpu rwsem of a superblock: s_writers.frozen, 0 if not */
	bool flag;	/* see the condition */
	bool writeback; /* FOLIO: under writeback */
	char what[16];	/* UNREADABLE: "owner", "count/owner", ... */
	char why[160];	/* UNREADABLE: the read's error (may hold dump bytes: escape) */
};

enum { WH_MAX_OWNERS = 16, WH_MAX_WAITERS = 4096 };

struct wh_wait_object {
	enum wh_wait_kind_id kind;
	uint64_t address;
	char name[160]; /* how a person names it; escaped on output */
	struct wh_object_state state;
	struct wh_owner owners[WH_MAX_OWNERS];
	size_t n_owners;
	uint64_t *waiters;		   /* task addresses in queue order */
	struct wh_wait_mode *waiter_modes; /* per waiter */
	size_t n_waiters;
	struct wh_diags incomplete; /* why the wait list could not be read fully */
	/* The block device the awaited I/O goes to (writeback, buffer I/O,
	 * journal commits); io.known false otherwise. */
	struct wh_io_target io;
};

struct wh_task_wait {
	uint64_t task;
	size_t object; /* index into wh_waits.objects */
	struct wh_wait_mode mode;
};

struct wh_waits {
	struct wh_wait_object *objects;
	size_t n_objects;
	struct wh_task_wait *waits;
	size_t n_waits;
	struct wh_diags diags;
	/* Lookups by task address, made by wh_waits_index(). */
	struct wh_addr_map wait_of_task; /* -> waits index */
	struct wh_addr_map held_by;	 /* owner -> objects index, once per object held */
	bool indexed;
};

/* Everything a plugin may use about one blocked task. */
struct wh_wait_context {
	struct wh_kernel *k;
	const struct wh_task_list *tasks;
	const struct wh_task *task;
	const struct wh_backtrace *bt;
	uint64_t stack_lo, stack_hi;
	const struct wh_stack_index *stacks;
	struct wh_blockdev_cache *devices; /* devices described so far */
	struct wh_wait_lists *lists;	   /* wait lists walked so far */
	struct wh_kind_memo *memo;	   /* what kinds learnt once (kind_memo.h) */
	const struct wh_waits *waits;	   /* found so far: all of them when describing */
};

/* Note what of OBJ could not be read (its problems, in order); a problem
 * about no address in particular is at OBJ's. */
void wh_object_incomplete(struct wh_wait_object *obj, enum wh_error_code code, uint64_t address,
			  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
