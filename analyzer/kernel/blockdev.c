#include "blockdev.h"
#include "module_debug.h"
#include "modules.h"
#include "superblocks.h"
#include "xarray.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds on what a hostile dump can make us walk. */
static const uint64_t MAX_HW_QUEUES = 1024, MAX_BITMAP_WORDS = 4096, MAX_TAGS = 65536;
/* Tag bits examined per queue, all tag maps together. */
static const uint64_t TAG_BUDGET = 1u << 18;
static const uint64_t MAX_DEFERRED_BIOS = 1u << 16;

/* device-mapper's md->flags bits (drivers/md/dm-core.h, unchanged from
 * 2.6.x through 6.x: #defines, absent from DWARF). */
static const unsigned DMF_BLOCK_IO_FOR_SUSPEND = 0, DMF_SUSPENDED = 1;
/* QUEUE_FLAG_QUIESCED: a #define of include/linux/blkdev.h, 24 from 4.17
 * (28 before); only read where request_queue has no quiesce_depth. */
static const int QUEUE_FLAG_QUIESCED_4_17 = 24;

/* Keep what of T could not be read, and why; consumes ERR. */
static void note(struct wh_io_target *t, const char *what, struct wh_error *err)
{
	if (err)
		wh_diags_add_error(&t->incomplete, "block device", wh_error_wrap(err, "%s", what));
	else
		wh_diags_add(&t->incomplete, "block device", WH_ERR_FAULT, "%s: unreadable", what);
}

static struct wh_error *member_u64(struct wh_kernel *k, uint64_t obj, const char *type,
				   const char *member, uint64_t *ret)
{
	struct wh_member_info m;
	struct wh_error *err = wh_kernel_member(k, type, member, &m);
	return err ? err : wh_kernel_read_member(k, obj, &m, ret);
}

static void device_name(struct wh_kernel *k, uint64_t bdev, uint64_t disk, struct wh_io_target *t)
{
	struct wh_member_info name;
	uint64_t partno = 0;
	struct wh_error *err = wh_kernel_member(k, "gendisk", "disk_name", &name);
	char raw[33] = "";
	if (!err)
		err = wh_dump_read(k->dump, disk + name.offset, raw, sizeof(raw) - 1);
	if (err) {
		note(t, "disk name", err);
		snprintf(t->device, sizeof(t->device), "block device 0x%llx",
			 (unsigned long long)bdev);
		return;
	}
	raw[sizeof(raw) - 1] = '\0';
	err = member_u64(k, bdev, "block_device", "bd_partno", &partno);
	wh_error_destroy(err);
	size_t n = strlen(raw);
	/* Like the kernel's %pg: "sda1", "nvme0n1p1" when the name ends in a digit. */
	if (partno)
		snprintf(t->device, sizeof(t->device), "%s%s%u", raw,
			 n && raw[n - 1] >= '0' && raw[n - 1] <= '9' ? "p" : "",
			 (unsigned)(partno & 0xff));
	else
		snprintf(t->device, sizeof(t->device), "%s", raw);
}

/* device-mapper: a disk whose fops are dm_blk_dops. Its types
 * (mapped_device, dm-ioctl's hash_cell) come from dm_mod.ko's debug file
 * when dm is a module, as on distribution kernels. */
