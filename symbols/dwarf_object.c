#include "dwarf_object.h"
#include "elf_reloc.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct wh_dwarf_object {
	struct wh_elf_image *img;
	unsigned char **inflated; /* per section index: inflated and/or relocated copies */
	/* Per section index: the copy could not be made. Remembered, or every
	 * reader asking again (each frame's line lookup) would inflate the
	 * whole damaged section again: minutes on a distribution vmlinux. */
	bool *copy_failed;
	uint64_t copy_attempts;
	size_t n_sections;
	/* Relocating objects (modules) only: runtime address per section (0 when
	 * not allocated or not loaded), and which sections need relocating. */
	uint64_t *section_addr;
	bool *relocated;
};

/* Relocation sections are applied, never read as DWARF. */
static bool hidden_section(const struct wh_elf_section *s)
{
	return s->type == SHT_RELA || s->type == SHT_REL;
}

/* Uncompressed size of an SHF_COMPRESSED section, 0 if malformed. */
static uint64_t compressed_size(const struct wh_elf_section *s)
{
	if (!s->data || s->size < sizeof(Elf64_Chdr))
		return 0;
	Elf64_Chdr ch;
	memcpy(&ch, s->data, sizeof(ch));
	if (ch.ch_type != ELFCOMPRESS_ZLIB || ch.ch_size > (1ull << 32))
		return 0;
	return ch.ch_size;
}

static unsigned char *inflate_section(const struct wh_elf_section *s)
{
	uint64_t out_size = compressed_size(s);
	if (!out_size)
		return NULL;
	unsigned char *out = malloc(out_size);
	if (!out)
		return NULL;
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK) {
		free(out);
		return NULL;
	}
	zs.next_in = (unsigned char *)s->data + sizeof(Elf64_Chdr);
	zs.avail_in = (uInt)(s->size - sizeof(Elf64_Chdr));
	zs.next_out = out;
	zs.avail_out = (uInt)out_size;
	int rc = inflate(&zs, Z_FINISH);
	inflateEnd(&zs);
	if (rc != Z_STREAM_END || zs.total_out != out_size) {
		free(out);
		return NULL;
	}
	return out;
}

static uint64_t section_size(const struct wh_elf_section *s)
{
	return (s->flags & SHF_COMPRESSED) ? compressed_size(s) : s->size;
}

/* A private copy of S with its relocations applied (checked at open). */
static unsigned char *relocated_copy(struct wh_dwarf_object *o, const struct wh_elf_section *s)
{
	unsigned char *copy;
	uint64_t size = section_size(s);
	if (s->flags & SHF_COMPRESSED) {
		copy = inflate_section(s);
	} else {
		copy = malloc(size ? size : 1);
		if (copy)
			memcpy(copy, s->data, size);
	}
	if (!copy)
		return NULL;
	struct wh_error *err =
	    wh_elf_relocate_section(o->img, s->index, o->section_addr, copy, size);
	if (err) {
		wh_error_destroy(err);
		free(copy);
		return NULL;
	}
	return copy;
}

/* Section INDEX's bytes as the DWARF readers see them: straight from the
 * mmap, or a private copy inflated and/or relocated on first use. NULL
 * when absent (or hidden), or when the copy could not be made. */
static const unsigned char *section_bytes(struct wh_dwarf_object *o, unsigned index)
{
	const struct wh_elf_section *s = wh_elf_image_section_at(o->img, index);
	if (!s || hidden_section(s) || !s->data)
		return NULL;
	bool relocate = o->relocated && o->relocated[index];
	if (!(s->flags & SHF_COMPRESSED) && !relocate)
		return s->data;
	if (!o->inflated[index] && !o->copy_failed[index]) {
		o->copy_attempts++;
		o->inflated[index] = relocate ? relocated_copy(o, s) : inflate_section(s);
		o->copy_failed[index] = !o->inflated[index];
	}
	return o->inflated[index];
}

struct wh_error *wh_dwarf_object_section(struct wh_dwarf_object *o, const char *name,
					 const unsigned char **ret_data, uint64_t *ret_size)
{
	const struct wh_elf_section *s = wh_elf_image_section(o->img, name);
	if (!s || hidden_section(s) || !s->data)
		return wh_error_create(WH_ERR_ABSENT, "%s: no %s section",
				       wh_elf_image_path(o->img), name);
	const unsigned char *data = section_bytes(o, s->index);
	if (!data)
		return wh_error_create(WH_ERR_FORMAT, "%s: cannot inflate or relocate %s",
				       wh_elf_image_path(o->img), name);
	*ret_data = data;
	*ret_size = section_size(s);
	return NULL;
}

