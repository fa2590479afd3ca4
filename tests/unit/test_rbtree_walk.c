/* The rbtree walker on synthetic memory: in-order visits (the rt_mutex
 * wake order), and a hostile tree's loop, a child outside the dump, a
 * misaligned child and a degenerate deep chain each reported as an error
 * with the nodes visited before it kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dump.h"
#include "kernel.h"
#include "rbtree_walk.h"

enum { BASE = 0x200000, SIZE = 64 * 4096, NODE = 0x40 };
/* struct rb_node: __rb_parent_color, rb_right, rb_left. */
static const struct wh_rbtree_layout layout = {.left_off = 16, .right_off = 8};

static unsigned char mem[SIZE];

struct fixture {
	struct wh_dump *dump;
	struct wh_kernel k;
};

static int setup(void **state)
{
	static struct fixture f;
	static const struct wh_dump_segment segs[] = {{.address = BASE, .size = SIZE, .data = mem}};
	memset(mem, 0, sizeof(mem));
	assert_null(wh_dump_create_synthetic(segs, 1, "6.12.0-test", &f.dump));
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

static uint64_t node(unsigned i)
{
	return BASE + (uint64_t)i * NODE;
}

static void put(uint64_t addr, uint64_t v)
{
	memcpy(mem + (addr - BASE), &v, 8);
}

static void link(unsigned parent, unsigned left, unsigned right)
{
	put(node(parent) + layout.left_off, left ? node(left) : 0);
	put(node(parent) + layout.right_off, right ? node(right) : 0);
}

struct collected {
	uint64_t nodes[4096];
	size_t n;
};

static struct wh_error *collect(void *arg, uint64_t n, bool *stop)
{
	struct collected *c = arg;
	c->nodes[c->n++] = n;
	return NULL;
}

/* Keys 1..7 at nodes 1..7 in a balanced tree rooted at 4. */
static void balanced(void)
{
	link(4, 2, 6);
	link(2, 1, 3);
	link(6, 5, 7);
	for (unsigned i = 1; i <= 7; i += 2)
		link(i, 0, 0);
}

static void test_in_order(void **state)
{
	struct fixture *f = *state;
	balanced();
	struct collected c = {0};
	assert_null(wh_rbtree_walk(&f->k, node(4), &layout, 100, collect, &c));
	assert_int_equal(c.n, 7);
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(c.nodes[i], node(i + 1));
	c.n = 0;
	assert_null(wh_rbtree_walk(&f->k, 0, &layout, 100, collect, &c));
	assert_int_equal(c.n, 0);
}

static void test_loop_is_an_error(void **state)
{
	struct fixture *f = *state;
	balanced();
	link(7, 0, 4); /* the last node's right child is the root again */
	struct collected c = {0};
	struct wh_error *err = wh_rbtree_walk(&f->k, node(4), &layout, 100, collect, &c);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	assert_int_equal(err->address, node(4));
	assert_non_null(strstr(err->message, "loops"));
	wh_error_destroy(err);
	assert_int_equal(c.n, 7); /* all seven visited once before the loop */
}

static void test_child_outside_memory(void **state)
{
	struct fixture *f = *state;
	balanced();
	put(node(6) + layout.right_off, 0xffff888000000000ull);
	struct collected c = {0};
	struct wh_error *err = wh_rbtree_walk(&f->k, node(4), &layout, 100, collect, &c);
	assert_non_null(err);
	assert_int_not_equal(err->code, WH_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "rbtree at"));
	wh_error_destroy(err);
	assert_int_equal(c.n, 6); /* 1..6 */
}

static void test_misaligned_child(void **state)
{
	struct fixture *f = *state;
	balanced();
	put(node(2) + layout.left_off, node(1) + 3);
	struct collected c = {0};
	struct wh_error *err = wh_rbtree_walk(&f->k, node(4), &layout, 100, collect, &c);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "misaligned"));
	wh_error_destroy(err);
	assert_int_equal(c.n, 0);
}

/* A left chain of 200 nodes: no red-black tree is that deep. And MAX
 * bounds the nodes of a wide tree. */
static void test_depth_and_count_bounded(void **state)
{
	struct fixture *f = *state;
	for (unsigned i = 1; i < 200; i++)
		link(i, i + 1, 0);
	link(200, 0, 0);
	struct collected c = {0};
	struct wh_error *err = wh_rbtree_walk(&f->k, node(1), &layout, 4096, collect, &c);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	wh_error_destroy(err);
	assert_int_equal(c.n, 0);
	balanced();
	c.n = 0;
	err = wh_rbtree_walk(&f->k, node(4), &layout, 5, collect, &c);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_CORRUPT);
	wh_error_destroy(err);
	assert_true(c.n < 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loop_is_an_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_child_outside_memory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_misaligned_child, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_depth_and_count_bounded, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
