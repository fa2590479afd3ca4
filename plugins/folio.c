/* Page cache folio waits (5.16+ folio_wait_table; 4.9-5.15 page_wait_table
 * use struct wait_page_queue with a page): the waiter's wait_page_queue
 * names the folio and the bit (PG_locked or PG_writeback) directly; the
 * wait queue is a hashed one shared with other folios. Nobody records who
 * holds a page lock: candidates are inferred from stacks. */
#include "blockdev.h"
#include "inode_name.h"
#include "list_walk.h"
#include "wait_kind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct wh_wait_frame wait_frames[] = {
    {.function = "__folio_lock"},
    {.function = "__folio_lock_killable"},
    {.function = "folio_wait_bit"},
    {.function = "folio_wait_bit_killable"},
    {.function = "folio_wait_bit_common"},
    {.function = "__folio_lock_or_retry"},
    {.function = "folio_put_wait_locked"},
    {.function = "migration_entry_wait_on_locked"},
    {.function = "__lock_page"},
    {.function = "__lock_page_killable"},
    {.function = "wait_on_page_bit_common"},
    {.function = "wait_on_page_bit"},
    {NULL},
};
static const char *const io_frames[] = {"io_schedule", NULL};

struct folio_layout {
	struct wh_waiter_layout waiter;
	struct wh_member_info folio, bit_nr, head, flags, mapping, index, host, sb;
	int64_t pg_locked, pg_writeback;
};

static struct wh_error *layout(struct wh_kernel *k, struct folio_layout *l)
{
	struct wh_member_info wait, entry, private;
	struct wh_error *err;
	bool have_folio;
	if ((err = wh_kernel_member(k, "wait_page_queue", "wait", &wait)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "entry", &entry)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "private", &private)) ||
	    (err = wh_kernel_member(k, "wait_page_queue", "bit_nr", &l->bit_nr)) ||
	    (err = wh_kernel_member(k, "wait_queue_head", "head", &l->head)) ||
	    (err = wh_kernel_member_opt(k, "wait_page_queue", "folio", &l->folio, &have_folio)))
		return err;
	/* Before 5.16 the queue names a page; a page's first fields match. */
	const char *obj_type = have_folio ? "folio" : "page";
	if ((!have_folio && (err = wh_kernel_member(k, "wait_page_queue", "page", &l->folio))) ||
	    (err = wh_kernel_member(k, obj_type, "flags", &l->flags)) ||
	    (err = wh_kernel_member(k, obj_type, "mapping", &l->mapping)) ||
	    (err = wh_kernel_member(k, obj_type, "index", &l->index)) ||
	    (err = wh_kernel_member(k, "address_space", "host", &l->host)) ||
	    (err = wh_kernel_member(k, "inode", "i_sb", &l->sb)) ||
	    (err = wh_types_enumerator(k->types, "PG_locked", &l->pg_locked)) ||
	    (err = wh_types_enumerator(k->types, "PG_writeback", &l->pg_writeback)))
		return err;
	l->waiter = (struct wh_waiter_layout){.list_off = wait.offset + entry.offset,
					      .task_off = wait.offset + private.offset,
					      .mode_off = UINT64_MAX};
	return NULL;
}

static struct wh_error *init(struct wh_kernel *k, void **ret_layout)
{
	struct folio_layout *l = calloc(1, sizeof(*l));
	if (!l)
		return &wh_error_nomem;
	struct wh_error *err = layout(k, l);
	if (err)
		free(l);
	else
		*ret_layout = l;
	return err;
}

static struct wh_wait_mode mode_of(const void *arg, uint64_t bit)
{
	const struct folio_layout *l = arg;
	if ((int64_t)bit == l->pg_locked)
		return (struct wh_wait_mode){WH_WAIT_PAGE_LOCK, 0};
	if ((int64_t)bit == l->pg_writeback)
		return (struct wh_wait_mode){WH_WAIT_WRITEBACK, 0};
	return (struct wh_wait_mode){WH_WAIT_BIT, (uint8_t)(bit & 0xff)};
}

