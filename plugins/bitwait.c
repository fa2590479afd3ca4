/* Bit waits (wait_on_bit, wait_on_bit_lock, and their timeout forms): the
 * waiter's wait_bit_queue_entry names the word and the bit; the wait queue
 * is a hashed one (bit_wait_table) shared with other words. Nobody owns a
 * bit: whoever should clear it is not recorded. */
#include "analyzer/list_walk.h"
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

struct bit_layout {
	struct wh_waiter_layout waiter;
	struct wh_member_info word, bit_nr;
};

static struct wh_error *layout(struct wh_kernel *k, struct bit_layout *l)
{
	struct wh_member_info wq, entry, private;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "wait_bit_queue_entry", "wq_entry", &wq)) ||
	    (err = wh_kernel_member(k, "wait_bit_queue_entry", "key.flags", &l->word)) ||
	    (err = wh_kernel_member(k, "wait_bit_queue_entry", "key.bit_nr", &l->bit_nr)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "entry", &entry)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "private", &private)))
		return err;
	l->waiter = (struct wh_waiter_layout){.list_off = wq.offset + entry.offset,
					      .task_off = wq.offset + private.offset,
					      .mode_off = UINT64_MAX};
	return NULL;
}

static struct wh_error *find_record(const struct wh_wait_context *ctx, const struct bit_layout *l,
				    uint64_t *ret_rec, bool *ret_found)
{
	*ret_found = false;
	int frame = wh_wait_frame(ctx->bt, wait_frames, inner_frames);
	if (frame < 0)
		return NULL;
	return wh_find_waiter_record(ctx, frame, &l->waiter, ret_rec, ret_found);
}

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	struct bit_layout l;
	struct wh_error *err = layout(ctx->k, &l);
	if (err)
		return err;
	uint64_t rec, word, bit = 0;
	if ((err = find_record(ctx, &l, &rec, ret_found)) || !*ret_found)
		return err;
	if ((err = wh_kernel_read_member(ctx->k, rec, &l.word, &word)) ||
	    (err = wh_kernel_read_member(ctx->k, rec, &l.bit_nr, &bit))) {
		*ret_found = false;
		return err;
	}
	*ret_object = word;
	snprintf(ret_mode, 8, "bit%u", (unsigned)(bit & 0x3f));
	return NULL;
}

struct filter {
	const struct wh_wait_context *ctx;
	const struct bit_layout *l;
	struct wh_wait_object *obj;
	size_t cap;
};

/* The hashed queue holds waiters on other words too: keep this word's. */
static struct wh_error *visit(void *arg, uint64_t node, bool *stop)
{
	struct filter *f = arg;
	struct wh_wait_object *obj = f->obj;
	uint64_t rec = node - f->l->waiter.list_off, word, task, bit;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(f->ctx->k, rec, &f->l->word, &word)) ||
	    (err = wh_dump_read_u64(f->ctx->k->dump, rec + f->l->waiter.task_off, &task)) ||
	    (err = wh_kernel_read_member(f->ctx->k, rec, &f->l->bit_nr, &bit)))
		return err;
	if (word != obj->address)
		return NULL;
	char mode[8];
	snprintf(mode, sizeof(mode), "bit%u", (unsigned)(bit & 0x3f));
	return wh_object_add_waiter(obj, &f->cap, task, mode);
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct bit_layout l;
	struct wh_error *err = layout(ctx->k, &l);
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
	uint64_t rec, head;
	bool found = false;
	if (!(err = find_record(ctx, &l, &rec, &found)) && found &&
	    !(err = wh_waiter_list_head(ctx, rec, &l.waiter, &head))) {
		struct filter f = {.ctx = ctx, .l = &l, .obj = obj};
		err = wh_list_walk(ctx->k, head, WH_MAX_WAITERS, visit, &f);
	}
	if (err) {
		snprintf(obj->incomplete, sizeof(obj->incomplete), "wait queue: %s", err->message);
		if (err == &wh_error_nomem)
			return err;
		wh_error_destroy(err);
	}
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_bit = {
    .name = "bit",
    .recognize = recognize,
    .describe = describe,
};
