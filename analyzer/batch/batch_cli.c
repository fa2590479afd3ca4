#include "batch_cli.h"
#include "batch_db.h"
#include "batch_jsonl.h"
#include "batch_run.h"
#include "clusters.h"
#include "merge.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char batch_usage[] =
    "usage: whyhung batch PATH... [-j N] [--timeout S] [--max-memory SIZE]\n"
    "                     [--debug-dir DIR]... [--offline] [--json FILE] [--db FILE]\n"
    "                     [--shard K/N]\n"
    "\n"
    "Analyse many dumps, each in a worker process of its own. PATH is a dump, a\n"
    "directory (searched recursively; dumps are recognised by content), or - for\n"
    "paths on stdin. One line per dump on stdout, then a summary.\n"
    "\n"
    "  -j, --jobs N         workers at once (default: the number of CPUs)\n"
    "  --timeout S          wall time per dump, seconds (default 120)\n"
    "  --max-memory SIZE    address space per worker (RLIMIT_AS; K, M, G suffixes;\n"
    "                       it includes the mapped vmlinux); default: no limit\n"
    "  --debug-dir DIR      a tree laid out like /usr/lib/debug (repeatable),\n"
    "                       searched before /usr/lib/debug; then the debuginfod\n"
    "                       servers of DEBUGINFOD_URLS, one download per build id\n"
    "  --offline            never ask debuginfod servers\n"
    "  --json FILE          append one JSON line per dump (whyhung-batch/1)\n"
    "  --db FILE            SQLite results database; dumps already in it (by\n"
    "                       content id) are not analysed again\n"
    "  --shard K/N          only the dumps whose content id falls in share K of N\n"
    "\n"
    "exit codes: 0 every dump analysed, 10 ran with failures (the last line\n"
    "says how many), 2 usage, 3 results not writable, 1 internal error\n";

static const char clusters_usage[] =
    "usage: whyhung clusters (--db FILE | --json FILE) [--since T] [--format text|json]\n"
    "\n"
    "One row per hang signature of a batch's results: how many dumps, which\n"
    "kernels, first and last crash, an example dump and its explanation.\n"
    "  --since T   only signatures first seen at or after T (YYYY-MM-DD,\n"
    "              YYYY-MM-DDTHH:MM:SS in UTC, or seconds since the epoch)\n";

static int fail(struct wh_error *err, wh_exit_code_fn exit_code_for)
{
	int code = exit_code_for(err);
	fputs("whyhung: ", stderr);
	for (const char *p = err->message; *p; p++)
		fputc(*p == '\n' ? ' ' : *p, stderr);
	fputc('\n', stderr);
	wh_error_destroy(err);
	return code;
}

static struct wh_error *parse_size(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t mult = 1;
	if (*end == 'K' || *end == 'k')
		mult = 1ULL << 10;
	else if (*end == 'M' || *end == 'm')
		mult = 1ULL << 20;
	else if (*end == 'G' || *end == 'g')
		mult = 1ULL << 30;
	if (mult != 1)
		end++;
	if (end == s || *end || v == 0 || v > UINT64_MAX / mult)
		return wh_error_create(WH_ERR_USAGE, "bad --max-memory: %s", s);
	*ret = v * mult;
	return NULL;
}

static struct wh_error *parse_number(const char *what, const char *s, double min, double max,
				     double *ret)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= min && v <= max))
		return wh_error_create(WH_ERR_USAGE, "bad %s: %s", what, s);
	*ret = v;
	return NULL;
}

static struct wh_error *parse_shard(const char *s, struct wh_batch_config *c)
{
	unsigned k, n;
	char tail;
	if (sscanf(s, "%u/%u%c", &k, &n, &tail) != 2 || n == 0 || k >= n)
		return wh_error_create(WH_ERR_USAGE, "bad --shard: %s (K/N with K < N)", s);
	c->shard = k;
	c->n_shards = n;
	return NULL;
}

enum { MAX_DEBUG_DIRS = 64 };

int wh_batch_main(int argc, char **argv, wh_exit_code_fn exit_code_for)
{
	static const struct option longopts[] = {
	    {"jobs", required_argument, NULL, 'j'},	  {"timeout", required_argument, NULL, 't'},
	    {"max-memory", required_argument, NULL, 'M'}, {"debug-dir", required_argument, NULL, 'D'},
	    {"json", required_argument, NULL, 'J'},	  {"db", required_argument, NULL, 'B'},
	    {"shard", required_argument, NULL, 'S'},	  {"help", no_argument, NULL, 'h'},
	    {"no-reuse", no_argument, NULL, 'R'},	  {"offline", no_argument, NULL, 'O'},
	    {NULL, 0, NULL, 0},
	};
	const char *dirs[MAX_DEBUG_DIRS];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct wh_batch_config c = {
	    .debug_dirs = dirs,
	    .jobs = ncpu > 0 ? (unsigned)ncpu : 1,
	    .timeout_s = 120,
	    .progress = isatty(STDERR_FILENO),
	    .reuse = true,
	    .exit_code_for = exit_code_for,
	};
	struct wh_error *err = NULL;
	double v = 0;
	int opt;
	optind = 1;
	opterr = 0;
	while (!err && (opt = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			if (!(err = parse_number("-j", optarg, 1, 256, &v)))
				c.jobs = (unsigned)v;
			break;
		case 't': err = parse_number("--timeout", optarg, 0.001, 1e7, &c.timeout_s); break;
		case 'M': err = parse_size(optarg, &c.max_memory); break;
		case 'D':
			if (c.n_debug_dirs == MAX_DEBUG_DIRS)
				err = wh_error_create(WH_ERR_USAGE, "too many --debug-dir options");
			else
				dirs[c.n_debug_dirs++] = optarg;
			break;
		case 'J': c.json_path = optarg; break;
		case 'B': c.db_path = optarg; break;
		case 'S': err = parse_shard(optarg, &c); break;
		case 'R': c.reuse = false; break;
		case 'O': c.offline = true; break;
		case 'h': fputs(batch_usage, stdout); return 0;
		default:
			err = wh_error_create(WH_ERR_USAGE,
					      "bad or incomplete option %s (see whyhung batch --help)",
					      argv[optind - 1]);
		}
	}
	if (!err && optind >= argc)
		err = wh_error_create(WH_ERR_USAGE, "batch: no PATH given (see whyhung batch --help)");
	if (err)
		return fail(err, exit_code_for);
	size_t failures = 0;
	err = wh_batch_run(&c, (const char *const *)argv + optind, (size_t)(argc - optind), stdout,
			   &failures);
	if (err)
		return fail(err, exit_code_for);
	if (failures) {
		fprintf(stderr, "whyhung: batch ran, with %zu failure%s\n", failures,
			failures == 1 ? "" : "s");
		return WH_EXIT_BATCH_FAILURES;
	}
	return 0;
}

