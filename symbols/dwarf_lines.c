#include "dwarf_lines.h"
#include "dwarf_cursor.h"

#include "dwarf_constants.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct file_entry {
	const char *name; /* NULL: the entry has no DW_LNCT_path */
	uint64_t dir;
};

/* A row of the line table, as far as a lookup needs it. */
struct row {
	uint64_t address;
	uint32_t line;
	uint32_t file_end; /* file register << 1 | end of sequence */
};

struct wh_line_table {
	uint64_t offset; /* of the unit in .debug_line, for messages */
	uint16_t version;
	uint8_t min_inst_length, max_ops, opcode_base, line_range;
	int8_t line_base;
	const unsigned char *std_lengths; /* opcode_base - 1 entries */
	const unsigned char *program, *end;
	/* DWARF 5: directory I is dirs[I], 0 being the compilation directory.
	 * DWARF 2-4: directory 0 is the compilation directory, I > 0 is
	 * dirs[I - 1] (the include_directories). */
	const char **dirs;
	size_t n_dirs;
	/* DWARF 5: file I is files[I]; DWARF 2-4: files[I - 1], 0 is none.
	 * Past the header's files come those DW_LNE_define_file adds. */
	struct file_entry *files;
	size_t n_files;
	struct file_entry *defined;
	size_t n_defined, defined_cap;
	char *comp_dir;
	/* The rows naming a valid file, in program order, split into runs of
	 * nondecreasing addresses (in practice: sequences) for binary search. */
	struct row *rows;
	size_t n_rows, rows_cap;
	size_t *runs; /* index of each run's first row */
	size_t n_runs, runs_cap;
	char *name; /* the last file name returned */
	size_t name_cap;
};

/* Operand counts of the standard opcodes DWARF 2-5 define (1 to 12). */
static const unsigned char standard_operands[] = {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1};
enum { N_STANDARD_OPCODES = sizeof(standard_operands) };

static struct wh_error *format_error(const struct wh_line_table *t, const char *what)
{
	return wh_error_create(WH_ERR_FORMAT, "line program at .debug_line+0x%llx: %s",
			       (unsigned long long)t->offset, what);
}

/* ARRAY (CAP elements of SIZE, N used) with room for one more: the same
 * or a larger block, NULL when out of memory (ARRAY is then unchanged). */
static void *grow(void *array, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return array;
	size_t grown = *cap ? *cap * 2 : 16;
	void *p = reallocarray(array, grown, size);
	if (p)
		*cap = grown;
	return p;
}

/* ---- header ---- */

struct header_reader {
	struct wh_cursor c;
	unsigned offset_size;
	struct wh_string_section line_str, str;
};

/* One attribute of a DWARF 5 directory or file entry: a string for the
 * string forms, a number for the constant forms, skipped otherwise. */
static struct wh_error *read_form(struct wh_line_table *t, struct header_reader *h, uint64_t form,
				  const char **ret_str, uint64_t *ret_num)
{
	struct wh_cursor *c = &h->c;
	const struct wh_string_section *sec = NULL;
	*ret_str = NULL;
	*ret_num = 0;
	switch (form) {
	case DW_FORM_string: *ret_str = cursor_cstr(c); return NULL;
	case DW_FORM_line_strp: sec = &h->line_str; break;
	case DW_FORM_strp: sec = &h->str; break;
	case DW_FORM_udata: *ret_num = cursor_uleb(c); return NULL;
	case DW_FORM_sdata: *ret_num = (uint64_t)cursor_sleb(c); return NULL;
	case DW_FORM_data1: *ret_num = cursor_le(c, 1); return NULL;
	case DW_FORM_data2: *ret_num = cursor_le(c, 2); return NULL;
	case DW_FORM_data4: *ret_num = cursor_le(c, 4); return NULL;
	case DW_FORM_data8: *ret_num = cursor_le(c, 8); return NULL;
	case DW_FORM_data16: cursor_skip(c, 16); return NULL;
	case DW_FORM_block: cursor_skip(c, cursor_uleb(c)); return NULL;
	case DW_FORM_block1: cursor_skip(c, cursor_le(c, 1)); return NULL;
	case DW_FORM_block2: cursor_skip(c, cursor_le(c, 2)); return NULL;
	case DW_FORM_block4: cursor_skip(c, cursor_le(c, 4)); return NULL;
	default: return format_error(t, "unsupported form in the file table");
	}
	uint64_t off = cursor_le(c, h->offset_size);
	if (c->bad)
		return NULL; /* reported by the caller */
	if (!(*ret_str = wh_string_section_at(sec, off)))
		return wh_error_create(WH_ERR_FORMAT,
				       "line program at .debug_line+0x%llx: string offset 0x%llx "
				       "outside %s",
				       (unsigned long long)t->offset, (unsigned long long)off,
				       sec->name);
	return NULL;
}

