/* Names for rw_semaphores by the structure that holds them: "mmap_lock of
 * mm of java[181134]", "i_rwsem of /dir (inode 2) on tmpfs at /mnt",
 * "s_umount of ext4 vda at /". The rwsem kind's .name_object. */
#ifndef WHYHUNG_RWSEM_NAMES_H
#define WHYHUNG_RWSEM_NAMES_H

#include "wait_kind.h"

bool wh_rwsem_name(const struct wh_wait_context *ctx, const struct wh_wait_kind_state *state,
		   uint64_t addr, char *buf, size_t size);

#endif
