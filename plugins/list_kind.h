/* List-based wait kinds as data: the waiter is a record on its own stack
 * ({list_head, task}, maybe a mode) linked into a list_head of the object
 * it waits on. A kind describes the record and the list by type and member
 * names (struct wh_list_kind); the core resolves them once per kernel
 * (wh_list_layout_init) and this file finds the object from the record and
 * reads the waiters, for every such kind. */
#ifndef WHYHUNG_LIST_KIND_H
#define WHYHUNG_LIST_KIND_H

#include "waiter_scan.h"

/* A value of the record's mode member and the mode it means: the value of
 * ENUMERATOR in the kernel's DWARF when given and present, else VALUE. */
struct wh_list_kind_mode {
	const char *enumerator;
	int64_t value;
	enum wh_wait_how how;
};

enum { WH_LIST_KIND_MAX_MODES = 4 };

struct wh_list_kind {
	const char *waiter_type, *waiter_list, *waiter_task; /* "mutex_waiter", "list", "task" */
	/* The wait list is LOCK_LIST of LOCK_TYPE; the object is its member
	 * OBJECT_MEMBER (NULL: the LOCK_TYPE itself). */
	const char *lock_type, *lock_list, *object_member;
	/* LOCK_TYPE comes from this module's debug file when it is a module
	 * (NULL: the vmlinux). */
	const char *module;
	/* Functions in the compile unit that defines the types (the first
	 * is indexed early: a private type is found without a scan). */
	const char *const *type_hint;
	/* Optional mode member of the record: mode = (field & MASK) >> SHIFT
	 * (MASK 0: the whole field), named by MODES[0 .. N_MODES), at most
	 * WH_LIST_KIND_MAX_MODES. */
	const char *waiter_mode;
	uint64_t mode_mask;
	unsigned mode_shift;
	const struct wh_list_kind_mode *modes;
	size_t n_modes;
};

/* A wh_list_kind resolved for one kernel. */
struct wh_list_layout {
	struct wh_waiter_layout waiter;
	uint64_t head_off;				/* the list head in LOCK_TYPE */
	uint64_t object_off;				/* the object in LOCK_TYPE */
	struct wh_types *types;				/* where LOCK_TYPE was found */
	enum wh_wait_how modes[WH_LIST_KIND_MAX_MODES]; /* by mode value */
	size_t n_modes;
};

struct wh_error *wh_list_layout_init(struct wh_kernel *k, const struct wh_list_kind *d,
				     struct wh_list_layout *ret);
/* The .find of a list-based kind: the task's record in M's frame, walked
 * to the list head, gives the object; the mode is the frame's, or the
 * record's when the frame implies none. */
struct wh_error *wh_list_kind_find(const struct wh_wait_context *ctx,
				   const struct wh_list_layout *l, int frame,
				   struct wh_wait_mode frame_mode, uint64_t *ret_object,
				   struct wh_wait_mode *ret_mode, uint64_t *ret_record,
				   bool *ret_found);
/* OBJ's waiters in queue order, with their modes; read failures go to
 * obj->incomplete. */
void wh_list_kind_waiters(const struct wh_wait_context *ctx, const struct wh_list_layout *l,
			  struct wh_wait_object *obj);

#endif