struct entry_format {
	uint64_t type, form;
};

/* DWARF 5: an entry format, then COUNT entries of it; directories get
 * their path, files their path and directory index. */
static struct wh_error *read_entries(struct wh_line_table *t, struct header_reader *h, bool files)
{
	struct entry_format formats[255];
	unsigned n_formats = cursor_u8(&h->c);
	for (unsigned i = 0; i < n_formats; i++) {
		formats[i].type = cursor_uleb(&h->c);
		formats[i].form = cursor_uleb(&h->c);
	}
	uint64_t count = cursor_uleb(&h->c);
	if (h->c.bad)
		return format_error(t, "truncated entry format");
	/* Every form read takes a byte or more: a count beyond the bytes
	 * left is a lie, not an allocation to attempt. */
	if (count && (!n_formats || count > (uint64_t)(h->c.end - h->c.p)))
		return format_error(t, "entry count larger than the header");
	void *array = calloc(count ? count : 1, files ? sizeof(struct file_entry) : sizeof(char *));
	if (!array)
		return &wh_error_nomem;
	if (files) {
		t->files = array;
		t->n_files = count;
	} else {
		t->dirs = array;
		t->n_dirs = count;
	}
	for (uint64_t i = 0; i < count; i++) {
		for (unsigned j = 0; j < n_formats; j++) {
			const char *s;
			uint64_t num;
			struct wh_error *err = read_form(t, h, formats[j].form, &s, &num);
			if (err)
				return err;
			if (h->c.bad)
				return format_error(t, "truncated file table");
			if (formats[j].type == DW_LNCT_path) {
				if (!s)
					return format_error(t, "path without a string form");
				if (files)
					t->files[i].name = s;
				else
					t->dirs[i] = s;
			} else if (formats[j].type == DW_LNCT_directory_index && files) {
				if (s)
					return format_error(t, "directory index of a string form");
				t->files[i].dir = num;
			}
		}
	}
	return NULL;
}

/* DWARF 2-4: include_directories and file_names, each list ended by an
 * empty string. */
static struct wh_error *read_v4_tables(struct wh_line_table *t, struct header_reader *h)
{
	struct wh_cursor *c = &h->c;
	size_t cap = 0;
	while (cursor_need(c, 1) && *c->p) {
		void *dirs = grow(t->dirs, &cap, t->n_dirs, sizeof(*t->dirs));
		if (!dirs)
			return &wh_error_nomem;
		t->dirs = dirs;
		t->dirs[t->n_dirs++] = cursor_cstr(c);
	}
	cursor_skip(c, 1);
	cap = 0;
	while (cursor_need(c, 1) && *c->p) {
		void *files = grow(t->files, &cap, t->n_files, sizeof(*t->files));
		if (!files)
			return &wh_error_nomem;
		t->files = files;
		struct file_entry *f = &t->files[t->n_files++];
		f->name = cursor_cstr(c);
		f->dir = cursor_uleb(c);
		cursor_uleb(c); /* modification time */
		cursor_uleb(c); /* length */
		if (!c->bad && f->dir > t->n_dirs)
			return format_error(t, "file in a directory that is not listed");
	}
	cursor_skip(c, 1);
	if (c->bad)
		return format_error(t, "truncated file table");
	return NULL;
}

