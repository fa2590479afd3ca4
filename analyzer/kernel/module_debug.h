/* Debug info of loaded kernel modules, from files the user points at with
 * -m DIR: NAME.ko or NAME.ko.debug anywhere under DIR (the tree a distro
 * -dbg package installs under /usr/lib/debug/lib/modules/RELEASE/). Each
 * module's file is found, checked against the module in the dump and its
 * DWARF relocated to the module's load address on first use, so module
 * types resolve and module addresses get source lines like the vmlinux's. */
#ifndef WHYHUNG_MODULE_DEBUG_H
#define WHYHUNG_MODULE_DEBUG_H

#include <stddef.h>

#include "diag.h"
#include "kernel.h"

struct wh_module_debug;

/* Look for module debug files under DIR (a directory, or one .ko file).
 * WH_ERR_IO when DIR does not exist or is neither. The tree is read on the
 * first lookup. */
struct wh_error *wh_kernel_set_module_dir(struct wh_kernel *k, const char *dir);

/* Fetch each module's debug file from debuginfod by the build id in the
 * module's memory, on the first lookup of that module (only the modules
 * an analysis needs are downloaded). Failures are warnings. */
struct wh_error *wh_kernel_fetch_module_debug(struct wh_kernel *k);

/* Types of loaded module NAME, whose addresses are runtime addresses.
 * WH_ERR_ABSENT when no -m DIR was given, NAME is not loaded, or no
 * matching debug file was found (files that exist but do not match, or
 * are unreadable, are left out with a warning). */
struct wh_error *wh_module_types(struct wh_kernel *k, const char *name, struct wh_types **ret);

/* Where the types of code that may be built in or modular live: module
 * NAME's debug file when NAME is loaded as a module (WH_ERR_ABSENT without
 * a matching -m file), else the vmlinux's. Asking the vmlinux for a type
 * that only a module defines would scan all of its DWARF for nothing. */
struct wh_error *wh_types_of(struct wh_kernel *k, const char *module, struct wh_types **ret);

/* Problems so far (rejected or unreadable files), for the CLI to print;
 * NULL without -m; valid until the next lookup. */
const struct wh_diags *wh_module_debug_diags(const struct wh_kernel *k);

void wh_module_debug_destroy(struct wh_module_debug *md);

#endif
