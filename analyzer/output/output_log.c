#include "output_diags.h"
#include "output_log.h"
#include "json_writer.h"

#include <inttypes.h>
#include <string.h>

/* Bytes as makedumpfile prints them (printk.c dump_record()), except that
 * \r, \v and \f, which it passes through, are escaped too: raw they let a
 * hostile message overwrite earlier lines on a terminal. makedumpfile also
 * sign-extends bytes >= 0x80 (\xffffffc3); we print \xc3. */
static void put_text(FILE *out, const char *s, size_t len, int indent)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fprintf(out, "\n%*s", indent, "");
		else if ((c >= 0x20 && c < 0x7f) || c == '\t')
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
}

void wh_output_text_log(FILE *out, FILE *notes, const struct wh_log *log)
{
	for (size_t i = 0; i < log->count; i++) {
		const struct wh_log_record *r = &log->records[i];
		if (r->gap) {
			fprintf(out, "[whyhung: %" PRIu64 " log record%s unreadable: %s]\n",
				r->gap_count, r->gap_count == 1 ? "" : "s", r->gap_reason);
			continue;
		}
		int indent = fprintf(out, "[%5" PRIu64 ".%06" PRIu64 "] ", r->ts_nsec / 1000000000,
				     r->ts_nsec % 1000000000 / 1000);
		put_text(out, r->text, r->text_len, indent > 0 ? indent : 0);
		fputc('\n', out);
	}
	for (size_t i = 0; i < log->diags.count; i++) {
		fputs("whyhung: warning: ", notes);
		put_text(notes, log->diags.items[i].message, strlen(log->diags.items[i].message), 0);
		fputc('\n', notes);
	}
	if (log->diags.lost)
		fprintf(notes, "whyhung: warning: %zu more problems not kept: out of memory\n",
			log->diags.lost);
}

static void write_record(struct wh_json *j, const struct wh_log_record *r)
{
	wh_json_begin_object(j);
	if (r->gap) {
		wh_json_key(j, "gap");
		wh_json_bool(j, true);
		wh_json_key(j, "count");
		wh_json_uint(j, r->gap_count);
		wh_json_key(j, "reason");
		wh_json_string(j, r->gap_reason);
		wh_json_end_object(j);
		return;
	}
	wh_json_key(j, "seq");
	wh_json_uint(j, r->seq);
	wh_json_key(j, "ts_nsec");
	wh_json_uint(j, r->ts_nsec);
	wh_json_key(j, "level");
	wh_json_uint(j, r->level);
	wh_json_key(j, "facility");
	wh_json_uint(j, r->facility);
	wh_json_key(j, "cont");
	wh_json_bool(j, r->flags & WH_LOG_CONT);
	wh_json_key(j, "newline");
	wh_json_bool(j, r->flags & WH_LOG_NEWLINE);
	wh_json_key(j, "caller");
	if (r->have_caller) {
		/* printk_caller_id(): bit 31 set for a CPU, else a thread id. */
		char caller[16];
		snprintf(caller, sizeof(caller), "%c%" PRIu32,
			 r->caller_id & 0x80000000u ? 'C' : 'T', r->caller_id & 0x7fffffffu);
		wh_json_string(j, caller);
	} else {
		wh_json_null(j);
	}
	wh_json_key(j, "text");
	wh_json_bytes(j, r->text, r->text_len);
	if (r->truncated) {
		wh_json_key(j, "truncated");
		wh_json_bool(j, true);
	}
	wh_json_end_object(j);
}

void wh_output_json_log(FILE *out, const struct wh_log *log)
{
	struct wh_json j;
	wh_json_init(&j, out);
	wh_json_begin_object(&j);
	wh_json_key(&j, "schema");
	wh_json_string(&j, WH_SCHEMA_LOG);
	wh_json_key(&j, "format");
	wh_json_string(&j, log->format);
	wh_json_key(&j, "file");
	wh_json_string(&j, log->file);
	wh_json_key(&j, "dump_error");
	wh_json_string(&j, log->dump_error);
	wh_json_key(&j, "gap_records");
	wh_json_uint(&j, log->gap_records);
	wh_json_key(&j, "records");
	wh_json_begin_array(&j);
	for (size_t i = 0; i < log->count; i++)
		write_record(&j, &log->records[i]);
	wh_json_end_array(&j);
	wh_json_key(&j, "warnings");
	wh_json_begin_array(&j);
	wh_output_json_diag_messages(&j, &log->diags);
	wh_json_end_array(&j);
	wh_json_key(&j, "diagnostics");
	wh_json_begin_array(&j);
	wh_output_json_diags(&j, &log->diags);
	wh_json_end_array(&j);
	wh_json_end_object(&j);
}
