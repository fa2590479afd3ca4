#include "clusters.h"
#include "escape.h"
#include "json_writer.h"
#include "similarity.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct wh_error *add_release(struct wh_cluster *c, const char *rel)
{
	if (!rel)
		return NULL;
	for (size_t i = 0; i < c->n_releases; i++)
		if (!strcmp(c->releases[i], rel))
			return NULL;
	char **r = realloc(c->releases, (c->n_releases + 1) * sizeof(*r));
	if (!r)
		return &wh_error_nomem;
	c->releases = r;
	if (!(r[c->n_releases] = strdup(rel)))
		return &wh_error_nomem;
	c->n_releases++;
	return NULL;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_clusters(const void *a, const void *b)
{
	const struct wh_cluster *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->first->signature, y->first->signature);
}

static bool earlier(const struct wh_batch_result *a, const struct wh_batch_result *b)
{
	if (a->have_crash_time != b->have_crash_time)
		return a->have_crash_time;
	return a->have_crash_time && a->crash_time < b->crash_time;
}

static struct wh_error *add_row(struct wh_clusters *cs, const struct wh_batch_result *r)
{
	struct wh_cluster *c = NULL;
	for (size_t i = 0; i < cs->n && !c; i++)
		if (!strcmp(cs->items[i].first->signature, r->signature))
			c = &cs->items[i];
	if (!c) {
		struct wh_cluster *items = realloc(cs->items, (cs->n + 1) * sizeof(*items));
		if (!items)
			return &wh_error_nomem;
		cs->items = items;
		c = &items[cs->n++];
		memset(c, 0, sizeof(*c));
		c->first = r;
	}
	c->count++;
	if (earlier(r, c->first))
		c->first = r;
	if (r->have_crash_time) {
		if (!c->have_times || r->crash_time < c->first_time)
			c->first_time = r->crash_time;
		if (!c->have_times || r->crash_time > c->last_time)
			c->last_time = r->crash_time;
		c->have_times = true;
	}
	return add_release(c, r->release);
}

static int compare_rows(const void *a, const void *b)
{
	const struct wh_batch_result *x = *(const struct wh_batch_result *const *)a;
	const struct wh_batch_result *y = *(const struct wh_batch_result *const *)b;
	int c = strcmp(x->content_id, y->content_id);
	return c ? c : (x < y ? -1 : x > y);
}

/* The parts that must be equal for two signatures to be near-duplicates
 * (all but the stacks), as one string: only clusters with the same key
 * are compared, so a batch of many distinct hangs is not quadratic. */
static char *structure_key(const char *parts)
{
	size_t len = parts ? strlen(parts) : 0, n = 0;
	char *key = malloc(len + 1);
	if (!key)
		return NULL;
	for (const char *p = parts; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) + 1 : strlen(p);
		static const char *const stacks[] = {"holder: ", "waiters: ", "cycle: ", "running: ",
						     "spinner: "};
		bool stack = false;
		for (size_t i = 0; i < sizeof(stacks) / sizeof(*stacks); i++)
			stack |= !strncmp(p, stacks[i], strlen(stacks[i]));
		if (!stack) {
			memcpy(key + n, p, l);
			n += l;
		}
		p += l;
	}
	key[n] = '\0';
	return key;
}

struct keyed {
	char *key;
	size_t index;
};

static int compare_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->index > y->index) - (x->index < y->index);
}

