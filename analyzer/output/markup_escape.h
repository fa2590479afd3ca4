/* The one escaper for markup (HTML text and attribute values, and the SVG
 * labels handed to Graphviz, which decodes entities and re-encodes them).
 * Strings from the dump arrive raw: control bytes, backslashes and every
 * byte >= 0x7f (so invalid UTF-8 too) become "\xNN" as in the text report;
 * & < > " ' become entities. The result is printable ASCII that can end
 * neither an element, an attribute nor a comment. */
#ifndef WHYHUNG_MARKUP_ESCAPE_H
#define WHYHUNG_MARKUP_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

enum wh_markup_input {
	WH_MARKUP_RAW,	    /* bytes from the dump: a backslash becomes \x5c too */
	WH_MARKUP_LABEL,    /* already text-escaped (wh_escape_text, the analysis'
			     * labels): its \xNN are kept as they are */
	WH_MARKUP_LINES,    /* as LABEL, a whole text rendering: its newlines kept */
	WH_MARKUP_GRAPHVIZ, /* a label for Graphviz: as LABEL, and each backslash
			     * doubled, since Graphviz reads \N, \l, ... */
};

/* At most LEN bytes of S, stopping at NUL (a 16-byte comm without NUL is
 * read as its 16 bytes). */
void wh_markup_write(FILE *out, enum wh_markup_input in, const char *s, size_t len);
/* The same into BUF of SIZE bytes, always NUL-terminated; an entity or
 * \xNN is never cut in half (truncation drops it whole). Returns BUF. */
char *wh_markup_escape(enum wh_markup_input in, const char *s, size_t len, char *buf, size_t size);

#endif