static void describe_dm(struct wh_kernel *k, uint64_t disk, struct wh_io_target *t)
{
	uint64_t fops = 0, dm_ops = 0, md = 0, flags = 0, bio = 0;
	struct wh_error *err;
	if (!wh_best_effort(wh_symbol_address_any(k, "dm_blk_dops", &dm_ops)))
		return; /* device-mapper is not in this kernel */
	if ((err = member_u64(k, disk, "gendisk", "fops", &fops))) {
		note(t, "disk operations", err);
		return;
	}
	if (fops != dm_ops)
		return; /* not device-mapper */
	t->dm = true;
	struct wh_types *types;
	if ((err = wh_types_of(k, "dm_mod", &types))) {
		note(t, "device-mapper state", err);
		return;
	}
	/* A hint indexes the compile unit of the first function found:
	 * mapped_device is dm.c's, hash_cell dm-ioctl.c's. */
	static const char *const md_hint[] = {"dm_submit_bio", "dm_get_md", NULL};
	static const char *const cell_hint[] = {"dm_copy_name_and_uuid", NULL};
	if (types == k->types) {
		wh_kernel_type_hint(k, md_hint);
		wh_kernel_type_hint(k, cell_hint);
	}
	struct wh_member_info flags_m, iface_m, cell_name_m, name_m, deferred_m, next;
	if ((err = wh_types_struct_member(types, "mapped_device", "flags", &flags_m)) ||
	    (err = wh_types_struct_member(types, "mapped_device", "name", &name_m)) ||
	    (err = wh_types_struct_member(types, "mapped_device", "deferred.head", &deferred_m)) ||
	    (err = member_u64(k, disk, "gendisk", "private_data", &md)) ||
	    (err = wh_kernel_read_member(k, md, &flags_m, &flags))) {
		note(t, "device-mapper state", err);
		return;
	}
	/* BLOCK_IO_FOR_SUSPEND without SUSPENDED: a suspend still waiting for
	 * in-flight I/O to drain; new I/O is already held back. */
	t->dm_suspended = flags >> DMF_SUSPENDED & 1;
	t->dm_suspending = !t->dm_suspended && (flags >> DMF_BLOCK_IO_FOR_SUSPEND & 1);
	/* The name dmsetup shows lives in dm-ioctl's hash_cell; md->name is
	 * only "MAJ:MIN". */
	uint64_t cell = 0, cell_name = 0;
	if (!(err = wh_types_struct_member(types, "mapped_device", "interface_ptr", &iface_m)) &&
	    !(err = wh_kernel_read_member(k, md, &iface_m, &cell)) && cell &&
	    !(err = wh_types_struct_member(types, "hash_cell", "name", &cell_name_m)) &&
	    !(err = wh_kernel_read_member(k, cell, &cell_name_m, &cell_name)) && cell_name)
		err = wh_dump_read_cstr(k->dump, cell_name, t->dm_name, sizeof(t->dm_name));
	if (err || !cell || !cell_name) {
		wh_error_destroy(err);
		size_t n = name_m.size < sizeof(t->dm_name) ? name_m.size : sizeof(t->dm_name) - 1;
		if ((err = wh_dump_read(k->dump, md + name_m.offset, t->dm_name, n)))
			n = 0;
		t->dm_name[n] = '\0';
		wh_error_destroy(err);
	}
	/* Bios that arrived while suspended wait on md->deferred. */
	if ((err = wh_kernel_read_member(k, md, &deferred_m, &bio)) ||
	    (err = wh_kernel_member(k, "bio", "bi_next", &next))) {
		note(t, "dm deferred bios", err);
		return;
	}
	int64_t n = 0;
	uint64_t slow = bio;
	while (bio && (uint64_t)n < MAX_DEFERRED_BIOS) {
		if ((err = wh_kernel_read_member(k, bio, &next, &bio))) {
			note(t, "dm deferred bios", err);
			return;
		}
		n++;
		/* Floyd: a looping list is corrupt, not long. */
		if (!(n & 1) && (err = wh_kernel_read_member(k, slow, &next, &slow)) == NULL &&
		    slow == bio && bio) {
			note(t, "dm deferred bios", wh_error_create(WH_ERR_CORRUPT, "list loops"));
			return;
		}
		wh_error_destroy(err);
	}
	t->dm_deferred = bio ? -1 : n;
}

static uint64_t monotonic_now(struct wh_kernel *k)
{
	uint64_t tk, base = 0;
	static const char *const hint[] = {"ktime_get", NULL};
	wh_kernel_type_hint(k, hint);
	/* The timekeeper's monotonic base, updated every tick: "now" within a
	 * tick of the panic. */
	if (!wh_best_effort(wh_kernel_symbol_address(k, "shadow_timekeeper", &tk)))
		return 0;
	struct wh_error *err = member_u64(k, tk, "timekeeper", "tkr_mono.base", &base);
	wh_error_destroy(err);
	return err ? 0 : base;
}

