/* The kernel log the kdump tools save beside the dump, as the capture
 * kernel read it: kdump-tools' dmesg.STAMP next to dump.STAMP (from
 * makedumpfile --dump-dmesg), RHEL's vmcore-dmesg.txt next to vmcore. Used
 * when the dump's own log cannot be read. */
#ifndef WHYHUNG_KDUMP_LOG_FILE_H
#define WHYHUNG_KDUMP_LOG_FILE_H

#include <stddef.h>

#include "error.h"
#include "printk.h"

/* The log file beside one of the dump FILES: *RET is a malloc'ed path, or
 * NULL when there is none. */
struct wh_error *wh_kdump_log_file_find(const char *const *files, size_t n, char **ret);

/* Read PATH ("[   12.345678] text" lines) into *RET, one record per line;
 * ret->format is "file". */
struct wh_error *wh_kdump_log_file_read(const char *path, struct wh_log *ret);

/* The dump's log, or when it cannot be read and kdump saved one beside the
 * dump, that one: then ret->file names it and ret->dump_error says why the
 * dump's own could not be read. Otherwise the dump's error. */
struct wh_error *wh_log_read_or_beside(struct wh_kernel *k, struct wh_log *ret);

#endif
