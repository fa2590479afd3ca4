/* Batch results in SQLite (README "Results database"): dumps, their
 * reports and the hang signatures, under a versioned schema. Each dump's
 * rows are written in one transaction, so a batch killed midway leaves
 * whole dumps only; WAL mode and a busy timeout let two batches write one
 * database at once. */
#ifndef WHYHUNG_BATCH_DB_H
#define WHYHUNG_BATCH_DB_H

#include <stdbool.h>

#include "batch_jsonl.h"
#include "batch_result.h"

/* PRAGMA user_version of the schema this whyhung writes. */
enum { WH_BATCH_DB_VERSION = 1 };

struct wh_batch_db;

/* Open or create PATH (creating the schema); WH_ERR_FORMAT for a database
 * of a newer schema or not whyhung's. */
struct wh_error *wh_batch_db_open(const char *path, struct wh_batch_db **ret);
void wh_batch_db_close(struct wh_batch_db *db);
struct wh_error *wh_batch_db_put(struct wh_batch_db *db, const struct wh_batch_result *r);
/* Every dump's row, its report only WITH_REPORTS (see
 * wh_batch_jsonl_load()). */
struct wh_error *wh_batch_db_load(struct wh_batch_db *db, bool with_reports,
				  struct wh_batch_rows *ret);

#endif