static struct wh_error *read_header(struct wh_line_table *t, const struct wh_line_sections *s)
{
	if (!s->line || t->offset >= s->line_size)
		return format_error(t, "offset outside .debug_line");
	struct header_reader h = {.c = {s->line + t->offset, s->line + s->line_size, false}};
	wh_string_section_init(&h.line_str, ".debug_line_str", s->line_str, s->line_str_size);
	wh_string_section_init(&h.str, ".debug_str", s->str, s->str_size);
	struct wh_cursor *c = &h.c;
	uint64_t length = cursor_le(c, 4);
	h.offset_size = 4;
	if (length == 0xffffffff) {
		length = cursor_le(c, 8);
		h.offset_size = 8;
	} else if (length >= 0xfffffff0) {
		return format_error(t, "reserved unit length");
	}
	if (c->bad || length > (uint64_t)(c->end - c->p))
		return format_error(t, "unit length past the section");
	t->end = c->p + length;
	c->end = t->end;
	t->version = (uint16_t)cursor_le(c, 2);
	if (!c->bad && (t->version < 2 || t->version > 5))
		return format_error(t, "unsupported version");
	if (t->version >= 5) {
		cursor_u8(c); /* address_size: DW_LNE_set_address has its own length */
		cursor_u8(c); /* segment_selector_size */
	}
	uint64_t header_length = cursor_le(c, h.offset_size);
	if (c->bad || header_length > (uint64_t)(c->end - c->p))
		return format_error(t, "header length past the unit");
	t->program = c->p + header_length;
	c->end = t->program;
	t->min_inst_length = cursor_u8(c);
	t->max_ops = t->version >= 4 ? cursor_u8(c) : 1;
	cursor_u8(c); /* default_is_stmt: every row counts here */
	t->line_base = (int8_t)cursor_u8(c);
	t->line_range = cursor_u8(c);
	t->opcode_base = cursor_u8(c);
	if (c->bad)
		return format_error(t, "truncated header");
	if (!t->line_range || !t->opcode_base)
		return format_error(t, "zero line_range or opcode_base");
	if (!t->max_ops)
		t->max_ops = 1;
	t->std_lengths = c->p;
	cursor_skip(c, t->opcode_base - 1u);
	if (c->bad)
		return format_error(t, "truncated standard_opcode_lengths");
	if (t->version < 5)
		return read_v4_tables(t, &h);
	struct wh_error *err = read_entries(t, &h, false);
	if (!err)
		err = read_entries(t, &h, true);
	return err;
}

/* ---- the line program ---- */

struct registers {
	uint64_t address, op_index, file, line;
	uint64_t valid_file; /* not a register: the last file seen valid */
};

static void reset(struct registers *r)
{
	r->address = 0;
	r->op_index = 0;
	r->file = 1;
	r->line = 1;
}

/* DWARF 4 6.2.5.1: "operation advance", in VLIW bundles when max_ops > 1. */
static void advance(const struct wh_line_table *t, struct registers *r, uint64_t ops)
{
	if (t->max_ops == 1) {
		r->address += t->min_inst_length * ops;
		return;
	}
	uint64_t total = r->op_index + ops;
	r->address += t->min_inst_length * (total / t->max_ops);
	r->op_index = total % t->max_ops;
}

/* The entry file register FILE names, NULL when none valid. */
static const struct file_entry *file_entry(const struct wh_line_table *t, uint64_t file)
{
	if (t->version < 5) {
		if (!file)
			return NULL;
		file--;
	}
	const struct file_entry *f;
	if (file < t->n_files)
		f = &t->files[file];
	else if (file - t->n_files < t->n_defined)
		f = &t->defined[file - t->n_files];
	else
		return NULL;
	if (!f->name)
		return NULL;
	if (t->version < 5)
		return f->dir <= t->n_dirs ? f : NULL;
	/* A DWARF 5 directory need not have had a DW_LNCT_path. */
	return f->dir < t->n_dirs && t->dirs[f->dir] ? f : NULL;
}

/* Append a row; one naming no valid file could never be shown, so it is
 * left out, as if it were not there. */
static struct wh_error *emit(struct wh_line_table *t, struct registers *r, bool end)
{
	if (r->file > UINT32_MAX >> 1)
		return NULL;
	/* A file once valid stays so (DW_LNE_define_file only adds). */
	if (r->file != r->valid_file) {
		if (!file_entry(t, r->file))
			return NULL;
		r->valid_file = r->file;
	}
	void *rows = grow(t->rows, &t->rows_cap, t->n_rows, sizeof(*t->rows));
	if (!rows)
		return &wh_error_nomem;
	t->rows = rows;
	if (!t->n_rows || r->address < t->rows[t->n_rows - 1].address) {
		void *runs = grow(t->runs, &t->runs_cap, t->n_runs, sizeof(*t->runs));
		if (!runs)
			return &wh_error_nomem;
		t->runs = runs;
		t->runs[t->n_runs++] = t->n_rows;
	}
	t->rows[t->n_rows++] =
	    (struct row){r->address, (uint32_t)r->line, (uint32_t)(r->file << 1 | end)};
	return NULL;
}

static struct wh_error *define_file(struct wh_line_table *t, struct wh_cursor *c)
{
	void *defined = grow(t->defined, &t->defined_cap, t->n_defined, sizeof(*t->defined));
	if (!defined)
		return &wh_error_nomem;
	t->defined = defined;
	struct file_entry f;
	f.name = cursor_cstr(c);
	f.dir = cursor_uleb(c);
	cursor_uleb(c); /* modification time */
	cursor_uleb(c); /* length */
	if (c->bad)
		return format_error(t, "malformed DW_LNE_define_file");
	t->defined[t->n_defined++] = f;
	return NULL;
}

