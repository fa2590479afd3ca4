/* Block devices as the I/O waits see them: the device a wait's I/O goes
 * to and the state the kernel records for it (device-mapper suspended,
 * request queue quiesced or frozen, requests allocated and dispatched and
 * the oldest one's age), plus the file system on it. */
#ifndef WHYHUNG_BLOCKDEV_H
#define WHYHUNG_BLOCKDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "kernel.h"

struct wh_io_target {
	bool known;		  /* false: no device was found for this wait */
	uint64_t bdev;		  /* struct block_device */
	char device[40];	  /* "vda", "dm-0", "nvme0n1p2" (raw bytes: escape) */
	char fstype[32];	  /* file system whose I/O it is, "" unknown */
	char mount[256];	  /* where that file system is mounted, "" unknown */
	int fs_frozen;		  /* s_writers.frozen, 0 not frozen, -1 unknown */
	bool dm;		  /* a device-mapper device */
	char dm_name[24];	  /* its name, "" if not dm or unknown */
	int dm_suspended;	  /* 1/0, -1 unknown or not dm */
	int dm_suspending;	  /* suspend waiting for I/O to drain: 1/0/-1 */
	int64_t dm_deferred;	  /* bios dm holds back while suspended, -1 unknown */
	int queue_quiesced;	  /* 1/0/-1 */
	int queue_frozen;	  /* mq_freeze_depth > 0: 1/0/-1 */
	int64_t rq_allocated;	  /* blk-mq requests of this queue holding a tag, -1 unknown */
	int64_t rq_dispatched;	  /* of those, started on the driver, -1 unknown */
	int64_t oldest_rq_age_ns; /* since the oldest one was allocated, -1 unknown */
	bool scheduler;		  /* an I/O scheduler is attached (its tags are counted) */
	struct wh_diags incomplete; /* what could not be read: owned, see below */
};

/* Descriptions already made during one analysis: every object waiting on a
 * device (300 writeback waiters on one disk) would otherwise walk its
 * tag bitmaps again. NULL caches nothing. */
struct wh_blockdev_cache;
struct wh_blockdev_cache *wh_blockdev_cache_create(void);
void wh_blockdev_cache_destroy(struct wh_blockdev_cache *cache);

/* Describe the block device BDEV (struct block_device *) into RET; SB, a
 * superblock on it or 0, names the file system. Never fails: unreadable
 * parts stay unknown and are noted in ret->incomplete. RET is zeroed or
 * described before (what it held is released); wh_io_target_deinit()
 * releases it. */
void wh_blockdev_describe(struct wh_kernel *k, struct wh_blockdev_cache *cache, uint64_t bdev,
			  uint64_t sb, struct wh_io_target *ret);
/* The same for the device under superblock SB (its s_bdev); known stays
 * false when SB has no block device (tmpfs, proc). */
void wh_blockdev_of_superblock(struct wh_kernel *k, struct wh_blockdev_cache *cache, uint64_t sb,
			       struct wh_io_target *ret);
/* Does BDEV look like a struct block_device: its disk's whole-disk device
 * points back at the same disk? Random memory does not close that
 * triangle; for guesses such as "is this word a buffer_head's b_bdev". */
bool wh_blockdev_plausible(struct wh_kernel *k, uint64_t bdev);
/* The block device a struct bio at BIO is for (bio->bi_bdev, 5.12+), if
 * plausible; false otherwise. */
bool wh_bio_device(struct wh_kernel *k, uint64_t bio, uint64_t *ret_bdev);
/* One line for people: "dm-0 (device-mapper whdm): suspended, 1 bio held
 * back". */
void wh_io_target_summary(const struct wh_io_target *t, char *buf, size_t size);
void wh_io_target_deinit(struct wh_io_target *t);

#endif
