/* Bit waits (wait_on_bit, wait_on_bit_lock, and their timeout forms): the
 * waiter's wait_bit_queue_entry names the word and the bit; the wait queue
 * is a hashed one (bit_wait_table) shared with other words. Nobody owns a
 * bit: whoever should clear it is not recorded. */
#include "blockdev.h"
#include "list_walk.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entry is a local of out_of_line_wait_on_bit*(); the frames above it
 * (the action and __wait_on_bit) are passed over. */
static const char *const wait_frames[] = {
    "out_of_line_wait_on_bit",
    "out_of_line_wait_on_bit_lock",
    "out_of_line_wait_on_bit_timeout",
    NULL,
};
static const char *const inner_frames[] = {
    "bit_wait",	     "bit_wait_io",	   "bit_wait_timeout", "bit_wait_io_timeout",
    "__wait_on_bit", "__wait_on_bit_lock", "io_schedule",      NULL,
};

static struct wh_error *find_record(const struct wh_wait_context *ctx,
				    const struct wh_wait_bit_layout *l, uint64_t *ret_rec,
				    bool *ret_found)
{
	*ret_found = false;
	int frame = wh_wait_frame(ctx->bt, wait_frames, inner_frames);
	if (frame < 0)
		return NULL;
	return wh_find_waiter_record(ctx, frame, &l->waiter, ret_rec, ret_found);
}

static void bit_mode(const void *arg, uint64_t bit, char mode[8])
{
	(void)arg;
	snprintf(mode, 8, "bit%u", (unsigned)(bit & 0x3f));
}

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	struct wh_wait_bit_layout l;
	struct wh_error *err = wh_wait_bit_layout(ctx->k, &l);
	if (err)
		return err;
	uint64_t rec, word, bit = 0;
	if ((err = find_record(ctx, &l, &rec, ret_found)) || !*ret_found)
		return err;
	if ((err = wh_kernel_read_member(ctx->k, rec, &l.key, &word)) ||
	    (err = wh_kernel_read_member(ctx->k, rec, &l.bit_nr, &bit))) {
		*ret_found = false;
		return err;
	}
	*ret_object = word;
	bit_mode(NULL, bit, ret_mode);
	return NULL;
}

/* Is WORD the b_state of a buffer_head? Its b_bdev must be a plausible
 * block device. Buffer I/O (wait_on_buffer, jbd2's BH_Shadow) is the
 * common bit wait in a hung machine. */
static bool buffer_head_at(struct wh_kernel *k, uint64_t word, uint64_t *ret_bdev,
			   uint64_t *ret_block)
{
	struct wh_member_info state, bdev_m, block_m;
	uint64_t bh, bdev;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "buffer_head", "b_state", &state)) ||
	    (err = wh_kernel_member(k, "buffer_head", "b_bdev", &bdev_m)) ||
	    (err = wh_kernel_member(k, "buffer_head", "b_blocknr", &block_m))) {
		wh_error_destroy(err);
		return false;
	}
	bh = word - state.offset;
	if ((err = wh_kernel_read_member(k, bh, &bdev_m, &bdev)) ||
	    !wh_blockdev_plausible(k, bdev) ||
	    (err = wh_kernel_read_member(k, bh, &block_m, ret_block))) {
		wh_error_destroy(err);
		return false;
	}
	*ret_bdev = bdev;
	return true;
}

/* "BH_Lock" for bit 2 of a buffer_head's state, from the kernel's enum. */
static const char *bh_bit_name(struct wh_kernel *k, uint64_t bit)
{
	static const char *const names[] = {"BH_Lock", "BH_Shadow", "BH_Uptodate", "BH_Dirty",
					    NULL};
	for (const char *const *n = names; *n; n++) {
		int64_t v;
		struct wh_error *err = wh_types_enumerator(k->types, *n, &v);
		wh_error_destroy(err);
		if (!err && (uint64_t)v == bit)
			return *n;
	}
	return NULL;
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct wh_wait_bit_layout l;
	struct wh_error *err = wh_wait_bit_layout(ctx->k, &l);
	if (err)
		return err;
	uint64_t value = 0;
	if ((err = wh_dump_read_u64(ctx->k->dump, obj->address, &value))) {
		snprintf(obj->state, sizeof(obj->state), "word unreadable: %s", err->message);
		wh_error_destroy(err);
	} else {
		snprintf(obj->state, sizeof(obj->state),
			 "word value 0x%llx; the kernel records no task that will clear the bit",
			 (unsigned long long)value);
	}
	uint64_t bdev, block, rec, bit;
	bool found;
	if (buffer_head_at(ctx->k, obj->address, &bdev, &block)) {
		wh_blockdev_describe(ctx->k, ctx->devices, bdev, 0, &obj->io);
		snprintf(obj->name, sizeof(obj->name), "buffer_head of block %llu on %s",
			 (unsigned long long)block, obj->io.device);
		const char *bit_name = NULL;
		if (!(err = find_record(ctx, &l, &rec, &found)) && found &&
		    !(err = wh_kernel_read_member(ctx->k, rec, &l.bit_nr, &bit)))
			bit_name = bh_bit_name(ctx->k, bit);
		wh_error_destroy(err);
		if (bit_name && !strcmp(bit_name, "BH_Lock"))
			snprintf(obj->state, sizeof(obj->state),
				 "buffer locked (BH_Lock, state 0x%llx): I/O on it has not "
				 "completed",
				 (unsigned long long)value);
		else if (bit_name && !strcmp(bit_name, "BH_Shadow"))
			snprintf(obj->state, sizeof(obj->state),
				 "buffer shadowed (BH_Shadow, state 0x%llx): jbd2 is writing it "
				 "to the journal",
				 (unsigned long long)value);
	}
	int frame = wh_wait_frame(ctx->bt, wait_frames, inner_frames);
	if ((err = wh_hashed_queue_waiters(ctx, frame, &l.waiter, &l.key, &l.bit_nr, bit_mode, NULL,
					   obj)))
		return err;
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_bit = {
    .name = "bit",
    .recognize = recognize,
    .describe = describe,
};
