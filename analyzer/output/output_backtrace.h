/* Renderings of struct wh_backtraces (text like crash's bt, and JSON). */
#ifndef WHYHUNG_OUTPUT_BACKTRACE_H
#define WHYHUNG_OUTPUT_BACKTRACE_H

#include <stdio.h>

#include "backtraces.h"
#include "json_writer.h"

#define WH_SCHEMA_BACKTRACES "whyhung-bt/1"

void wh_output_text_backtraces(FILE *out, const struct wh_backtraces *bts);
void wh_output_json_backtraces(FILE *out, const struct wh_backtraces *bts);
/* The functions inlined into frame I, one line each, innermost first
 * ("    func (inlined) (file:line)", unnumbered), then frame I's line;
 * each line starts with INDENT and ends with a newline. */
/* "-- trace ends: WHY [at ADDR] [(DETAIL)]" after an incomplete stack,
 * nothing after a complete one. */
void wh_output_text_trace_end(FILE *out, const struct wh_stack *stack, const char *indent,
			      bool with_address);
void wh_output_text_frame_lines(FILE *out, const struct wh_backtrace *bt, size_t i,
				const char *indent);
/* The "frames" array of one backtrace, for embedding in other documents. */
void wh_output_json_frames(struct wh_json *j, const struct wh_backtrace *bt);

#endif
