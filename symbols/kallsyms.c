#include "kallsyms.h"
#include "name_map.h"

#include <stdlib.h>
#include <string.h>

/* KSYM_NAME_LEN is 512 since 6.1 (128 before); a longer name is corrupt. */
enum { MAX_NAME = 512 };
/* Distribution kernels have ~200,000 symbols; allow ten times that. */
static const uint64_t MAX_SYMS = 4u << 20;
/* Below this an ABSOLUTE_PERCPU address is a per-CPU offset. */
static const uint64_t KERNEL_SPACE = 0xffff800000000000ull;

struct ksym {
	uint64_t address;
	uint32_t name; /* offset in strings */
	char type;
	bool percpu;
};

struct wh_kallsyms {
	struct ksym *syms; /* sorted by address */
	size_t n;
	char *strings;
	size_t strings_size;
	struct wh_name_map by_name; /* name -> index in syms */
};

static int by_address(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

/* Expand entry I at *POS of the names table into OUT (NUL-terminated). */
static struct wh_error *expand(const struct wh_kallsyms_tables *t, uint64_t i, size_t *pos,
			       char *out, size_t *ret_len)
{
	if (*pos >= t->names_size)
		return wh_error_create(WH_ERR_FORMAT, "kallsyms symbol %llu: names table ends",
				       (unsigned long long)i);
	size_t len = t->names[(*pos)++];
	if (len & 0x80) {
		if (*pos >= t->names_size)
			return wh_error_create(WH_ERR_FORMAT,
					       "kallsyms symbol %llu: names table ends",
					       (unsigned long long)i);
		len = (len & 0x7f) | (size_t)t->names[(*pos)++] << 7;
	}
	if (len == 0 || len > t->names_size - *pos)
		return wh_error_create(WH_ERR_FORMAT,
				       "kallsyms symbol %llu: length %zu out of range",
				       (unsigned long long)i, len);
	size_t n = 0;
	for (size_t k = 0; k < len; k++) {
		uint16_t off = t->token_index[t->names[*pos + k]];
		if (off >= t->token_table_size)
			return wh_error_create(WH_ERR_FORMAT,
					       "kallsyms token %u at offset %u out of range",
					       t->names[*pos + k], off);
		const unsigned char *tok = t->token_table + off;
		size_t tlen = strnlen((const char *)tok, t->token_table_size - off);
		if (tlen == t->token_table_size - off)
			return wh_error_create(WH_ERR_FORMAT, "kallsyms token %u is not terminated",
					       t->names[*pos + k]);
		if (n + tlen >= MAX_NAME + 1)
			return wh_error_create(WH_ERR_FORMAT,
					       "kallsyms symbol %llu: name longer than %d",
					       (unsigned long long)i, MAX_NAME);
		memcpy(out + n, tok, tlen);
		n += tlen;
	}
	*pos += len;
	out[n] = '\0';
	if (n < 2)
		return wh_error_create(WH_ERR_FORMAT, "kallsyms symbol %llu has no name",
				       (unsigned long long)i);
	*ret_len = n;
	return NULL;
}

static bool absolute_percpu(const struct wh_kallsyms_tables *t)
{
	for (uint64_t i = 0; i < t->num_syms; i++)
		if (t->offsets[i] < 0)
			return true;
	return false;
}

static struct wh_error *add_string(struct wh_kallsyms *ks, const char *s, size_t len, size_t *cap,
				   uint32_t *ret)
{
	if (ks->strings_size + len + 1 > *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 1 << 20;
		while (grown_cap < ks->strings_size + len + 1)
			grown_cap *= 2;
		char *grown = realloc(ks->strings, grown_cap);
		if (!grown)
			return &wh_error_nomem;
		ks->strings = grown;
		*cap = grown_cap;
	}
	if (ks->strings_size > UINT32_MAX)
		return wh_error_create(WH_ERR_FORMAT, "kallsyms names too large");
	*ret = (uint32_t)ks->strings_size;
	memcpy(ks->strings + ks->strings_size, s, len + 1);
	ks->strings_size += len + 1;
	return NULL;
}

static struct wh_error *decode(struct wh_kallsyms *ks, const struct wh_kallsyms_tables *t)
{
	if (t->num_syms == 0 || t->num_syms > MAX_SYMS)
		return wh_error_create(WH_ERR_FORMAT, "implausible kallsyms_num_syms %llu",
				       (unsigned long long)t->num_syms);
	if (!t->names || !t->token_table || !t->token_index || (!t->offsets && !t->addresses))
		return wh_error_create(WH_ERR_FORMAT, "kallsyms tables missing");
	ks->syms = calloc(t->num_syms, sizeof(*ks->syms));
	if (!ks->syms)
		return &wh_error_nomem;
	bool abs_percpu = t->offsets && absolute_percpu(t);
	size_t pos = 0, cap = 0;
	char name[MAX_NAME + 2];
	for (uint64_t i = 0; i < t->num_syms; i++) {
		size_t len = 0;
		struct ksym *s = &ks->syms[i];
		struct wh_error *err = expand(t, i, &pos, name, &len);
		if (!err)
			err = add_string(ks, name + 1, len - 1, &cap, &s->name);
		if (err)
			return err;
		s->type = name[0];
		if (!t->offsets)
			s->address = t->addresses[i];
		else if (!abs_percpu)
			s->address = t->relative_base + (uint32_t)t->offsets[i];
		else if (t->offsets[i] >= 0)
			s->address = (uint64_t)t->offsets[i];
		else
			s->address = t->relative_base - 1 - (uint64_t)(int64_t)t->offsets[i];
		s->percpu = s->address < KERNEL_SPACE;
	}
	ks->n = t->num_syms;
	/* The kernel sorts its table by address (scripts/kallsyms.c); sort
	 * only what is not. */
	bool in_order = true;
	for (size_t i = 1; i < ks->n && in_order; i++)
		in_order = by_address(&ks->syms[i - 1], &ks->syms[i]) <= 0;
	if (!in_order)
		qsort(ks->syms, ks->n, sizeof(*ks->syms), by_address);
	/* Index names after sorting (the map holds indices). Globals (upper
	 * case) first, as ELF lookups prefer them. */
	struct wh_error *err = wh_name_map_reserve(&ks->by_name, ks->n);
	if (err)
		return err;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ks->n; i++) {
			bool global = ks->syms[i].type >= 'A' && ks->syms[i].type <= 'Z';
			if (global != (pass == 0))
				continue;
			err = wh_name_map_add(&ks->by_name, 0, ks->strings + ks->syms[i].name, i);
			if (err)
				return err;
		}
	return NULL;
}

