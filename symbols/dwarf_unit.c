#include "dwarf_unit.h"
#include "dwarf_cursor.h"

#include "dwarf_constants.h"

struct unit {
	const struct wh_unit_sections *s;
	uint64_t offset; /* of the header in .debug_info, for messages */
	unsigned version, offset_size, address_size;
	uint64_t abbrev_offset;
	struct wh_cursor die; /* the root DIE, up to the unit's end */
};

static struct wh_error *unit_error(const struct unit *u, const char *what)
{
	return wh_error_create(WH_ERR_FORMAT, "compile unit at .debug_info+0x%llx: %s",
			       (unsigned long long)u->offset, what);
}

static struct wh_error *read_unit_header(struct unit *u)
{
	const struct wh_unit_sections *s = u->s;
	if (!s->info || u->offset >= s->info_size)
		return unit_error(u, "offset outside .debug_info");
	struct wh_cursor c = {s->info + u->offset, s->info + s->info_size, false};
	uint64_t length = cursor_le(&c, 4);
	u->offset_size = 4;
	if (length == 0xffffffff) {
		length = cursor_le(&c, 8);
		u->offset_size = 8;
	} else if (length >= 0xfffffff0) {
		return unit_error(u, "reserved unit length");
	}
	if (c.bad || length > (uint64_t)(c.end - c.p))
		return unit_error(u, "unit length past the section");
	c.end = c.p + length;
	u->version = (unsigned)cursor_le(&c, 2);
	if (!c.bad && (u->version < 2 || u->version > 5))
		return unit_error(u, "unsupported version");
	if (u->version >= 5) {
		unsigned type = cursor_u8(&c);
		u->address_size = cursor_u8(&c);
		u->abbrev_offset = cursor_le(&c, u->offset_size);
		if (type == DW_UT_skeleton || type == DW_UT_split_compile)
			cursor_skip(&c, 8); /* dwo_id */
		else if (!c.bad && type != DW_UT_compile && type != DW_UT_partial)
			return unit_error(u, "not a compile unit");
	} else {
		u->abbrev_offset = cursor_le(&c, u->offset_size);
		u->address_size = cursor_u8(&c);
	}
	if (c.bad)
		return unit_error(u, "truncated header");
	if (u->address_size < 1 || u->address_size > 8)
		return unit_error(u, "strange address size");
	u->die = c;
	return NULL;
}

/* A cursor on the (attribute, form) pairs of abbreviation CODE. */
static struct wh_error *find_abbrev(const struct unit *u, uint64_t code, struct wh_cursor *ret)
{
	const struct wh_unit_sections *s = u->s;
	if (!s->abbrev || u->abbrev_offset >= s->abbrev_size)
		return unit_error(u, "abbreviations outside .debug_abbrev");
	struct wh_cursor c = {s->abbrev + u->abbrev_offset, s->abbrev + s->abbrev_size, false};
	/* Each entry takes bytes: the scan ends with the section at worst. */
	for (;;) {
		uint64_t this = cursor_uleb(&c);
		if (c.bad || !this)
			return unit_error(u, "no abbreviation for the root DIE");
		cursor_uleb(&c); /* tag */
		cursor_u8(&c);	 /* has children */
		if (this == code) {
			*ret = c;
			return NULL;
		}
		uint64_t name, form;
		do {
			name = cursor_uleb(&c);
			form = cursor_uleb(&c);
			if (form == DW_FORM_implicit_const)
				cursor_sleb(&c);
		} while (!c.bad && (name || form));
	}
}

/* An attribute's value, as far as we need it. */
struct value {
	uint64_t num;
	const char *str; /* DW_FORM_string */
	enum { NUMBER, STRING, STRP, LINE_STRP, STRX, OTHER } kind;
};

