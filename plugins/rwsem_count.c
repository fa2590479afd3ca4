#include "rwsem_count.h"

#include <stdbool.h>

/* The owner field's flag bits: READER_OWNED (bit 0) in both schemes,
 * ANONYMOUSLY_OWNED / NONSPINNABLE above it. */
static const uint64_t OWNER_READER = 1, OWNER_FLAGS = 0x7;

/* kernel/locking/rwsem.c, 5.3+. */
static struct wh_rwsem_count decode_5_3(uint64_t count, uint64_t owner)
{
	static const uint64_t WRITER_LOCKED = 1, READER_SHIFT = 8;
	static const uint64_t READER_MASK = (1ull << 55) - 1; /* bits 8..62 */
	struct wh_rwsem_count c = {WH_RWSEM_FREE, 0, 0};
	uint64_t readers = (count >> READER_SHIFT) & READER_MASK;
	if (count & WRITER_LOCKED) {
		c.held = WH_RWSEM_WRITE;
		c.writer = owner & ~OWNER_FLAGS;
	} else if (readers) {
		c.held = WH_RWSEM_READ;
		c.readers = readers;
	}
	return c;
}

/* arch/x86/include/asm/rwsem.h and kernel/locking/rwsem-xadd.c up to 5.2
 * (64-bit): ACTIVE_MASK 0xffffffff, WAITING_BIAS -(1 << 32),
 * ACTIVE_WRITE_BIAS = WAITING_BIAS + 1. A writer and queued waiters both
 * put WAITING_BIAS in: the high half is -2 with a writer and waiters, -1
 * with either alone (told apart by the owner field, which names a
 * writer), 0 with neither. */
static struct wh_rwsem_count decode_bias(uint64_t count, uint64_t owner)
{
	struct wh_rwsem_count c = {WH_RWSEM_FREE, 0, 0};
	uint64_t active = count & 0xffffffffull;
	int64_t high = (int64_t)count >> 32;
	bool owner_is_writer = (owner & ~OWNER_FLAGS) && !(owner & OWNER_READER);
	if (!active)
		return c;
	if (high <= -2 || owner_is_writer) {
		c.held = WH_RWSEM_WRITE;
		c.writer = owner_is_writer ? owner & ~OWNER_FLAGS : 0;
	} else {
		c.held = WH_RWSEM_READ;
		c.readers = active;
	}
	return c;
}

struct wh_rwsem_count wh_rwsem_count_decode(enum wh_rwsem_count_scheme scheme, uint64_t count,
					    uint64_t owner)
{
	return scheme == WH_RWSEM_COUNT_BIAS ? decode_bias(count, owner) : decode_5_3(count, owner);
}
