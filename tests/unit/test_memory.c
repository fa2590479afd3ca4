/* Memory layer on synthetic dumps: page-crossing reads, excluded pages,
 * faults, bounded strings, and the list walker's corruption checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dump.h"
#include "kernel.h"
#include "list_walk.h"

enum { BASE = 0x100000, PAGES = 4, PAGE = 4096 };

static unsigned char mem[PAGES * PAGE];
static unsigned char excluded_page[PAGE];

struct fixture {
	struct wh_dump *dump;
	struct wh_kernel k;
};

static int setup(void **state)
{
	static struct fixture f;
	static const struct wh_dump_segment segs[] = {
		{.address = BASE, .size = sizeof(mem), .data = mem},
		{.address = BASE + sizeof(mem), .size = PAGE, .data = excluded_page, .excluded = true},
	};
	memset(mem, 0, sizeof(mem));
	for (size_t i = 0; i < sizeof(mem); i++)
		mem[i] = (unsigned char)(i * 7);
	assert_null(wh_dump_create_synthetic(segs, 2, "6.1.0-test", &f.dump));
	memset(&f.k, 0, sizeof(f.k));
	f.k.dump = f.dump;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	wh_dump_destroy(f->dump);
	return 0;
}

static void test_read_across_pages(void **state)
{
	struct fixture *f = *state;
	unsigned char buf[64];
	assert_null(wh_dump_read(f->dump, BASE + PAGE - 32, buf, sizeof(buf)));
	assert_memory_equal(buf, mem + PAGE - 32, sizeof(buf));
	/* Second read is served by the cache. */
	struct wh_dump_stats before, after;
	wh_dump_get_stats(f->dump, &before);
	assert_null(wh_dump_read(f->dump, BASE + PAGE - 16, buf, 32));
	wh_dump_get_stats(f->dump, &after);
	assert_int_equal(after.page_reads, before.page_reads);
	assert_true(after.cache_hits > before.cache_hits);
}

static void test_excluded_and_unmapped(void **state)
{
	struct fixture *f = *state;
	uint64_t v;
	struct wh_error *err = wh_dump_read_u64(f->dump, BASE + sizeof(mem) + 8, &v);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_EXCLUDED);
	assert_int_equal(err->address, BASE + sizeof(mem) + 8);
	wh_error_destroy(err);
	/* A read straddling into the excluded page fails as excluded too. */
	err = wh_dump_read_u64(f->dump, BASE + sizeof(mem) - 4, &v);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_EXCLUDED);
	wh_error_destroy(err);
	err = wh_dump_read_u64(f->dump, 0xdead0000, &v);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_FAULT);
	wh_error_destroy(err);
	struct wh_dump_stats st;
	wh_dump_get_stats(f->dump, &st);
	assert_true(st.excluded_reads >= 2);
}

static void test_cstr_is_bounded(void **state)
{
	teardown(state); /* drop pages cached by earlier tests */
	setup(state);
	struct fixture *f = *state;
	memset(mem + 2 * PAGE, 'x', PAGE); /* no NUL for a whole page */
	char buf[32];
	assert_null(wh_dump_read_cstr(f->dump, BASE + 2 * PAGE + 100, buf, sizeof(buf)));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	/* The string ends right before an excluded page: no read beyond NUL. */
	memcpy(mem + 4 * PAGE - 3, "ab", 3);
	assert_null(wh_dump_read_cstr(f->dump, BASE + 4 * PAGE - 3, buf, sizeof(buf)));
	assert_string_equal(buf, "ab");
}

/* ---- list walking ---- */

struct collected {
	uint64_t nodes[16];
	size_t n;
};

static struct wh_error *collect(void *arg, uint64_t node, bool *stop)
{
	struct collected *c = arg;
	if (c->n < 16)
		c->nodes[c->n++] = node;
	return NULL;
}

static void put_u64(uint64_t addr, uint64_t v)
{
	memcpy(mem + (addr - BASE), &v, sizeof(v));
}

/* head at BASE, nodes at BASE+0x100*i (i = 1..n), doubly linked. */
static void make_list(unsigned n)
{
	memset(mem, 0, PAGE);
	uint64_t head = BASE;
	uint64_t prev = head;
	for (unsigned i = 1; i <= n; i++) {
		uint64_t node = BASE + 0x100 * i;
		put_u64(prev, node);
		put_u64(node + 8, prev);
		prev = node;
	}
	put_u64(prev, head);
	put_u64(head + 8, prev);
}

static void test_list_walk_in_order(void **state)
{
	struct fixture *f = *state;
	make_list(5);
	wh_dump_destroy(f->dump);
	setup(state);
	make_list(5);
	struct collected c = {0};
	assert_null(wh_list_walk(&f->k, BASE, 100, collect, &c));
	assert_int_equal(c.n, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(c.nodes[i], BASE + 0x100 * (i + 1));
}

static void fresh(void **state)
{
	teardown(state);
	setup(state);
}

static void test_list_walk_detects_loop(void **state)
{
	struct fixture *f = *state;
	fresh(state);
	f = *state;
	make_list(4);
	/* node 4 points back to node 2 and node 2's prev is made consistent
	 * with node 4, so only the cycle check can catch it. */
	put_u64(BASE + 0x400, BASE + 0x200);
	put_u64(BASE + 0x200 + 8, BASE + 0x400);
	put_u64(BASE + 0x100, BASE + 0x200);
	struct collected c = {0};
	struct wh_error *err = wh_list_walk(&f->k, BASE, 100, collect, &c);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	wh_error_destroy(err);
	assert_true(c.n <= 4); /* partial results are kept */
}

static void test_list_walk_detects_bad_prev(void **state)
{
	fresh(state);
	struct fixture *f = *state;
	make_list(3);
	put_u64(BASE + 0x300 + 8, BASE + 0x999);
	struct collected c = {0};
	struct wh_error *err = wh_list_walk(&f->k, BASE, 100, collect, &c);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	assert_int_equal(err->address, BASE + 0x300);
	wh_error_destroy(err);
	assert_int_equal(c.n, 2);
}

static void test_list_walk_bounded_and_into_excluded(void **state)
{
	fresh(state);
	struct fixture *f = *state;
	make_list(6);
	struct collected c = {0};
	struct wh_error *err = wh_list_walk(&f->k, BASE, 3, collect, &c);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	wh_error_destroy(err);
	assert_int_equal(c.n, 3);
	fresh(state);
	f = *state;
	make_list(2);
	put_u64(BASE + 0x200, BASE + sizeof(mem) + 0x40); /* next lies in an excluded page */
	memset(&c, 0, sizeof(c));
	err = wh_list_walk(&f->k, BASE, 100, collect, &c);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_EXCLUDED);
	wh_error_destroy(err);
	assert_int_equal(c.n, 2);
	fresh(state);
	f = *state;
	make_list(1);
	put_u64(BASE + 0x100, 0); /* NULL next */
	err = wh_list_walk(&f->k, BASE, 100, collect, &c);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	wh_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_across_pages),
		cmocka_unit_test(test_excluded_and_unmapped),
		cmocka_unit_test(test_cstr_is_bounded),
		cmocka_unit_test(test_list_walk_in_order),
		cmocka_unit_test(test_list_walk_detects_loop),
		cmocka_unit_test(test_list_walk_detects_bad_prev),
		cmocka_unit_test(test_list_walk_bounded_and_into_excluded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
