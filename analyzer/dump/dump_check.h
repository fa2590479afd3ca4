/* Structural checks of a dump file before libkdumpfile opens it, so a
 * truncated copy (common with dumps attached to tickets) is reported once,
 * up front, instead of as scattered page faults during the analysis. */
#ifndef WHYHUNG_DUMP_CHECK_H
#define WHYHUNG_DUMP_CHECK_H

#include "error.h"

/* Returns WH_ERR_TRUNCATED when the file is shorter than its headers
 * require, WH_ERR_NOT_DUMP for an unknown signature, NULL otherwise. */
struct wh_error *wh_dump_check_file(int fd);

#endif
