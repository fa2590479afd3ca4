/* The BTF backend against the DWARF one on the same kernel: pahole
 * (Debian's dwarves) encodes the fixture vmlinux's DWARF as BTF, as a
 * kernel build with CONFIG_DEBUG_INFO_BTF does, and every named struct
 * and union must have the same size and every member the same offset,
 * size and bitfield position through either backend (types.h), as well
 * as the enumerators whyhung reads. Skipped (77) without pahole.
 * usage: test_btf_vs_dwarf VMLINUX WORKDIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btf.h"
#include "btf_types.h"
#include "dwarf_types.h"
#include "elf_image.h"

static const char *vmlinux_path, *work_dir;

static unsigned char *read_all(const char *path, size_t *ret_size)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	unsigned char *data = malloc((size_t)n);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_size = (size_t)n;
	return data;
}

static void same_member(struct wh_types *dw, struct wh_types *bt, struct wh_type dt,
			struct wh_type btt, const char *sname, const char *mname,
			unsigned *mismatches)
{
	struct wh_member_info a, b;
	struct wh_error *ea = wh_types_member(dw, dt, mname, &a);
	struct wh_error *eb = wh_types_member(bt, btt, mname, &b);
	if (ea || eb) {
		printf("%s.%s: DWARF %s, BTF %s\n", sname, mname, ea ? ea->message : "ok",
		       eb ? eb->message : "ok");
		(*mismatches)++;
	} else if (a.offset != b.offset || a.size != b.size || a.bit_size != b.bit_size ||
		   (a.bit_size && a.bit_offset != b.bit_offset)) {
		printf("%s.%s: DWARF %llu+%llu bits %u@%u, BTF %llu+%llu bits %u@%u\n", sname,
		       mname, (unsigned long long)a.offset, (unsigned long long)a.size, a.bit_size,
		       a.bit_offset, (unsigned long long)b.offset, (unsigned long long)b.size,
		       b.bit_size, b.bit_offset);
		(*mismatches)++;
	}
	wh_error_destroy(ea);
	wh_error_destroy(eb);
}

static void test_same_layouts(void **state)
{
	(void)state;
	char btf_path[512], cmd[1200];
	snprintf(btf_path, sizeof(btf_path), "%s/vmlinux.btf", work_dir);
	snprintf(cmd, sizeof(cmd), "pahole --btf_encode_detached='%s' '%s' >/dev/null 2>&1",
		 btf_path, vmlinux_path);
	assert_int_equal(system(cmd), 0);
	size_t size;
	unsigned char *data = read_all(btf_path, &size);
	struct wh_btf *raw;
	struct wh_types *bt, *dw;
	struct wh_elf_image *img;
	assert_null(wh_btf_parse(data, size, NULL, &raw));
	assert_null(wh_types_create_btf(data, size, &bt));
	free(data);
	assert_string_equal(wh_types_source(bt), "BTF");
	assert_null(wh_elf_image_open(vmlinux_path, &img));
	assert_null(wh_types_create(img, &dw));
	assert_string_equal(wh_types_source(dw), "DWARF");
	unsigned structs = 0, members = 0, mismatches = 0, absent = 0;
	for (uint32_t id = 1; id < wh_btf_count(raw); id++) {
		struct wh_btf_type t;
		assert_null(wh_btf_type(raw, id, &t));
		if ((t.kind != WH_BTF_STRUCT && t.kind != WH_BTF_UNION) || !t.name[0])
			continue;
		enum wh_type_kind kind = t.kind == WH_BTF_STRUCT ? WH_TYPE_STRUCT : WH_TYPE_UNION;
		struct wh_type dt, btt;
		assert_null(wh_types_find(bt, kind, t.name, &btt));
		if (btt.die != id)
			continue; /* a second definition of the name: DWARF's first wins */
		struct wh_error *err = wh_types_find(dw, kind, t.name, &dt);
		if (err) {
			printf("%s: %s\n", t.name, err->message);
			absent++;
			wh_error_destroy(err);
			continue;
		}
		uint64_t sa, sb;
		assert_null(wh_types_sizeof(bt, btt, &sb));
		if (!wh_best_effort(wh_types_sizeof(dw, dt, &sa)) || sa != sb) {
			printf("sizeof %s: DWARF %llu, BTF %llu\n", t.name, (unsigned long long)sa,
			       (unsigned long long)sb);
			mismatches++;
			continue;
		}
		structs++;
		for (uint32_t i = 0; i < t.vlen; i++) {
			struct wh_btf_member m;
			assert_null(wh_btf_member(raw, id, i, &m));
			if (!m.name[0])
				continue;
			members++;
			same_member(dw, bt, dt, btt, t.name, m.name, &mismatches);
		}
	}
	printf("%u structs and unions, %u members compared; %u mismatches, %u not in DWARF\n",
	       structs, members, mismatches, absent);
	assert_true(structs > 1000);
	assert_int_equal(mismatches, 0);
	/* Types defined inside a function are not indexed by the DWARF
	 * backend (only a unit's top level): a handful. */
	assert_true(absent * 100 < structs);
	/* Paths through anonymous members and subscripts, and enumerators. */
	const char *paths[][2] = {{"task_struct", "thread.sp"},
				  {"task_struct", "__state"},
				  {"mutex", "owner.counter"},
				  {"rq", "curr"},
				  {"task_struct", "pid_links[1].next"}};
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		struct wh_type dt, btt;
		assert_null(wh_types_find(dw, WH_TYPE_STRUCT, paths[i][0], &dt));
		assert_null(wh_types_find(bt, WH_TYPE_STRUCT, paths[i][0], &btt));
		same_member(dw, bt, dt, btt, paths[i][0], paths[i][1], &mismatches);
	}
	assert_int_equal(mismatches, 0);
	static const char *const enums[] = {"TASK_COMM_LEN", "MODULE_STATE_LIVE", "PIDTYPE_PID",
					    "CPUHP_ONLINE"};
	for (size_t i = 0; i < sizeof(enums) / sizeof(*enums); i++) {
		int64_t a, b;
		assert_null(wh_types_enumerator(dw, enums[i], &a));
		assert_null(wh_types_enumerator(bt, enums[i], &b));
		assert_int_equal(a, b);
	}
	const char *file;
	unsigned line;
	struct wh_error *err = wh_types_source_line(bt, 0xffffffff81000000ull, &file, &line);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_ABSENT);
	wh_error_destroy(err);
	wh_types_destroy(dw);
	wh_types_destroy(bt);
	wh_btf_destroy(raw);
	wh_elf_image_destroy(img);
	remove(btf_path);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s VMLINUX WORKDIR\n", argv[0]);
		return 2;
	}
	vmlinux_path = argv[1];
	work_dir = argv[2];
	if (system("command -v pahole >/dev/null 2>&1") != 0) {
		printf("pahole (Debian's dwarves) is not installed: skipped\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_same_layouts)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
