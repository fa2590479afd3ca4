/* Error convention, name map, text and JSON escaping, task-state letters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>

#include "backtraces.h"
#include "error.h"
#include "escape.h"
#include "json_writer.h"
#include "task_state.h"
#include "wait_kind.h"
#include "name_map.h"
#include "radix_sort.h"

static void test_error_wrap_reads_outside_in(void **state)
{
	struct wh_error *err =
	    wh_error_at(WH_ERR_EXCLUDED, 0x1000, "page at 0x%x excluded", 0x1000);
	err = wh_error_wrap(err, "task at 0x%x", 0xffff);
	err = wh_error_wrap(err, "reading task list");
	assert_string_equal(err->message,
			    "reading task list: task at 0xffff: page at 0x1000 excluded");
	assert_int_equal(err->code, WH_ERR_EXCLUDED);
	assert_true(err->has_address);
	assert_int_equal(err->address, 0x1000);
	wh_error_destroy(err);
	/* The static out-of-memory error survives wrapping and destroying. */
	assert_ptr_equal(wh_error_wrap(&wh_error_nomem, "x"), &wh_error_nomem);
	wh_error_destroy(&wh_error_nomem);
	assert_string_equal(wh_error_code_name(WH_ERR_TRUNCATED), "truncated");
}

static void test_name_map_first_wins_and_grows(void **state)
{
	struct wh_name_map map;
	wh_name_map_init(&map);
	static char names[5000][16];
	for (int i = 0; i < 5000; i++) {
		snprintf(names[i], sizeof(names[i]), "n%d", i);
		assert_null(wh_name_map_add(&map, 1, names[i], (uint64_t)i));
	}
	assert_null(wh_name_map_add(&map, 1, "n7", 999)); /* duplicate: ignored */
	assert_null(wh_name_map_add(&map, 2, "n7", 42));  /* other namespace */
	uint64_t v;
	assert_true(wh_name_map_get(&map, 1, "n7", &v));
	assert_int_equal(v, 7);
	assert_true(wh_name_map_get(&map, 2, "n7", &v));
	assert_int_equal(v, 42);
	assert_true(wh_name_map_get(&map, 1, "n4999", &v));
	assert_int_equal(v, 4999);
	assert_false(wh_name_map_get(&map, 1, "n5000", &v));
	assert_int_equal(map.count, 5001);
	wh_name_map_deinit(&map);
}

static int compare_pairs(const void *a, const void *b)
{
	const struct wh_sort_pair *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The radix sort equals a (key, original position) qsort: sorted and
 * stable, on keys with many ties, shared high bits (kernel addresses)
 * and full 64-bit spread. */
static void test_radix_sort_is_a_stable_sort(void **state)
{
	enum { N = 20000 };
	static struct wh_sort_pair a[N], b[N];
	uint64_t x = 88172645463325252ull; /* xorshift */
	for (int round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < N; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			uint64_t key = round == 0   ? x % 50 /* ties */
				       : round == 1 ? 0xffffffff81000000ull + (x & 0xffffff)
						    : x;
			a[i] = b[i] = (struct wh_sort_pair){key, i};
		}
		assert_null(wh_radix_sort(a, N));
		qsort(b, N, sizeof(*b), compare_pairs);
		for (int i = 0; i < N; i++) {
			assert_int_equal(a[i].key, b[i].key);
			assert_int_equal(a[i].index, b[i].index);
		}
	}
	assert_null(wh_radix_sort(a, 0));
	assert_null(wh_radix_sort(a, 1));
}

/* The report groups stacks with the same functions, inlined ones
 * included: two stacks that differ only in what was inlined into a frame
 * are two groups (one group would print one member's inlined lines for
 * all). */
static void test_stack_groups_compare_inlined_functions(void **state)
{
	struct wh_backtrace *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	assert_non_null(a);
	assert_non_null(b);
	struct wh_inline_frame ia = {.function = "context_switch"};
	struct wh_inline_frame ib = {.function = "finish_task_switch"};
	for (struct wh_backtrace *bt = a; bt; bt = bt == a ? b : NULL) {
		bt->stack.n = 1;
		bt->stack.frames[0] = (struct wh_frame){.ip = 0x1000, .have_symbol = true};
		bt->stack.frames[0].sym.function = "__schedule";
	}
	assert_true(wh_backtrace_same_functions(a, b));
	a->sources[0] = (struct wh_frame_source){.inlined = &ia, .n_inlined = 1};
	assert_false(wh_backtrace_same_functions(a, b)); /* one has it inlined */
	b->sources[0] = (struct wh_frame_source){.inlined = &ib, .n_inlined = 1};
	assert_false(wh_backtrace_same_functions(a, b)); /* another function */
	b->sources[0].inlined = &ia;
	assert_true(wh_backtrace_same_functions(a, b));
	free(a);
	free(b);
}

static void test_text_escape_neutralises_hostile_names(void **state)
{
	char out[64];
	wh_escape_text("evil\n\x1b[31mred\\", 16, out, sizeof(out));
	assert_string_equal(out, "evil\\x0a\\x1b[31mred\\x5c");
	/* Truncation never splits an escape or overflows. */
	char small[6];
	wh_escape_text("\x01\x02\x03", 3, small, sizeof(small));
	assert_string_equal(small, "\\x01");
	/* Stops at LEN even without a NUL (comm is not terminated at 16). */
	char comm[16];
	memset(comm, 'a', sizeof(comm));
	wh_escape_text(comm, sizeof(comm), out, sizeof(out));
	assert_int_equal(strlen(out), 16);
}