struct rq_layout {
	uint64_t budget; /* tag bits left to examine (TAG_BUDGET per queue) */
	struct wh_member_info q, state, start, word, cleared;
	uint64_t word_size;
	int64_t in_flight;
};

/* The sbitmap_queue of TAGS' non-reserved tags: embedded in blk_mq_tags,
 * or (5.10-5.15, shared tag sets) a pointer to it, told by the member's
 * DWARF type. */
static struct wh_error *tag_bitmap(struct wh_kernel *k, uint64_t tags, uint64_t *ret)
{
	struct wh_member_info m;
	enum wh_type_kind kind;
	struct wh_type resolved;
	struct wh_error *err = wh_kernel_member(k, "blk_mq_tags", "bitmap_tags", &m);
	if (!err)
		err = wh_types_resolve(k->types, m.type, &kind, &resolved);
	if (err)
		return err;
	if (kind != WH_TYPE_POINTER) {
		*ret = tags + m.offset;
		return NULL;
	}
	if ((err = wh_kernel_read_member(k, tags, &m, ret)))
		return err;
	return *ret ? NULL : wh_error_create(WH_ERR_CORRUPT, "blk_mq_tags.bitmap_tags is NULL");
}

/* Requests holding a tag of TAGS (struct blk_mq_tags) for queue Q. */
static void count_tags(struct wh_kernel *k, uint64_t tags, uint64_t q, struct rq_layout *l,
		       uint64_t now, struct wh_io_target *t)
{
	uint64_t nr_tags, reserved, sbq, map, map_nr, shift, static_rqs;
	struct wh_error *err;
	if ((err = member_u64(k, tags, "blk_mq_tags", "nr_tags", &nr_tags)) ||
	    (err = member_u64(k, tags, "blk_mq_tags", "nr_reserved_tags", &reserved)) ||
	    (err = tag_bitmap(k, tags, &sbq)) ||
	    (err = member_u64(k, sbq, "sbitmap_queue", "sb.map", &map)) ||
	    (err = member_u64(k, sbq, "sbitmap_queue", "sb.map_nr", &map_nr)) ||
	    (err = member_u64(k, sbq, "sbitmap_queue", "sb.shift", &shift)) ||
	    (err = member_u64(k, tags, "blk_mq_tags", "static_rqs", &static_rqs))) {
		note(t, "request tags", err);
		t->rq_allocated = -1;
		return;
	}
	nr_tags &= 0xffffffff;
	reserved &= 0xffffffff;
	/* The bitmap covers the non-reserved tags: more words than that is
	 * corrupt, and a hostile dump must not make us read forever. */
	uint64_t bits = nr_tags - (reserved <= nr_tags ? reserved : 0);
	if (map_nr > MAX_BITMAP_WORDS || shift > 6 || nr_tags > MAX_TAGS || reserved > nr_tags ||
	    (map_nr && (map_nr - 1) << shift >= bits + (1u << shift))) {
		note(t, "request tags", wh_error_create(WH_ERR_CORRUPT, "implausible tag bitmap"));
		t->rq_allocated = -1;
		return;
	}
	if ((map_nr << shift) > l->budget) {
		note(t, "request tags",
		     wh_error_create(WH_ERR_CORRUPT, "too many tags to examine"));
		t->rq_allocated = -1;
		return;
	}
	l->budget -= map_nr << shift;
	for (uint64_t w = 0; w < map_nr && t->rq_allocated >= 0; w++) {
		uint64_t word, cleared;
		uint64_t at = map + w * l->word_size;
		if ((err = wh_kernel_read_member(k, at, &l->word, &word)) ||
		    (err = wh_kernel_read_member(k, at, &l->cleared, &cleared))) {
			note(t, "request tag bitmap", err);
			t->rq_allocated = -1;
			return;
		}
		/* "cleared" bits are freed tags not yet folded back into word. */
		uint64_t busy = word & ~cleared;
		for (unsigned b = 0; b < (1u << shift); b++) {
			if (!(busy >> b & 1))
				continue;
			uint64_t tag = reserved + (w << shift) + b, rq, rq_q, state, start;
			if (tag >= nr_tags)
				break;
			if ((err = wh_dump_read_u64(k->dump, static_rqs + tag * 8, &rq)) ||
			    (err = wh_kernel_read_member(k, rq, &l->q, &rq_q))) {
				note(t, "request", err);
				continue;
			}
			if (rq_q != q)
				continue; /* a tag set shared with another queue */
			t->rq_allocated++;
			if (wh_best_effort(wh_kernel_read_member(k, rq, &l->state, &state)) &&
			    (int64_t)state == l->in_flight)
				t->rq_dispatched++;
			if (now && wh_best_effort(wh_kernel_read_member(k, rq, &l->start, &start)) && start &&
			    start <= now &&
			    (t->oldest_rq_age_ns < 0 ||
			     (int64_t)(now - start) > t->oldest_rq_age_ns))
				t->oldest_rq_age_ns = (int64_t)(now - start);
		}
	}
}

