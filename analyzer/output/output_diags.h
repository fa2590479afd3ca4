/* The diagnostics sink (diag.h) rendered: one line, list item or JSON
 * value per problem kept, and one more saying how many were not kept. */
#ifndef WHYHUNG_OUTPUT_DIAGS_H
#define WHYHUNG_OUTPUT_DIAGS_H

#include <stdio.h>

#include "diag.h"
#include "json_writer.h"

/* "PREFIX MESSAGE\n" per problem, messages escaped. */
void wh_output_text_diags(FILE *out, const char *prefix, const struct wh_diags *d);
/* "<li>MESSAGE</li>\n" per problem. */
void wh_output_html_diags(FILE *out, const struct wh_diags *d);
/* The messages as strings, into an open JSON array (the `warnings` arrays). */
void wh_output_json_diag_messages(struct wh_json *j, const struct wh_diags *d);
/* {"code","address","where","message"} per problem, into an open array;
 * the problems not kept as one {"code":"nomem",...} entry with their count. */
void wh_output_json_diags(struct wh_json *j, const struct wh_diags *d);
/* The messages joined by "; " as one JSON string, null when none. */
void wh_output_json_diags_joined(struct wh_json *j, const struct wh_diags *d);

#endif
