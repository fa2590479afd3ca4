/* Readers of a read-held rwsem, which the kernel does not record: the
 * candidates with their evidence (plugins/rwsem.c), shared with PREEMPT_RT's
 * rwsem and rwlock (plugins/rwbase_rt.c). OWNER is the rwsem owner field
 * with its last-reader hint (non-RT), or 0. At most READERS + 1 candidates;
 * tasks queued on OBJ are none. */
#ifndef WHYHUNG_RWSEM_READERS_H
#define WHYHUNG_RWSEM_READERS_H

#include "wait_model.h"

struct wh_error *wh_rwsem_infer_readers(const struct wh_wait_context *ctx,
					struct wh_wait_object *obj, uint64_t owner,
					uint64_t readers);

#endif
