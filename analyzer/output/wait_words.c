#include "wait_words.h"
#include "task_state.h"

#include <stdio.h>

static const char *plural(long long n)
{
	return n == 1 ? "" : "s";
}

/* "; the filesystem is frozen (...)" after a superblock's percpu rwsem. */
static void frozen_text(int frozen, char *buf, size_t size)
{
	buf[0] = '\0';
	if (frozen > 0)
		snprintf(buf, size, "; the filesystem is frozen (s_writers.frozen = %d)", frozen);
}

void wh_object_state_text(const struct wh_object_state *s, enum wh_words_place place, char *buf,
			  size_t size)
{
	unsigned long long v = s->value;
	long long n = s->number;
	char fz[80];
	frozen_text(s->frozen, fz, sizeof(fz));
	switch (s->condition) {
	case WH_STATE_UNKNOWN: snprintf(buf, size, "%s", ""); return;
	case WH_STATE_UNREADABLE: snprintf(buf, size, "%s unreadable: %s", s->what, s->why); return;
	case WH_STATE_MUTEX_UNLOCKED:
		snprintf(buf, size, "unlocked (owner field 0x%llx)", v);
		return;
	case WH_STATE_MUTEX_LOCKED:
		snprintf(buf, size, "locked%s", s->flag ? ", waiters flagged" : "");
		return;
	case WH_STATE_MUTEX_HANDED_OFF:
		snprintf(buf, size, "handed off to %s, which has not taken it yet%s",
			 place == WH_WORDS_BESIDE_OWNERS ? "the task below" : "its owner",
			 s->flag ? ", waiters flagged" : "");
		return;
	case WH_STATE_RWSEM_WRITE: snprintf(buf, size, "held for write (count 0x%llx)", v); return;
	case WH_STATE_RWSEM_READ:
		snprintf(buf, size, "held for read by %llu reader%s (count 0x%llx)",
			 (unsigned long long)n, plural(n), v);
		return;
	case WH_STATE_RWSEM_FREE: snprintf(buf, size, "free (count 0x%llx)", v); return;
	case WH_STATE_SEMAPHORE:
		snprintf(buf, size, "count %llu; the kernel records no holder of a semaphore", v);
		return;
	case WH_STATE_COMPLETION:
		snprintf(buf, size,
			 "not completed (done = %llu); no task is recorded as the completer", v);
		return;
	case WH_STATE_COMPLETION_OF_BIO:
		snprintf(buf, size,
			 "not completed (done = %llu): the bio's I/O never came back "
			 "(submit_bio_wait)",
			 v);
		return;
	case WH_STATE_FUSE_UNANSWERED:
		snprintf(buf, size, "not answered by the FUSE daemon");
		return;
	case WH_STATE_PCPU_WRITER_WAITING:
		snprintf(buf, size,
			 "a writer (task 0x%llx) has blocked new readers and waits for %lld "
			 "reader%s to leave%s",
			 (unsigned long long)s->task, n, plural(n), fz);
		return;
	case WH_STATE_PCPU_WRITE:
		snprintf(buf, size, "held for write; the kernel records no holder task%s", fz);
		return;
	case WH_STATE_PCPU_READ:
		snprintf(buf, size, "held for read by %lld reader%s%s", n, plural(n), fz);
		return;
	case WH_STATE_PCPU_FREE: snprintf(buf, size, "not held (block = 0)%s", fz); return;
	case WH_STATE_FOLIO:
		if (s->writeback)
			snprintf(buf, size,
				 "%sunder writeback (flags 0x%llx): its waiters wait for the write "
				 "I/O to complete",
				 s->flag ? "locked, " : "", v);
		else
			snprintf(buf, size, "%s (flags 0x%llx); the kernel records no holder",
				 s->flag ? "locked" : "not locked", v);
		return;
	case WH_STATE_BIT_WORD:
		snprintf(buf, size,
			 "word value 0x%llx; the kernel records no task that will clear the bit",
			 v);
		return;
	case WH_STATE_BUFFER_LOCKED:
		snprintf(buf, size,
			 "buffer locked (BH_Lock, state 0x%llx): I/O on it has not completed", v);
		return;
	case WH_STATE_BUFFER_SHADOW:
		snprintf(buf, size,
			 "buffer shadowed (BH_Shadow, state 0x%llx): jbd2 is writing it to the "
			 "journal",
			 v);
		return;
	case WH_STATE_JBD2_COMMIT:
		snprintf(buf, size, "commit of transaction %lld requested, last committed %llu; %s",
			 n, v, s->flag ? "a commit is in progress" : "no commit in progress");
		return;
	case WH_STATE_QUEUE_FREEZE:
		snprintf(buf, size,
			 n > 0
			     ? "queue frozen (mq_freeze_depth %lld): no I/O enters it until it is "
			       "unfrozen; the kernel records no freezer"
			     : "queue not frozen (mq_freeze_depth %lld): the waiters should have "
			       "been woken",
			 n);
		return;
	case WH_STATE_VAR:
		snprintf(buf, size,
			 "wait_var_event on a variable (first 8 bytes 0x%llx); whoever should "
			 "change it and call wake_up_var() is not recorded",
			 v);
		return;
	case WH_STATE_WAIT_QUEUE:
		snprintf(
		    buf, size,
		    "a wait queue: the waker is whoever makes the condition true; not recorded");
		return;
	case WH_STATE_RT_UNLOCKED:
		snprintf(buf, size, "unlocked (rt_mutex owner field 0x%llx)", v);
		return;
	case WH_STATE_RT_LOCKED:
		snprintf(buf, size, "locked%s", s->flag ? ", waiters flagged" : "");
		return;
	case WH_STATE_RWBASE_WRITE:
		snprintf(buf, size, "held for write (readers 0x%llx)", v);
		return;
	case WH_STATE_RWBASE_READ:
		snprintf(buf, size, "held for read by %lld reader%s%s (readers 0x%llx)", n,
			 plural(n), s->flag ? "; a writer waits for them" : "", v);
		return;
	case WH_STATE_RWBASE_FREE: snprintf(buf, size, "free (readers 0x%llx)", v); return;
	}
	snprintf(buf, size, "?");
}

