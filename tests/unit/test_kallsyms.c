/* The kallsyms decoder (symbols/kallsyms.c) on tables laid out here as
 * scripts/kallsyms.c lays them out: tokens of one and several characters,
 * a two-byte ("big", 6.1+) length, relative and absolute-per-CPU
 * offsets, 64-bit addresses; then hostile tables: truncated names, token
 * numbers past the token table, unterminated tokens, fewer entries than
 * kallsyms_num_syms, absurd counts, names too long. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kallsyms.h"

static const uint64_t BASE = 0xffffffff81000000ull;

struct tables {
	unsigned char names[8192];
	size_t names_len;
	unsigned char token_table[2048];
	uint16_t token_index[256];
	int32_t offsets[64];
	uint64_t addresses[64];
	unsigned n;
	struct wh_kallsyms_tables t;
};

/* Token k is the character k, except 0x80 "sched" and 0x81 "ule". */
static void tokens(struct tables *tb)
{
	size_t pos = 0;
	for (unsigned k = 0; k < 256; k++) {
		const char *multi = k == 0x80 ? "sched" : k == 0x81 ? "ule" : NULL;
		tb->token_index[k] = (uint16_t)pos;
		if (multi) {
			strcpy((char *)tb->token_table + pos, multi);
			pos += strlen(multi) + 1;
		} else {
			tb->token_table[pos++] = (unsigned char)(k ? k : '?');
			tb->token_table[pos++] = 0;
		}
	}
}

/* Symbol TYPE NAME at OFFSET, NAME spelled one token per character
 * except "schedule", which becomes two tokens. */
static void sym(struct tables *tb, char type, const char *name, int32_t offset, uint64_t address)
{
	unsigned char toks[600];
	size_t n = 0;
	toks[n++] = (unsigned char)type;
	for (const char *p = name; *p;) {
		if (!strncmp(p, "schedule", 8)) {
			toks[n++] = 0x80;
			toks[n++] = 0x81;
			p += 8;
		} else {
			toks[n++] = (unsigned char)*p++;
		}
	}
	if (n < 128) {
		tb->names[tb->names_len++] = (unsigned char)n;
	} else {
		tb->names[tb->names_len++] = (unsigned char)(0x80 | (n & 0x7f));
		tb->names[tb->names_len++] = (unsigned char)(n >> 7);
	}
	memcpy(tb->names + tb->names_len, toks, n);
	tb->names_len += n;
	tb->offsets[tb->n] = offset;
	tb->addresses[tb->n] = address;
	tb->n++;
}

static void finish(struct tables *tb)
{
	tb->t = (struct wh_kallsyms_tables){
	    .num_syms = tb->n,
	    .names = tb->names,
	    .names_size = tb->names_len,
	    .token_table = tb->token_table,
	    .token_table_size = sizeof(tb->token_table),
	    .token_index = tb->token_index,
	    .offsets = tb->offsets,
	    .relative_base = BASE,
	};
}

/* A 6.1 x86-64 style table: absolute per-CPU; a negative entry E is at
 * BASE - 1 - E. */
static void sample(struct tables *tb)
{
	memset(tb, 0, sizeof(*tb));
	tokens(tb);
	sym(tb, 'T', "_stext", -1, 0);			    /* BASE */
	sym(tb, 'T', "__sched_text_start", -1 - 0x1000, 0); /* BASE + 0x1000 */
	sym(tb, 'T', "schedule", -1 - 0x1000, 0);	    /* BASE + 0x1000 */
	sym(tb, 't', "schedule_timeout", -1 - 0x1080, 0);   /* BASE + 0x1080 */
	sym(tb, 'D', "init_task", -1 - 0x200000, 0);	    /* BASE + 0x200000 */
	sym(tb, 'D', "runqueues", 0x2c000, 0);		    /* per-CPU */
	char longname[300];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	sym(tb, 't', longname, -1 - 0x2000, 0); /* BASE + 0x2000, a two-byte length */
	finish(tb);
}

