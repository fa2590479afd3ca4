/* A 128-bit FNV-1a hash for identities that must be stable across runs and
 * machines (dump content ids, hang signatures). Not cryptographic: nothing
 * here defends against someone forging a collision, only against chance,
 * for which 128 bits are plenty. */
#ifndef WHYHUNG_HASH_H
#define WHYHUNG_HASH_H

#include <stddef.h>

struct wh_hash {
	unsigned __int128 state;
};

void wh_hash_init(struct wh_hash *h);
void wh_hash_update(struct wh_hash *h, const void *data, size_t len);
/* 32 lowercase hex digits and a NUL into OUT (33 bytes). */
void wh_hash_hex(const struct wh_hash *h, char out[33]);

#endif
