#include "budget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct wh_error *wh_budget_parse(struct wh_budget *b, const char *spec)
{
	const char *p = spec;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[64];
		if (len >= sizeof(item))
			return wh_error_create(WH_ERR_USAGE, "bad limit in WHYHUNG_LIMITS");
		memcpy(item, p, len);
		item[len] = '\0';
		char *eq = strchr(item, '='), *end;
		if (!eq)
			return wh_error_create(WH_ERR_USAGE, "bad limit in WHYHUNG_LIMITS");
		*eq = '\0';
		double v = strtod(eq + 1, &end);
		if (*end || eq[1] == '\0' || !(v > 0) || v > 1e15)
			return wh_error_create(WH_ERR_USAGE, "bad limit in WHYHUNG_LIMITS");
		if (!strcmp(item, "pages"))
			b->max_pages = (uint64_t)v;
		else if (!strcmp(item, "steps"))
			b->max_steps = (uint64_t)v;
		else if (!strcmp(item, "seconds"))
			b->max_seconds = v;
		else
			return wh_error_create(WH_ERR_USAGE, "bad limit in WHYHUNG_LIMITS");
		p += len + (comma ? 1 : 0);
	}
	return NULL;
}

void wh_budget_init(struct wh_budget *b)
{
	memset(b, 0, sizeof(*b));
	b->max_pages = 4000000;
	b->max_steps = 20000000;
	b->max_seconds = 600;
	b->start = now();
	const char *spec = getenv("WHYHUNG_LIMITS");
	if (spec) {
		struct wh_budget parsed = *b;
		struct wh_error *err = wh_budget_parse(&parsed, spec);
		if (!err)
			*b = parsed;
		wh_error_destroy(err);
	}
}

static struct wh_error *spent(struct wh_budget *b, const char *what)
{
	if (!b->exhausted)
		b->exhausted = what;
	return wh_error_create(WH_ERR_BUDGET, "analysis budget spent (%s)", b->exhausted);
}

static struct wh_error *check_time(struct wh_budget *b)
{
	if (b->exhausted)
		return spent(b, b->exhausted);
	if (now() - b->start > b->max_seconds)
		return spent(b, "time");
	return NULL;
}

struct wh_error *wh_budget_page(struct wh_budget *b)
{
	if (++b->pages > b->max_pages)
		return spent(b, "pages read");
	return check_time(b);
}

struct wh_error *wh_budget_steps(struct wh_budget *b, uint64_t n)
{
	b->steps += n;
	if (b->steps > b->max_steps)
		return spent(b, "list steps");
	/* The clock is read every 1024 steps: walks over cached pages are
	 * fast and the check must not slow them down. */
	if ((b->steps & 1023) < n)
		return check_time(b);
	return b->exhausted ? spent(b, b->exhausted) : NULL;
}
