/* What an rw_semaphore's count and owner say, in either count scheme
 * (plugins/rwsem.c). Pure arithmetic, so that it is tested alone. */
#ifndef WHYHUNG_RWSEM_COUNT_H
#define WHYHUNG_RWSEM_COUNT_H

#include <stdint.h>

/* The scheme, from the slow path the waiter sleeps in (frame variants). */
enum wh_rwsem_count_scheme {
	WH_RWSEM_COUNT_5_3,  /* 5.3+: bit 0 writer, readers << 8 */
	WH_RWSEM_COUNT_BIAS, /* up to 5.2: active count + waiting/write biases */
};

enum wh_rwsem_held { WH_RWSEM_FREE, WH_RWSEM_READ, WH_RWSEM_WRITE };

struct wh_rwsem_count {
	enum wh_rwsem_held held;
	uint64_t readers; /* WH_RWSEM_READ: how many */
	uint64_t writer;  /* WH_RWSEM_WRITE: the owner field's task, or 0 */
};

struct wh_rwsem_count wh_rwsem_count_decode(enum wh_rwsem_count_scheme scheme, uint64_t count,
					    uint64_t owner);

#endif
