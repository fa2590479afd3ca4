#include "module_debug_check.h"

#include <elf.h>
#include <inttypes.h>
#include <string.h>

/* Enough functions to tell builds apart; a module may have thousands. */
static const unsigned MAX_FUNCTIONS_COMPARED = 64;
/* A build-id note is 36 bytes; anything far bigger is not one. */
static const uint64_t MAX_NOTE_SIZE = 1024;

bool wh_module_section_address(const struct wh_module *mod, const char *name, uint64_t *ret)
{
	for (size_t i = 0; i < mod->n_sections; i++) {
		if (!strcmp(mod->sections[i].name, name)) {
			*ret = mod->sections[i].address;
			return true;
		}
	}
	return false;
}

/* The module name recorded in the file's struct module (not in a debug-only
 * file, whose allocated sections are NOBITS). */
static struct wh_error *check_name(struct wh_kernel *k, const struct wh_module *mod,
				   const struct wh_elf_section *this_module)
{
	if (!this_module->data || this_module->type == SHT_NOBITS)
		return NULL;
	struct wh_member_info name;
	struct wh_error *err = wh_kernel_member(k, "module", "name", &name);
	if (err)
		return err;
	if (name.offset >= this_module->size)
		return wh_error_create(WH_ERR_MISMATCH, "its struct module is too small");
	const char *file_name = (const char *)this_module->data + name.offset;
	size_t max = this_module->size - name.offset;
	if (max > WH_MODULE_NAME_LEN)
		max = WH_MODULE_NAME_LEN;
	if (strnlen(file_name, max) != strlen(mod->name) ||
	    strncmp(file_name, mod->name, strlen(mod->name)))
		return wh_error_create(WH_ERR_MISMATCH, "it is module \"%.*s\"", (int)max,
				       file_name);
	return NULL;
}

struct wh_error *wh_module_build_id(struct wh_kernel *k, const struct wh_module *mod, char *ret,
				    size_t ret_size)
{
	struct wh_error *err = wh_module_load_sections(k, mod);
	uint64_t addr;
	if (err)
		return err;
	if (!wh_module_section_address(mod, ".note.gnu.build-id", &addr))
		return wh_error_create(WH_ERR_ABSENT, "module has no .note.gnu.build-id section");
	/* The header says how long the note is; the dump is not trusted to
	 * say it sanely. */
	Elf64_Nhdr nh;
	if ((err = wh_dump_read(k->dump, addr, &nh, sizeof(nh))))
		return wh_error_wrap(err, "module build id note");
	uint64_t size = sizeof(nh) + ((nh.n_namesz + 3ull) & ~3ull) + ((nh.n_descsz + 3ull) & ~3ull);
	unsigned char buf[MAX_NOTE_SIZE];
	if (size > MAX_NOTE_SIZE)
		return wh_error_at(WH_ERR_CORRUPT, addr, "module build id note of %" PRIu64 " bytes",
				   size);
	if ((err = wh_dump_read(k->dump, addr, buf, size)))
		return wh_error_wrap(err, "module build id note");
	if (!wh_elf_note_build_id(buf, size, ret, ret_size))
		return wh_error_at(WH_ERR_CORRUPT, addr, "module build id note is not a GNU one");
	return NULL;
}

/* Build id of the file against the note the module loader copied into
 * memory. *COMPARED is false when either side has none or is unreadable. */
static struct wh_error *check_build_id(struct wh_kernel *k, const struct wh_module *mod,
				       const struct wh_elf_image *img, bool *compared)
{
	*compared = false;
	const char *file_id = wh_elf_image_build_id(img);
	char dump_id[2 * 64 + 1];
	/* Absent, excluded or unreadable: the function check has to do. */
	if (!file_id || !wh_best_effort(wh_module_build_id(k, mod, dump_id, sizeof(dump_id))))
		return NULL;
	if (strcmp(dump_id, file_id))
		return wh_error_create(WH_ERR_MISMATCH, "build id %s, the loaded module has %s",
				       file_id, dump_id);
	*compared = true;
	return NULL;
}

static const struct wh_module_symbol *dump_symbol(const struct wh_module *mod, const char *name)
{
	for (size_t i = 0; i < mod->n_symbols; i++)
		if (!strcmp(mod->symbols[i].name, name))
			return &mod->symbols[i];
	return NULL;
}

/* The file's functions, placed at their sections' runtime addresses, must
 * be where the dump's kallsyms has them, with the same sizes. Functions the
 * dump does not list (init code, freed after loading) are skipped. */
static struct wh_error *check_functions(const struct wh_module *mod, const struct wh_elf_image *img,
					unsigned *ret_compared)
{
	*ret_compared = 0;
	const struct wh_elf_section *symtab = NULL;
	size_t n_sections = wh_elf_image_num_sections(img);
	for (size_t i = 0; i < n_sections && !symtab; i++)
		if (wh_elf_image_section_at(img, i)->type == SHT_SYMTAB)
			symtab = wh_elf_image_section_at(img, i);
	const struct wh_elf_section *strtab =
	    symtab ? wh_elf_image_section_at(img, symtab->link) : NULL;
	if (!symtab || !symtab->data || !strtab || !strtab->data || !strtab->size)
		return NULL;
	uint64_t n = symtab->size / sizeof(Elf64_Sym);
	for (uint64_t i = 0; i < n && *ret_compared < MAX_FUNCTIONS_COMPARED; i++) {
		Elf64_Sym sym;
		memcpy(&sym, symtab->data + i * sizeof(sym), sizeof(sym));
		if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx >= n_sections ||
		    sym.st_name >= strtab->size)
			continue;
		const char *name = (const char *)strtab->data + sym.st_name;
		const struct wh_elf_section *sec = wh_elf_image_section_at(img, sym.st_shndx);
		uint64_t base;
		if (!memchr(name, '\0', strtab->size - sym.st_name) || !(sec->flags & SHF_ALLOC) ||
		    !wh_module_section_address(mod, sec->name, &base))
			continue;
		const struct wh_module_symbol *ds = dump_symbol(mod, name);
		if (!ds)
			continue;
		if (ds->address != base + sym.st_value || ds->size != sym.st_size)
			return wh_error_create(WH_ERR_MISMATCH,
					       "function %s is at 0x%" PRIx64 " size %" PRIu64
					       " in the dump, at 0x%" PRIx64 " size %" PRIu64
					       " in the file",
					       name, ds->address, ds->size, base + sym.st_value,
					       (uint64_t)sym.st_size);
		++*ret_compared;
	}
	return NULL;
}

struct wh_error *wh_module_debug_check(struct wh_kernel *k, const struct wh_module *mod,
				       const struct wh_elf_image *img)
{
	const struct wh_elf_section *this_module =
	    wh_elf_image_section(img, ".gnu.linkonce.this_module");
	if (!this_module)
		return wh_error_create(WH_ERR_MISMATCH, "not a kernel module");
	struct wh_error *load = wh_module_load_sections(k, mod);
	if (load)
		return load;
	if (!mod->n_sections)
		return wh_error_create(
		    WH_ERR_MISMATCH, "the dump has no section addresses for module %s", mod->name);
	struct wh_error *err;
	bool id_compared;
	unsigned functions;
	if ((err = check_name(k, mod, this_module)) ||
	    (err = check_build_id(k, mod, img, &id_compared)) ||
	    (err = check_functions(mod, img, &functions)))
		return err;
	if (!id_compared && !functions)
		return wh_error_create(WH_ERR_MISMATCH,
				       "neither its build id nor any function could be compared "
				       "with the loaded module");
	return NULL;
}
