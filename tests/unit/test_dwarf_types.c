/* Type layer against real compiler DWARF: tests/data/kernel_types.c built
 * with DWARF 4, DWARF 5 and zlib-compressed DWARF 5 (path in argv[1]). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "dwarf_types.h"

static const char *sample_path;

struct fixture {
	struct wh_elf_image *img;
	struct wh_types *types;
};

static int setup(void **state)
{
	static struct fixture f;
	assert_null(wh_elf_image_open(sample_path, &f.img));
	assert_null(wh_types_create(f.img, &f.types));
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	wh_types_destroy(f->types);
	wh_elf_image_destroy(f->img);
	return 0;
}

static void member(struct fixture *f, const char *path, uint64_t *off, uint64_t *size)
{
	struct wh_member_info m;
	struct wh_error *err = wh_types_struct_member(f->types, "task_struct", path, &m);
	if (err)
		fail_msg("%s: %s", path, err->message);
	*off = m.offset;
	*size = m.size;
}

/* Offsets the compiler itself computed, compared with ours. */
#include "kernel_types_offsets.h"

static void test_plain_and_nested_members(void **state)
{
	struct fixture *f = *state;
	uint64_t off, size;
	member(f, "tgid", &off, &size);
	assert_int_equal(off, OFF_TGID);
	assert_int_equal(size, 4);
	member(f, "thread.sp", &off, &size);
	assert_int_equal(off, OFF_THREAD_SP);
	assert_int_equal(size, 8);
	member(f, "thread_info.cpu", &off, &size);
	assert_int_equal(off, OFF_THREAD_INFO_CPU);
	member(f, "comm", &off, &size);
	assert_int_equal(off, OFF_COMM);
	assert_int_equal(size, 16);
}

static void test_anonymous_union_member(void **state)
{
	struct fixture *f = *state;
	uint64_t off, size;
	member(f, "rcu_users_alias", &off, &size);
	assert_int_equal(off, OFF_RCU_USERS_ALIAS);
	assert_int_equal(size, 8);
}

static void test_array_subscripts(void **state)
{
	struct fixture *f = *state;
	uint64_t off, size;
	member(f, "pids[2].prev", &off, &size);
	assert_int_equal(off, OFF_PIDS_2_PREV);
	assert_int_equal(size, 8);
	struct wh_member_info m;
	struct wh_error *err = wh_types_struct_member(f->types, "task_struct", "pids[5]", &m);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_USAGE); /* out of bounds */
	wh_error_destroy(err);
	/* Flexible array: any index is accepted. */
	err = wh_types_struct_member(f->types, "pid", "numbers[3].nr", &m);
	assert_null(err);
	assert_int_equal(m.offset, OFF_PID_NUMBERS_3_NR);
}

static void test_bitfields(void **state)
{
	struct fixture *f = *state;
	struct wh_member_info m;
	assert_null(wh_types_struct_member(f->types, "task_struct", "in_iowait", &m));
	assert_int_equal(m.bit_size, 3);
	assert_int_equal(m.bit_offset, BITOFF_IN_IOWAIT);
	assert_null(wh_types_struct_member(f->types, "task_struct", "sched_reset_on_fork", &m));
	assert_int_equal(m.bit_size, 1);
	assert_int_equal(m.bit_offset, BITOFF_IN_IOWAIT - 2);
}

static void test_typedef_chain_and_sizes(void **state)
{
	struct fixture *f = *state;
	struct wh_member_info m;
	assert_null(wh_types_struct_member(f->types, "task_struct", "pid", &m));
	assert_int_equal(m.size, 4);
	enum wh_type_kind kind;
	struct wh_type resolved;
	assert_null(wh_types_resolve(f->types, m.type, &kind, &resolved));
	assert_int_equal(kind, WH_TYPE_BASE);
	uint64_t size;
	assert_null(wh_types_struct_size(f->types, "task_struct", &size));
	assert_int_equal(size, SIZEOF_TASK_STRUCT);
	struct wh_type td;
	assert_null(wh_types_find(f->types, WH_TYPE_TYPEDEF, "pid_alias_t", &td));
	assert_null(wh_types_sizeof(f->types, td, &size));
	assert_int_equal(size, 4);
}

static void test_enumerators(void **state)
{
	struct fixture *f = *state;
	int64_t v;
	assert_null(wh_types_enumerator(f->types, "PIDTYPE_SID", &v));
	assert_int_equal(v, 3);
	assert_null(wh_types_enumerator(f->types, "WH_ANON_ENUM_BIG", &v));
	assert_int_equal(v, 0x80);
	assert_null(wh_types_enumerator(f->types, "WH_ANON_ENUM_NEG", &v));
	assert_int_equal(v, -3);
}

static void test_absent_is_reported_as_absent(void **state)
{
	struct fixture *f = *state;
	struct wh_member_info m;
	struct wh_error *err = wh_types_struct_member(f->types, "task_struct", "state", &m);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
	err = wh_types_struct_member(f->types, "no_such_struct", "x", &m);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
	int64_t v;
	err = wh_types_enumerator(f->types, "NO_SUCH_ENUMERATOR", &v);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
	/* Probing must not break later lookups after a full scan. */
	assert_null(wh_types_struct_member(f->types, "task_struct", "__state", &m));
	assert_int_equal(m.offset, OFF_STATE);
}

static void test_symbols(void **state)
{
	struct fixture *f = *state;
	struct wh_symbol sym;
	assert_null(wh_elf_image_symbol(f->img, "wh_sample_task", &sym));
	assert_int_equal(sym.size, SIZEOF_TASK_STRUCT);
	struct wh_symbol back;
	uint64_t off;
	assert_null(wh_elf_image_symbolize(f->img, sym.address + 8, &back, &off));
	assert_string_equal(back.name, "wh_sample_task");
	assert_int_equal(off, 8);
	struct wh_error *err = wh_elf_image_symbol(f->img, "no_such_symbol", &sym);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s SAMPLE_BINARY\n", argv[0]);
		return 2;
	}
	sample_path = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_nested_members),
		cmocka_unit_test(test_anonymous_union_member),
		cmocka_unit_test(test_array_subscripts),
		cmocka_unit_test(test_bitfields),
		cmocka_unit_test(test_typedef_chain_and_sizes),
		cmocka_unit_test(test_enumerators),
		cmocka_unit_test(test_absent_is_reported_as_absent),
		cmocka_unit_test(test_symbols),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
