#include "escape.h"

#include <stdio.h>

char *wh_escape_text(const char *s, size_t len, char *out, size_t out_size)
{
	size_t o = 0;
	if (!out_size)
		return out;
	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[5];
		int n;
		if (c < 0x20 || c >= 0x7f || c == '\\')
			n = snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		else
			n = snprintf(tmp, sizeof(tmp), "%c", c);
		if (o + (size_t)n >= out_size)
			break;
		for (int j = 0; j < n; j++)
			out[o++] = tmp[j];
	}
	out[o] = '\0';
	return out;
}
