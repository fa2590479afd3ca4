#include "module_debug.h"
#include "module_btf.h"
#include "module_debug_check.h"
#include "modules.h"
#include "debuginfod_fetch.h"
#include "dwarf_object.h"
#include "escape.h"

#include <errno.h>
#include <fts.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Deeper than any modules tree; bounds a hostile or looping one. */
static const int MAX_DEPTH = 32;

struct candidate {
	char *module; /* file name without .ko/.ko.debug, '-' and ',' as '_' */
	char *path;
	bool preferred; /* under a directory named after the dump's release */
};

enum load_state { UNTRIED, READY, UNUSABLE };

struct loaded {
	enum load_state state;
	struct wh_elf_image *img;
	struct wh_types *types;
};

struct wh_module_debug {
	char *dir;  /* NULL when fetching */
	bool fetch; /* from debuginfod, by each module's build id */
	bool scanned;
	struct candidate *candidates;
	size_t n_candidates;
	struct loaded *loaded; /* parallel to k->modules->modules */
	size_t n_loaded;
	struct wh_diags diags; /* files and directories passed over */
};

/* Where the files and directories passed over were met. */
static const char WHERE[] = "module debug";

/* Length of the module name in a debug file's name; 0 when it is none. */
static size_t debug_file_stem(const char *file)
{
	size_t len = strlen(file);
	if (len > 3 && !strcmp(file + len - 3, ".ko"))
		return len - 3;
	if (len > 9 && !strcmp(file + len - 9, ".ko.debug"))
		return len - 9;
	return 0;
}

struct wh_error *wh_kernel_set_module_dir(struct wh_kernel *k, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return wh_error_create(WH_ERR_IO, "module debug directory %s: %s", dir,
				       strerror(errno));
	/* A directory to search, or one module's debug file; anything else
	 * (a device, a file of another kind) is refused the same way. */
	const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	if (!S_ISDIR(st.st_mode) && !(S_ISREG(st.st_mode) && debug_file_stem(base)))
		return wh_error_create(WH_ERR_IO,
				       "%s is neither a directory nor a module debug file "
				       "(NAME.ko or NAME.ko.debug)",
				       dir);
	struct wh_module_debug *md = calloc(1, sizeof(*md));
	if (!md || !(md->dir = strdup(dir))) {
		free(md);
		return &wh_error_nomem;
	}
	wh_module_debug_destroy(k->module_debug);
	k->module_debug = md;
	return NULL;
}

struct wh_error *wh_kernel_fetch_module_debug(struct wh_kernel *k)
{
	struct wh_module_debug *md = calloc(1, sizeof(*md));
	if (!md)
		return &wh_error_nomem;
	md->fetch = true;
	wh_module_debug_destroy(k->module_debug);
	k->module_debug = md;
	return NULL;
}

static int compare_candidates(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->preferred != y->preferred)
		return x->preferred ? -1 : 1;
	return strcmp(x->path, y->path);
}

static struct wh_error *add_candidate(struct wh_module_debug *md, const char *path,
				      const char *file, const char *release_dir)
{
	size_t stem = debug_file_stem(file);
	if (!stem)
		return NULL;
	char *module = strndup(file, stem);
	/* Kbuild's KBUILD_MODNAME turns both into '_'. */
	for (char *p = module; p && *p; p++)
		if (*p == '-' || *p == ',')
			*p = '_';
	struct candidate *c = realloc(md->candidates, (md->n_candidates + 1) * sizeof(*c));
	char *copy = strdup(path);
	if (!module || !c || !copy) {
		free(module);
		free(copy);
		if (c)
			md->candidates = c;
		return &wh_error_nomem;
	}
	md->candidates = c;
	c[md->n_candidates++] = (struct candidate){
	    .module = module,
	    .path = copy,
	    .preferred = strstr(path, release_dir) != NULL,
	};
	return NULL;
}

