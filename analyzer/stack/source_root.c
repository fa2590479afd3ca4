#include "source_root.h"

#include <stdio.h>
#include <string.h>

static const char main_file[] = "init/main.c";

void wh_source_root_from_main(const char *file, char *ret, size_t ret_size)
{
	ret[0] = '\0';
	size_t n = strlen(file), m = sizeof(main_file) - 1;
	if (n < m || strcmp(file + n - m, main_file))
		return;
	size_t root = n - m;
	/* "xinit/main.c" is not the tree's init/main.c. */
	if (root > 0 && file[root - 1] != '/')
		return;
	if (root >= ret_size)
		return;
	memcpy(ret, file, root);
	ret[root] = '\0';
}

const char *wh_source_root_strip(const char *root, const char *file)
{
	size_t n = strlen(root);
	if (n && !strncmp(file, root, n) && file[n])
		return file + n;
	return file;
}

const char *wh_source_root(struct wh_kernel *k)
{
	if (k->source_root_known)
		return k->source_root;
	k->source_root_known = true;
	k->source_root[0] = '\0';
	struct wh_symbol sym;
	if (!wh_best_effort(wh_elf_image_symbol(k->vmlinux, "start_kernel", &sym)))
		return k->source_root;
	const char *file;
	unsigned line;
	if (!wh_best_effort(wh_types_source_line(k->types, sym.address, &file, &line)))
		return k->source_root;
	wh_source_root_from_main(file, k->source_root, sizeof(k->source_root));
	return k->source_root;
}
