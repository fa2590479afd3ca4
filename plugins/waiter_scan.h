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

/* Is FUNCTION one of the scheduler's own frames (schedule(),
 * io_schedule(), ...), which every sleeping task's stack starts with? */
bool wh_is_scheduler_frame(const char *function);
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
/* Hashed wait queues (folio_wait_table, bit_wait_table) hold waiters of
 * other objects too. From a waiter's own record RECORD, walk its queue
 * and keep the records whose KEY member equals obj->address, in order,
 * with the mode MODE_OF names from the record's BIT member. Only
 * out-of-memory is returned; other problems go to obj->incomplete. */
typedef struct wh_wait_mode wh_mode_of_bit_fn(const void *arg, uint64_t bit);
struct wh_error *wh_hashed_queue_waiters(const struct wh_wait_context *ctx, uint64_t record,
					 const struct wh_waiter_layout *l,
					 const struct wh_member_info *key,
					 const struct wh_member_info *bit,
					 wh_mode_of_bit_fn *mode_of, const void *arg,
					 struct wh_wait_object *obj);
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
				      struct wh_wait_mode mode);
/* Fill OBJ's waiters from the list at HEAD in queue order. MODES maps
 * mode values (index) to modes when the layout has a mode field. */
void wh_waiter_list_read(const struct wh_wait_context *ctx, uint64_t head,
			 const struct wh_waiter_layout *l, const enum wh_wait_how *modes,
			 size_t n_modes, struct wh_wait_object *obj);
/* The mode the record at RECORD names in its mode field (layout L), by
 * MODES; WH_WAIT_PLAIN when unreadable or unnamed. */
struct wh_wait_mode wh_waiter_mode(const struct wh_wait_context *ctx,
				   const struct wh_waiter_layout *l, const enum wh_wait_how *modes,
				   size_t n_modes, uint64_t record);
/* Owner bookkeeping. */
void wh_object_add_owner(const struct wh_wait_context *ctx, struct wh_wait_object *obj,
			 uint64_t task, enum wh_owner_how how, struct wh_evidence evidence);
/* OBJ's state is that WHAT ("owner", "count/owner") could not be read:
 * ERR says why; destroys ERR. */
void wh_object_unreadable(struct wh_wait_object *obj, const char *what, struct wh_error *err);
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
