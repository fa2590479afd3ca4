/* The plain explanation at the top of a report, written from the graph:
 * who waits on what, who holds it, the cycles, and the root causes. */
#ifndef WHYHUNG_EXPLAIN_H
#define WHYHUNG_EXPLAIN_H

struct wh_report;

#include <stddef.h>

#include "error.h"

/* Allocates *RET (free()). Strings from the dump are escaped in it. */
struct wh_error *wh_explain(const struct wh_report *r, char **ret);
/* Fill r->explanation, unless it is set already: before rendering a
 * report built by wh_report_build(). */
struct wh_error *wh_explain_report(struct wh_report *r);
/* "mutex wh_mutex_b [whyhung_fixture]", escaped. */
void wh_explain_object_label(const struct wh_report *r, size_t object, char *buf, size_t size);
/* Where a task that waits on no lock is: "in state D in wh_sleep_forever
 * [whyhung_fixture]", "running on CPU 1 in ...". */
void wh_explain_task_whereabouts(const struct wh_report *r, size_t task, char *buf, size_t size);

#endif