static struct wh_error *read_value(const struct unit *u, struct wh_cursor *c, uint64_t form,
				   int64_t implicit, bool indirect, struct value *v)
{
	v->num = 0;
	v->str = NULL;
	v->kind = NUMBER;
	switch (form) {
	case DW_FORM_addr: v->num = cursor_le(c, u->address_size); break;
	case DW_FORM_data1:
	case DW_FORM_ref1:
	case DW_FORM_flag:
	case DW_FORM_addrx1: v->num = cursor_le(c, 1); break;
	case DW_FORM_data2:
	case DW_FORM_ref2:
	case DW_FORM_addrx2: v->num = cursor_le(c, 2); break;
	case DW_FORM_addrx3: v->num = cursor_le(c, 3); break;
	case DW_FORM_data4:
	case DW_FORM_ref4:
	case DW_FORM_ref_sup4:
	case DW_FORM_addrx4: v->num = cursor_le(c, 4); break;
	case DW_FORM_data8:
	case DW_FORM_ref8:
	case DW_FORM_ref_sig8:
	case DW_FORM_ref_sup8: v->num = cursor_le(c, 8); break;
	case DW_FORM_data16: cursor_skip(c, 16); break;
	case DW_FORM_udata:
	case DW_FORM_ref_udata:
	case DW_FORM_addrx:
	case DW_FORM_rnglistx:
	case DW_FORM_loclistx:
	case DW_FORM_GNU_addr_index: v->num = cursor_uleb(c); break;
	case DW_FORM_sdata: v->num = (uint64_t)cursor_sleb(c); break;
	case DW_FORM_implicit_const: v->num = (uint64_t)implicit; break;
	case DW_FORM_flag_present: v->num = 1; break;
	case DW_FORM_sec_offset:
	case DW_FORM_GNU_ref_alt: v->num = cursor_le(c, u->offset_size); break;
	case DW_FORM_ref_addr:
		v->num = cursor_le(c, u->version <= 2 ? u->address_size : u->offset_size);
		break;
	case DW_FORM_string:
		v->str = cursor_cstr(c);
		v->kind = STRING;
		break;
	case DW_FORM_strp:
		v->num = cursor_le(c, u->offset_size);
		v->kind = STRP;
		break;
	case DW_FORM_line_strp:
		v->num = cursor_le(c, u->offset_size);
		v->kind = LINE_STRP;
		break;
	case DW_FORM_strx:
	case DW_FORM_GNU_str_index:
		v->num = cursor_uleb(c);
		v->kind = STRX;
		break;
	case DW_FORM_strx1:
	case DW_FORM_strx2:
	case DW_FORM_strx3:
	case DW_FORM_strx4:
		v->num = cursor_le(c, (unsigned)(form - DW_FORM_strx1 + 1));
		v->kind = STRX;
		break;
	case DW_FORM_strp_sup:
	case DW_FORM_GNU_strp_alt: /* strings of another file */
		v->num = cursor_le(c, u->offset_size);
		v->kind = OTHER;
		break;
	case DW_FORM_block1: cursor_skip(c, cursor_le(c, 1)); break;
	case DW_FORM_block2: cursor_skip(c, cursor_le(c, 2)); break;
	case DW_FORM_block4: cursor_skip(c, cursor_le(c, 4)); break;
	case DW_FORM_block:
	case DW_FORM_exprloc: cursor_skip(c, cursor_uleb(c)); break;
	case DW_FORM_indirect:
		if (indirect)
			return unit_error(u, "DW_FORM_indirect to DW_FORM_indirect");
		form = cursor_uleb(c);
		return read_value(u, c, form, implicit, true, v);
	default: return unit_error(u, "unsupported form in the root DIE");
	}
	if (c->bad)
		return unit_error(u, "truncated root DIE");
	return NULL;
}

/* The string V stands for: NULL when it names none (or one elsewhere). */
static const char *value_string(const struct unit *u, const struct value *v, bool have_base,
				uint64_t str_offsets_base)
{
	const struct wh_unit_sections *s = u->s;
	struct wh_string_section str, line_str;
	wh_string_section_init(&str, ".debug_str", s->str, s->str_size);
	wh_string_section_init(&line_str, ".debug_line_str", s->line_str, s->line_str_size);
	switch (v->kind) {
	case STRING: return v->str;
	case STRP: return wh_string_section_at(&str, v->num);
	case LINE_STRP: return wh_string_section_at(&line_str, v->num);
	case STRX: {
		if (!have_base || !s->str_offsets || v->num > UINT64_MAX / u->offset_size)
			return NULL;
		uint64_t at = str_offsets_base + v->num * u->offset_size;
		if (at < str_offsets_base || at > s->str_offsets_size ||
		    u->offset_size > s->str_offsets_size - at)
			return NULL;
		struct wh_cursor c = {s->str_offsets + at, s->str_offsets + s->str_offsets_size,
				      false};
		return wh_string_section_at(&str, cursor_le(&c, u->offset_size));
	}
	default: return NULL;
	}
}

struct wh_error *wh_dwarf_unit_lines(const struct wh_unit_sections *sections, uint64_t offset,
				     uint64_t *ret_stmt_list, const char **ret_comp_dir)
{
	struct unit u = {.s = sections, .offset = offset};
	struct wh_error *err = read_unit_header(&u);
	if (err)
		return err;
	uint64_t code = cursor_uleb(&u.die);
	if (u.die.bad || !code)
		return unit_error(&u, "no root DIE");
	struct wh_cursor spec = {NULL, NULL, false};
	if ((err = find_abbrev(&u, code, &spec)))
		return err;
	bool have_stmt_list = false, have_comp_dir = false, have_base = false;
	uint64_t str_offsets_base = 0;
	struct value comp_dir = {0};
	for (;;) {
		uint64_t name = cursor_uleb(&spec), form = cursor_uleb(&spec);
		int64_t implicit = form == DW_FORM_implicit_const ? cursor_sleb(&spec) : 0;
		if (spec.bad)
			return unit_error(&u, "truncated abbreviation");
		if (!name && !form)
			break;
		struct value v;
		if ((err = read_value(&u, &u.die, form, implicit, false, &v)))
			return err;
		if (name == DW_AT_stmt_list) {
			if (v.kind != NUMBER)
				return unit_error(&u, "DW_AT_stmt_list of a string form");
			*ret_stmt_list = v.num;
			have_stmt_list = true;
		} else if (name == DW_AT_comp_dir) {
			comp_dir = v;
			have_comp_dir = true;
		} else if (name == DW_AT_str_offsets_base) {
			str_offsets_base = v.num;
			have_base = true;
		}
	}
	if (!have_stmt_list)
		return wh_error_create(WH_ERR_ABSENT, "no line table");
	*ret_comp_dir = NULL;
	if (have_comp_dir && comp_dir.kind != NUMBER &&
	    !(*ret_comp_dir = value_string(&u, &comp_dir, have_base, str_offsets_base)))
		return unit_error(&u, "DW_AT_comp_dir not readable here");
	return NULL;
}
