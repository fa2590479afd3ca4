/* The wait model's facts in words (analyzer/output/wait_words.c): every
 * state condition and evidence kind says what the report said before the
 * facts were fields (whyhung-report/1's sentences), including those the
 * fixtures never reach; and every one has a JSON name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "wait_words.h"

static void said(const struct wh_object_state s, const char *want)
{
	char buf[WH_STATE_TEXT];
	wh_object_state_text(&s, WH_WORDS_BESIDE_OWNERS, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_string_not_equal(wh_object_condition_name(s.condition), "?");
}

static void test_states(void **state)
{
	struct wh_object_state u = {.condition = WH_STATE_UNREADABLE, .what = "count/owner"};
	strcpy(u.why, "page excluded from dump");
	said(u, "count/owner unreadable: page excluded from dump");
	said((struct wh_object_state){.condition = WH_STATE_MUTEX_UNLOCKED, .value = 0x1},
	     "unlocked (owner field 0x1)");
	said((struct wh_object_state){.condition = WH_STATE_MUTEX_LOCKED,
				      .value = 0xff01,
				      .flag = 1},
	     "locked, waiters flagged");
	said((struct wh_object_state){.condition = WH_STATE_MUTEX_LOCKED, .value = 0xff00},
	     "locked");
	said((struct wh_object_state){.condition = WH_STATE_MUTEX_HANDED_OFF, .flag = 1},
	     "handed off to the task below, which has not taken it yet, waiters flagged");
	said((struct wh_object_state){.condition = WH_STATE_RWSEM_WRITE, .value = 3},
	     "held for write (count 0x3)");
	said(
	    (struct wh_object_state){.condition = WH_STATE_RWSEM_READ, .value = 0x201, .number = 2},
	    "held for read by 2 readers (count 0x201)");
	said((struct wh_object_state){.condition = WH_STATE_RWSEM_FREE, .value = 2},
	     "free (count 0x2)");
	said((struct wh_object_state){.condition = WH_STATE_SEMAPHORE},
	     "count 0; the kernel records no holder of a semaphore");
	said((struct wh_object_state){.condition = WH_STATE_COMPLETION},
	     "not completed (done = 0); no task is recorded as the completer");
	said((struct wh_object_state){.condition = WH_STATE_COMPLETION_OF_BIO},
	     "not completed (done = 0): the bio's I/O never came back (submit_bio_wait)");
	said((struct wh_object_state){.condition = WH_STATE_FUSE_UNANSWERED},
	     "not answered by the FUSE daemon");
	said((struct wh_object_state){.condition = WH_STATE_PCPU_WRITER_WAITING,
				      .task = 0xffff888001000000,
				      .number = 1,
				      .frozen = 4},
	     "a writer (task 0xffff888001000000) has blocked new readers and waits for 1 reader "
	     "to leave; the filesystem is frozen (s_writers.frozen = 4)");
	said((struct wh_object_state){.condition = WH_STATE_PCPU_WRITE},
	     "held for write; the kernel records no holder task");
	said((struct wh_object_state){.condition = WH_STATE_PCPU_READ, .number = 3},
	     "held for read by 3 readers");
	said((struct wh_object_state){.condition = WH_STATE_PCPU_FREE, .frozen = 1},
	     "not held (block = 0); the filesystem is frozen (s_writers.frozen = 1)");
	said(
	    (struct wh_object_state){
		.condition = WH_STATE_FOLIO, .value = 0xa094, .flag = 1, .writeback = 1},
	    "locked, under writeback (flags 0xa094): its waiters wait for the write I/O to "
	    "complete");
	said((struct wh_object_state){.condition = WH_STATE_FOLIO, .value = 0x8000},
	     "not locked (flags 0x8000); the kernel records no holder");
	said((struct wh_object_state){.condition = WH_STATE_BIT_WORD, .value = 1},
	     "word value 0x1; the kernel records no task that will clear the bit");
	said((struct wh_object_state){.condition = WH_STATE_BUFFER_LOCKED, .value = 0x1d},
	     "buffer locked (BH_Lock, state 0x1d): I/O on it has not completed");
	said((struct wh_object_state){.condition = WH_STATE_BUFFER_SHADOW, .value = 0x1d},
	     "buffer shadowed (BH_Shadow, state 0x1d): jbd2 is writing it to the journal");
	said((struct wh_object_state){.condition = WH_STATE_JBD2_COMMIT, .number = 3, .value = 2},
	     "commit of transaction 3 requested, last committed 2; no commit in progress");
	said((struct wh_object_state){.condition = WH_STATE_QUEUE_FREEZE, .number = 1},
	     "queue frozen (mq_freeze_depth 1): no I/O enters it until it is unfrozen; the kernel "
	     "records no freezer");
	said((struct wh_object_state){.condition = WH_STATE_QUEUE_FREEZE},
	     "queue not frozen (mq_freeze_depth 0): the waiters should have been woken");
	said((struct wh_object_state){.condition = WH_STATE_VAR, .value = 0x100000000},
	     "wait_var_event on a variable (first 8 bytes 0x100000000); whoever should change it "
	     "and call wake_up_var() is not recorded");
	said((struct wh_object_state){.condition = WH_STATE_WAIT_QUEUE},
	     "a wait queue: the waker is whoever makes the condition true; not recorded");
	said((struct wh_object_state){.condition = WH_STATE_RT_UNLOCKED},
	     "unlocked (rt_mutex owner field 0x0)");
	said((struct wh_object_state){.condition = WH_STATE_RT_LOCKED,
				      .value = 0x1001,
				      .flag = true},
	     "locked, waiters flagged");
	said((struct wh_object_state){.condition = WH_STATE_RWBASE_WRITE, .value = 0x40000000},
	     "held for write (readers 0x40000000)");
	said(
	    (struct wh_object_state){
		.condition = WH_STATE_RWBASE_READ, .value = 1, .number = 1, .flag = true},
	    "held for read by 1 reader; a writer waits for them (readers 0x1)");
	said((struct wh_object_state){.condition = WH_STATE_RWBASE_FREE, .value = 0x80000000},
	     "free (readers 0x80000000)");
}

/* Alone (JSON), a handed-off mutex has no "task below" to point at. */
static void test_handed_off_alone(void **state)
{
	char buf[WH_STATE_TEXT];
	struct wh_object_state s = {.condition = WH_STATE_MUTEX_HANDED_OFF};
	wh_object_state_text(&s, WH_WORDS_ALONE, buf, sizeof(buf));
	assert_string_equal(buf, "handed off to its owner, which has not taken it yet");
}