void wh_evidence_text(const struct wh_evidence *e, char *buf, size_t size)
{
	unsigned long long f = e->field;
	switch (e->kind) {
	case WH_EVIDENCE_NONE: snprintf(buf, size, "%s", ""); return;
	case WH_EVIDENCE_MUTEX_OWNER:
		snprintf(buf, size, "mutex owner field 0x%llx%s", f,
			 e->handed_off ? " (handed off, not yet picked up)" : "");
		return;
	case WH_EVIDENCE_RWSEM_WRITER:
		snprintf(buf, size, "rwsem owner field 0x%llx with %s", f,
			 e->biased ? "a writer's bias in the count" : "the writer-locked bit set");
		return;
	case WH_EVIDENCE_RWSEM_LAST_READER:
		snprintf(buf, size,
			 "owner field names it as the last reader to take the lock (0x%llx); the "
			 "kernel does not clear this when readers leave%s",
			 f, e->on_stack ? "; its stack holds the lock address" : "");
		return;
	case WH_EVIDENCE_LOCK_ON_STACK:
		snprintf(buf, size,
			 "its stack holds the lock address and it is not queued on the lock");
		return;
	case WH_EVIDENCE_FOLIO_ON_STACK:
		snprintf(buf, size,
			 "its stack holds the folio address and it does not wait for it");
		return;
	case WH_EVIDENCE_FUSE_DEVICE:
		snprintf(buf, size,
			 "holds /dev/fuse (fd %llu) for this connection, so it is the daemon that "
			 "must answer; it is in state %c (%s)",
			 (unsigned long long)e->number, e->task_state,
			 wh_task_state_name(e->task_state));
		return;
	case WH_EVIDENCE_JBD2_COMMIT_TASK:
		snprintf(buf, size,
			 "journal->j_task: the journal's commit thread, which must write "
			 "transaction %llu",
			 (unsigned long long)e->number);
		return;
	case WH_EVIDENCE_RCU_READER:
		snprintf(buf, size,
			 "preempted inside an RCU read-side critical section: on the blocked-tasks "
			 "list of rcu_node (CPUs %llu-%llu), holding up grace period g=%lld",
			 f >> 32, f & 0xffffffffull, (long long)(int64_t)e->number);
		return;
	case WH_EVIDENCE_RCU_STALLED_CPU:
		snprintf(buf, size,
			 "runs on CPU %llu, which has not passed a quiescent state for grace "
			 "period g=%lld",
			 f, (long long)(int64_t)e->number);
		return;
	case WH_EVIDENCE_RT_MUTEX_OWNER:
		snprintf(buf, size, "%s owner field 0x%llx",
			 e->number == WH_RT_LOCK_MUTEX	    ? "mutex (rt_mutex)"
			 : e->number == WH_RT_LOCK_SPINLOCK ? "spinlock_t (rt_mutex)"
							    : "rt_mutex",
			 f);
		return;
	case WH_EVIDENCE_RCU_BOOST_OWNER:
		snprintf(buf, size,
			 "the preempted RCU reader it boosts: rt_mutex owner field 0x%llx", f);
		return;
	case WH_EVIDENCE_RWBASE_WRITER:
		snprintf(buf, size,
			 "rwbase_rt rtmutex owner field 0x%llx, readers 0x%llx (WRITER_BIAS: write "
			 "locked)",
			 f, (unsigned long long)e->number);
		return;
	}
	snprintf(buf, size, "?");
}

