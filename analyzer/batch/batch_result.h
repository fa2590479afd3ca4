/* One dump's row in a batch: what every result sink (JSON Lines, SQLite,
 * the terminal) records, and how a worker process hands it to the batch
 * (a small length-prefixed file, written before the worker exits). */
#ifndef WHYHUNG_BATCH_RESULT_H
#define WHYHUNG_BATCH_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

enum wh_batch_status {
	WH_BATCH_OK,
	WH_BATCH_NO_DEBUGINFO,
	WH_BATCH_NOT_A_DUMP,
	WH_BATCH_TRUNCATED,
	WH_BATCH_TIMEOUT,
	WH_BATCH_OUT_OF_MEMORY,
	WH_BATCH_ERROR,
	WH_BATCH_N_STATUS,
};

struct wh_batch_result {
	char *path;
	uint64_t size;
	char content_id[33]; /* "" when the file could not be read */
	enum wh_batch_status status;
	int exit_code; /* as a single run of whyhung would exit */
	char *message; /* NULL on success */
	char *release, *build_id;
	bool have_crash_time;
	int64_t crash_time;
	double seconds;	      /* wall time of the analysis */
	int64_t peak_rss_kib; /* of the worker, -1 unknown */
	char *signature, *signature_parts;
	char *explanation;
	char *report_json; /* the report as JSON (its own schema), one line */
};

const char *wh_batch_status_name(enum wh_batch_status s);
/* WH_BATCH_N_STATUS for an unknown name. */
enum wh_batch_status wh_batch_status_from_name(const char *name);
/* Free the strings, keep the struct. */
void wh_batch_result_deinit(struct wh_batch_result *r);
/* Set *FIELD to a copy of S (NULL stays NULL). */
struct wh_error *wh_batch_set(char **field, const char *s);

/* The worker's side: the fields it fills, to PATH. */
struct wh_error *wh_batch_result_save(const struct wh_batch_result *r, const char *path);
/* The batch's side: read back what a worker saved into R (its path, size
 * and content id are the batch's own and left alone). */
struct wh_error *wh_batch_result_load(const char *path, struct wh_batch_result *r);

#endif
