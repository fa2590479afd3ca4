/* Output formats. Each renders a struct wh_summary and nothing else. */
#ifndef WHYHUNG_OUTPUT_SUMMARY_H
#define WHYHUNG_OUTPUT_SUMMARY_H

#include <stdio.h>

#include "summary.h"

/* JSON documents carry "schema": NAME "/" VERSION; bump on breaking change. */
#define WH_SCHEMA_SUMMARY "whyhung-summary/1"
#define WH_SCHEMA_TASKS	  "whyhung-tasks/1"

void wh_output_text_summary(FILE *out, const struct wh_summary *s);
void wh_output_text_tasks(FILE *out, const struct wh_summary *s);
void wh_output_json_summary(FILE *out, const struct wh_summary *s);
void wh_output_json_tasks(FILE *out, const struct wh_summary *s);
/* The summary's opening lines (kernel, dump, crash time, panic, task
 * counts), shared by the summary and the full report. */
void wh_output_text_header(FILE *out, const struct wh_summary *s);
/* The summary's "kernel", "dump" and "panic" members, for embedding. */
struct wh_json;
void wh_output_json_header(struct wh_json *j, const struct wh_summary *s);
/* The members every JSON task object has (pid ... raw_state), for
 * embedding in an object the caller opened. */
void wh_output_json_task_fields(struct wh_json *j, const struct wh_task *t);
/* "1h02m", "35.2s", "-" for unknown (negative). */
char *wh_format_duration(int64_t ns, char *buf, size_t size);

#endif