static bool is_regular(const FTSENT *e)
{
	struct stat st;
	return e->fts_info == FTS_F ||
	       (e->fts_info == FTS_SL && stat(e->fts_accpath, &st) == 0 && S_ISREG(st.st_mode));
}

/* Collect every NAME.ko / NAME.ko.debug under the directory, once. */
static struct wh_error *scan(struct wh_kernel *k, struct wh_module_debug *md)
{
	if (md->scanned)
		return NULL;
	md->scanned = true;
	char release_dir[256];
	snprintf(release_dir, sizeof(release_dir), "/%s/", wh_dump_release(k->dump));
	char *roots[] = {md->dir, NULL};
	FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR | FTS_COMFOLLOW, NULL);
	if (!fts) {
		wh_diags_add(&md->diags, WHERE, WH_ERR_IO, "cannot read %s: %s", md->dir,
			     strerror(errno));
		return NULL;
	}
	struct wh_error *err = NULL;
	FTSENT *e;
	while (!err && (e = fts_read(fts))) {
		if (e->fts_info == FTS_D && e->fts_level >= MAX_DEPTH)
			fts_set(fts, e, FTS_SKIP);
		else if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR)
			wh_diags_add(&md->diags, WHERE, WH_ERR_IO, "cannot read %s: %s",
				     e->fts_path, strerror(e->fts_errno));
		else if (is_regular(e))
			err = add_candidate(md, e->fts_path, e->fts_name, release_dir);
	}
	fts_close(fts);
	if (!err && !md->n_candidates)
		wh_diags_add(&md->diags, WHERE, WH_ERR_ABSENT,
			     "no module debug files (NAME.ko) under %s", md->dir);
	if (md->n_candidates)
		qsort(md->candidates, md->n_candidates, sizeof(*md->candidates),
		      compare_candidates);
	return err;
}

static bool resolve_section(void *arg, const char *name, uint64_t *ret)
{
	return wh_module_section_address(arg, name, ret);
}

/* Open, check and relocate one candidate file for MOD. */
static struct wh_error *load_file(struct wh_kernel *k, const struct wh_module *mod,
				  const char *path, struct loaded *ret)
{
	struct wh_elf_image *img;
	struct wh_dwarf_object *obj;
	struct wh_error *err = wh_elf_image_open(path, &img);
	if (err)
		return err;
	if ((err = wh_module_debug_check(k, mod, img)) ||
	    (err = wh_dwarf_object_open_relocated(img, resolve_section, (void *)mod, &obj)) ||
	    (err = wh_types_create_from_object(obj, &ret->types))) {
		wh_elf_image_destroy(img);
		return err;
	}
	ret->img = img;
	ret->state = READY;
	return NULL;
}

/* MOD's debug file from debuginfod, by the build id in its memory. Any
 * failure leaves the module without one, with a warning. */
static struct wh_error *fetch_module(struct wh_kernel *k, struct wh_module_debug *md,
				     const struct wh_module *mod, struct loaded *l)
{
	char build_id[2 * 64 + 1], name[4 * WH_MODULE_NAME_LEN + 1], what[sizeof(name) + 8];
	char *path = NULL;
	l->state = UNUSABLE;
	wh_escape_text(mod->name, SIZE_MAX, name, sizeof(name));
	snprintf(what, sizeof(what), "module %s", name);
	struct wh_error *err = wh_module_build_id(k, mod, build_id, sizeof(build_id));
	if (!err)
		err = wh_debuginfod_fetch(build_id, what, &path);
	if (!err)
		err = load_file(k, mod, path, l);
	free(path);
	if (err == &wh_error_nomem || !err)
		return err;
	wh_diags_add(&md->diags, WHERE, err->code, "module %s: no debug file from debuginfod: %s",
		     name, err->message);
	wh_error_destroy(err);
	return NULL;
}

