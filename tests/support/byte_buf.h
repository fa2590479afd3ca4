/* Laying out DWARF bytes by hand for the readers' unit tests (cmocka's
 * assert_true must be in scope: include after <cmocka.h>). */
#ifndef WHYHUNG_TEST_BYTE_BUF_H
#define WHYHUNG_TEST_BYTE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	unsigned char bytes[4096];
	size_t len;
};

static inline void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->len + n <= sizeof(b->bytes));
	memcpy(b->bytes + b->len, p, n);
	b->len += n;
}

static inline void put_u(struct buf *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned char c = (unsigned char)(v >> (8 * i));
		put(b, &c, 1);
	}
}

static inline void put_uleb(struct buf *b, uint64_t v)
{
	do {
		unsigned char c = v & 0x7f;
		v >>= 7;
		if (v)
			c |= 0x80;
		put(b, &c, 1);
	} while (v);
}

static inline void put_sleb(struct buf *b, int64_t v)
{
	for (;;) {
		unsigned char c = v & 0x7f;
		v >>= 7;
		bool done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
		if (!done)
			c |= 0x80;
		put(b, &c, 1);
		if (done)
			return;
	}
}

static inline void put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s) + 1);
}

/* Patch N bytes at P. */
static inline void patch(unsigned char *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void patch_u(struct buf *b, size_t off, uint64_t v, unsigned n)
{
	patch(b->bytes + off, v, n);
}

#endif
