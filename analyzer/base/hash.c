#include "hash.h"

#include <stdint.h>

/* FNV-1a, 128-bit variant: offset basis and prime as published by Fowler,
 * Noll and Vo (prime = 2^88 + 2^8 + 0x3b). */
static const unsigned __int128 FNV128_PRIME =
    ((unsigned __int128)1 << 88) + ((unsigned __int128)1 << 8) + 0x3b;

void wh_hash_init(struct wh_hash *h)
{
	h->state = ((unsigned __int128)0x6c62272e07bb0142ULL << 64) | 0x62b821756295c58dULL;
}

void wh_hash_update(struct wh_hash *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h->state ^= p[i];
		h->state *= FNV128_PRIME;
	}
}

void wh_hash_hex(const struct wh_hash *h, char out[33])
{
	static const char digits[] = "0123456789abcdef";
	unsigned __int128 v = h->state;
	for (int i = 31; i >= 0; i--) {
		out[i] = digits[(unsigned)(v & 0xf)];
		v >>= 4;
	}
	out[32] = '\0';
}