static struct wh_error *load_module(struct wh_kernel *k, struct wh_module_debug *md,
				    const struct wh_module *mod, struct loaded *l)
{
	if (md->fetch)
		return fetch_module(k, md, mod, l);
	struct wh_error *err = scan(k, md);
	if (err)
		return err;
	l->state = UNUSABLE;
	for (size_t i = 0; i < md->n_candidates && l->state != READY; i++) {
		if (strcmp(md->candidates[i].module, mod->name))
			continue;
		err = load_file(k, mod, md->candidates[i].path, l);
		if (err == &wh_error_nomem)
			return err;
		if (err) {
			wh_diags_add_error(&md->diags, WHERE,
					   wh_error_wrap(err, "module %s: %s not used", mod->name,
							 md->candidates[i].path));
		}
	}
	return NULL;
}

/* The slot of loaded module NAME, loading its debug file on first use. */
static struct wh_error *module_slot(struct wh_kernel *k, const char *name, struct loaded **ret)
{
	struct wh_module_debug *md = k->module_debug;
	if (!md)
		return wh_error_create(WH_ERR_ABSENT, "no module debug directory given (-m)");
	const struct wh_modules *mods;
	struct wh_error *err = wh_modules_get(k, &mods);
	if (err)
		return err;
	if (md->n_loaded < mods->count) {
		struct loaded *l = realloc(md->loaded, mods->count * sizeof(*l));
		if (!l)
			return &wh_error_nomem;
		memset(l + md->n_loaded, 0, (mods->count - md->n_loaded) * sizeof(*l));
		md->loaded = l;
		md->n_loaded = mods->count;
	}
	for (size_t i = 0; i < mods->count; i++) {
		if (strcmp(mods->modules[i].name, name))
			continue;
		struct loaded *l = &md->loaded[i];
		if (l->state == UNTRIED && (err = load_module(k, md, &mods->modules[i], l)))
			return err;
		*ret = l;
		return NULL;
	}
	return wh_error_create(WH_ERR_ABSENT, "module %s is not loaded", name);
}

struct wh_error *wh_module_types(struct wh_kernel *k, const char *name, struct wh_types **ret)
{
	/* No debug files at all: the module's own BTF, when the kernel's
	 * types are BTF too (a split BTF needs its base). */
	if (!k->module_debug && !k->vmlinux)
		return wh_module_btf_types(k, name, ret);
	struct loaded *l = NULL;
	struct wh_error *err = module_slot(k, name, &l);
	if (err)
		return err;
	if (l->state != READY)
		return wh_error_create(WH_ERR_ABSENT, "no debug file for module %s", name);
	*ret = l->types;
	return NULL;
}

struct wh_error *wh_types_of(struct wh_kernel *k, const char *module, struct wh_types **ret)
{
	const struct wh_modules *mods;
	struct wh_error *err = wh_modules_get(k, &mods);
	if (err)
		return err;
	for (size_t i = 0; i < mods->count; i++)
		if (!strcmp(mods->modules[i].name, module)) {
			if ((err = wh_module_types(k, module, ret)))
				return wh_error_wrap(err,
						     "%s types (%s.ko debug file needed: -m DIR)",
						     module, module);
			return NULL;
		}
	*ret = k->types;
	return NULL;
}

const struct wh_diags *wh_module_debug_diags(const struct wh_kernel *k)
{
	return k->module_debug ? &k->module_debug->diags : NULL;
}

void wh_module_debug_destroy(struct wh_module_debug *md)
{
	if (!md)
		return;
	for (size_t i = 0; i < md->n_loaded; i++) {
		wh_types_destroy(md->loaded[i].types);
		wh_elf_image_destroy(md->loaded[i].img);
	}
	free(md->loaded);
	for (size_t i = 0; i < md->n_candidates; i++) {
		free(md->candidates[i].module);
		free(md->candidates[i].path);
	}
	free(md->candidates);
	wh_diags_deinit(&md->diags);
	free(md->dir);
	free(md);
}