static struct wh_error *check_debug_info(struct wh_elf_image *img)
{
	const struct wh_elf_section *info = wh_elf_image_section(img, ".debug_info");
	if (!info || !info->size || !info->data)
		return wh_error_create(WH_ERR_NO_DEBUGINFO,
				       "%s has no DWARF debug info (install the -dbg package's "
				       "vmlinux, not the stripped one)",
				       wh_elf_image_path(img));
	return NULL;
}

static struct wh_error *object_create(struct wh_elf_image *img, struct wh_dwarf_object **ret)
{
	struct wh_dwarf_object *o = calloc(1, sizeof(*o));
	if (!o)
		return &wh_error_nomem;
	o->img = img;
	o->n_sections = wh_elf_image_num_sections(img);
	o->inflated = calloc(o->n_sections ? o->n_sections : 1, sizeof(*o->inflated));
	o->copy_failed = calloc(o->n_sections ? o->n_sections : 1, sizeof(*o->copy_failed));
	if (!o->inflated || !o->copy_failed) {
		free(o->inflated);
		free(o->copy_failed);
		free(o);
		return &wh_error_nomem;
	}
	*ret = o;
	return NULL;
}

struct wh_error *wh_dwarf_object_open(struct wh_elf_image *img, struct wh_dwarf_object **ret)
{
	struct wh_dwarf_object *o;
	struct wh_error *err = check_debug_info(img);
	if (!err)
		err = object_create(img, &o);
	if (err)
		return err;
	*ret = o;
	return NULL;
}

/* Runtime addresses of the allocated sections, and a check of every
 * relocation of the others now, so that load_section() cannot fail later
 * on a hostile file and a bad file is rejected with a reason. */
static struct wh_error *plan_relocation(struct wh_dwarf_object *o, wh_section_address_fn *resolve,
					void *arg)
{
	o->section_addr = calloc(o->n_sections ? o->n_sections : 1, sizeof(*o->section_addr));
	o->relocated = calloc(o->n_sections ? o->n_sections : 1, sizeof(*o->relocated));
	if (!o->section_addr || !o->relocated)
		return &wh_error_nomem;
	for (size_t i = 0; i < o->n_sections; i++) {
		const struct wh_elf_section *s = wh_elf_image_section_at(o->img, i);
		uint64_t addr;
		if ((s->flags & SHF_ALLOC) && resolve(arg, s->name, &addr))
			o->section_addr[i] = addr;
	}
	for (size_t i = 0; i < o->n_sections; i++) {
		const struct wh_elf_section *s = wh_elf_image_section_at(o->img, i);
		/* Only DWARF sections: other sections' relocations (objtool's
		 * .discard.*, ...) may use types debug sections never do. */
		if ((s->flags & SHF_ALLOC) || strncmp(s->name, ".debug_", 7) || !s->data ||
		    !wh_elf_has_relocations(o->img, (unsigned)i))
			continue;
		uint64_t size = section_size(s);
		if ((s->flags & SHF_COMPRESSED) && !size)
			return wh_error_create(WH_ERR_FORMAT, "%s: bad compressed section",
					       s->name);
		struct wh_error *err =
		    wh_elf_relocate_section(o->img, (unsigned)i, o->section_addr, NULL, size);
		if (err)
			return err;
		o->relocated[i] = true;
	}
	return NULL;
}

struct wh_error *wh_dwarf_object_open_relocated(struct wh_elf_image *img,
						wh_section_address_fn *resolve, void *arg,
						struct wh_dwarf_object **ret)
{
	const struct wh_elf_section *info = wh_elf_image_section(img, ".debug_info");
	if (!info || !info->size || !info->data)
		return wh_error_create(WH_ERR_NO_DEBUGINFO, "%s has no DWARF debug info",
				       wh_elf_image_path(img));
	struct wh_dwarf_object *o;
	struct wh_error *err = object_create(img, &o);
	if (err)
		return err;
	if ((err = plan_relocation(o, resolve, arg))) {
		err = wh_error_wrap(err, "%s", wh_elf_image_path(img));
		wh_dwarf_object_destroy(o);
		return err;
	}
	*ret = o;
	return NULL;
}

uint64_t wh_dwarf_object_section_address(const struct wh_dwarf_object *o, unsigned index)
{
	if (index >= o->n_sections)
		return 0;
	if (o->section_addr)
		return o->section_addr[index];
	return wh_elf_image_section_at(o->img, index)->addr;
}

uint64_t wh_dwarf_object_copy_attempts(const struct wh_dwarf_object *o)
{
	return o->copy_attempts;
}

void wh_dwarf_object_destroy(struct wh_dwarf_object *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n_sections; i++)
		free(o->inflated[i]);
	free(o->inflated);
	free(o->copy_failed);
	free(o->section_addr);
	free(o->relocated);
	free(o);
}
