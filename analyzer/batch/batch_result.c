#include "batch_result.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[WH_BATCH_N_STATUS] = {
    [WH_BATCH_OK] = "ok",
    [WH_BATCH_NO_DEBUGINFO] = "no-debuginfo",
    [WH_BATCH_NOT_A_DUMP] = "not-a-dump",
    [WH_BATCH_TRUNCATED] = "truncated",
    [WH_BATCH_TIMEOUT] = "timeout",
    [WH_BATCH_OUT_OF_MEMORY] = "out-of-memory",
    [WH_BATCH_ERROR] = "error",
};

const char *wh_batch_status_name(enum wh_batch_status s)
{
	return s < WH_BATCH_N_STATUS ? status_names[s] : "error";
}

enum wh_batch_status wh_batch_status_from_name(const char *name)
{
	for (int i = 0; i < WH_BATCH_N_STATUS; i++)
		if (!strcmp(name, status_names[i]))
			return (enum wh_batch_status)i;
	return WH_BATCH_N_STATUS;
}

struct wh_error *wh_batch_set(char **field, const char *s)
{
	free(*field);
	*field = NULL;
	if (s && !(*field = strdup(s)))
		return &wh_error_nomem;
	return NULL;
}

void wh_batch_result_deinit(struct wh_batch_result *r)
{
	char **strings[] = {&r->path,	   &r->message,		&r->release,
			    &r->build_id,  &r->signature,	&r->signature_parts,
			    &r->explanation, &r->report_json};
	for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
}

/* The handover file: a magic line, then numbers, then each string as
 * "LENGTH\n" + bytes ("-1\n" for NULL). The worker writes it whole before
 * it exits; a worker that dies midway leaves a file the loader rejects. */
static const char MAGIC[] = "whyhung-worker-result/1\n";

static void put_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("-1\n", f);
		return;
	}
	fprintf(f, "%zu\n", strlen(s));
	fwrite(s, 1, strlen(s), f);
}

struct wh_error *wh_batch_result_save(const struct wh_batch_result *r, const char *path)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return wh_error_create(WH_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	fputs(MAGIC, f);
	fprintf(f, "%d %d %d %" PRId64 " %.6f\n", (int)r->status, r->exit_code,
		(int)r->have_crash_time, r->crash_time, r->seconds);
	const char *strings[] = {r->message,	     r->release,     r->build_id,
				 r->signature,	     r->signature_parts, r->explanation,
				 r->report_json};
	for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++)
		put_string(f, strings[i]);
	fputs("end\n", f);
	bool failed = ferror(f) != 0;
	if (fclose(f) != 0 || failed)
		return wh_error_create(WH_ERR_IO, "cannot write %s", path);
	return NULL;
}

static struct wh_error *get_string(FILE *f, char **ret)
{
	long long len;
	if (fscanf(f, "%lld", &len) != 1 || fgetc(f) != '\n' || len < -1 || len > (1LL << 31))
		return wh_error_create(WH_ERR_CORRUPT, "worker result damaged");
	if (len < 0)
		return NULL;
	char *s = malloc((size_t)len + 1);
	if (!s)
		return &wh_error_nomem;
	if (fread(s, 1, (size_t)len, f) != (size_t)len) {
		free(s);
		return wh_error_create(WH_ERR_CORRUPT, "worker result cut short");
	}
	s[len] = '\0';
	*ret = s;
	return NULL;
}

struct wh_error *wh_batch_result_load(const char *path, struct wh_batch_result *r)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return wh_error_create(WH_ERR_IO, "worker left no result: %s", strerror(errno));
	char magic[sizeof(MAGIC)];
	struct wh_error *err = NULL;
	int status, have_time;
	if (!fgets(magic, sizeof(magic), f) || strcmp(magic, MAGIC) ||
	    fscanf(f, "%d %d %d %" SCNd64 " %lf\n", &status, &r->exit_code, &have_time,
		   &r->crash_time, &r->seconds) != 5 ||
	    status < 0 || status >= WH_BATCH_N_STATUS)
		err = wh_error_create(WH_ERR_CORRUPT, "worker result damaged");
	if (!err) {
		r->status = (enum wh_batch_status)status;
		r->have_crash_time = have_time != 0;
	}
	char **strings[] = {&r->message,	  &r->release,		&r->build_id,
			    &r->signature,	  &r->signature_parts, &r->explanation,
			    &r->report_json};
	for (size_t i = 0; !err && i < sizeof(strings) / sizeof(*strings); i++)
		err = get_string(f, strings[i]);
	char end[8];
	if (!err && (!fgets(end, sizeof(end), f) || strcmp(end, "end\n")))
		err = wh_error_create(WH_ERR_CORRUPT, "worker result cut short");
	fclose(f);
	return err;
}
