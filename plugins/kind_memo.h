/* What a wait kind learns once per analysis and reuses for each of its
 * objects: FUSE's daemons per connection, found by reading every task's
 * open files, would otherwise be read again for every request waiting on
 * that connection. Values are keyed by the kind (any address of its own)
 * and a 64-bit key, and destroyed with the memo. */
#ifndef WHYHUNG_KIND_MEMO_H
#define WHYHUNG_KIND_MEMO_H

#include <stdint.h>

#include "error.h"

struct wh_kind_memo;

struct wh_error *wh_kind_memo_create(struct wh_kind_memo **ret);
void wh_kind_memo_destroy(struct wh_kind_memo *memo);
/* The value stored for (KIND, KEY), or NULL. */
void *wh_kind_memo_get(const struct wh_kind_memo *memo, const void *kind, uint64_t key);
/* Store VALUE for (KIND, KEY); the memo destroys it with DESTROY (free()
 * when NULL), on failure too. */
typedef void wh_kind_memo_destroy_fn(void *value);
struct wh_error *wh_kind_memo_put(struct wh_kind_memo *memo, const void *kind, uint64_t key,
				  void *value, wh_kind_memo_destroy_fn *destroy);

#endif