/* The hardware context I of queue Q: q->hctx_table (an xarray, 5.19+) or
 * the q->queue_hw_ctx array before. */
static struct wh_error *hw_context(struct wh_kernel *k, uint64_t q, uint64_t i, uint64_t *ret)
{
	struct wh_member_info m;
	bool have_table = false;
	struct wh_error *err =
	    wh_kernel_member_opt(k, "request_queue", "hctx_table", &m, &have_table);
	if (err)
		return err;
	if (have_table)
		return wh_xa_load(k, q + m.offset, i, ret);
	uint64_t arr;
	if ((err = member_u64(k, q, "request_queue", "queue_hw_ctx", &arr)))
		return err;
	return wh_dump_read_u64(k->dump, arr + i * 8, ret);
}

static void count_sched_tags(struct wh_kernel *k, uint64_t q, struct rq_layout *l, uint64_t now,
			     struct wh_io_target *t)
{
	uint64_t nr_hw, shared = 0;
	struct wh_member_info shared_m;
	bool have_shared = false;
	struct wh_error *err;
	if ((err = wh_kernel_member_opt(k, "request_queue", "sched_shared_tags", &shared_m,
					&have_shared)) ||
	    (have_shared && (err = wh_kernel_read_member(k, q, &shared_m, &shared)))) {
		note(t, "scheduler tags", err);
		t->rq_allocated = -1;
		return;
	}
	if (shared) {
		count_tags(k, shared, q, l, now, t);
		return;
	}
	if ((err = member_u64(k, q, "request_queue", "nr_hw_queues", &nr_hw))) {
		note(t, "hardware queues", err);
		t->rq_allocated = -1;
		return;
	}
	nr_hw &= 0xffffffff;
	for (uint64_t i = 0; i < nr_hw && i < MAX_HW_QUEUES && t->rq_allocated >= 0; i++) {
		uint64_t hctx = 0, tags = 0;
		if ((err = hw_context(k, q, i, &hctx)) ||
		    (hctx && (err = member_u64(k, hctx, "blk_mq_hw_ctx", "sched_tags", &tags)))) {
			note(t, "scheduler tags", err);
			t->rq_allocated = -1;
		} else if (tags) {
			count_tags(k, tags, q, l, now, t);
		}
	}
}