const char *wh_object_condition_name(enum wh_object_condition c)
{
	static const char *const names[] = {
	    [WH_STATE_UNKNOWN] = "unknown",
	    [WH_STATE_UNREADABLE] = "unreadable",
	    [WH_STATE_MUTEX_UNLOCKED] = "mutex-unlocked",
	    [WH_STATE_MUTEX_LOCKED] = "mutex-locked",
	    [WH_STATE_MUTEX_HANDED_OFF] = "mutex-handed-off",
	    [WH_STATE_RWSEM_WRITE] = "rwsem-write",
	    [WH_STATE_RWSEM_READ] = "rwsem-read",
	    [WH_STATE_RWSEM_FREE] = "rwsem-free",
	    [WH_STATE_SEMAPHORE] = "semaphore",
	    [WH_STATE_COMPLETION] = "completion",
	    [WH_STATE_COMPLETION_OF_BIO] = "completion-of-bio",
	    [WH_STATE_FUSE_UNANSWERED] = "fuse-unanswered",
	    [WH_STATE_PCPU_WRITER_WAITING] = "percpu-rwsem-writer-waiting",
	    [WH_STATE_PCPU_WRITE] = "percpu-rwsem-write",
	    [WH_STATE_PCPU_READ] = "percpu-rwsem-read",
	    [WH_STATE_PCPU_FREE] = "percpu-rwsem-free",
	    [WH_STATE_FOLIO] = "folio",
	    [WH_STATE_BIT_WORD] = "bit-word",
	    [WH_STATE_BUFFER_LOCKED] = "buffer-locked",
	    [WH_STATE_BUFFER_SHADOW] = "buffer-shadow",
	    [WH_STATE_JBD2_COMMIT] = "jbd2-commit",
	    [WH_STATE_QUEUE_FREEZE] = "queue-freeze",
	    [WH_STATE_VAR] = "var",
	    [WH_STATE_WAIT_QUEUE] = "wait-queue",
	    [WH_STATE_RT_UNLOCKED] = "rt-mutex-unlocked",
	    [WH_STATE_RT_LOCKED] = "rt-mutex-locked",
	    [WH_STATE_RWBASE_WRITE] = "rwbase-rt-write",
	    [WH_STATE_RWBASE_READ] = "rwbase-rt-read",
	    [WH_STATE_RWBASE_FREE] = "rwbase-rt-free",
	};
	return (size_t)c < sizeof(names) / sizeof(*names) && names[c] ? names[c] : "?";
}

const char *wh_evidence_kind_name(enum wh_evidence_kind k)
{
	static const char *const names[] = {
	    [WH_EVIDENCE_NONE] = "none",
	    [WH_EVIDENCE_MUTEX_OWNER] = "mutex-owner-field",
	    [WH_EVIDENCE_RWSEM_WRITER] = "rwsem-owner-field",
	    [WH_EVIDENCE_RWSEM_LAST_READER] = "rwsem-last-reader",
	    [WH_EVIDENCE_LOCK_ON_STACK] = "lock-on-stack",
	    [WH_EVIDENCE_FOLIO_ON_STACK] = "folio-on-stack",
	    [WH_EVIDENCE_FUSE_DEVICE] = "fuse-device",
	    [WH_EVIDENCE_JBD2_COMMIT_TASK] = "jbd2-commit-task",
	    [WH_EVIDENCE_RCU_READER] = "rcu-blocked-reader",
	    [WH_EVIDENCE_RCU_STALLED_CPU] = "rcu-stalled-cpu",
	    [WH_EVIDENCE_RT_MUTEX_OWNER] = "rt-mutex-owner-field",
	    [WH_EVIDENCE_RCU_BOOST_OWNER] = "rcu-boost-owner",
	    [WH_EVIDENCE_RWBASE_WRITER] = "rwbase-rt-writer",
	};
	return (size_t)k < sizeof(names) / sizeof(*names) && names[k] ? names[k] : "?";
}
