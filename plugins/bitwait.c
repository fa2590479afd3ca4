/* Bit waits (wait_on_bit, wait_on_bit_lock, and their timeout forms): the
 * waiter's wait_bit_queue_entry names the word and the bit; the wait queue
 * is a hashed one (bit_wait_table) shared with other words. Nobody owns a
 * bit: whoever should clear it is not recorded. */
#include "blockdev.h"
#include "list_walk.h"
#include "wait_kind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entry is a local of out_of_line_wait_on_bit*(); the frames above it
 * (the action and __wait_on_bit) are passed over. */
static const struct wh_wait_frame wait_frames[] = {
    {.function = "out_of_line_wait_on_bit"},
    {.function = "out_of_line_wait_on_bit_lock"},
    {.function = "out_of_line_wait_on_bit_timeout"},
    {NULL},
};
static const char *const inner_frames[] = {
    "bit_wait",	     "bit_wait_io",	   "bit_wait_timeout", "bit_wait_io_timeout",
    "__wait_on_bit", "__wait_on_bit_lock", "io_schedule",      NULL,
};

enum { B_STATE, B_BDEV, B_BLOCKNR };
static const struct wh_kind_member members[] = {
    [B_STATE] = {"buffer_head", "b_state", .optional = true},
    [B_BDEV] = {"buffer_head", "b_bdev", .optional = true},
    [B_BLOCKNR] = {"buffer_head", "b_blocknr", .optional = true},
    {NULL},
};

/* The wait_bit_queue_entry, and the buffer_head bits named in states.
 * BH_Shadow is jbd2's (include/linux/jbd2.h, maybe in a module): looked
 * up the first time a buffer waits on another bit than BH_Lock, since
 * not finding it costs a scan of every compile unit. */
struct bit_layout {
	struct wh_wait_bit_layout entry;
	int64_t bh_lock, bh_shadow; /* -1 when the kernel does not name them */
	bool shadow_looked_up;
};

static struct wh_error *init(struct wh_kernel *k, void **ret_layout)
{
	struct bit_layout *l = calloc(1, sizeof(*l));
	if (!l)
		return &wh_error_nomem;
	struct wh_error *err = wh_wait_bit_layout(k, &l->entry);
	if (err) {
		free(l);
		return err;
	}
	l->bh_lock = l->bh_shadow = -1;
	wh_best_effort(wh_types_enumerator(k->types, "BH_Lock", &l->bh_lock));
	*ret_layout = l;
	return NULL;
}

static struct wh_wait_mode bit_mode(const void *arg, uint64_t bit)
{
	(void)arg;
	return (struct wh_wait_mode){WH_WAIT_BIT, (uint8_t)(bit & 0x3f)};
}

/* The waiter's wait_bit_queue_entry names the word and the bit. */
static struct wh_error *find(const struct wh_wait_context *ctx,
			     const struct wh_wait_kind_state *state, const struct wh_wait_match *m,
			     struct wh_wait_found *ret)
{
	const struct bit_layout *l = state->layout;
	uint64_t bit = 0;
	struct wh_error *err =
	    wh_find_waiter_record(ctx, m->frame, &l->entry.waiter, &ret->record, &ret->found);
	if (err || !ret->found)
		return err;
	if ((err = wh_kernel_read_member(ctx->k, ret->record, &l->entry.key, &ret->object)) ||
	    (err = wh_kernel_read_member(ctx->k, ret->record, &l->entry.bit_nr, &bit))) {
		ret->found = false;
		return err;
	}
	ret->mode = bit_mode(NULL, bit);
	return NULL;
}

/* Is WORD the b_state of a buffer_head? Its b_bdev must be a plausible
 * block device. Buffer I/O (wait_on_buffer, jbd2's BH_Shadow) is the
 * common bit wait in a hung machine. */
static bool buffer_head_at(struct wh_kernel *k, const struct wh_wait_kind_state *state,
			   uint64_t word, uint64_t *ret_bdev, uint64_t *ret_block)
{
	const struct wh_member_info *m = state->members;
	uint64_t bh, bdev;
	struct wh_error *err = NULL;
	if (!state->have[B_STATE] || !state->have[B_BDEV] || !state->have[B_BLOCKNR])
		return false;
	bh = word - m[B_STATE].offset;
	if ((err = wh_kernel_read_member(k, bh, &m[B_BDEV], &bdev)) ||
	    !wh_blockdev_plausible(k, bdev) ||
	    (err = wh_kernel_read_member(k, bh, &m[B_BLOCKNR], ret_block))) {
		wh_error_destroy(err);
		return false;
	}
	*ret_bdev = bdev;
	return true;
}

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	struct bit_layout *l = state->layout;
	struct wh_error *err;
	uint64_t value = 0;
	if ((err = wh_dump_read_u64(ctx->k->dump, obj->address, &value)))
		wh_object_unreadable(obj, "word", err);
	else
		obj->state =
		    (struct wh_object_state){.condition = WH_STATE_BIT_WORD, .value = value};
	uint64_t bdev, block, bit;
	if (buffer_head_at(ctx->k, state, obj->address, &bdev, &block)) {
		wh_blockdev_describe(ctx->k, ctx->devices, bdev, 0, &obj->io);
		snprintf(obj->name, sizeof(obj->name), "buffer_head of block %llu on %s",
			 (unsigned long long)block, obj->io.device);
		int64_t b = -1;
		if (wh_best_effort(
			wh_kernel_read_member(ctx->k, first->record, &l->entry.bit_nr, &bit)))
			b = (int64_t)bit;
		if (b >= 0 && b != l->bh_lock && !l->shadow_looked_up) {
			l->shadow_looked_up = true;
			wh_best_effort(
			    wh_types_enumerator(ctx->k->types, "BH_Shadow", &l->bh_shadow));
		}
		if (b >= 0 && b == l->bh_lock)
			obj->state = (struct wh_object_state){.condition = WH_STATE_BUFFER_LOCKED,
							      .value = value};
		else if (b >= 0 && b == l->bh_shadow)
			obj->state = (struct wh_object_state){.condition = WH_STATE_BUFFER_SHADOW,
							      .value = value};
	}
	return wh_hashed_queue_waiters(ctx, first->record, &l->entry.waiter, &l->entry.key,
				       &l->entry.bit_nr, bit_mode, NULL, obj);
}

const struct wh_wait_kind_ops wh_wait_kind_bit = {
    .name = "bit",
    .order = 80,
    .frames = wait_frames,
    .skip = inner_frames,
    .members = members,
    /* fs/buffer.c: struct buffer_head and its BH_* bits. */
    .type_hint = (const char *const[]){"unlock_buffer", NULL},
    .init = init,
    .find = find,
    .describe = describe,
};
