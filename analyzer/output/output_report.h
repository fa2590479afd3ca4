/* Renderings of the full analysis (struct wh_report): the text report, the
 * versioned JSON document, a Graphviz graph, an HTML page and an SVG
 * drawing of the wait graph. */
#ifndef WHYHUNG_OUTPUT_REPORT_H
#define WHYHUNG_OUTPUT_REPORT_H

#include <stdio.h>

#include "report.h"

/* JSON schema of the report; documented in README.md. */
#define WH_SCHEMA_REPORT "whyhung-report/2"

void wh_output_text_report(FILE *out, const struct wh_report *r);
void wh_output_json_report(FILE *out, const struct wh_report *r);
void wh_output_dot_report(FILE *out, const struct wh_report *r);
/* One self-contained HTML page; the wait graph laid out by Graphviz's
 * library, which can fail (out of memory, no layout plugin). */
struct wh_error *wh_output_html_report(FILE *out, const struct wh_report *r);
/* The wait graph alone as an SVG document. */
struct wh_error *wh_output_svg_report(FILE *out, const struct wh_report *r);

#endif