static void test_json_escaping_and_commas(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct wh_json j;
	wh_json_init(&j, f);
	wh_json_begin_object(&j);
	wh_json_key(&j, "comm");
	wh_json_string_n(&j, "a\"b\\c\n\xff", 7);
	wh_json_key(&j, "list");
	wh_json_begin_array(&j);
	wh_json_int(&j, -1);
	wh_json_hex(&j, 0xffff8880);
	wh_json_null(&j);
	wh_json_end_array(&j);
	wh_json_end_object(&j);
	fclose(f);
	assert_string_equal(
	    buf, "{\"comm\":\"a\\\"b\\\\c\\u000a\\u00ff\",\"list\":[-1,\"0xffff8880\",null]}\n");
	free(buf);
}

static void test_task_state_letters_match_kernel_6_1(void **state)
{
	assert_int_equal(wh_task_state_char(0, 0), 'R');
	assert_int_equal(wh_task_state_char(0x1, 0), 'S');
	assert_int_equal(wh_task_state_char(0x2, 0), 'D');
	assert_int_equal(wh_task_state_char(0x102, 0), 'D'); /* TASK_KILLABLE */
	assert_int_equal(wh_task_state_char(0x402, 0), 'I'); /* TASK_IDLE */
	assert_int_equal(wh_task_state_char(0x4, 0), 'T');
	assert_int_equal(wh_task_state_char(0x8, 0), 't');
	assert_int_equal(wh_task_state_char(0x40, 0), 'P');
	assert_int_equal(wh_task_state_char(0, 0x20), 'Z');    /* EXIT_ZOMBIE */
	assert_int_equal(wh_task_state_char(0x80, 0x10), 'X'); /* TASK_DEAD|EXIT_DEAD */
	assert_int_equal(wh_task_state_char(0x1000, 0), 'D');  /* TASK_RTLOCK_WAIT */
	assert_int_equal(wh_task_state_char(0x8000, 0), 'D');  /* TASK_FROZEN */
	assert_int_equal(wh_task_state_char(0x2001, 0), 'S');  /* FREEZABLE|INTERRUPTIBLE */
}

/* The wait kinds defined in the plugin file PATH: each "wh_wait_kind_ops
 * NAME =" (an object, not a pointer to one), however it is laid out: the
 * generator reads one layout only, and a file it misses must fail here. */
static size_t kinds_defined_in(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	size_t found = 0;
	for (const char *p = text; (p = strstr(p, "wh_wait_kind_ops")); p++) {
		const char *q = p + strlen("wh_wait_kind_ops");
		while (*q == ' ' || *q == '\t' || *q == '\n')
			q++;
		if (!(*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
			continue;
		while (*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		       (*q >= '0' && *q <= '9'))
			q++;
		while (*q == ' ' || *q == '\t' || *q == '\n')
			q++;
		found += *q == '=' && q[1] != '=';
	}
	return found;
}

/* Every kind file in plugins/ is registered (a kind missing from the
 * registry silently degrades to "generic wait queue"), once, in the order
 * its file declares, with the generic wait queue last; and each can be
 * matched and described. */
static void test_every_wait_kind_is_registered(void **state)
{
	size_t n;
	const struct wh_wait_kind_entry *kinds = wh_wait_kinds(&n);
	assert_int_equal(n, WH_WAIT_KIND_COUNT);
	DIR *dir = opendir(WH_PLUGINS_DIR);
	assert_non_null(dir);
	size_t files = 0;
	for (struct dirent *e; (e = readdir(dir));) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c"))
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", WH_PLUGINS_DIR, e->d_name);
		size_t defined = kinds_defined_in(path), registered = 0;
		for (size_t i = 0; i < n; i++)
			registered += !strcmp(kinds[i].file, e->d_name);
		if (defined != registered)
			fail_msg("plugins/%s defines %zu wait kind(s), %zu registered", e->d_name,
				 defined, registered);
		files += defined > 0;
	}
	closedir(dir);
	assert_int_equal(files, n);
	for (size_t i = 0; i < n; i++) {
		const struct wh_wait_kind_ops *ops = kinds[i].ops;
		assert_string_equal(wh_wait_kind_name(i), ops->name);
		if (i)
			assert_true(kinds[i - 1].ops->order < ops->order);
		/* Names are unique, but for the PREEMPT_RT kinds (rt_lock.h), which
		 * repeat their non-RT counterparts' ("mutex", "rwsem"). */
		for (size_t j = 0; j < i; j++)
			if (!kinds[j].ops->from_task && !ops->from_task)
				assert_string_not_equal(kinds[j].ops->name, ops->name);
		/* Something to match the task with, and to find the object. */
		assert_true(ops->frames || ops->in_schedule_caller || ops->from_task);
		assert_true(ops->find || ops->list);
		assert_true(ops->describe || ops->list);
	}
	assert_string_equal(kinds[n - 1].ops->name, "waitqueue");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_error_wrap_reads_outside_in),
	    cmocka_unit_test(test_name_map_first_wins_and_grows),
	    cmocka_unit_test(test_radix_sort_is_a_stable_sort),
	    cmocka_unit_test(test_stack_groups_compare_inlined_functions),
	    cmocka_unit_test(test_text_escape_neutralises_hostile_names),
	    cmocka_unit_test(test_json_escaping_and_commas),
	    cmocka_unit_test(test_task_state_letters_match_kernel_6_1),
	    cmocka_unit_test(test_every_wait_kind_is_registered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
