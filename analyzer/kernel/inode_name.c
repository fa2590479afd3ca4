#include "inode_name.h"
#include "superblocks.h"

#include <stdio.h>
#include <string.h>

enum { MAX_PATH_DEPTH = 64, MAX_NAME = 256 };

static bool read_member(struct wh_kernel *k, const char *type, const char *path, uint64_t obj,
			uint64_t *ret)
{
	struct wh_member_info m;
	struct wh_error *err = wh_kernel_member(k, type, path, &m);
	if (!err)
		err = wh_kernel_read_member(k, obj, &m, ret);
	wh_error_destroy(err);
	return !err;
}

bool wh_inode_plausible(struct wh_kernel *k, uint64_t inode)
{
	uint64_t sb;
	if (!read_member(k, "inode", "i_sb", inode, &sb) || !sb)
		return false;
	/* Ask for the superblock whose s_list node is at sb + offset(s_list). */
	struct wh_member_info list;
	struct wh_superblock_info info;
	uint64_t off;
	bool found = false;
	struct wh_error *err = wh_kernel_member(k, "super_block", "s_list", &list);
	if (!err)
		err = wh_superblock_containing(k, sb + list.offset, "s_list", &info, &off, &found);
	wh_error_destroy(err);
	return found && off == 0 && info.address == sb;
}

void wh_dentry_path(struct wh_kernel *k, uint64_t dentry, char *path, size_t size)
{
	char buf[4096];
	size_t pos = sizeof(buf) - 1;
	buf[pos] = '\0';
	struct wh_member_info parent, name, len;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "dentry", "d_parent", &parent)) ||
	    (err = wh_kernel_member(k, "dentry", "d_name.name", &name)) ||
	    (err = wh_kernel_member(k, "dentry", "d_name.len", &len))) {
		wh_error_destroy(err);
		snprintf(path, size, "?");
		return;
	}
	for (int depth = 0; depth < MAX_PATH_DEPTH && dentry; depth++) {
		uint64_t up, name_ptr, n;
		if (!read_member(k, "dentry", "d_parent", dentry, &up) ||
		    !read_member(k, "dentry", "d_name.name", dentry, &name_ptr) ||
		    !read_member(k, "dentry", "d_name.len", dentry, &n))
			break;
		if (up == dentry)
			break; /* the filesystem's root */
		char comp[MAX_NAME];
		if (n >= sizeof(comp))
			n = sizeof(comp) - 1;
		err = wh_dump_read(k->dump, name_ptr, comp, n);
		if (err) {
			wh_error_destroy(err);
			break;
		}
		comp[n] = '\0';
		size_t clen = strlen(comp);
		if (clen + 1 > pos)
			break;
		pos -= clen;
		memcpy(buf + pos, comp, clen);
		buf[--pos] = '/';
		dentry = up;
	}
	snprintf(path, size, "%s", buf[pos] ? buf + pos : "/");
}

void wh_inode_name(struct wh_kernel *k, uint64_t inode, char *buf, size_t size)
{
	uint64_t ino = 0, sb = 0, first = 0;
	read_member(k, "inode", "i_ino", inode, &ino);
	read_member(k, "inode", "i_sb", inode, &sb);
	char path[1024] = "";
	struct wh_member_info alias;
	struct wh_error *err = wh_kernel_member(k, "dentry", "d_u.d_alias", &alias);
	if (!err && read_member(k, "inode", "i_dentry.first", inode, &first) && first)
		wh_dentry_path(k, first - alias.offset, path, sizeof(path));
	wh_error_destroy(err);
	struct wh_superblock_info info = {0};
	uint64_t off;
	bool found = false;
	struct wh_member_info list;
	err = NULL;
	if (sb && !(err = wh_kernel_member(k, "super_block", "s_list", &list)))
		err = wh_superblock_containing(k, sb + list.offset, "s_list", &info, &off, &found);
	wh_error_destroy(err);
	char label[sizeof(info.mount) + 80] = "?";
	if (found)
		wh_superblock_label(&info, label, sizeof(label));
	snprintf(buf, size, "%s%s(inode %llu) on %s", path, path[0] ? " " : "",
		 (unsigned long long)ino, label);
}
