/* `whyhung merge`: the results of several batches (shards of one run on
 * many machines, or runs on several hosts) into one database or JSON Lines
 * file, each dump once. */
#ifndef WHYHUNG_MERGE_H
#define WHYHUNG_MERGE_H

#include <stddef.h>

#include "error.h"

/* INPUTS are SQLite databases or JSON Lines files (told apart by content).
 * Into DB_PATH and/or JSON_PATH (at least one); rows already in them are
 * kept. A dump found in several inputs counts once: an ok row wins over a
 * failed one, else the last input's. *RET_ROWS: dumps written. */
struct wh_error *wh_batch_merge(const char *const *inputs, size_t n, const char *db_path,
				const char *json_path, size_t *ret_rows);

#endif
