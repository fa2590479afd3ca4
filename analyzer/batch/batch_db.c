#include "batch_db.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct wh_batch_db {
	sqlite3 *db;
	char *path;
};

/* Long enough for another batch's transaction (one dump's rows) to end;
 * a writer waits rather than fails. */
enum { BUSY_TIMEOUT_MS = 60000 };

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT OR IGNORE INTO meta VALUES('schema', 'whyhung-db/1');"
    "CREATE TABLE IF NOT EXISTS signatures("
    " signature TEXT PRIMARY KEY,"
    " parts TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS dumps("
    " content_id TEXT PRIMARY KEY,"
    " path TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " release TEXT,"
    " build_id TEXT,"
    " crash_time INTEGER,"
    " status TEXT NOT NULL,"
    " exit_code INTEGER NOT NULL,"
    " message TEXT,"
    " analysis_ms INTEGER,"
    " peak_rss_kib INTEGER,"
    " signature TEXT REFERENCES signatures(signature),"
    " analysed_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS dumps_signature ON dumps(signature);"
    "CREATE TABLE IF NOT EXISTS reports("
    " content_id TEXT PRIMARY KEY REFERENCES dumps(content_id) ON DELETE CASCADE,"
    " explanation TEXT,"
    " report TEXT NOT NULL);"
    "PRAGMA user_version = 1;";

static struct wh_error *db_error(struct wh_batch_db *db, const char *what)
{
	return wh_error_create(WH_ERR_IO, "database %s: %s: %s", db->path, what,
			       sqlite3_errmsg(db->db));
}

static struct wh_error *exec(struct wh_batch_db *db, const char *sql, const char *what)
{
	if (sqlite3_exec(db->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(db, what);
	return NULL;
}

static struct wh_error *check_version(struct wh_batch_db *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, "reading its version");
	int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (version > WH_BATCH_DB_VERSION)
		return wh_error_create(WH_ERR_FORMAT,
				       "database %s has schema version %d, newer than this "
				       "whyhung's (%d)",
				       db->path, version, WH_BATCH_DB_VERSION);
	if (version != 0 && version != WH_BATCH_DB_VERSION)
		return wh_error_create(WH_ERR_FORMAT, "database %s is not whyhung's", db->path);
	return NULL;
}

struct wh_error *wh_batch_db_open(const char *path, struct wh_batch_db **ret)
{
	struct wh_batch_db *db = calloc(1, sizeof(*db));
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return &wh_error_nomem;
	}
	struct wh_error *err = NULL;
	if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		err = db->db ? db_error(db, "opening")
			      : wh_error_create(WH_ERR_IO, "cannot open database %s", path);
		goto fail;
	}
	sqlite3_busy_timeout(db->db, BUSY_TIMEOUT_MS);
	if ((err = exec(db, "PRAGMA journal_mode = WAL", "setting WAL mode")) ||
	    (err = exec(db, "PRAGMA foreign_keys = ON", "enabling foreign keys")) ||
	    (err = check_version(db)))
		goto fail;
	/* BEGIN IMMEDIATE: two batches creating the schema at once take
	 * turns instead of failing on a lock upgrade. */
	if ((err = exec(db, "BEGIN IMMEDIATE", "starting a transaction")))
		goto fail;
	if ((err = exec(db, schema_sql, "creating the schema"))) {
		wh_best_effort(exec(db, "ROLLBACK", "rolling back"));
		goto fail;
	}
	if ((err = exec(db, "COMMIT", "committing the schema")))
		goto fail;
	*ret = db;
	return NULL;
fail:
	wh_batch_db_close(db);
	return err;
}

void wh_batch_db_close(struct wh_batch_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->db);
	free(db->path);
	free(db);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static struct wh_error *run_stmt(struct wh_batch_db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db, what);
	return NULL;
}

static struct wh_error *prepare(struct wh_batch_db *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_error(db, "preparing a statement");
	return NULL;
}