static void describe_queue(struct wh_kernel *k, uint64_t q, struct wh_io_target *t)
{
	uint64_t flags, depth, set, elevator = 0;
	struct wh_error *err;
	/* 5.17+ count quiesces in quiesce_depth (the flag went away later);
	 * before, only QUEUE_FLAG_QUIESCED tells. */
	struct wh_member_info qd;
	bool have_qd = false;
	uint64_t v;
	if ((err = wh_kernel_member_opt(k, "request_queue", "quiesce_depth", &qd, &have_qd)) ||
	    (have_qd && (err = wh_kernel_read_member(k, q, &qd, &v))))
		note(t, "queue quiesce depth", err);
	else if (have_qd)
		t->queue_quiesced = (int32_t)v > 0;
	else if (!(err = member_u64(k, q, "request_queue", "queue_flags", &flags)))
		t->queue_quiesced = wh_kernel_version_at_least(k, 4, 17)
					? (int)(flags >> QUEUE_FLAG_QUIESCED_4_17 & 1)
					: -1;
	else
		note(t, "queue flags", err);
	if (!(err = member_u64(k, q, "request_queue", "mq_freeze_depth", &depth)))
		t->queue_frozen = (int32_t)depth > 0;
	else
		note(t, "queue freeze depth", err);
	err = member_u64(k, q, "request_queue", "elevator", &elevator);
	wh_error_destroy(err);
	t->scheduler = elevator != 0;

	/* Requests: walk the tag bitmaps of the queue's tag set. */
	struct rq_layout l;
	uint64_t tags_arr, nr_hw, shared = 0, now = monotonic_now(k);
	bool have_shared = false;
	struct wh_member_info shared_m;
	if ((err = member_u64(k, q, "request_queue", "tag_set", &set)) || !set) {
		if (err)
			note(t, "tag set", err);
		return; /* bio-based (dm, brd): no requests */
	}
	if ((err = wh_kernel_member(k, "request", "q", &l.q)) ||
	    (err = wh_kernel_member(k, "request", "state", &l.state)) ||
	    (err = wh_kernel_member(k, "request", "start_time_ns", &l.start)) ||
	    (err = wh_kernel_member(k, "sbitmap_word", "word", &l.word)) ||
	    (err = wh_kernel_member(k, "sbitmap_word", "cleared", &l.cleared)) ||
	    (err = wh_types_struct_size(k->types, "sbitmap_word", &l.word_size)) ||
	    (err = wh_types_enumerator(k->types, "MQ_RQ_IN_FLIGHT", &l.in_flight)) ||
	    (err = member_u64(k, set, "blk_mq_tag_set", "tags", &tags_arr)) ||
	    (err = member_u64(k, set, "blk_mq_tag_set", "nr_hw_queues", &nr_hw)) ||
	    (err = wh_kernel_member_opt(k, "blk_mq_tag_set", "shared_tags", &shared_m,
					&have_shared))) {
		note(t, "requests", err);
		return;
	}
	l.budget = TAG_BUDGET;
	nr_hw &= 0xffffffff;
	if (nr_hw > MAX_HW_QUEUES || !l.word_size) {
		note(t, "requests", wh_error_create(WH_ERR_CORRUPT, "implausible tag set"));
		return;
	}
	t->rq_allocated = t->rq_dispatched = 0;
	if (t->scheduler) {
		/* With an I/O scheduler every request holds a tag of its hardware
		 * context's sched_tags, dispatched or not. */
		count_sched_tags(k, q, &l, now, t);
	} else if (have_shared && !(err = wh_kernel_read_member(k, set, &shared_m, &shared)) &&
		   shared) {
		count_tags(k, shared, q, &l, now, t);
	} else {
		wh_error_destroy(err);
		for (uint64_t i = 0; i < nr_hw && t->rq_allocated >= 0; i++) {
			uint64_t tags;
			if ((err = wh_dump_read_u64(k->dump, tags_arr + i * 8, &tags))) {
				note(t, "request tags", err);
				t->rq_allocated = -1;
			} else if (tags) {
				count_tags(k, tags, q, &l, now, t);
			}
		}
	}
	if (t->rq_allocated < 0)
		t->rq_dispatched = t->oldest_rq_age_ns = -1;
}

