#include "libdwarf_oracle.h"

#include <elf.h>
#include <libdwarf/dwarf.h>
#include <stdlib.h>
#include <string.h>

/* libdwarf's object access interface: 20210528 (Debian 12) has only the
 * original one, 0.x (Debian 13 has 0.11, whose header names its version)
 * only the "_a" one, with prefixed fields and wider section indices. */
#ifdef DW_LIBDWARF_VERSION_MAJOR
typedef Dwarf_Obj_Access_Interface_a access_iface;
typedef Dwarf_Obj_Access_Section_a access_section;
typedef Dwarf_Obj_Access_Methods_a access_methods;
typedef Dwarf_Unsigned section_index;
typedef Dwarf_Small byte_order;
#define LITTLE_ENDIAN_ORDER DW_END_little
#define SEC(field) as_##field
#define METHOD(name) om_##name
#define IFACE(field) ai_##field
#else
typedef Dwarf_Obj_Access_Interface access_iface;
typedef Dwarf_Obj_Access_Section access_section;
typedef Dwarf_Obj_Access_Methods access_methods;
typedef Dwarf_Half section_index;
typedef Dwarf_Endianness byte_order;
#define LITTLE_ENDIAN_ORDER DW_OBJECT_LSB
#define SEC(field) field
#define METHOD(name) name
#define IFACE(field) field
#endif

struct libdwarf_oracle {
	struct wh_elf_image *img;
	struct wh_dwarf_object *obj;
	access_iface iface;
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

static int get_section_info(void *obj, section_index index, access_section *ret, int *error)
{
	struct libdwarf_oracle *o = obj;
	const struct wh_elf_section *s = wh_elf_image_section_at(o->img, index);
	(void)error;
	if (!s)
		return DW_DLV_NO_ENTRY;
	memset(ret, 0, sizeof(*ret));
	uint64_t size = 0;
	if (hidden(s) || (!strncmp(s->name, ".debug_", 7) && !bytes_of(o, s, &size))) {
		ret->SEC(name) = ".whyhung.hidden";
		return DW_DLV_OK;
	}
	ret->SEC(addr) = wh_dwarf_object_section_address(o->obj, index);
	ret->SEC(type) = s->type;
	ret->SEC(size) = strncmp(s->name, ".debug_", 7) ? s->size : size;
	ret->SEC(name) = s->name;
	ret->SEC(link) = s->link;
	ret->SEC(info) = s->info;
	ret->SEC(entrysize) = s->entsize;
	return DW_DLV_OK;
}

static byte_order get_byte_order(void *obj)
{
	(void)obj;
	return LITTLE_ENDIAN_ORDER;
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

#ifdef DW_LIBDWARF_VERSION_MAJOR
/* 0.x checks section sizes against it (and calls it unconditionally). Our
 * debug sections are inflated, larger than in the file: no bound. */
static Dwarf_Unsigned get_filesize(void *obj)
{
	(void)obj;
	return (Dwarf_Unsigned)1 << 40;
}
#endif

static Dwarf_Unsigned get_section_count(void *obj)
{
	struct libdwarf_oracle *o = obj;
	return wh_elf_image_num_sections(o->img);
}

static int load_section(void *obj, section_index index, Dwarf_Small **ret, int *error)
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

static const access_methods methods = {
    .METHOD(get_section_info) = get_section_info,
    .METHOD(get_byte_order) = get_byte_order,
    .METHOD(get_length_size) = get_length_size,
    .METHOD(get_pointer_size) = get_pointer_size,
#ifdef DW_LIBDWARF_VERSION_MAJOR
    .om_get_filesize = get_filesize,
#endif
    .METHOD(get_section_count) = get_section_count,
    .METHOD(load_section) = load_section,
    .METHOD(relocate_a_section) = NULL,
};

struct libdwarf_oracle *libdwarf_oracle_open(struct wh_elf_image *img, struct wh_dwarf_object *obj)
{
	struct libdwarf_oracle *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->img = img;
	o->obj = obj;
	o->iface.IFACE(object) = o;
	o->iface.IFACE(methods) = &methods;
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
	/* libdwarf 0.x (Debian 13 has 0.11) dropped the error argument; its
	 * header names its version, 20210528's (Debian 12) does not. */
#ifdef DW_LIBDWARF_VERSION_MAJOR
	dwarf_object_finish(o->dbg);
#else
	dwarf_object_finish(o->dbg, NULL);
#endif
	free(o);
}
