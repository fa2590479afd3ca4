/* Where the debug info of a dump's kernel is, from its release and build
 * id alone: the --debug-dir trees given, then the system's /usr/lib/debug,
 * each laid out like /usr/lib/debug (.build-id/xx/rest.debug,
 * boot/vmlinux-RELEASE, lib/modules/RELEASE/). Used by single runs without
 * -k and by batch, which meets many kernels. */
#ifndef WHYHUNG_DEBUGINFO_FIND_H
#define WHYHUNG_DEBUGINFO_FIND_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum { WH_DEBUGINFO_PATH = 4096 };

struct wh_debuginfo {
	char vmlinux[WH_DEBUGINFO_PATH];
	char module_dir[WH_DEBUGINFO_PATH]; /* lib/modules/RELEASE of that tree, or "" */
	bool fetched; /* the vmlinux came from debuginfod: so may the modules' files */
};

/* The system tree searched after DIRS. */
extern const char WH_SYSTEM_DEBUG_DIR[];

/* Search DIRS[0..N) then WH_SYSTEM_DEBUG_DIR. BUILD_ID may be NULL (older
 * kernels do not export it); when given, a vmlinux found by release with
 * another build id is passed over. WH_ERR_NO_VMLINUX when nothing fits,
 * naming the release and build id. */
struct wh_error *wh_debuginfo_find(const char *const *dirs, size_t n, const char *release,
				   const char *build_id, struct wh_debuginfo *ret);

/* wh_debuginfo_find(), then, when nothing fits and ONLINE (see
 * wh_debuginfod_enabled()), the debuginfod servers by BUILD_ID. The error
 * says where it looked: WH_ERR_NO_VMLINUX (nowhere has it), WH_ERR_NETWORK
 * (no server answered), WH_ERR_MISMATCH (a server sent another file). */
struct wh_error *wh_debuginfo_locate(const char *const *dirs, size_t n, const char *release,
				     const char *build_id, bool online, struct wh_debuginfo *ret);

#endif
