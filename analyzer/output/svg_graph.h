/* The wait graph laid out by Graphviz's library (libgvc, the dot layout)
 * and rendered as SVG in memory: no `dot` process. Cycles are red, root
 * causes filled orange; each node links to its section of the HTML report
 * (#task-N, #obj-N). Labels go through markup_escape.h. */
#ifndef WHYHUNG_SVG_GRAPH_H
#define WHYHUNG_SVG_GRAPH_H

#include <stddef.h>

#include "error.h"
#include "report.h"

/* *RET (free()) holds the <svg> element alone, without XML prolog or
 * doctype, so it can be inlined in HTML; *RET_LEN its length. A report
 * without waits gives a small graph that says so. */
struct wh_error *wh_svg_graph_render(const struct wh_report *r, char **ret, size_t *ret_len);

#endif
