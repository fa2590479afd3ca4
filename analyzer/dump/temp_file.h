/* Unnamed temporary files for dumps whyhung rebuilds (flattened streams,
 * whole-file compression): in $TMPDIR (else /tmp), never linked into a
 * directory for longer than mkstemp() needs, so nothing is left behind on
 * exit, crash or signal. */
#ifndef WHYHUNG_TEMP_FILE_H
#define WHYHUNG_TEMP_FILE_H

#include "error.h"

/* A new empty read-write file with no name; *RET is its fd (O_CLOEXEC). */
struct wh_error *wh_temp_file_create(int *ret);

#endif