static struct wh_error *extended_opcode(struct wh_line_table *t, struct wh_cursor *c,
					struct registers *r)
{
	uint64_t len = cursor_uleb(c);
	if (!cursor_need(c, len))
		return format_error(t, "extended opcode past the end");
	/* The operands, by the opcode's own length: unknown ones are skipped. */
	struct wh_cursor op = {c->p, c->p + len, false};
	c->p += len;
	if (!len)
		return NULL;
	struct wh_error *err = NULL;
	switch (cursor_u8(&op)) {
	case DW_LNE_end_sequence:
		err = emit(t, r, true);
		reset(r);
		return err;
	case DW_LNE_set_address:
		if (len < 2 || len - 1 > 8)
			return format_error(t, "DW_LNE_set_address of a strange size");
		r->address = cursor_le(&op, (unsigned)(len - 1));
		r->op_index = 0;
		return NULL;
	case DW_LNE_define_file:
		/* Reserved in DWARF 5, where the header lists every file. */
		return t->version < 5 ? define_file(t, &op) : NULL;
	default: return NULL; /* DW_LNE_set_discriminator, vendor opcodes */
	}
}

static struct wh_error *standard_opcode(struct wh_line_table *t, struct wh_cursor *c,
					struct registers *r, uint8_t opcode)
{
	/* Opcodes we do not know, or whose operand count the header
	 * redefines, are skipped by that count of ULEB128 operands. */
	unsigned n = t->std_lengths[opcode - 1];
	if (opcode > N_STANDARD_OPCODES || n != standard_operands[opcode - 1]) {
		for (unsigned i = 0; i < n; i++)
			cursor_uleb(c);
		return NULL;
	}
	switch (opcode) {
	case DW_LNS_copy: return emit(t, r, false);
	case DW_LNS_advance_pc: advance(t, r, cursor_uleb(c)); break;
	case DW_LNS_advance_line: r->line += (uint64_t)cursor_sleb(c); break;
	case DW_LNS_set_file: r->file = cursor_uleb(c); break;
	case DW_LNS_set_column: cursor_uleb(c); break;
	case DW_LNS_const_add_pc: advance(t, r, (255u - t->opcode_base) / t->line_range); break;
	case DW_LNS_fixed_advance_pc:
		r->address += cursor_le(c, 2);
		r->op_index = 0;
		break;
	case DW_LNS_set_isa: cursor_uleb(c); break;
	default: break; /* negate_stmt, basic_block, prologue_end, epilogue_begin */
	}
	return NULL;
}

/* Run the program once, keeping its rows. */
static struct wh_error *decode_program(struct wh_line_table *t)
{
	struct wh_cursor c = {t->program, t->end, false};
	struct registers r = {.valid_file = UINT64_MAX};
	struct wh_error *err = NULL;
	reset(&r);
	/* Every opcode takes a byte or more: the loop ends with the program. */
	while (!err && c.p < c.end) {
		uint8_t opcode = cursor_u8(&c);
		if (opcode >= t->opcode_base) {
			unsigned adjusted = opcode - t->opcode_base;
			advance(t, &r, adjusted / t->line_range);
			r.line +=
			    (uint64_t)(int64_t)(t->line_base + (int)(adjusted % t->line_range));
			err = emit(t, &r, false);
		} else if (!opcode) {
			err = extended_opcode(t, &c, &r);
		} else {
			err = standard_opcode(t, &c, &r, opcode);
		}
		if (!err && c.bad)
			err = format_error(t, "truncated opcode");
	}
	if (err)
		return err;
	if (t->n_rows < t->rows_cap) {
		struct row *shrunk =
		    realloc(t->rows, (t->n_rows ? t->n_rows : 1) * sizeof(*t->rows));
		if (shrunk) {
			t->rows = shrunk;
			t->rows_cap = t->n_rows ? t->n_rows : 1;
		}
	}
	return NULL;
}

struct wh_error *wh_line_table_create(const struct wh_line_sections *sections, uint64_t offset,
				      const char *comp_dir, struct wh_line_table **ret)
{
	struct wh_line_table *t = calloc(1, sizeof(*t));
	if (!t)
		return &wh_error_nomem;
	t->offset = offset;
	struct wh_error *err = NULL;
	if (comp_dir && !(t->comp_dir = strdup(comp_dir)))
		err = &wh_error_nomem;
	if (!err)
		err = read_header(t, sections);
	if (!err)
		err = decode_program(t);
	if (err) {
		wh_line_table_destroy(t);
		return err;
	}
	*ret = t;
	return NULL;
}