static void evidence(const struct wh_evidence e, const char *want)
{
	char buf[WH_EVIDENCE_TEXT];
	wh_evidence_text(&e, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_string_not_equal(wh_evidence_kind_name(e.kind), "?");
}

static void test_evidence(void **state)
{
	evidence((struct wh_evidence){.kind = WH_EVIDENCE_MUTEX_OWNER,
				      .field = 0xffff888001000185,
				      .handed_off = true},
		 "mutex owner field 0xffff888001000185 (handed off, not yet picked up)");
	evidence((struct wh_evidence){.kind = WH_EVIDENCE_RWSEM_WRITER, .field = 0x1000},
		 "rwsem owner field 0x1000 with the writer-locked bit set");
	evidence(
	    (struct wh_evidence){.kind = WH_EVIDENCE_RWSEM_WRITER, .field = 0x1000, .biased = true},
	    "rwsem owner field 0x1000 with a writer's bias in the count");
	evidence((struct wh_evidence){.kind = WH_EVIDENCE_RWSEM_LAST_READER,
				      .field = 0x1003,
				      .on_stack = true},
		 "owner field names it as the last reader to take the lock (0x1003); the kernel "
		 "does not clear this when readers leave; its stack holds the lock address");
	evidence((struct wh_evidence){.kind = WH_EVIDENCE_LOCK_ON_STACK},
		 "its stack holds the lock address and it is not queued on the lock");
	evidence((struct wh_evidence){.kind = WH_EVIDENCE_FOLIO_ON_STACK},
		 "its stack holds the folio address and it does not wait for it");
	evidence(
	    (struct wh_evidence){.kind = WH_EVIDENCE_FUSE_DEVICE, .number = 4, .task_state = 'T'},
	    "holds /dev/fuse (fd 4) for this connection, so it is the daemon that must "
	    "answer; it is in state T (stopped)");
	evidence((struct wh_evidence){.kind = WH_EVIDENCE_JBD2_COMMIT_TASK, .number = 3},
		 "journal->j_task: the journal's commit thread, which must write transaction 3");
	evidence((struct wh_evidence){.kind = WH_EVIDENCE_RT_MUTEX_OWNER,
				      .field = 0x1001,
				      .number = WH_RT_LOCK_SPINLOCK},
		 "spinlock_t (rt_mutex) owner field 0x1001");
	evidence((struct wh_evidence){.kind = WH_EVIDENCE_RCU_BOOST_OWNER, .field = 0x1000},
		 "the preempted RCU reader it boosts: rt_mutex owner field 0x1000");
	evidence((struct wh_evidence){.kind = WH_EVIDENCE_RWBASE_WRITER,
				      .field = 0x1000,
				      .number = 0x40000000},
		 "rwbase_rt rtmutex owner field 0x1000, readers 0x40000000 (WRITER_BIAS: write "
		 "locked)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_states),
	    cmocka_unit_test(test_handed_off_alone),
	    cmocka_unit_test(test_evidence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
