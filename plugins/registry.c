#include "wait_kind.h"

extern const struct wh_wait_kind_ops wh_wait_kind_rwsem_rt;
extern const struct wh_wait_kind_ops wh_wait_kind_rwlock_rt;
extern const struct wh_wait_kind_ops wh_wait_kind_spinlock_rt;
extern const struct wh_wait_kind_ops wh_wait_kind_mutex_rt;
extern const struct wh_wait_kind_ops wh_wait_kind_rt_mutex;
extern const struct wh_wait_kind_ops wh_wait_kind_mutex;
extern const struct wh_wait_kind_ops wh_wait_kind_rwsem;
extern const struct wh_wait_kind_ops wh_wait_kind_semaphore;
extern const struct wh_wait_kind_ops wh_wait_kind_completion;
extern const struct wh_wait_kind_ops wh_wait_kind_fuse;
extern const struct wh_wait_kind_ops wh_wait_kind_percpu_rwsem;
extern const struct wh_wait_kind_ops wh_wait_kind_folio;
extern const struct wh_wait_kind_ops wh_wait_kind_bit;
extern const struct wh_wait_kind_ops wh_wait_kind_jbd2;
extern const struct wh_wait_kind_ops wh_wait_kind_queue_freeze;
extern const struct wh_wait_kind_ops wh_wait_kind_var;
extern const struct wh_wait_kind_ops wh_wait_kind_waitqueue;

/* Add a kind: write plugins/KIND.c with its ops and list it here. The
 * generic wait queue comes last: the others are wait queues too. The
 * rt_mutex based kinds come first: task_struct.pi_blocked_on says for
 * certain what a task is blocked on (plugins/rt_lock.h). */
/* clang-format off: one kind per line */
static const struct wh_wait_kind_ops *const kinds[] = {
    &wh_wait_kind_rwsem_rt,
    &wh_wait_kind_rwlock_rt,
    &wh_wait_kind_spinlock_rt,
    &wh_wait_kind_mutex_rt,
    &wh_wait_kind_rt_mutex,
    &wh_wait_kind_mutex,
    &wh_wait_kind_rwsem,
    &wh_wait_kind_semaphore,
    &wh_wait_kind_completion,
    &wh_wait_kind_fuse,
    &wh_wait_kind_percpu_rwsem,
    &wh_wait_kind_folio,
    &wh_wait_kind_bit,
    &wh_wait_kind_jbd2,
    &wh_wait_kind_queue_freeze,
    &wh_wait_kind_var,
    &wh_wait_kind_waitqueue,
    NULL,
};
/* clang-format on */

const struct wh_wait_kind_ops *const *wh_wait_kinds(void)
{
	return kinds;
}
