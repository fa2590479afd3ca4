/* `whyhung clusters`: a batch's rows grouped by hang signature, one line
 * per signature with how many dumps, which kernels, first and last crash
 * time, and a representative dump with its explanation. */
#ifndef WHYHUNG_CLUSTERS_H
#define WHYHUNG_CLUSTERS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "batch_jsonl.h"

/* Another cluster whose signature is a near-duplicate of this one's. */
struct wh_cluster_similar {
	size_t index; /* into wh_clusters.items */
	double distance;
};

struct wh_cluster {
	const struct wh_batch_result *first; /* representative: earliest crash */
	size_t count;
	char **releases; /* distinct, sorted */
	size_t n_releases;
	bool have_times;
	int64_t first_time, last_time;
	struct wh_cluster_similar *similar; /* nearest first (similarity.h) */
	size_t n_similar;
};

struct wh_clusters {
	struct wh_cluster *items; /* most dumps first */
	size_t n;
};

/* Group the ok rows of ROWS (which must outlive the result) by signature;
 * with HAVE_SINCE, only signatures first seen at or after SINCE. */
struct wh_error *wh_clusters_build(const struct wh_batch_rows *rows, bool have_since,
				   int64_t since, struct wh_clusters *ret);
void wh_clusters_deinit(struct wh_clusters *c);
void wh_clusters_text(FILE *out, const struct wh_clusters *c);
void wh_clusters_json(FILE *out, const struct wh_clusters *c);

#endif
