/* Batch results as JSON Lines: one object per dump (schema
 * "whyhung-batch/1", README "Batch results"), appended whole with one
 * write, so that a batch killed midway leaves complete lines only (a cut
 * last line is ignored when the file is read back). */
#ifndef WHYHUNG_BATCH_JSONL_H
#define WHYHUNG_BATCH_JSONL_H

#include <stdbool.h>
#include <stdio.h>

#include "batch_result.h"

#define WH_SCHEMA_BATCH "whyhung-batch/1"

/* The line of R, with its newline, into *RET (malloc'ed). */
struct wh_error *wh_batch_jsonl_line(const struct wh_batch_result *r, char **ret, size_t *ret_len);
/* Append R to the file open as FD (O_APPEND) in one write. */
struct wh_error *wh_batch_jsonl_append(int fd, const struct wh_batch_result *r);

/* Read back every complete line of PATH into *RET (the report as its JSON
 * text only WITH_REPORTS: reports are big, reruns and clusters do not need
 * them, merge does). A missing file is an empty list. */
struct wh_batch_rows {
	struct wh_batch_result *rows;
	size_t n, cap;
};
struct wh_error *wh_batch_jsonl_load(const char *path, bool with_reports,
				     struct wh_batch_rows *ret);
void wh_batch_rows_deinit(struct wh_batch_rows *rows);
/* Room for one more row at the end of ROWS, zeroed. */
struct wh_error *wh_batch_rows_add(struct wh_batch_rows *rows, struct wh_batch_result **ret);

#endif
