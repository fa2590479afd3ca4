/* Text-output escaping for strings that come from the dump (task names,
 * paths): control and non-ASCII bytes become \xNN so a hostile name cannot
 * forge report lines or terminal escapes. JSON has its own in json_writer. */
#ifndef WHYHUNG_ESCAPE_H
#define WHYHUNG_ESCAPE_H

#include <stddef.h>

/* Escape at most LEN bytes of S (stopping at NUL) into OUT of OUT_SIZE
 * bytes, always NUL-terminated; truncates on overflow. Returns OUT. */
char *wh_escape_text(const char *s, size_t len, char *out, size_t out_size);

#endif
