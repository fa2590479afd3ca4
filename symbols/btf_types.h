/* Kernel types from the BTF in the kernel's memory (the types.h
 * interface): what is left when no debug vmlinux is at hand. BTF has
 * types, not code: no source lines, no inlined calls, no variables other
 * than per-CPU ones. */
#ifndef WHYHUNG_BTF_TYPES_H
#define WHYHUNG_BTF_TYPES_H

#include <stddef.h>

#include "types.h"

/* Types from SIZE bytes of BTF at DATA (copied), e.g. __start_BTF ..
 * __stop_BTF read from the dump. WH_ERR_FORMAT when malformed. */
struct wh_error *wh_types_create_btf(const void *data, size_t size, struct wh_types **ret);
/* A module's split BTF on BASE (from wh_types_create_btf(), which must
 * outlive the result): its types, then the base's. */
struct wh_error *wh_types_create_btf_split(const void *data, size_t size,
					   const struct wh_types *base, struct wh_types **ret);

#endif
