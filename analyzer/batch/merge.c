#include "merge.h"
#include "batch_db.h"
#include "batch_jsonl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool is_sqlite(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool yes = fread(head, 1, sizeof(head), f) == sizeof(head) && !memcmp(head, magic, 16);
	fclose(f);
	return yes;
}

/* Every row of every input appended to ALL (rows moved, not copied). */
static struct wh_error *load_input(const char *path, struct wh_batch_rows *all)
{
	if (access(path, R_OK) != 0)
		return wh_error_create(WH_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	struct wh_batch_rows rows;
	struct wh_error *err;
	if (is_sqlite(path)) {
		struct wh_batch_db *db;
		if ((err = wh_batch_db_open(path, &db)))
			return err;
		err = wh_batch_db_load(db, true, &rows);
		wh_batch_db_close(db);
	} else {
		err = wh_batch_jsonl_load(path, true, &rows);
	}
	if (err)
		return err;
	for (size_t i = 0; !err && i < rows.n; i++) {
		struct wh_batch_result *r;
		if (!(err = wh_batch_rows_add(all, &r))) {
			*r = rows.rows[i];
			memset(&rows.rows[i], 0, sizeof(rows.rows[i]));
		}
	}
	wh_batch_rows_deinit(&rows);
	return err;
}

struct order {
	const struct wh_batch_result *r;
	size_t index; /* input order: later inputs win ties */
};

static int compare_order(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	int c = strcmp(x->r->content_id, y->r->content_id);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Of rows with one content id (sorted by input order), the one to keep. */
static const struct wh_batch_result *pick(const struct order *o, size_t n)
{
	const struct wh_batch_result *best = o[0].r;
	for (size_t i = 1; i < n; i++)
		if (o[i].r->status == WH_BATCH_OK || best->status != WH_BATCH_OK)
			best = o[i].r;
	return best;
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(((const struct wh_batch_result *)a)->content_id,
		      ((const struct wh_batch_result *)b)->content_id);
}

static struct wh_error *write_row(struct wh_batch_db *db, int json_fd,
				  const struct wh_batch_result *r, const struct wh_batch_rows *have)
{
	struct wh_error *err = NULL;
	if (db)
		err = wh_batch_db_put(db, r);
	/* HAVE is sorted by content id (see wh_batch_merge()). */
	bool in_json = r->content_id[0] && have->n &&
		       bsearch(r, have->rows, have->n, sizeof(*have->rows), compare_ids) != NULL;
	if (!err && json_fd >= 0 && !in_json)
		err = wh_batch_jsonl_append(json_fd, r);
	return err;
}

struct wh_error *wh_batch_merge(const char *const *inputs, size_t n, const char *db_path,
				const char *json_path, size_t *ret_rows)
{
	struct wh_batch_rows all = {0}, have = {0};
	struct wh_batch_db *db = NULL;
	int json_fd = -1;
	struct order *order = NULL;
	struct wh_error *err = NULL;
	*ret_rows = 0;
	for (size_t i = 0; !err && i < n; i++)
		err = load_input(inputs[i], &all);
	if (!err && db_path)
		err = wh_batch_db_open(db_path, &db);
	if (!err && json_path && !(err = wh_batch_jsonl_load(json_path, false, &have))) {
		if (have.n)
			qsort(have.rows, have.n, sizeof(*have.rows), compare_ids);
		json_fd = open(json_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (json_fd < 0)
			err = wh_error_create(WH_ERR_IO, "cannot write %s: %s", json_path,
					      strerror(errno));
	}
	if (!err && all.n && !(order = calloc(all.n, sizeof(*order))))
		err = &wh_error_nomem;
	for (size_t i = 0; !err && i < all.n; i++)
		order[i] = (struct order){&all.rows[i], i};
	if (!err && all.n)
		qsort(order, all.n, sizeof(*order), compare_order);
	for (size_t i = 0; !err && i < all.n;) {
		size_t k = i + 1;
		/* Unreadable files have no content id: each is its own row. */
		while (order[i].r->content_id[0] && k < all.n &&
		       !strcmp(order[k].r->content_id, order[i].r->content_id))
			k++;
		err = write_row(db, json_fd, pick(&order[i], k - i), &have);
		(*ret_rows)++;
		i = k;
	}
	free(order);
	if (json_fd >= 0)
		close(json_fd);
	wh_batch_db_close(db);
	wh_batch_rows_deinit(&have);
	wh_batch_rows_deinit(&all);
	return err;
}
