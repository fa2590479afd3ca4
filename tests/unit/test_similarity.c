/* Near-duplicate signatures: the distance between the readable parts of
 * two signatures, and `clusters` listing near-duplicates of each other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "clusters.h"
#include "similarity.h"

#define HEAD "panic: hung_task\nroot: holder\nlock: rwsem:mm_struct.mmap_lock\n"

static const char base[] = HEAD "holder: a < b < c < d < e\nwaiters: p < q < r\n";

static void assert_near(double got, double want)
{
	assert_true(got > want - 1e-9 && got < want + 1e-9);
}

static void test_equal_and_frames(void **state)
{
	(void)state;
	assert_near(wh_signature_distance(base, base), 0);
	/* One frame of five replaced: 1/5. */
	const char one[] = HEAD "holder: a < b < X < d < e\nwaiters: p < q < r\n";
	double d;
	assert_true(wh_signature_similar(base, one, &d));
	assert_near(d, 0.2);
	/* One frame missing (inlined on another build): 1/5. */
	const char gone[] = HEAD "holder: a < c < d < e\nwaiters: p < q < r\n";
	assert_near(wh_signature_distance(base, gone), 0.2);
	assert_near(wh_signature_distance(gone, base), 0.2);
	/* Two of five: not a near-duplicate. */
	const char two[] = HEAD "holder: a < X < Y < d < e\nwaiters: p < q < r\n";
	assert_false(wh_signature_similar(base, two, &d));
	assert_near(d, 0.4);
	/* The worst part counts: one of three waiter frames is 1/3. */
	const char w[] = HEAD "holder: a < b < c < d < e\nwaiters: p < q < Z\n";
	assert_near(wh_signature_distance(base, w), 1.0 / 3);
	assert_true(wh_signature_similar(base, w, NULL));
	/* A module tag is part of the frame. */
	const char mod[] = HEAD "holder: a [m] < b < c < d < e\nwaiters: p < q < r\n";
	assert_near(wh_signature_distance(base, mod), 0.2);
}

static void test_different_hangs(void **state)
{
	(void)state;
	/* Another lock class, root cause kind or panic kind: unrelated,
	 * however alike the stacks. */
	const char lock[] = "panic: hung_task\nroot: holder\nlock: rwsem:inode.i_rwsem\n"
			    "holder: a < b < c < d < e\nwaiters: p < q < r\n";
	assert_near(wh_signature_distance(base, lock), 1);
	const char root[] = "panic: hung_task\nroot: no-holder\nlock: rwsem:mm_struct.mmap_lock\n"
			    "waiters: p < q < r\n";
	assert_near(wh_signature_distance(base, root), 1);
	const char panic[] = "panic: soft_lockup\nroot: holder\nlock: rwsem:mm_struct.mmap_lock\n"
			     "holder: a < b < c < d < e\nwaiters: p < q < r\n";
	assert_near(wh_signature_distance(base, panic), 1);
	/* A holder on one side only: another shape. */
	const char noholder[] = HEAD "waiters: p < q < r\n";
	assert_near(wh_signature_distance(base, noholder), 1);
	assert_near(wh_signature_distance(base, NULL), 1);
	assert_near(wh_signature_distance(base, "garbage"), 1);
	/* Stack boundaries are frames of their own: a second waiter stack
	 * is three edits ("|" and two frames) of six. */
	const char more[] = HEAD "holder: a < b < c < d < e\nwaiters: p < q < r | s < t\n";
	assert_near(wh_signature_distance(base, more), 3.0 / 6);
}

static void test_cycles(void **state)
{
	(void)state;
	const char a[] = "panic: hung_task\nroot: deadlock\n"
			 "cycle: mutex:A <- f < g < h\ncycle: mutex:B <- u < v < w\n";
	const char near[] = "panic: hung_task\nroot: deadlock\n"
			    "cycle: mutex:A <- f < g < h\ncycle: mutex:B <- u < v < W\n";
	const char other[] = "panic: hung_task\nroot: deadlock\n"
			     "cycle: mutex:A <- f < g < h\ncycle: mutex:C <- u < v < w\n";
	const char three[] = "panic: hung_task\nroot: deadlock\n"
			     "cycle: mutex:A <- f < g < h\ncycle: mutex:B <- u < v < w\n"
			     "cycle: mutex:C <- x\n";
	assert_near(wh_signature_distance(a, near), 1.0 / 3);
	assert_near(wh_signature_distance(a, other), 1);
	assert_near(wh_signature_distance(a, three), 1);
}

static void add_row(struct wh_batch_rows *rows, const char *id, const char *sig, const char *parts,
		    int64_t t)
{
	struct wh_batch_result *r;
	assert_null(wh_batch_rows_add(rows, &r));
	snprintf(r->content_id, sizeof(r->content_id), "%s", id);
	assert_null(wh_batch_set(&r->path, id));
	assert_null(wh_batch_set(&r->signature, sig));
	assert_null(wh_batch_set(&r->signature_parts, parts));
	r->status = WH_BATCH_OK;
	r->have_crash_time = true;
	r->crash_time = t;
}

static void test_clusters_list_similar(void **state)
{
	(void)state;
	struct wh_batch_rows rows = {0};
	add_row(&rows, "1", "whyhung-sig/1:aa", base, 100);
	add_row(&rows, "2", "whyhung-sig/1:aa", base, 101);
	add_row(&rows, "3", "whyhung-sig/1:bb",
		HEAD "holder: a < b < X < d < e\nwaiters: p < q < r\n", 102);
	add_row(&rows, "4", "whyhung-sig/1:cc",
		"panic: hung_task\nroot: holder\nlock: rwsem:inode.i_rwsem\n"
		"holder: a < b < c < d < e\nwaiters: p < q < r\n",
		103);
	struct wh_clusters cs;
	assert_null(wh_clusters_build(&rows, false, 0, &cs));
	assert_int_equal(cs.n, 3);
	/* Most dumps first: aa (2), then bb and cc by signature. */
	assert_string_equal(cs.items[0].first->signature, "whyhung-sig/1:aa");
	assert_int_equal(cs.items[0].n_similar, 1);
	assert_string_equal(cs.items[cs.items[0].similar[0].index].first->signature,
			    "whyhung-sig/1:bb");
	assert_near(cs.items[0].similar[0].distance, 0.2);
	assert_int_equal(cs.items[1].n_similar, 1);
	assert_int_equal(cs.items[1].similar[0].index, 0);
	assert_int_equal(cs.items[2].n_similar, 0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	wh_clusters_text(f, &cs);
	fclose(f);
	assert_non_null(strstr(text, "similar to: whyhung-sig/1:bb (distance 0.20, 1 dump)"));
	free(text);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	wh_clusters_json(f, &cs);
	fclose(f);
	assert_non_null(
	    strstr(text, "\"similar\":[{\"signature\":\"whyhung-sig/1:bb\",\"distance\":0.20}]"));
	free(text);
	wh_clusters_deinit(&cs);
	wh_batch_rows_deinit(&rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_equal_and_frames),
	    cmocka_unit_test(test_different_hangs),
	    cmocka_unit_test(test_cycles),
	    cmocka_unit_test(test_clusters_list_similar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
