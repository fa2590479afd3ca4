#include "source_root.h"

#include <stdio.h>
#include <string.h>

void wh_source_root_from(const char *file, const char *tree_file, char *ret, size_t ret_size)
{
	ret[0] = '\0';
	size_t n = strlen(file), m = strlen(tree_file);
	if (n < m || strcmp(file + n - m, tree_file))
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

/* Functions whose file in the tree is known. C units usually name their
 * files relative to the tree (the compile directory), assembler units by
 * absolute path: both are tried, the first prefix found is the root. */
static const struct {
	const char *symbol, *file;
} anchors[] = {
    {"start_kernel", "init/main.c"},
    {"entry_SYSCALL_64", "arch/x86/entry/entry_64.S"},
};

const char *wh_source_root(struct wh_kernel *k)
{
	if (k->source_root_known)
		return k->source_root;
	k->source_root_known = true;
	k->source_root[0] = '\0';
	for (size_t i = 0; i < sizeof(anchors) / sizeof(*anchors) && !k->source_root[0]; i++) {
		struct wh_symbol sym;
		const char *file;
		unsigned line;
		if (wh_best_effort(wh_elf_image_symbol(k->vmlinux, anchors[i].symbol, &sym)) &&
		    wh_best_effort(wh_types_source_line(k->types, sym.address, &file, &line)))
			wh_source_root_from(file, anchors[i].file, k->source_root,
					    sizeof(k->source_root));
	}
	return k->source_root;
}
