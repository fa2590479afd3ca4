/* Hashed wait queues (folio_wait_table, bit_wait_table): one queue holds
 * the waiters of every object hashed to it. The queue is read once, its
 * entries grouped by the object they wait for, and kept in the analysis'
 * memo: each object then takes its own entries, instead of every object
 * walking the whole queue again. */
#include "kind_memo.h"
#include "list_walk.h"
#include "waiter_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct queue_entry {
	uint64_t key, task, bit;
};

/* One queue as read: entries in queue order, then grouped by key. */
struct read_queue {
	/* What it was read with: another layout reads it anew. */
	uint64_t list_off, task_off, key_off, bit_off;
	char *problem; /* why the walk stopped early, or NULL */
	struct wh_addr_map row_of_key;
	size_t *start; /* row r: entries[start[r] .. start[r + 1]) */
	struct queue_entry *entries;
	size_t n, cap;
};

static const char memo_tag; /* the queues read, in the analysis' memo */

static void destroy_queue(void *p)
{
	struct read_queue *q = p;
	if (!q)
		return;
	wh_addr_map_deinit(&q->row_of_key);
	free(q->problem);
	free(q->start);
	free(q->entries);
	free(q);
}

struct reading {
	const struct wh_wait_context *ctx;
	const struct wh_waiter_layout *l;
	const struct wh_member_info *key, *bit;
	struct read_queue *q;
};

static struct wh_error *visit_entry(void *arg, uint64_t node, bool *stop)
{
	struct reading *r = arg;
	struct read_queue *q = r->q;
	uint64_t rec = node - r->l->list_off;
	struct queue_entry e;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(r->ctx->k, rec, r->key, &e.key)) ||
	    (err = wh_dump_read_u64(r->ctx->k->dump, rec + r->l->task_off, &e.task)) ||
	    (err = wh_kernel_read_member(r->ctx->k, rec, r->bit, &e.bit)))
		return err;
	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 16;
		struct queue_entry *grown = realloc(q->entries, cap * sizeof(*grown));
		if (!grown)
			return &wh_error_nomem;
		q->entries = grown;
		q->cap = cap;
	}
	q->entries[q->n++] = e;
	return NULL;
}

/* Group the entries by key, each group in queue order (counting sort). */
static struct wh_error *group_by_key(struct read_queue *q)
{
	size_t rows = 0, *row = malloc((q->n ? q->n : 1) * sizeof(*row));
	struct queue_entry *sorted = malloc((q->n ? q->n : 1) * sizeof(*sorted));
	struct wh_error *err = row && sorted ? NULL : &wh_error_nomem;
	for (size_t i = 0; !err && i < q->n; i++) {
		row[i] = wh_addr_map_get(&q->row_of_key, q->entries[i].key);
		if (row[i] == SIZE_MAX &&
		    !(err = wh_addr_map_add(&q->row_of_key, q->entries[i].key, rows)))
			row[i] = rows++;
	}
	if (!err && !(q->start = calloc(rows + 2, sizeof(*q->start))))
		err = &wh_error_nomem;
	if (!err) {
		for (size_t i = 0; i < q->n; i++)
			q->start[row[i] + 2]++;
		for (size_t r = 0; r < rows; r++)
			q->start[r + 2] += q->start[r + 1];
		for (size_t i = 0; i < q->n; i++)
			sorted[q->start[row[i] + 1]++] = q->entries[i];
		free(q->entries);
		q->entries = sorted;
		sorted = NULL;
	}
	free(row);
	free(sorted);
	return err;
}

/* Read the queue at HEAD with this layout. */
static struct wh_error *read_anew(const struct wh_wait_context *ctx, uint64_t head,
				  const struct wh_waiter_layout *l,
				  const struct wh_member_info *key,
				  const struct wh_member_info *bit, struct read_queue **ret)
{
	struct read_queue *q = calloc(1, sizeof(*q));
	if (!q)
		return &wh_error_nomem;
	*q = (struct read_queue){.list_off = l->list_off,
				 .task_off = l->task_off,
				 .key_off = key->offset,
				 .bit_off = bit->offset};
	wh_addr_map_init(&q->row_of_key);
	struct reading r = {.ctx = ctx, .l = l, .key = key, .bit = bit, .q = q};
	struct wh_error *err = wh_list_walk(ctx->k, head, WH_MAX_WAITERS, visit_entry, &r);
	if (err && err != &wh_error_nomem) {
		/* The entries before the problem stand; the problem is told. */
		q->problem = strdup(err->message);
		wh_error_destroy(err);
		err = q->problem ? NULL : &wh_error_nomem;
	}
	if (!err)
		err = group_by_key(q);
	if (err) {
		destroy_queue(q);
		return err;
	}
	*ret = q;
	return NULL;
}

/* The queue at HEAD read with this layout: from the memo, or read now and
 * kept there. *RET_OWNED: the caller destroys it (a queue the memo holds
 * as read with another layout, which the wait tables never mix). */
static struct wh_error *read_queue(const struct wh_wait_context *ctx, uint64_t head,
				   const struct wh_waiter_layout *l,
				   const struct wh_member_info *key,
				   const struct wh_member_info *bit, struct read_queue **ret,
				   bool *ret_owned)
{
	struct read_queue *q = wh_kind_memo_get(ctx->memo, &memo_tag, head);
	*ret_owned = false;
	if (q && q->list_off == l->list_off && q->task_off == l->task_off &&
	    q->key_off == key->offset && q->bit_off == bit->offset) {
		*ret = q;
		return NULL;
	}
	struct wh_error *err = read_anew(ctx, head, l, key, bit, ret);
	if (err)
		return err;
	if (q) {
		*ret_owned = true;
		return NULL;
	}
	return wh_kind_memo_put(ctx->memo, &memo_tag, head, *ret, destroy_queue);
}

struct wh_error *wh_hashed_queue_waiters(const struct wh_wait_context *ctx, uint64_t record,
					 const struct wh_waiter_layout *l,
					 const struct wh_member_info *key,
					 const struct wh_member_info *bit,
					 wh_mode_of_bit_fn *mode_of, const void *arg,
					 struct wh_wait_object *obj)
{
	uint64_t head;
	struct read_queue *q = NULL;
	bool owned = false;
	struct wh_error *err = NULL;
	if (record && !(err = wh_waiter_list_head(ctx, record, l, &head)))
		err = read_queue(ctx, head, l, key, bit, &q, &owned);
	if (err == &wh_error_nomem)
		return err;
	if (err) {
		snprintf(obj->incomplete, sizeof(obj->incomplete), "wait queue: %s", err->message);
		wh_error_destroy(err);
		return NULL;
	}
	if (!q)
		return NULL;
	size_t row = wh_addr_map_get(&q->row_of_key, obj->address), cap = 0;
	for (size_t i = row == SIZE_MAX ? 0 : q->start[row];
	     !err && row != SIZE_MAX && i < q->start[row + 1]; i++) {
		err = wh_object_add_waiter(obj, &cap, q->entries[i].task,
					   mode_of(arg, q->entries[i].bit));
	}
	if (!err && q->problem)
		snprintf(obj->incomplete, sizeof(obj->incomplete), "wait queue: %s", q->problem);
	if (owned)
		destroy_queue(q);
	return err;
}