static void test_decode(void **state)
{
	(void)state;
	struct tables tb;
	sample(&tb);
	struct wh_kallsyms *ks;
	struct wh_error *err = wh_kallsyms_create(&tb.t, &ks);
	if (err)
		fail_msg("%s", err->message);
	assert_int_equal(wh_kallsyms_count(ks), 7);
	struct wh_symbol s;
	assert_null(wh_kallsyms_symbol(ks, "schedule", &s));
	assert_true(s.address == BASE + 0x1000);
	assert_int_equal(s.size, 0x80);
	assert_true(s.global);
	assert_null(wh_kallsyms_symbol(ks, "runqueues", &s));
	assert_true(s.percpu);
	assert_int_equal(s.address, 0x2c000);
	assert_null(wh_kallsyms_symbol(ks, "init_task", &s));
	assert_false(s.percpu);
	assert_true(s.address == BASE + 0x200000);
	uint64_t off;
	/* A function, not the section boundary at its address. */
	assert_null(wh_kallsyms_symbolize(ks, BASE + 0x1004, &s, &off));
	assert_string_equal(s.name, "schedule");
	assert_int_equal(off, 4);
	assert_null(wh_kallsyms_symbolize(ks, BASE + 0x10a0, &s, &off));
	assert_string_equal(s.name, "schedule_timeout");
	assert_int_equal(off, 0x20);
	assert_null(wh_kallsyms_symbolize(ks, BASE + 0x2005, &s, &off));
	assert_int_equal(strlen(s.name), 299);
	/* Data is named too (objects in the report); sizes run to the next. */
	assert_null(wh_kallsyms_symbolize(ks, BASE + 0x200008, &s, &off));
	assert_string_equal(s.name, "init_task");
	assert_int_equal(off, 8);
	err = wh_kallsyms_symbolize(ks, BASE - 1, &s, &off);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
	err = wh_kallsyms_symbol(ks, "nope", &s);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
	wh_kallsyms_destroy(ks);
}

/* Relative offsets (no absolute per-CPU) and 64-bit addresses. */
static void test_other_forms(void **state)
{
	(void)state;
	struct tables tb;
	memset(&tb, 0, sizeof(tb));
	tokens(&tb);
	sym(&tb, 'T', "a", 0x10, BASE + 0x10);
	sym(&tb, 'T', "b", 0x20, BASE + 0x20);
	finish(&tb);
	struct wh_kallsyms *ks;
	struct wh_symbol s;
	assert_null(wh_kallsyms_create(&tb.t, &ks));
	assert_null(wh_kallsyms_symbol(ks, "b", &s));
	assert_true(s.address == BASE + 0x20);
	wh_kallsyms_destroy(ks);
	tb.t.offsets = NULL;
	tb.t.addresses = tb.addresses;
	tb.addresses[1] = BASE + 0x999;
	assert_null(wh_kallsyms_create(&tb.t, &ks));
	assert_null(wh_kallsyms_symbol(ks, "b", &s));
	assert_true(s.address == BASE + 0x999);
	wh_kallsyms_destroy(ks);
}

static void fails(const struct wh_kallsyms_tables *t, const char *needle)
{
	struct wh_kallsyms *ks = NULL;
	struct wh_error *err = wh_kallsyms_create(t, &ks);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_FORMAT);
	if (!strstr(err->message, needle))
		fail_msg("\"%s\" does not say \"%s\"", err->message, needle);
	wh_error_destroy(err);
}

static void test_hostile(void **state)
{
	(void)state;
	struct tables tb;
	sample(&tb);
	/* Every truncation of the names table. */
	for (size_t len = 0; len < tb.names_len; len++) {
		struct wh_kallsyms_tables t = tb.t;
		t.names_size = len;
		struct wh_kallsyms *ks;
		struct wh_error *err = wh_kallsyms_create(&t, &ks);
		if (!err)
			fail_msg("names cut to %zu of %zu decoded", len, tb.names_len);
		assert_int_equal(err->code, WH_ERR_FORMAT);
		wh_error_destroy(err);
	}
	/* More symbols announced than there are. */
	struct wh_kallsyms_tables t = tb.t;
	t.num_syms = tb.n + 1;
	t.offsets = tb.offsets; /* (64 entries: the offsets are there) */
	fails(&t, "names table ends");
	t = tb.t;
	t.num_syms = 0;
	fails(&t, "implausible kallsyms_num_syms 0");
	t.num_syms = 1ull << 40;
	fails(&t, "implausible");
	/* A token whose offset is past the token table. */
	sample(&tb);
	tb.token_index['s'] = 0xffff;
	fails(&tb.t, "out of range");
	/* A token running to the table's end without a NUL. */
	sample(&tb);
	memset(tb.token_table, 'z', sizeof(tb.token_table));
	fails(&tb.t, "not terminated");
	/* A name longer than KSYM_NAME_LEN: 0x80 ("sched") 200 times. */
	memset(&tb, 0, sizeof(tb));
	tokens(&tb);
	tb.names[0] = 0x80 | (201 & 0x7f);
	tb.names[1] = 201 >> 7;
	tb.names[2] = 'T';
	memset(tb.names + 3, 0x80, 200);
	tb.names_len = 203;
	tb.n = 1;
	finish(&tb);
	fails(&tb.t, "longer than");
	/* Tables missing. */
	t = tb.t;
	t.token_index = NULL;
	fails(&t, "missing");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_other_forms),
	    cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