static struct wh_error *parse_since(const char *s, int64_t *ret)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || *end) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%Y-%m-%d", &tm);
	}
	if (end && !*end) {
		*ret = (int64_t)timegm(&tm);
		return NULL;
	}
	char *e;
	long long v = strtoll(s, &e, 10);
	if (e == s || *e)
		return wh_error_create(WH_ERR_USAGE, "bad --since: %s", s);
	*ret = v;
	return NULL;
}

static struct wh_error *load_rows(const char *db_path, const char *json_path,
				  struct wh_batch_rows *rows)
{
	if (json_path)
		return wh_batch_jsonl_load(json_path, false, rows);
	if (access(db_path, F_OK) != 0)
		return wh_error_create(WH_ERR_IO, "no database %s", db_path);
	struct wh_batch_db *db;
	struct wh_error *err = wh_batch_db_open(db_path, &db);
	if (err)
		return err;
	err = wh_batch_db_load(db, false, rows);
	wh_batch_db_close(db);
	return err;
}

int wh_clusters_main(int argc, char **argv, wh_exit_code_fn exit_code_for)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'B'},     {"json", required_argument, NULL, 'J'},
	    {"since", required_argument, NULL, 's'},  {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},	      {NULL, 0, NULL, 0},
	};
	const char *db = NULL, *json = NULL;
	bool have_since = false, as_json = false;
	int64_t since = 0;
	struct wh_error *err = NULL;
	int opt;
	optind = 1;
	opterr = 0;
	while (!err && (opt = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'B': db = optarg; break;
		case 'J': json = optarg; break;
		case 's':
			have_since = true;
			err = parse_since(optarg, &since);
			break;
		case 'f':
			if (!strcmp(optarg, "json"))
				as_json = true;
			else if (strcmp(optarg, "text"))
				err = wh_error_create(WH_ERR_USAGE, "unknown format: %s", optarg);
			break;
		case 'h': fputs(clusters_usage, stdout); return 0;
		default:
			err = wh_error_create(WH_ERR_USAGE,
					      "bad or incomplete option %s (see whyhung clusters --help)",
					      argv[optind - 1]);
		}
	}
	if (!err && (!db == !json || optind < argc))
		err = wh_error_create(WH_ERR_USAGE,
				      "clusters: give one of --db FILE or --json FILE");
	if (!err && json && access(json, R_OK) != 0)
		err = wh_error_create(WH_ERR_IO, "cannot read %s", json);
	struct wh_batch_rows rows = {0};
	if (!err)
		err = load_rows(db, json, &rows);
	struct wh_clusters cs;
	if (!err && !(err = wh_clusters_build(&rows, have_since, since, &cs))) {
		if (as_json)
			wh_clusters_json(stdout, &cs);
		else
			wh_clusters_text(stdout, &cs);
		wh_clusters_deinit(&cs);
	}
	wh_batch_rows_deinit(&rows);
	if (!err && fflush(stdout) != 0)
		err = wh_error_create(WH_ERR_IO, "writing output failed");
	return err ? fail(err, exit_code_for) : 0;
}

static const char merge_usage[] =
    "usage: whyhung merge (--db OUT | --json OUT)... INPUT...\n"
    "\n"
    "Combine batch results (SQLite databases or JSON Lines files, e.g. the\n"
    "shards of a batch --shard run) into one, each dump once.\n";

int wh_merge_main(int argc, char **argv, wh_exit_code_fn exit_code_for)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'B'},
	    {"json", required_argument, NULL, 'J'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *db = NULL, *json = NULL;
	struct wh_error *err = NULL;
	int opt;
	optind = 1;
	opterr = 0;
	while (!err && (opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'B': db = optarg; break;
		case 'J': json = optarg; break;
		case 'h': fputs(merge_usage, stdout); return 0;
		default:
			err = wh_error_create(WH_ERR_USAGE,
					      "bad or incomplete option %s (see whyhung merge --help)",
					      argv[optind - 1]);
		}
	}
	if (!err && ((!db && !json) || optind >= argc))
		err = wh_error_create(WH_ERR_USAGE, "merge: give --db or --json OUT and the inputs");
	size_t rows = 0;
	if (!err)
		err = wh_batch_merge((const char *const *)argv + optind, (size_t)(argc - optind), db,
				     json, &rows);
	if (err)
		return fail(err, exit_code_for);
	printf("%zu dumps merged\n", rows);
	return 0;
}
