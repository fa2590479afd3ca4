/* Reading an xarray (radix tree) from the dump: the entry at one index.
 * The blk-mq hardware contexts of a request queue live in one since 5.19
 * (q->hctx_table). */
#ifndef WHYHUNG_XARRAY_H
#define WHYHUNG_XARRAY_H

#include <stdint.h>

#include "kernel.h"

/* The entry at INDEX of the struct xarray at XA, 0 when empty. Bounded
 * depth; WH_ERR_CORRUPT for a node whose shift does not descend. */
struct wh_error *wh_xa_load(struct wh_kernel *k, uint64_t xa, uint64_t index, uint64_t *ret);

#endif
