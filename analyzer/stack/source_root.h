/* File names of frames relative to the kernel tree. Distribution kernels
 * are built out of tree or under a build prefix (Debian's
 * /build/reproducible-path/linux-6.1.192/..., debian/build/source_rt/...),
 * so their DWARF names files by where the build ran; a person and crash
 * name them by the tree (kernel/locking/mutex.c). The tree's root is the
 * prefix in front of the file of a function whose place in the tree is
 * known (start_kernel in init/main.c, entry_SYSCALL_64 in
 * arch/x86/entry/entry_64.S): found once per kernel. */
#ifndef WHYHUNG_SOURCE_ROOT_H
#define WHYHUNG_SOURCE_ROOT_H

#include <stddef.h>

#include "kernel.h"

/* The prefix that FILE has before TREE_FILE (its name in the tree), into
 * RET (RET_SIZE bytes): "" when FILE is already tree-relative, or when
 * FILE is not TREE_FILE or the prefix does not fit (nothing is stripped
 * then). */
void wh_source_root_from(const char *file, const char *tree_file, char *ret, size_t ret_size);
/* FILE without ROOT in front (ROOT "" or not a prefix: FILE itself). */
const char *wh_source_root_strip(const char *root, const char *file);
/* The tree root of K's vmlinux, found on first use; "" when unknown. */
const char *wh_source_root(struct wh_kernel *k);

#endif
