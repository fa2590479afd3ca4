/* What a worker's analysis asked of the vmlinux, written down for its slot
 * to ask again: the type hints it applied and the code addresses whose
 * source lines and inlined calls it decoded. The slot then holds the
 * answers (indexed compile units, line tables, inline indexes) and the
 * next workers of that kernel inherit them by fork. The journal holds
 * vmlinux names and addresses only: the slot still never reads a dump. */
#ifndef WHYHUNG_BATCH_WARM_H
#define WHYHUNG_BATCH_WARM_H

#include <stddef.h>

#include "error.h"

struct wh_kernel;
struct wh_report;
struct wh_elf_image;
struct wh_types;

/* PATH of the journal beside a worker's result file RESULT_PATH. */
void wh_batch_warm_path(const char *result_path, char *buf, size_t size);
/* In the worker, after a good analysis: K's applied type hints and the
 * vmlinux addresses of R's frames that have source lines. */
struct wh_error *wh_batch_warm_write(const struct wh_kernel *k, const struct wh_report *r,
				     const char *path);
/* In the slot: ask IMG and TYPES what the journal at PATH lists, then
 * remove it; addresses in SEEN (the ones asked before, of this kernel)
 * are skipped and the new ones added. Best effort: a journal cut short or
 * damaged warms less. */
struct wh_addr_map;
void wh_batch_warm_replay(struct wh_elf_image *img, struct wh_types *types,
			  struct wh_addr_map *seen, const char *path);

#endif
