#include "libdwarf_oracle.h"

#include <elf.h>
#include <libdwarf/dwarf.h>
#include <stdlib.h>
#include <string.h>

struct libdwarf_oracle {
	struct wh_elf_image *img;
	struct wh_dwarf_object *obj;
	Dwarf_Obj_Access_Interface iface;
	Dwarf_Debug dbg;
};

/* Relocations are applied already, location and range lists unused. */
static bool hidden(const struct wh_elf_section *s)
{
	static const char *const unused[] = {".debug_loclists", ".debug_rnglists", ".debug_loc",
					     ".debug_ranges", NULL};
	if (!s->name || s->type == SHT_RELA || s->type == SHT_REL)
		return true;
	for (const char *const *u = unused; *u; u++)
		if (!strcmp(s->name, *u))
			return true;
	return false;
}

/* Our bytes of S, NULL if it is not a section our readers would give. */
static const unsigned char *bytes_of(struct libdwarf_oracle *o, const struct wh_elf_section *s,
				     uint64_t *ret_size)
{
	const unsigned char *data;
	if (hidden(s) || !s->name || strncmp(s->name, ".debug_", 7))
		return NULL;
	struct wh_error *err = wh_dwarf_object_section(o->obj, s->name, &data, ret_size);
	if (err) {
		wh_error_destroy(err);
		return NULL;
	}
	return data;
}

static int get_section_info(void *obj, Dwarf_Half index, Dwarf_Obj_Access_Section *ret, int *error)
{
	struct libdwarf_oracle *o = obj;
	const struct wh_elf_section *s = wh_elf_image_section_at(o->img, index);
	(void)error;
	if (!s)
		return DW_DLV_NO_ENTRY;
	memset(ret, 0, sizeof(*ret));
	uint64_t size = 0;
	if (hidden(s) || (!strncmp(s->name, ".debug_", 7) && !bytes_of(o, s, &size))) {
		ret->name = ".whyhung.hidden";
		return DW_DLV_OK;
	}
	ret->addr = wh_dwarf_object_section_address(o->obj, index);
	ret->type = s->type;
	ret->size = strncmp(s->name, ".debug_", 7) ? s->size : size;
	ret->name = s->name;
	ret->link = s->link;
	ret->info = s->info;
	ret->entrysize = s->entsize;
	return DW_DLV_OK;
}

static Dwarf_Endianness get_byte_order(void *obj)
{
	(void)obj;
	return DW_OBJECT_LSB;
}

static Dwarf_Small get_length_size(void *obj)
{
	(void)obj;
	return 4;
}

static Dwarf_Small get_pointer_size(void *obj)
{
	(void)obj;
	return 8;
}

static Dwarf_Unsigned get_section_count(void *obj)
{
	struct libdwarf_oracle *o = obj;
	return wh_elf_image_num_sections(o->img);
}

static int load_section(void *obj, Dwarf_Half index, Dwarf_Small **ret, int *error)
{
	struct libdwarf_oracle *o = obj;
	const struct wh_elf_section *s = wh_elf_image_section_at(o->img, index);
	if (!s || hidden(s) || !s->data)
		return DW_DLV_NO_ENTRY;
	uint64_t size;
	const unsigned char *data =
	    strncmp(s->name, ".debug_", 7) ? s->data : bytes_of(o, s, &size);
	if (!data) {
		*error = DW_DLE_ALLOC_FAIL;
		return DW_DLV_ERROR;
	}
	*ret = (Dwarf_Small *)data;
	return DW_DLV_OK;
}

static const Dwarf_Obj_Access_Methods methods = {
    .get_section_info = get_section_info,
    .get_byte_order = get_byte_order,
    .get_length_size = get_length_size,
    .get_pointer_size = get_pointer_size,
    .get_section_count = get_section_count,
    .load_section = load_section,
    .relocate_a_section = NULL,
};

struct libdwarf_oracle *libdwarf_oracle_open(struct wh_elf_image *img, struct wh_dwarf_object *obj)
{
	struct libdwarf_oracle *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->img = img;
	o->obj = obj;
	o->iface.object = o;
	o->iface.methods = &methods;
	if (dwarf_object_init_b(&o->iface, NULL, NULL, DW_GROUPNUMBER_ANY, &o->dbg, NULL) !=
	    DW_DLV_OK) {
		free(o);
		return NULL;
	}
	return o;
}

Dwarf_Debug libdwarf_oracle_dbg(const struct libdwarf_oracle *o)
{
	return o->dbg;
}

void libdwarf_oracle_close(struct libdwarf_oracle *o)
{
	if (!o)
		return;
	dwarf_object_finish(o->dbg, NULL);
	free(o);
}
