#include "list_kind.h"
#include "module_debug.h"

struct wh_error *wh_list_layout_init(struct wh_kernel *k, const struct wh_list_kind *d,
				     struct wh_list_layout *ret)
{
	struct wh_member_info list, task, head, object = {0}, mode = {0};
	struct wh_types *types = k->types;
	struct wh_error *err = d->module ? wh_types_of(k, d->module, &types) : NULL;
	if (err)
		return err;
	if (d->type_hint && types == k->types)
		wh_kernel_type_hint(k, d->type_hint);
	if ((err = wh_kernel_member(k, d->waiter_type, d->waiter_list, &list)) ||
	    (err = wh_kernel_member(k, d->waiter_type, d->waiter_task, &task)) ||
	    (d->waiter_mode &&
	     (err = wh_kernel_member(k, d->waiter_type, d->waiter_mode, &mode))) ||
	    (err = wh_types_struct_member(types, d->lock_type, d->lock_list, &head)) ||
	    (d->object_member &&
	     (err = wh_types_struct_member(types, d->lock_type, d->object_member, &object))))
		return err;
	*ret = (struct wh_list_layout){
	    .waiter = {.list_off = list.offset,
		       .task_off = task.offset,
		       .mode_off = d->waiter_mode ? mode.offset : UINT64_MAX,
		       .mode_size = mode.size,
		       .mode_mask = d->mode_mask,
		       .mode_shift = d->mode_shift},
	    .head_off = head.offset,
	    .object_off = object.offset,
	    .types = types,
	};
	/* Mode values by the kernel's own enumerators where it names them. */
	for (size_t i = 0; i < d->n_modes && i < WH_LIST_KIND_MAX_MODES; i++) {
		int64_t v = d->modes[i].value;
		if (d->modes[i].enumerator)
			wh_best_effort(wh_types_enumerator(k->types, d->modes[i].enumerator, &v));
		if (v >= 0 && v < WH_LIST_KIND_MAX_MODES) {
			ret->modes[v] = d->modes[i].how;
			if ((size_t)v >= ret->n_modes)
				ret->n_modes = (size_t)v + 1;
		}
	}
	return NULL;
}

struct wh_error *wh_list_kind_find(const struct wh_wait_context *ctx,
				   const struct wh_list_layout *l, int frame,
				   struct wh_wait_mode frame_mode, uint64_t *ret_object,
				   struct wh_wait_mode *ret_mode, uint64_t *ret_record,
				   bool *ret_found)
{
	uint64_t head_obj;
	struct wh_error *err =
	    wh_waiter_object(ctx, frame, &l->waiter, l->head_off, &head_obj, ret_record, ret_found);
	if (err || !*ret_found)
		return err;
	*ret_object = head_obj + l->object_off;
	*ret_mode = frame_mode;
	if (frame_mode.how == WH_WAIT_PLAIN && l->waiter.mode_off != UINT64_MAX)
		*ret_mode = wh_waiter_mode(ctx, &l->waiter, l->modes, l->n_modes, *ret_record);
	return NULL;
}

void wh_list_kind_waiters(const struct wh_wait_context *ctx, const struct wh_list_layout *l,
			  struct wh_wait_object *obj)
{
	wh_waiter_list_read(ctx, obj->address - l->object_off + l->head_off, &l->waiter, l->modes,
			    l->n_modes, obj);
}
