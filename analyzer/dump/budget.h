/* The per-analysis budget: pages fetched from the dump, list steps and
 * wall time. A hostile dump (lists that never end, pointers that send the
 * analysis all over memory) cannot make the analysis run away: once a
 * budget is spent, reads of new pages and further list steps fail with
 * WH_ERR_BUDGET, the walks end with what they read, and the report says
 * which budget ran out.
 *
 * Defaults: 4 million pages (16 GiB of reads; the fixtures' whole report
 * reads about 6,000), 20 million list steps, 600 s. WHYHUNG_LIMITS lowers
 * or raises them: "pages=N,steps=N,seconds=N" (any subset). */
#ifndef WHYHUNG_BUDGET_H
#define WHYHUNG_BUDGET_H

#include <stdint.h>

#include "error.h"

struct wh_budget {
	uint64_t max_pages, max_steps;
	double max_seconds;
	uint64_t pages, steps;
	double start;	       /* CLOCK_MONOTONIC seconds */
	const char *exhausted; /* "pages read", "list steps", "time", or NULL */
};

/* Defaults, then WHYHUNG_LIMITS; a malformed value is ignored. */
void wh_budget_init(struct wh_budget *b);
/* Parse SPEC ("pages=N,steps=N,seconds=N") over the current limits;
 * WH_ERR_USAGE when malformed. */
struct wh_error *wh_budget_parse(struct wh_budget *b, const char *spec);
/* Charge one page fetch / N list steps; WH_ERR_BUDGET once spent. */
struct wh_error *wh_budget_page(struct wh_budget *b);
struct wh_error *wh_budget_steps(struct wh_budget *b, uint64_t n);

#endif
