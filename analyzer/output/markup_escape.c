#include "markup_escape.h"

#include <string.h>

/* The escaped form of one byte into TMP (at least 7 bytes). */
static const char *markup_byte(enum wh_markup_input in, unsigned char c, char tmp[8])
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	}
	if (c == '\n' && in == WH_MARKUP_LINES)
		return "\n";
	if (c == '\\' && in == WH_MARKUP_GRAPHVIZ)
		return "\\\\";
	if (c < 0x20 || c >= 0x7f || (c == '\\' && in == WH_MARKUP_RAW)) {
		static const char hex[] = "0123456789abcdef";
		tmp[0] = '\\';
		tmp[1] = 'x';
		tmp[2] = hex[c >> 4];
		tmp[3] = hex[c & 15];
		tmp[4] = '\0';
	} else {
		tmp[0] = (char)c;
		tmp[1] = '\0';
	}
	return tmp;
}

void wh_markup_write(FILE *out, enum wh_markup_input in, const char *s, size_t len)
{
	char tmp[8];
	for (size_t i = 0; i < len && s[i]; i++)
		fputs(markup_byte(in, (unsigned char)s[i], tmp), out);
}

char *wh_markup_escape(enum wh_markup_input in, const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0;
	char tmp[8];
	if (!size)
		return buf;
	for (size_t i = 0; i < len && s[i]; i++) {
		const char *e = markup_byte(in, (unsigned char)s[i], tmp);
		size_t n = strlen(e);
		if (o + n >= size)
			break;
		memcpy(buf + o, e, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}
