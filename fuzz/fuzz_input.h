/* How a fuzzer's input is cut into the pieces a parser takes (sections,
 * addresses): a sequence of chunks, each a little-endian u32 length and
 * that many bytes; a length past the end takes what is left, a missing
 * chunk is empty. fuzz/make_seeds.py writes seeds in this form. */
#ifndef WHYHUNG_FUZZ_INPUT_H
#define WHYHUNG_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *data;
	size_t size;
};

struct fuzz_chunk {
	const unsigned char *data; /* NULL when empty */
	uint64_t size;
};

static inline struct fuzz_chunk fuzz_take(struct fuzz_input *in)
{
	struct fuzz_chunk c = {NULL, 0};
	if (in->size < 4) {
		in->size = 0;
		return c;
	}
	uint32_t len;
	memcpy(&len, in->data, 4);
	in->data += 4;
	in->size -= 4;
	if (len > in->size)
		len = (uint32_t)in->size;
	if (len)
		c.data = in->data;
	c.size = len;
	in->data += len;
	in->size -= len;
	return c;
}

/* The next 8 bytes as a number (0 past the end). */
static inline uint64_t fuzz_u64(struct fuzz_input *in)
{
	uint64_t v = 0;
	size_t n = in->size < 8 ? in->size : 8;
	memcpy(&v, in->data, n);
	in->data += n;
	in->size -= n;
	return v;
}

#endif
