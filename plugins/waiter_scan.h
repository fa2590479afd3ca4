/* Shared by the list-based wait kinds (mutex, rwsem, semaphore, swait,
 * wait queues): the waiter record is a local in the waiting task's frame,
 * linked into the object's wait list. A node is a waiter record exactly
 * when it lies on some task's stack and its task field names that task;
 * the one node that is not is the object's list head. */
#ifndef WHYHUNG_WAITER_SCAN_H
#define WHYHUNG_WAITER_SCAN_H

#include "wait_model.h"

struct wh_waiter_layout {
	uint64_t list_off; /* list_head in the waiter record */
	uint64_t task_off; /* task pointer in the waiter record */
	uint64_t mode_off; /* optional: a mode/type field, UINT64_MAX if none */
	uint64_t mode_size;
	uint64_t mode_mask; /* mode = (field & mask) >> shift; mask 0: whole field */
	unsigned mode_shift;
};

/* Index of the innermost frame, after the scheduler's own frames, when its
 * function (compiler suffixes like .constprop.0 ignored) is one of NAMES;
 * -1 otherwise. Frames listed in ALSO_SKIP (may be NULL) are passed over
 * too (e.g. schedule_timeout below __wait_for_common). */
int wh_wait_frame(const struct wh_backtrace *bt, const char *const *names,
		  const char *const *also_skip);
/* Index of the innermost frame after the scheduler's own, whatever its
 * function: where wait_event()-style macros leave their entry. -1 if none. */
int wh_caller_of_schedule(const struct wh_backtrace *bt);
/* Find the task's waiter record in the frame FRAME of its stack. */
struct wh_error *wh_find_waiter_record(const struct wh_wait_context *ctx, int frame,
				       const struct wh_waiter_layout *l, uint64_t *ret_record,
				       bool *ret_found);
/* Walk from a record's list node to the list head (the first node that is
 * not a waiter record). Bounded and cycle-checked. */
struct wh_error *wh_waiter_list_head(const struct wh_wait_context *ctx, uint64_t record,
				     const struct wh_waiter_layout *l, uint64_t *ret_head);
/* The common recognition of list-based kinds: T's waiter record in FRAME,
 * walked to the list head, minus HEAD_OFFSET (the wait list's offset in
 * the lock) gives the object. */
struct wh_error *wh_waiter_object(const struct wh_wait_context *ctx, int frame,
				  const struct wh_waiter_layout *l, uint64_t head_offset,
				  uint64_t *ret_object, uint64_t *ret_record, bool *ret_found);
/* A lock whose waiters are {list_head, task} records on their own stacks,
 * linked into a list_head of the lock: mutex, semaphore, completion. */
struct wh_list_lock {
	const char *waiter_type, *waiter_list, *waiter_task; /* "mutex_waiter", "list", "task" */
	const char *lock_type, *lock_list;		     /* "mutex", "wait_list" */
	const char *const *frames;    /* the slow path that holds the record */
	const char *const *also_skip; /* frames between it and the scheduler */
	const char *const *type_hint; /* functions in the CU that defines waiter_type */
};

struct wh_error *wh_list_lock_layout(struct wh_kernel *k, const struct wh_list_lock *d,
				     struct wh_waiter_layout *ret, uint64_t *ret_list_offset);
/* The recognize() of such a kind (no mode). */
struct wh_error *wh_list_lock_recognize(const struct wh_wait_context *ctx,
					const struct wh_list_lock *d, uint64_t *ret_object,
					bool *ret_found);
/* OBJ's waiters in queue order; read failures go to obj->incomplete. */
struct wh_error *wh_list_lock_waiters(const struct wh_wait_context *ctx,
				      const struct wh_list_lock *d, struct wh_wait_object *obj);
/* Hashed wait queues (folio_wait_table, bit_wait_table) hold waiters of
 * other objects too. From the task's own record in FRAME, walk its queue
 * and keep the records whose KEY member equals obj->address, in order,
 * with the mode MODE_OF names from the record's BIT member. Only
 * out-of-memory is returned; other problems go to obj->incomplete. */
typedef void wh_mode_name_fn(const void *arg, uint64_t bit, char mode[8]);
struct wh_error *wh_hashed_queue_waiters(const struct wh_wait_context *ctx, int frame,
					 const struct wh_waiter_layout *l,
					 const struct wh_member_info *key,
					 const struct wh_member_info *bit, wh_mode_name_fn *mode_of,
					 const void *arg, struct wh_wait_object *obj);
/* struct wait_bit_queue_entry (wait_on_bit, wait_var_event): the waiter
 * record of the hashed bit_wait_table queues. */
struct wh_wait_bit_layout {
	struct wh_waiter_layout waiter;	   /* list and task of its wq_entry */
	struct wh_member_info key, bit_nr; /* key.flags (the word or variable), key.bit_nr */
	struct wh_member_info func;	   /* wq_entry.func, offset from the record */
};
struct wh_error *wh_wait_bit_layout(struct wh_kernel *k, struct wh_wait_bit_layout *ret);
/* Append a waiter to OBJ (hashed wait queues filter their own). */
struct wh_error *wh_object_add_waiter(struct wh_wait_object *obj, size_t *cap, uint64_t task,
				      const char *mode);
/* Fill OBJ's waiters from the list at HEAD in queue order. MODE_NAMES maps
 * mode values (index) to names when the layout has a mode field. */
void wh_waiter_list_read(const struct wh_wait_context *ctx, uint64_t head,
			 const struct wh_waiter_layout *l, const char *const *mode_names,
			 size_t n_modes, struct wh_wait_object *obj);
/* Owner bookkeeping. */
void wh_object_add_owner(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
			 uint64_t task, enum wh_owner_how how, const char *evidence);
/* Does the live stack of TASK hold the value VALUE? Evidence for inferred
 * holders. */
bool wh_stack_holds(const struct wh_wait_context *ctx, uint64_t task, uint64_t value);
/* The tasks (task list indices, in list order) whose live stacks hold the
 * address of OBJ, an object of this analysis: all objects are looked for
 * in one pass over the stacks, on first use. */
struct wh_error *wh_stack_holders(const struct wh_wait_context *ctx,
				  const struct wh_wait_object *obj, const size_t **ret,
				  size_t *ret_n);

#endif
