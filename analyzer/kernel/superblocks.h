/* Mounted filesystems' superblocks, for naming locks that live in them
 * (s_umount, s_writers) the way a person would: filesystem type and device. */
#ifndef WHYHUNG_SUPERBLOCKS_H
#define WHYHUNG_SUPERBLOCKS_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"

struct wh_superblock_info {
	uint64_t address;
	char fstype[32]; /* raw bytes from the dump: escape on output */
	char id[33];	 /* s_id: the device or "tmpfs" */
	int frozen;	 /* s_writers.frozen: 0 unfrozen .. 4 complete; -1 unknown */
	char mount[256]; /* where its first mount is mounted, "" unknown */
};

/* "ext4 vda at /mnt/q", "tmpfs at /mnt/frozen" (the id is left out when it
 * repeats the type); raw bytes from the dump: escape on output. */
void wh_superblock_label(const struct wh_superblock_info *sb, char *buf, size_t size);

/* The superblock containing ADDR within its [start+begin, start+end) member
 * range, where the range is given by member path MEMBER of struct
 * super_block. *ret_found false when none. Bounded walk of super_blocks. */
struct wh_error *wh_superblock_containing(struct wh_kernel *k, uint64_t addr, const char *member,
					  struct wh_superblock_info *ret, uint64_t *ret_offset,
					  bool *ret_found);

/* Fill RET for the superblock at SB; unreadable fields stay empty (frozen
 * -1). */
void wh_superblock_read(struct wh_kernel *k, uint64_t sb, struct wh_superblock_info *ret);

#endif