/* The device itself: name, device-mapper state, request queue. */
static void describe_device(struct wh_kernel *k, uint64_t bdev, struct wh_io_target *t)
{
	/* block/blk-mq.c defines every block type read here. */
	static const char *const hint[] = {"blk_mq_alloc_request", "blk_mq_init_queue", NULL};
	wh_kernel_type_hint(k, hint);
	memset(t, 0, sizeof(*t));
	t->known = true;
	t->bdev = bdev;
	t->fs_frozen = t->dm_suspended = t->dm_suspending = t->queue_quiesced = -1;
	t->queue_frozen = -1;
	t->dm_deferred = t->rq_allocated = t->rq_dispatched = t->oldest_rq_age_ns = -1;
	uint64_t disk = 0, q = 0;
	struct wh_error *err;
	if ((err = member_u64(k, bdev, "block_device", "bd_disk", &disk)) || !disk) {
		note(t, "block device", err);
		snprintf(t->device, sizeof(t->device), "block device 0x%llx",
			 (unsigned long long)bdev);
		return;
	}
	device_name(k, bdev, disk, t);
	describe_dm(k, disk, t);
	if ((err = member_u64(k, disk, "gendisk", "queue", &q)) || !q) {
		note(t, "request queue", err);
		return;
	}
	describe_queue(k, q, t);
}

bool wh_blockdev_plausible(struct wh_kernel *k, uint64_t bdev)
{
	uint64_t disk = 0, part0 = 0, disk2 = 0;
	struct wh_error *err = NULL;
	if (!bdev || (err = member_u64(k, bdev, "block_device", "bd_disk", &disk)) || !disk ||
	    (err = member_u64(k, disk, "gendisk", "part0", &part0)) || !part0 ||
	    (err = member_u64(k, part0, "block_device", "bd_disk", &disk2))) {
		wh_error_destroy(err);
		return false;
	}
	return disk2 == disk;
}

bool wh_bio_device(struct wh_kernel *k, uint64_t bio, uint64_t *ret_bdev)
{
	uint64_t bdev;
	struct wh_member_info m;
	bool have = false;
	struct wh_error *err = wh_kernel_member_opt(k, "bio", "bi_bdev", &m, &have);
	if (!err && have)
		err = wh_kernel_read_member(k, bio, &m, &bdev);
	wh_error_destroy(err);
	if (err || !have || !wh_blockdev_plausible(k, bdev))
		return false;
	*ret_bdev = bdev;
	return true;
}

struct wh_blockdev_cache {
	struct cached_device {
		uint64_t bdev;
		struct wh_io_target target; /* without the file system part */
	} * devices;
	size_t n_devices, cap_devices;
	struct cached_fs {
		uint64_t sb;
		struct wh_superblock_info info;
	} * fs;
	size_t n_fs, cap_fs;
};

struct wh_blockdev_cache *wh_blockdev_cache_create(void)
{
	return calloc(1, sizeof(struct wh_blockdev_cache));
}

void wh_blockdev_cache_destroy(struct wh_blockdev_cache *cache)
{
	if (cache) {
		for (size_t i = 0; i < cache->n_devices; i++)
			wh_io_target_deinit(&cache->devices[i].target);
		free(cache->devices);
		free(cache->fs);
	}
	free(cache);
}

/* Make room for one more element in *ARRAY; false when out of memory (the
 * caller then just does not remember). */
static bool room(void **array, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return true;
	size_t grown = *cap ? *cap * 2 : 8;
	void *p = realloc(*array, grown * size);
	if (!p)
		return false;
	*array = p;
	*cap = grown;
	return true;
}

static void file_system(struct wh_kernel *k, struct wh_blockdev_cache *cache, uint64_t sb,
			struct wh_superblock_info *ret)
{
	for (size_t i = 0; cache && i < cache->n_fs; i++)
		if (cache->fs[i].sb == sb) {
			*ret = cache->fs[i].info;
			return;
		}
	wh_superblock_read(k, sb, ret);
	if (cache && room((void **)&cache->fs, cache->n_fs, &cache->cap_fs, sizeof(*cache->fs)))
		cache->fs[cache->n_fs++] = (struct cached_fs){.sb = sb, .info = *ret};
}

