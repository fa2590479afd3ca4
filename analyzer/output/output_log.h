/* Renderings of the kernel log: text like makedumpfile --dump-dmesg, and
 * JSON. They render a struct wh_log and never read the dump. */
#ifndef WHYHUNG_OUTPUT_LOG_H
#define WHYHUNG_OUTPUT_LOG_H

#include <stdio.h>

#include "printk.h"

#define WH_SCHEMA_LOG "whyhung-log/1"

/* One "[%5lu.%06lu] text" line per record, continuation lines of a
 * multi-line record indented to the text column, as makedumpfile does.
 * Gaps print as a bracketed note in the stream; warnings go to NOTES. */
void wh_output_text_log(FILE *out, FILE *notes, const struct wh_log *log);
void wh_output_json_log(FILE *out, const struct wh_log *log);

#endif
