/* Renderings of the per-CPU view (struct wh_cpus). */
#ifndef WHYHUNG_OUTPUT_CPUS_H
#define WHYHUNG_OUTPUT_CPUS_H

#include <stdio.h>

#include "cpus.h"
#include "json_writer.h"

#define WH_SCHEMA_CPUS "whyhung-cpus/1"

void wh_output_text_cpus(FILE *out, const struct wh_cpus *c);
void wh_output_json_cpu_array(struct wh_json *j, const struct wh_cpus *c);
void wh_output_json_cpus(FILE *out, const struct wh_cpus *c);

#endif