static int compare_similar(const void *a, const void *b)
{
	const struct wh_cluster_similar *x = a, *y = b;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static struct wh_error *add_similar(struct wh_cluster *c, size_t index, double distance)
{
	struct wh_cluster_similar *s = realloc(c->similar, (c->n_similar + 1) * sizeof(*s));
	if (!s)
		return &wh_error_nomem;
	c->similar = s;
	s[c->n_similar++] = (struct wh_cluster_similar){index, distance};
	return NULL;
}

/* Near-duplicates among the clusters, both ways. */
static struct wh_error *find_similar(struct wh_clusters *cs)
{
	struct keyed *k = calloc(cs->n ? cs->n : 1, sizeof(*k));
	if (!k)
		return &wh_error_nomem;
	struct wh_error *err = NULL;
	for (size_t i = 0; !err && i < cs->n; i++) {
		k[i].index = i;
		if (!(k[i].key = structure_key(cs->items[i].first->signature_parts)))
			err = &wh_error_nomem;
	}
	if (!err && cs->n)
		qsort(k, cs->n, sizeof(*k), compare_keyed);
	for (size_t i = 0; !err && i < cs->n; i++) {
		for (size_t j = i + 1; !err && j < cs->n && !strcmp(k[i].key, k[j].key); j++) {
			struct wh_cluster *a = &cs->items[k[i].index], *b = &cs->items[k[j].index];
			double d;
			if (!wh_signature_similar(a->first->signature_parts, b->first->signature_parts,
						  &d))
				continue;
			if (!(err = add_similar(a, k[j].index, d)))
				err = add_similar(b, k[i].index, d);
		}
	}
	for (size_t i = 0; i < cs->n; i++) {
		free(k[i].key);
		if (cs->items[i].n_similar)
			qsort(cs->items[i].similar, cs->items[i].n_similar,
			      sizeof(*cs->items[i].similar), compare_similar);
	}
	free(k);
	return err;
}

struct wh_error *wh_clusters_build(const struct wh_batch_rows *rows, bool have_since,
				   int64_t since, struct wh_clusters *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct wh_error *err = NULL;
	/* A dump met twice (two paths, or the same content id in two files
	 * merged) counts once: the latest row of each content id. Sorted by
	 * content id, then by position, the last of each run is that row. */
	const struct wh_batch_result **ok = calloc(rows->n ? rows->n : 1, sizeof(*ok));
	if (!ok)
		return &wh_error_nomem;
	size_t n = 0;
	for (size_t i = 0; i < rows->n; i++)
		if (rows->rows[i].status == WH_BATCH_OK && rows->rows[i].signature)
			ok[n++] = &rows->rows[i];
	if (n)
		qsort(ok, n, sizeof(*ok), compare_rows);
	for (size_t i = 0; !err && i < n; i++)
		if (i + 1 == n || !ok[i]->content_id[0] ||
		    strcmp(ok[i]->content_id, ok[i + 1]->content_id))
			err = add_row(ret, ok[i]);
	free(ok);
	size_t kept = 0;
	for (size_t i = 0; !err && i < ret->n; i++) {
		struct wh_cluster *c = &ret->items[i];
		if (have_since && (!c->have_times || c->first_time < since)) {
			for (size_t k = 0; k < c->n_releases; k++)
				free(c->releases[k]);
			free(c->releases);
			continue;
		}
		if (c->n_releases)
			qsort(c->releases, c->n_releases, sizeof(*c->releases), compare_strings);
		ret->items[kept++] = *c;
	}
	if (!err) {
		ret->n = kept;
		if (ret->n)
			qsort(ret->items, ret->n, sizeof(*ret->items), compare_clusters);
		err = find_similar(ret);
	}
	if (err) {
		wh_clusters_deinit(ret);
	}
	return err;
}

void wh_clusters_deinit(struct wh_clusters *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		for (size_t k = 0; k < cs->items[i].n_releases; k++)
			free(cs->items[i].releases[k]);
		free(cs->items[i].releases);
		free(cs->items[i].similar);
	}
	free(cs->items);
	memset(cs, 0, sizeof(*cs));
}

