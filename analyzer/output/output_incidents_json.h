/* JSON of the hard-lockup and RCU views of a report (output_incidents_json.c). */
#ifndef WHYHUNG_OUTPUT_INCIDENTS_JSON_H
#define WHYHUNG_OUTPUT_INCIDENTS_JSON_H

#include "json_writer.h"
#include "report.h"

void wh_output_json_incidents(struct wh_json *j, const struct wh_report *r);

#endif