void wh_line_table_destroy(struct wh_line_table *t)
{
	if (!t)
		return;
	free(t->dirs);
	free(t->files);
	free(t->defined);
	free(t->comp_dir);
	free(t->rows);
	free(t->runs);
	free(t->name);
	free(t);
}

/* ---- lookups ---- */

/* Append PART to the name being built at T->name[*LEN], with one '/'
 * between it and what is there (none before the first part). */
static struct wh_error *join(struct wh_line_table *t, size_t *len, const char *part)
{
	if (*len && t->name[*len - 1] == '/' && part[0] == '/')
		part++;
	bool slash = *len && t->name[*len - 1] != '/' && part[0] != '/';
	size_t n = strlen(part), size = *len + slash + n + 1;
	if (size > t->name_cap) {
		char *p = realloc(t->name, size);
		if (!p)
			return &wh_error_nomem;
		t->name = p;
		t->name_cap = size;
	}
	if (slash)
		t->name[(*len)++] = '/';
	memcpy(t->name + *len, part, n + 1);
	*len += n;
	return NULL;
}

/* Directory and name of F joined, relative to the compilation directory:
 * an absolute name stands alone, a name in an absolute directory is
 * joined to it, anything else to the compilation directory too. */
static struct wh_error *file_name(struct wh_line_table *t, const struct file_entry *f,
				  const char **ret)
{
	const char *dir = NULL;
	if (t->version >= 5)
		dir = t->dirs[f->dir];
	else if (f->dir)
		dir = t->dirs[f->dir - 1];
	/* DWARF 5's directory 0 is the compilation directory itself. */
	if (t->version >= 5 && !f->dir && dir[0] != '/')
		dir = NULL;
	const char *parts[3] = {NULL, NULL, f->name};
	if (f->name[0] != '/') {
		parts[1] = dir && dir[0] ? dir : NULL;
		if (!dir || dir[0] != '/')
			parts[0] = t->comp_dir && t->comp_dir[0] ? t->comp_dir : NULL;
	}
	size_t len = 0;
	for (int i = 0; i < 3; i++) {
		struct wh_error *err = parts[i] ? join(t, &len, parts[i]) : NULL;
		if (err)
			return err;
	}
	*ret = t->name;
	if (t->comp_dir) {
		size_t n = strlen(t->comp_dir);
		if (!strncmp(t->name, t->comp_dir, n) && t->name[n] == '/')
			*ret = t->name + n + 1;
	}
	return NULL;
}

static bool is_end(const struct row *r)
{
	return r->file_end & 1;
}

/* Of rows [FIRST, LAST) (nondecreasing addresses), the best for ADDR (see
 * wh_line_table_find()), or NULL when all are past it. */
static const struct row *best_in_run(const struct wh_line_table *t, size_t first, size_t last,
				     uint64_t addr)
{
	size_t lo = first, hi = last;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->rows[mid].address <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == first)
		return NULL;
	size_t i = lo - 1, j = i;
	/* Among rows at one address, the last that starts code. */
	while (j > first && is_end(&t->rows[j]) && t->rows[j - 1].address == t->rows[i].address)
		j--;
	return is_end(&t->rows[j]) ? &t->rows[i] : &t->rows[j];
}

struct wh_error *wh_line_table_find(struct wh_line_table *t, uint64_t addr, const char **ret_file,
				    unsigned *ret_line)
{
	const struct row *best = NULL;
	for (size_t k = 0; k < t->n_runs; k++) {
		size_t last = k + 1 < t->n_runs ? t->runs[k + 1] : t->n_rows;
		const struct row *r = best_in_run(t, t->runs[k], last, addr);
		/* Later runs win ties, except an end of sequence over a start. */
		if (r && (!best || r->address > best->address ||
			  (r->address == best->address && (!is_end(r) || is_end(best)))))
			best = r;
	}
	if (!best || is_end(best))
		return wh_error_create(WH_ERR_ABSENT, "no line for 0x%llx",
				       (unsigned long long)addr);
	struct wh_error *err = file_name(t, file_entry(t, best->file_end >> 1), ret_file);
	if (err)
		return err;
	*ret_line = best->line;
	return NULL;
}

struct wh_error *wh_line_table_file(struct wh_line_table *t, uint64_t index, const char **ret_file)
{
	const struct file_entry *f = file_entry(t, index);
	if (!f)
		return wh_error_create(WH_ERR_ABSENT,
				       "line program at .debug_line+0x%llx: no file %llu",
				       (unsigned long long)t->offset, (unsigned long long)index);
	return file_name(t, f, ret_file);
}
