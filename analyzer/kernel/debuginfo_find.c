#include "debuginfo_find.h"
#include "elf_image.h"

#include <stdbool.h>
#include <stdio.h>
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
	return wh_error_create(WH_ERR_NO_VMLINUX,
			       "no debug info found for kernel %s (build id %s) in %s%s", release,
			       build_id ? build_id : "unknown", n ? "the --debug-dir trees and " : "",
			       WH_SYSTEM_DEBUG_DIR);
}