static void format_time(bool have, int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!have || !gmtime_r(&tt, &tm))
		snprintf(buf, size, "unknown");
	else
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void wh_clusters_text(FILE *out, const struct wh_clusters *cs)
{
	if (!cs->n)
		fputs("no analysed dumps with a signature\n", out);
	for (size_t i = 0; i < cs->n; i++) {
		const struct wh_cluster *c = &cs->items[i];
		char first[32], last[32], buf[4096];
		format_time(c->have_times, c->first_time, first, sizeof(first));
		format_time(c->have_times, c->last_time, last, sizeof(last));
		fprintf(out, "%s  %zu dump%s, first %s, last %s\n", c->first->signature, c->count,
			c->count == 1 ? "" : "s", first, last);
		fputs("  kernels:", out);
		for (size_t k = 0; k < c->n_releases; k++)
			fprintf(out, " %s", wh_escape_text(c->releases[k], SIZE_MAX, buf, sizeof(buf)));
		fprintf(out, "\n  example: %s\n",
			wh_escape_text(c->first->path, SIZE_MAX, buf, sizeof(buf)));
		for (size_t k = 0; k < c->n_similar; k++) {
			const struct wh_cluster *o = &cs->items[c->similar[k].index];
			fprintf(out, "  similar to: %s (distance %.2f, %zu dump%s)\n",
				o->first->signature, c->similar[k].distance, o->count,
				o->count == 1 ? "" : "s");
		}
		const char *parts = c->first->signature_parts ? c->first->signature_parts : "";
		/* The parts are one per line: indent each. */
		for (const char *q = parts; *q;) {
			const char *nl = strchr(q, '\n');
			size_t len = nl ? (size_t)(nl - q) : strlen(q);
			fprintf(out, "  %s\n", wh_escape_text(q, len, buf, sizeof(buf)));
			q += len + (nl != NULL);
		}
		/* The explanation's first lines: the counts, then the first
		 * root cause, which is what the signature is made of. */
		const char *p = c->first->explanation ? c->first->explanation : "";
		for (int line = 0; *p && line < 2; line++) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			fprintf(out, "  %s %s\n", line ? "   " : "why:",
				wh_escape_text(p, len, buf, sizeof(buf)));
			p += len + (nl != NULL);
		}
		fputc('\n', out);
	}
}

void wh_clusters_json(FILE *out, const struct wh_clusters *cs)
{
	struct wh_json j;
	wh_json_init(&j, out);
	wh_json_begin_object(&j);
	wh_json_key(&j, "schema");
	wh_json_string(&j, "whyhung-clusters/1");
	wh_json_key(&j, "clusters");
	wh_json_begin_array(&j);
	for (size_t i = 0; i < cs->n; i++) {
		const struct wh_cluster *c = &cs->items[i];
		wh_json_begin_object(&j);
		wh_json_key(&j, "signature");
		wh_json_string(&j, c->first->signature);
		wh_json_key(&j, "parts");
		wh_json_string(&j, c->first->signature_parts);
		wh_json_key(&j, "count");
		wh_json_uint(&j, c->count);
		wh_json_key(&j, "kernels");
		wh_json_begin_array(&j);
		for (size_t k = 0; k < c->n_releases; k++)
			wh_json_string(&j, c->releases[k]);
		wh_json_end_array(&j);
		const char *keys[] = {"first_crash_time", "last_crash_time"};
		int64_t times[] = {c->first_time, c->last_time};
		for (int k = 0; k < 2; k++) {
			wh_json_key(&j, keys[k]);
			if (c->have_times)
				wh_json_int(&j, times[k]);
			else
				wh_json_null(&j);
		}
		wh_json_key(&j, "similar");
		wh_json_begin_array(&j);
		for (size_t k = 0; k < c->n_similar; k++) {
			char num[32];
			int len = snprintf(num, sizeof(num), "%.2f", c->similar[k].distance);
			wh_json_begin_object(&j);
			wh_json_key(&j, "signature");
			wh_json_string(&j, cs->items[c->similar[k].index].first->signature);
			wh_json_key(&j, "distance");
			wh_json_raw(&j, num, (size_t)len);
			wh_json_end_object(&j);
		}
		wh_json_end_array(&j);
		wh_json_key(&j, "example");
		wh_json_string(&j, c->first->path);
		wh_json_key(&j, "explanation");
		wh_json_string(&j, c->first->explanation);
		wh_json_end_object(&j);
	}
	wh_json_end_array(&j);
	wh_json_end_object(&j);
}