/* The waiter's wait_page_queue names the folio and the bit. */
static struct wh_error *find(const struct wh_wait_context *ctx,
			     const struct wh_wait_kind_state *state, const struct wh_wait_match *m,
			     struct wh_wait_found *ret)
{
	const struct folio_layout *l = state->layout;
	uint64_t bit = 0;
	struct wh_error *err =
	    wh_find_waiter_record(ctx, m->frame, &l->waiter, &ret->record, &ret->found);
	if (err || !ret->found)
		return err;
	if ((err = wh_kernel_read_member(ctx->k, ret->record, &l->folio, &ret->object)) ||
	    (err = wh_kernel_read_member(ctx->k, ret->record, &l->bit_nr, &bit))) {
		ret->found = false;
		return err;
	}
	ret->mode = mode_of(l, bit);
	return NULL;
}

static bool is_waiter(const struct wh_wait_object *obj, uint64_t task)
{
	for (size_t i = 0; i < obj->n_waiters; i++)
		if (obj->waiters[i] == task)
			return true;
	return false;
}

static void name_folio(const struct wh_wait_context *ctx, const struct folio_layout *l,
		       struct wh_wait_object *obj, uint64_t flags)
{
	struct wh_kernel *k = ctx->k;
	uint64_t mapping = 0, index = 0, host = 0, sb = 0;
	struct wh_error *err;
	if (!(err = wh_kernel_read_member(k, obj->address, &l->mapping, &mapping)) &&
	    !(err = wh_kernel_read_member(k, obj->address, &l->index, &index)) && mapping &&
	    !(mapping & 1) && !(err = wh_kernel_read_member(k, mapping, &l->host, &host)) && host)
		err = wh_kernel_read_member(k, host, &l->sb, &sb);
	wh_error_destroy(err);
	/* Where its I/O goes: a writeback (or a read under the lock) waits
	 * on the device under the file's superblock. */
	if (sb)
		wh_blockdev_of_superblock(k, ctx->devices, sb, &obj->io);
	if (host) {
		char inode[256];
		wh_inode_name(k, host, inode, sizeof(inode));
		snprintf(obj->name, sizeof(obj->name), "page %llu of %.*s",
			 (unsigned long long)index, (int)sizeof(obj->name) - 32, inode);
	} else if (mapping & 1)
		snprintf(obj->name, sizeof(obj->name), "anonymous folio at 0x%llx",
			 (unsigned long long)obj->address);
	obj->state = (struct wh_object_state){.condition = WH_STATE_FOLIO,
					      .value = flags,
					      .flag = flags >> l->pg_locked & 1,
					      .writeback = flags >> l->pg_writeback & 1};
}

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	const struct folio_layout *l = state->layout;
	uint64_t flags = 0;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &l->flags, &flags))) {
		wh_object_unreadable(obj, "folio", err);
		return NULL;
	}
	name_folio(ctx, l, obj, flags);
	/* The queue: walk it from the first waiter's own record. */
	if ((err = wh_hashed_queue_waiters(ctx, first->record, &l->waiter, &l->folio, &l->bit_nr,
					   mode_of, l, obj)))
		return err;
	/* Holder candidates for a locked folio: stacks holding its address. */
	if (flags >> l->pg_locked & 1) {
		const size_t *holders;
		size_t n_holders;
		if ((err = wh_stack_holders(ctx, obj, &holders, &n_holders)))
			return err;
		for (size_t i = 0; i < n_holders && obj->n_owners < WH_MAX_OWNERS; i++) {
			const struct wh_task *t = &ctx->tasks->tasks[holders[i]];
			if (t->idle || is_waiter(obj, t->address))
				continue;
			wh_object_add_owner(
			    ctx, obj, t->address, WH_OWNER_INFERRED,
			    (struct wh_evidence){.kind = WH_EVIDENCE_FOLIO_ON_STACK});
		}
	}
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_folio = {
    .name = "folio",
    .order = 70,
    .frames = wait_frames,
    .skip = io_frames,
    .init = init,
    .find = find,
    .describe = describe,
};
