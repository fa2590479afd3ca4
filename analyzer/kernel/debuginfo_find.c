#include "debuginfo_find.h"
#include "debuginfod_fetch.h"
#include "escape.h"
#include "elf_image.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char WH_SYSTEM_DEBUG_DIR[] = "/usr/lib/debug";

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A release or build id comes from the dump: it must not walk out of the
 * tree ("../") or name a subdirectory. */
static bool safe_component(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* Does the ELF file at PATH carry BUILD_ID (or no build id at all, left to
 * the banner check when the kernel is opened)? Files that are not ELF are
 * passed over. */
static bool build_id_fits(const char *path, const char *build_id)
{
	if (!build_id)
		return true;
	struct wh_elf_image *img;
	struct wh_error *err = wh_elf_image_open(path, &img);
	if (!wh_best_effort(err))
		return false;
	const char *id = wh_elf_image_build_id(img);
	bool fits = !id || !strcmp(id, build_id);
	wh_elf_image_destroy(img);
	return fits;
}

static bool try_tree(const char *dir, const char *release, const char *build_id,
		     struct wh_debuginfo *ret)
{
	char path[WH_DEBUGINFO_PATH];
	bool found = false;
	/* By build id first: it names exactly this build. */
	if (build_id && strlen(build_id) > 2 && safe_component(build_id)) {
		snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug", dir, build_id,
			 build_id + 2);
		found = is_file(path) && build_id_fits(path, build_id);
	}
	const char *by_release[][2] = {{"/boot/vmlinux-", ""}, {"/lib/modules/", "/vmlinux"}};
	for (size_t i = 0; !found && i < sizeof(by_release) / sizeof(*by_release); i++) {
		snprintf(path, sizeof(path), "%s%s%s%s", dir, by_release[i][0], release,
			 by_release[i][1]);
		found = is_file(path) && build_id_fits(path, build_id);
	}
	if (!found)
		return false;
	snprintf(ret->vmlinux, sizeof(ret->vmlinux), "%s", path);
	ret->fetched = false;
	snprintf(path, sizeof(path), "%s/lib/modules/%s", dir, release);
	ret->module_dir[0] = '\0';
	if (is_dir(path))
		snprintf(ret->module_dir, sizeof(ret->module_dir), "%s", path);
	return true;
}

struct wh_error *wh_debuginfo_find(const char *const *dirs, size_t n, const char *release,
				   const char *build_id, struct wh_debuginfo *ret)
{
	if (!safe_component(release))
		return wh_error_create(WH_ERR_NO_VMLINUX, "the dump's kernel release is unusable "
							  "for a file name");
	for (size_t i = 0; i <= n; i++) {
		const char *dir = i < n ? dirs[i] : WH_SYSTEM_DEBUG_DIR;
		if (try_tree(dir, release, build_id, ret))
			return NULL;
	}
	/* Both come from the dump: escaped. */
	char rel[256], id[256];
	return wh_error_create(WH_ERR_NO_VMLINUX,
			       "no debug info found for kernel %s (build id %s) in %s%s",
			       wh_escape_text(release, 64, rel, sizeof(rel)),
			       build_id ? wh_escape_text(build_id, 64, id, sizeof(id)) : "unknown",
			       n ? "the --debug-dir trees and " : "", WH_SYSTEM_DEBUG_DIR);
}

struct wh_error *wh_debuginfo_locate(const char *const *dirs, size_t n, const char *release,
				     const char *build_id, bool online, struct wh_debuginfo *ret)
{
	struct wh_error *local = wh_debuginfo_find(dirs, n, release, build_id, ret);
	/* Without a usable build id there is nothing to ask a server for. */
	if (!local || local->code != WH_ERR_NO_VMLINUX || !online ||
	    !wh_build_id_usable(build_id))
		return local;
	char *path;
	struct wh_error *err = wh_debuginfod_fetch(build_id, "vmlinux", &path);
	if (err) {
		struct wh_error *both =
		    wh_error_create(err->code, "%s; %s", local->message, err->message);
		wh_error_destroy(local);
		wh_error_destroy(err);
		return both;
	}
	wh_error_destroy(local);
	if (strlen(path) >= sizeof(ret->vmlinux)) {
		free(path);
		return wh_error_create(WH_ERR_IO, "debuginfod's cache path is too long");
	}
	snprintf(ret->vmlinux, sizeof(ret->vmlinux), "%s", path);
	free(path);
	ret->module_dir[0] = '\0';
	ret->fetched = true;
	return NULL;
}