struct wh_error *wh_kallsyms_create(const struct wh_kallsyms_tables *tables,
				    struct wh_kallsyms **ret)
{
	struct wh_kallsyms *ks = calloc(1, sizeof(*ks));
	if (!ks)
		return &wh_error_nomem;
	wh_name_map_init(&ks->by_name);
	struct wh_error *err = decode(ks, tables);
	if (err) {
		wh_kallsyms_destroy(ks);
		return wh_error_wrap(err, "decoding kallsyms");
	}
	*ret = ks;
	return NULL;
}

void wh_kallsyms_destroy(struct wh_kallsyms *ks)
{
	if (!ks)
		return;
	wh_name_map_deinit(&ks->by_name);
	free(ks->syms);
	free(ks->strings);
	free(ks);
}

size_t wh_kallsyms_count(const struct wh_kallsyms *ks)
{
	return ks->n;
}

/* Size: to the next symbol at a higher address (0 for the last). */
static void fill(const struct wh_kallsyms *ks, size_t i, struct wh_symbol *ret)
{
	const struct ksym *s = &ks->syms[i];
	memset(ret, 0, sizeof(*ret));
	ret->name = ks->strings + s->name;
	ret->address = s->address;
	for (size_t j = i + 1; j < ks->n; j++)
		if (ks->syms[j].address > s->address) {
			ret->size = ks->syms[j].address - s->address;
			break;
		}
	ret->type = (unsigned char)s->type;
	ret->global = s->type >= 'A' && s->type <= 'Z';
	ret->percpu = s->percpu;
}

void wh_kallsyms_at(const struct wh_kallsyms *ks, size_t i, struct wh_symbol *ret)
{
	fill(ks, i < ks->n ? i : ks->n - 1, ret);
}

struct wh_error *wh_kallsyms_symbol(const struct wh_kallsyms *ks, const char *name,
				    struct wh_symbol *ret)
{
	uint64_t i;
	if (!wh_name_map_get(&ks->by_name, 0, name, &i))
		return wh_error_create(WH_ERR_ABSENT, "no symbol %s in kallsyms", name);
	fill(ks, (size_t)i, ret);
	return NULL;
}

/* Section boundaries the linker script defines (_stext,
 * __sched_text_start, __start_BTF, ...) share their address with the
 * first function there; a stack names the function. */
static bool is_boundary(const char *name)
{
	static const char *const exact[] = {"_stext", "_etext", "_sinittext", "_einittext",
					    "_text",  "_end",	NULL};
	for (const char *const *e = exact; *e; e++)
		if (!strcmp(name, *e))
			return true;
	if (!strncmp(name, "__start_", 8) || !strncmp(name, "__stop_", 7))
		return true;
	size_t n = strlen(name);
	return name[0] == '_' && ((n > 11 && !strcmp(name + n - 11, "_text_start")) ||
				  (n > 9 && !strcmp(name + n - 9, "_text_end")));
}

struct wh_error *wh_kallsyms_symbolize(const struct wh_kallsyms *ks, uint64_t addr,
				       struct wh_symbol *ret, uint64_t *ret_offset)
{
	/* The last symbol at or below ADDR (functions and data alike, as
	 * objects are named too); per-CPU offsets are not addresses. */
	size_t lo = 0, hi = ks->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ks->syms[mid].address <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0;) {
		if (ks->syms[i].percpu)
			continue;
		/* Of the symbols at this address, the first that is not a
		 * boundary (the last one when all are). */
		for (size_t j = i; j-- > 0 && ks->syms[j].address == ks->syms[i].address;)
			if (!ks->syms[j].percpu && is_boundary(ks->strings + ks->syms[i].name) &&
			    !is_boundary(ks->strings + ks->syms[j].name))
				i = j;
		fill(ks, i, ret);
		*ret_offset = addr - ret->address;
		return NULL;
	}
	return wh_error_at(WH_ERR_ABSENT, addr, "no kallsyms symbol at 0x%llx",
			   (unsigned long long)addr);
}
