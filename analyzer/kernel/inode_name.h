/* Naming inodes for people: "/path/to/file (inode 1234) on tmpfs" from
 * the inode's first dentry alias, walking d_parent up to the root of its
 * filesystem. Bounded; unreadable parts shorten the name, never fail. */
#ifndef WHYHUNG_INODE_NAME_H
#define WHYHUNG_INODE_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"

/* Is INODE plausibly an inode: its i_sb is a mounted superblock? */
bool wh_inode_plausible(struct wh_kernel *k, uint64_t inode);
/* DENTRY's path inside its file system ("/a/b", "/" for the root),
 * bounded; "?" when dentries cannot be read. */
void wh_dentry_path(struct wh_kernel *k, uint64_t dentry, char *path, size_t size);
/* Write "PATH (inode N) on FSTYPE ID" into BUF. */
void wh_inode_name(struct wh_kernel *k, uint64_t inode, char *buf, size_t size);

#endif