/* DST (empty) becomes a copy of SRC, problems included. */
static void copy_target(struct wh_io_target *dst, const struct wh_io_target *src)
{
	*dst = *src;
	dst->incomplete = (struct wh_diags){0};
	wh_diags_add_all(&dst->incomplete, &src->incomplete);
}

void wh_blockdev_describe(struct wh_kernel *k, struct wh_blockdev_cache *cache, uint64_t bdev,
			  uint64_t sb, struct wh_io_target *ret)
{
	wh_io_target_deinit(ret);
	size_t i = 0;
	while (cache && i < cache->n_devices && cache->devices[i].bdev != bdev)
		i++;
	if (cache && i < cache->n_devices) {
		copy_target(ret, &cache->devices[i].target);
	} else {
		describe_device(k, bdev, ret);
		if (cache && room((void **)&cache->devices, cache->n_devices, &cache->cap_devices,
				  sizeof(*cache->devices))) {
			struct cached_device *c = &cache->devices[cache->n_devices++];
			c->bdev = bdev;
			copy_target(&c->target, ret);
		}
	}
	if (sb) {
		struct wh_superblock_info info;
		file_system(k, cache, sb, &info);
		memcpy(ret->fstype, info.fstype, sizeof(ret->fstype));
		ret->fstype[sizeof(ret->fstype) - 1] = '\0';
		memcpy(ret->mount, info.mount, sizeof(ret->mount));
		ret->fs_frozen = info.frozen;
	}
}

void wh_blockdev_of_superblock(struct wh_kernel *k, struct wh_blockdev_cache *cache, uint64_t sb,
			       struct wh_io_target *ret)
{
	wh_io_target_deinit(ret);
	uint64_t bdev = 0;
	struct wh_error *err = member_u64(k, sb, "super_block", "s_bdev", &bdev);
	wh_error_destroy(err);
	if (!err && bdev)
		wh_blockdev_describe(k, cache, bdev, sb, ret);
}

void wh_io_target_deinit(struct wh_io_target *t)
{
	wh_diags_deinit(&t->incomplete);
	memset(t, 0, sizeof(*t));
}

void wh_io_target_summary(const struct wh_io_target *t, char *buf, size_t size)
{
	size_t n = 0;
#define PUT(...)                                                                                   \
	do {                                                                                       \
		if (n < size)                                                                      \
			n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__);                     \
	} while (0)
	buf[0] = '\0';
	if (!t->known)
		return;
	PUT("%s", t->device);
	if (t->dm)
		PUT(" (device-mapper%s%s)", t->dm_name[0] ? " " : "", t->dm_name);
	if (t->fstype[0])
		PUT(", %s%s%s%s", t->fstype, t->mount[0] ? " at " : "", t->mount,
		    t->fs_frozen > 0 ? " (frozen)" : "");
	if (t->dm_suspended == 1 || t->dm_suspending == 1) {
		PUT(": %s", t->dm_suspended == 1 ? "suspended" : "suspend in progress");
		if (t->dm_deferred >= 0)
			PUT(", %lld bio%s held back", (long long)t->dm_deferred,
			    t->dm_deferred == 1 ? "" : "s");
	}
	if (t->queue_quiesced == 1)
		PUT("%s queue quiesced", t->dm_suspended == 1 || t->dm_suspending == 1 ? ";" : ":");
	if (t->queue_frozen == 1)
		PUT("%s queue frozen",
		    t->dm_suspended == 1 || t->dm_suspending == 1 || t->queue_quiesced == 1 ? ";"
											    : ":");
	if (t->rq_allocated > 0) {
		PUT("; %lld request%s allocated, %lld dispatched to the driver",
		    (long long)t->rq_allocated, t->rq_allocated == 1 ? "" : "s",
		    (long long)t->rq_dispatched);
		if (t->oldest_rq_age_ns >= 0)
			PUT(", oldest %.1f s old", (double)t->oldest_rq_age_ns / 1e9);
	} else if (t->rq_allocated == 0) {
		PUT("; no requests pending");
	}
#undef PUT
}
