#include "superblocks.h"
#include "inode_name.h"
#include "list_walk.h"

#include <stdio.h>
#include <string.h>

static const uint64_t MAX_SUPERBLOCKS = 1u << 20;

struct search {
	struct wh_kernel *k;
	uint64_t addr, list_off, member_off, member_size;
	uint64_t found_sb;
};

static struct wh_error *visit(void *arg, uint64_t node, bool *stop)
{
	struct search *s = arg;
	uint64_t sb = node - s->list_off;
	if (s->addr >= sb + s->member_off && s->addr < sb + s->member_off + s->member_size) {
		s->found_sb = sb;
		*stop = true;
	}
	return NULL;
}

/* Where SB's first mount (sb->s_mounts) sits in the mount tree: the
 * mountpoint dentries' paths, each inside its parent mount's file system,
 * joined from the root mount down. struct mount is fs/mount.h's (private
 * to fs/, defined in fs/namespace.c's compile unit). */
static void mount_point(struct wh_kernel *k, uint64_t sb, char *buf, size_t size)
{
	static const char *const hint[] = {"may_umount_tree", "may_umount", NULL};
	enum { MAX_MOUNT_DEPTH = 16 };
	wh_kernel_type_hint(k, hint);
	struct wh_member_info mounts, instance, parent_m, mp_m;
	uint64_t node, mnt, parent, mp;
	struct wh_error *err;
	buf[0] = '\0';
	if ((err = wh_kernel_member(k, "super_block", "s_mounts", &mounts)) ||
	    (err = wh_kernel_member(k, "mount", "mnt_instance", &instance)) ||
	    (err = wh_kernel_member(k, "mount", "mnt_parent", &parent_m)) ||
	    (err = wh_kernel_member(k, "mount", "mnt_mountpoint", &mp_m)) ||
	    (err = wh_dump_read_u64(k->dump, sb + mounts.offset, &node))) {
		wh_error_destroy(err);
		return;
	}
	if (node == sb + mounts.offset)
		return; /* not mounted (any more) */
	mnt = node - instance.offset;
	char path[1024] = "";
	for (int depth = 0; depth < MAX_MOUNT_DEPTH; depth++) {
		if ((err = wh_kernel_read_member(k, mnt, &parent_m, &parent)) ||
		    (err = wh_kernel_read_member(k, mnt, &mp_m, &mp))) {
			wh_error_destroy(err);
			return;
		}
		if (parent == mnt || !parent) {
			snprintf(buf, size, "%s", path[0] ? path : "/");
			return;
		}
		char seg[512];
		wh_dentry_path(k, mp, seg, sizeof(seg));
		if (!strcmp(seg, "?"))
			return;
		/* SEG in front of PATH; a path longer than PATH holds stays
		 * unknown rather than cut. */
		size_t ls = strcmp(seg, "/") ? strlen(seg) : 0, lp = strlen(path);
		if (ls + lp >= sizeof(path))
			return;
		memmove(path + ls, path, lp + 1);
		memcpy(path, seg, ls);
		mnt = parent;
	}
}

void wh_superblock_label(const struct wh_superblock_info *sb, char *buf, size_t size)
{
	bool same = !strncmp(sb->fstype, sb->id, sizeof(sb->fstype));
	snprintf(buf, size, "%s%s%s%s%s", sb->fstype[0] ? sb->fstype : "?", same ? "" : " ",
		 same ? "" : sb->id, sb->mount[0] ? " at " : "", sb->mount);
}

void wh_superblock_read(struct wh_kernel *k, uint64_t sb, struct wh_superblock_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->address = sb;
	struct wh_member_info type, name, id, frozen;
	uint64_t type_ptr, name_ptr, v;
	struct wh_error *err;
	ret->frozen = -1;
	if (!(err = wh_kernel_member(k, "super_block", "s_type", &type)) &&
	    !(err = wh_kernel_member(k, "file_system_type", "name", &name)) &&
	    !(err = wh_kernel_read_member(k, sb, &type, &type_ptr)) &&
	    !(err = wh_kernel_read_member(k, type_ptr, &name, &name_ptr)))
		err = wh_dump_read_cstr(k->dump, name_ptr, ret->fstype, sizeof(ret->fstype));
	wh_error_destroy(err);
	if (!(err = wh_kernel_member(k, "super_block", "s_id", &id)))
		err = wh_dump_read(k->dump, sb + id.offset, ret->id, sizeof(ret->id) - 1);
	wh_error_destroy(err);
	ret->id[sizeof(ret->id) - 1] = '\0';
	if (!(err = wh_kernel_member(k, "super_block", "s_writers.frozen", &frozen)) &&
	    !(err = wh_kernel_read_member(k, sb, &frozen, &v)))
		ret->frozen = (int)(uint32_t)v;
	wh_error_destroy(err);
	mount_point(k, sb, ret->mount, sizeof(ret->mount));
}

struct wh_error *wh_superblock_containing(struct wh_kernel *k, uint64_t addr, const char *member,
					  struct wh_superblock_info *ret, uint64_t *ret_offset,
					  bool *ret_found)
{
	*ret_found = false;
	memset(ret, 0, sizeof(*ret));
	struct wh_member_info list, m;
	uint64_t head;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "super_block", "s_list", &list)) ||
	    (err = wh_kernel_member(k, "super_block", member, &m)) ||
	    (err = wh_kernel_symbol_address(k, "super_blocks", &head)))
		return err;
	struct search s = {.k = k,
			   .addr = addr,
			   .list_off = list.offset,
			   .member_off = m.offset,
			   .member_size = m.size};
	err = wh_list_walk(k, head, MAX_SUPERBLOCKS, visit, &s);
	if (err && !s.found_sb)
		return err;
	wh_error_destroy(err);
	if (!s.found_sb)
		return NULL;
	*ret_offset = addr - (s.found_sb + m.offset);
	wh_superblock_read(k, s.found_sb, ret);
	*ret_found = true;
	return NULL;
}