static struct wh_error *put_rows(struct wh_batch_db *db, const struct wh_batch_result *r,
				 const char *key)
{
	sqlite3_stmt *st;
	struct wh_error *err;
	if (r->signature) {
		if ((err = prepare(db, "INSERT OR IGNORE INTO signatures VALUES(?, ?)", &st)))
			return err;
		bind_text(st, 1, r->signature);
		bind_text(st, 2, r->signature_parts ? r->signature_parts : "");
		if ((err = run_stmt(db, st, "storing a signature")))
			return err;
	}
	if ((err = prepare(db,
			   "INSERT OR REPLACE INTO dumps VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   &st)))
		return err;
	bind_text(st, 1, key);
	bind_text(st, 2, r->path);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)r->size);
	bind_text(st, 4, r->release);
	bind_text(st, 5, r->build_id);
	if (r->have_crash_time)
		sqlite3_bind_int64(st, 6, r->crash_time);
	else
		sqlite3_bind_null(st, 6);
	bind_text(st, 7, wh_batch_status_name(r->status));
	sqlite3_bind_int(st, 8, r->exit_code);
	bind_text(st, 9, r->message);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)(r->seconds * 1000 + 0.5));
	if (r->peak_rss_kib >= 0)
		sqlite3_bind_int64(st, 11, r->peak_rss_kib);
	else
		sqlite3_bind_null(st, 11);
	bind_text(st, 12, r->signature);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)time(NULL));
	if ((err = run_stmt(db, st, "storing a dump")))
		return err;
	if (!r->report_json)
		return NULL;
	if ((err = prepare(db, "INSERT OR REPLACE INTO reports VALUES(?, ?, ?)", &st)))
		return err;
	bind_text(st, 1, key);
	bind_text(st, 2, r->explanation);
	bind_text(st, 3, r->report_json);
	return run_stmt(db, st, "storing a report");
}

struct wh_error *wh_batch_db_put(struct wh_batch_db *db, const struct wh_batch_result *r)
{
	/* A file that could not be read has no content id: keyed by its path,
	 * so that a rerun tries it again. */
	char *key = NULL;
	if (!r->content_id[0] && asprintf(&key, "unreadable:%s", r->path) < 0)
		return &wh_error_nomem;
	struct wh_error *err = exec(db, "BEGIN IMMEDIATE", "starting a transaction");
	if (!err) {
		err = put_rows(db, r, key ? key : r->content_id);
		if (err)
			wh_best_effort(exec(db, "ROLLBACK", "rolling back"));
		else
			err = exec(db, "COMMIT", "committing a dump");
	}
	free(key);
	return err;
}

static const char *column_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

struct wh_error *wh_batch_db_load(struct wh_batch_db *db, bool with_reports,
				  struct wh_batch_rows *ret)
{
	memset(ret, 0, sizeof(*ret));
	sqlite3_stmt *st;
	struct wh_error *err = prepare(db,
				       "SELECT d.content_id, d.path, d.size, d.release, d.build_id,"
				       " d.crash_time, d.status, d.exit_code, d.message, d.signature,"
				       " s.parts, r.explanation, d.analysis_ms, d.peak_rss_kib,"
				       " CASE WHEN ? THEN r.report END"
				       " FROM dumps d LEFT JOIN signatures s USING(signature)"
				       " LEFT JOIN reports r USING(content_id)"
				       " ORDER BY d.rowid",
				       &st);
	if (err)
		return err;
	sqlite3_bind_int(st, 1, with_reports);
	int rc = SQLITE_DONE;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct wh_batch_result *r;
		if ((err = wh_batch_rows_add(ret, &r)))
			break;
		const char *id = column_text(st, 0);
		if (id && strncmp(id, "unreadable:", 11))
			snprintf(r->content_id, sizeof(r->content_id), "%s", id);
		r->size = (uint64_t)sqlite3_column_int64(st, 2);
		r->have_crash_time = sqlite3_column_type(st, 5) != SQLITE_NULL;
		r->crash_time = sqlite3_column_int64(st, 5);
		const char *status = column_text(st, 6);
		r->status = status ? wh_batch_status_from_name(status) : WH_BATCH_ERROR;
		r->exit_code = sqlite3_column_int(st, 7);
		r->seconds = sqlite3_column_double(st, 12) / 1000;
		if (sqlite3_column_type(st, 13) != SQLITE_NULL)
			r->peak_rss_kib = sqlite3_column_int64(st, 13);
		const struct {
			int column;
			char **field;
		} strings[] = {{1, &r->path},	     {3, &r->release},		{4, &r->build_id},
			       {8, &r->message},     {9, &r->signature},	{10, &r->signature_parts},
			       {11, &r->explanation}, {14, &r->report_json}};
		for (size_t i = 0; !err && i < sizeof(strings) / sizeof(*strings); i++)
			err = wh_batch_set(strings[i].field, column_text(st, strings[i].column));
	}
	if (!err && rc != SQLITE_DONE)
		err = db_error(db, "reading dumps");
	sqlite3_finalize(st);
	if (err)
		wh_batch_rows_deinit(ret);
	return err;
}
