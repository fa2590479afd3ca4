/* Bounds-checked reading of DWARF bytes for our own small readers
 * (dwarf_lines.c, dwarf_info.c, dwarf_aranges.c): little-endian x86-64 objects only. */
#ifndef WHYHUNG_DWARF_CURSOR_H
#define WHYHUNG_DWARF_CURSOR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* A cursor over [p, end). A read past the end (or a ULEB128 wider than 64
 * bits) sets BAD, moves to the end and yields zeros, so a parse checks BAD
 * once per step rather than after every field. */
struct wh_cursor {
	const unsigned char *p, *end;
	bool bad;
};

static inline bool cursor_need(struct wh_cursor *c, uint64_t n)
{
	if (c->bad || n > (uint64_t)(c->end - c->p)) {
		c->bad = true;
		c->p = c->end;
		return false;
	}
	return true;
}

static inline void cursor_skip(struct wh_cursor *c, uint64_t n)
{
	if (cursor_need(c, n))
		c->p += n;
}

/* Little-endian unsigned of N <= 8 bytes (x86-64 objects only). */
static inline uint64_t cursor_le(struct wh_cursor *c, unsigned n)
{
	if (!cursor_need(c, n))
		return 0;
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += n;
	return v;
}

static inline uint8_t cursor_u8(struct wh_cursor *c)
{
	if (c->p < c->end)
		return *c->p++;
	return (uint8_t)cursor_le(c, 1); /* sets BAD */
}

static inline uint64_t cursor_uleb(struct wh_cursor *c)
{
	if (c->p < c->end && !(*c->p & 0x80)) /* most operands: one byte */
		return *c->p++;
	uint64_t v = 0;
	unsigned shift = 0;
	for (;;) {
		if (!cursor_need(c, 1))
			return 0;
		unsigned char b = *c->p++;
		uint64_t bits = b & 0x7f;
		/* Significant bits beyond 64 are an overflow, not a wrap. */
		if ((shift >= 64 && bits) || (shift && shift < 64 && bits >> (64 - shift))) {
			c->bad = true;
			c->p = c->end;
			return 0;
		}
		if (shift < 64)
			v |= bits << shift;
		if (!(b & 0x80))
			return v;
		if (shift < 64)
			shift += 7;
	}
}

static inline int64_t cursor_sleb(struct wh_cursor *c)
{
	uint64_t v = 0;
	unsigned shift = 0;
	unsigned char b;
	do {
		if (!cursor_need(c, 1))
			return 0;
		b = *c->p++;
		if (shift < 64) {
			v |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
		}
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

/* A NUL-terminated string at the cursor. */
static inline const char *cursor_cstr(struct wh_cursor *c)
{
	if (c->bad)
		return NULL;
	const unsigned char *nul = memchr(c->p, 0, (size_t)(c->end - c->p));
	if (!nul) {
		c->bad = true;
		c->p = c->end;
		return NULL;
	}
	const char *s = (const char *)c->p;
	c->p = nul + 1;
	return s;
}

/* A string section: offsets below LIMIT (just past its last NUL) start a
 * terminated string, so each lookup is one comparison. */
struct wh_string_section {
	const char *name;
	const unsigned char *data;
	uint64_t limit;
};

static inline void wh_string_section_init(struct wh_string_section *s, const char *name,
					  const unsigned char *data, uint64_t size)
{
	s->name = name;
	s->data = data;
	s->limit = 0;
	if (!data || !size)
		return;
	const unsigned char *nul = memrchr(data, 0, (size_t)size);
	if (nul)
		s->limit = (uint64_t)(nul - data) + 1;
}

/* The string at OFF in S, NULL when OFF starts no terminated string. */
static inline const char *wh_string_section_at(const struct wh_string_section *s, uint64_t off)
{
	return off < s->limit ? (const char *)s->data + off : NULL;
}

#endif
