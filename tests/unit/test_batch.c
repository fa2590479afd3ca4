/* The pieces of `whyhung batch` that decide identities and formats: the
 * hash, dump recognition by content, signature normalisation, the worker's
 * handover file and the JSON Lines round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "batch_jsonl.h"
#include "batch_result.h"
#include "dump_detect.h"
#include "hash.h"
#include "signature.h"

static void hex_of(const char *s, char out[33])
{
	struct wh_hash h;
	wh_hash_init(&h);
	wh_hash_update(&h, s, strlen(s));
	wh_hash_hex(&h, out);
}

/* Published FNV-1a 128-bit values: "" is the offset basis. */
static void test_hash_vectors(void **state)
{
	char hex[33];
	hex_of("", hex);
	assert_string_equal(hex, "6c62272e07bb014262b821756295c58d");
	hex_of("a", hex);
	assert_string_equal(hex, "d228cb696f1a8caf78912b704e4a8964");
	char other[33];
	hex_of("b", other);
	assert_string_not_equal(hex, other);
}

static const char *detect(const void *data, size_t len)
{
	char path[] = "/tmp/whyhung-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	const char *kind = "unset";
	struct wh_error *err = wh_dump_detect(fd, &kind);
	assert_null(err);
	close(fd);
	return kind;
}

/* An ELF core with one PT_NOTE holding a note named NAME (or a note
 * segment past the end of the file when NAME is NULL). */
static size_t elf_core(unsigned char *buf, const char *name, uint16_t type)
{
	memset(buf, 0, 4096);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = type;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 1;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	ph->p_type = PT_NOTE;
	ph->p_offset = name ? 512 : 1 << 20;
	Elf64_Nhdr nh = {.n_namesz = name ? (Elf64_Word)strlen(name) + 1 : 0, .n_descsz = 8};
	/* A CPU note first, as kexec writes them, then NAME. */
	Elf64_Nhdr cpu = {.n_namesz = 5, .n_descsz = 12, .n_type = 1};
	size_t off = 512;
	memcpy(buf + off, &cpu, sizeof(cpu));
	memcpy(buf + off + sizeof(cpu), "CORE", 5);
	off += sizeof(cpu) + 8 + 12;
	if (name) {
		memcpy(buf + off, &nh, sizeof(nh));
		memcpy(buf + off + sizeof(nh), name, strlen(name) + 1);
		off += sizeof(nh) + ((strlen(name) + 1 + 3) & ~3u) + 8;
	}
	ph->p_filesz = off - 512;
	return 1024;
}

static void test_detect_by_content(void **state)
{
	unsigned char buf[4096];
	size_t n = elf_core(buf, "VMCOREINFO", ET_CORE);
	assert_string_equal(detect(buf, n), "elf");
	/* A process core: notes, but none is VMCOREINFO. */
	n = elf_core(buf, "LINUX", ET_CORE);
	assert_null(detect(buf, n));
	/* Notes beyond the end: a cut kernel dump, for the analysis to call
	 * truncated. */
	n = elf_core(buf, NULL, ET_CORE);
	assert_string_equal(detect(buf, n), "elf");
	/* An executable is no dump. */
	n = elf_core(buf, "VMCOREINFO", ET_EXEC);
	assert_null(detect(buf, n));
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "KDUMP   ", 8);
	assert_string_equal(detect(buf, 512), "kdump");
	memcpy(buf, "DISKDUMP", 8);
	assert_string_equal(detect(buf, 512), "diskdump");
	memcpy(buf, "makedumpfile", 12);
	assert_string_equal(detect(buf, 4096), "flattened");
	assert_null(detect("KDUMP", 5));
	assert_null(detect("this is a text file\n", 20));
}

static void key_of(const void *data, size_t len, char *key, size_t size)
{
	char path[] = "/tmp/whyhung-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	const char *kind;
	assert_null(wh_dump_detect(fd, &kind));
	wh_dump_kernel_key(fd, kind, key, size);
	close(fd);
}

/* The kernel a dump's headers name, for grouping dumps of one kernel. */
static void test_kernel_key(void **state)
{
	unsigned char buf[4096];
	char key[200];
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "KDUMP   ", 8);
	strcpy((char *)buf + 12 + 2 * 65, "6.1.0-13-amd64");
	strcpy((char *)buf + 12 + 3 * 65, "#1 SMP Debian 6.1.55-1");
	key_of(buf, sizeof(buf), key, sizeof(key));
	assert_string_equal(key, "6.1.0-13-amd64 #1 SMP Debian 6.1.55-1");
	/* Fields without their NUL: cut at the field's end, not read on. */
	memset(buf + 12 + 2 * 65, 'x', 2 * 65);
	key_of(buf, sizeof(buf), key, sizeof(key));
	assert_int_equal(strlen(key), 64 + 1 + 64);

	static const char text[] = "OSRELEASE=6.1.0\nPAGESIZE=4096\nBUILD-ID=abcd\n";
	size_t n = elf_core(buf, "VMCOREINFO", ET_CORE);
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(Elf64_Ehdr));
	/* The VMCOREINFO note is the last one: its descriptor is the text. */
	size_t desc = 512 + ph->p_filesz - 8;
	Elf64_Nhdr *nh = (Elf64_Nhdr *)(buf + desc - 12 - sizeof(Elf64_Nhdr));
	nh->n_descsz = sizeof(text) - 1;
	memcpy(buf + desc, text, sizeof(text) - 1);
	ph->p_filesz += sizeof(text) - 1 - 8;
	key_of(buf, n + sizeof(text), key, sizeof(key));
	assert_string_equal(key, "6.1.0 abcd");
	assert_int_equal(detect("not a dump at all", 17) == NULL, 1);
}

static void test_function_suffixes(void **state)
{
	char out[64];
	const char *cases[][2] = {
	    {"__mutex_lock.constprop.0", "__mutex_lock"}, {"do_thing.isra.0", "do_thing"},
	    {"foo.cold", "foo"}, {"bar.part.1", "bar"}, {"baz.llvm.1234", "baz"}, {"plain", "plain"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		wh_signature_function(cases[i][0], out, sizeof(out));
		assert_string_equal(out, cases[i][1]);
	}
}

static void test_lock_class(void **state)
{
	char out[200];
	wh_signature_lock_class("rwsem", "mmap_lock of mm of wh_mmap[52]", out, sizeof(out));
	assert_string_equal(out, "rwsem:mm_struct.mmap_lock");
	wh_signature_lock_class("rwsem", "i_rwsem of /dir (inode 2) on tmpfs at /mnt", out,
				sizeof(out));
	assert_string_equal(out, "rwsem:inode.i_rwsem");
	wh_signature_lock_class("mutex", "wh_mutex_a [whyhung_fixture]", out, sizeof(out));
	assert_string_equal(out, "mutex:wh_mutex_a [whyhung_fixture]");
	/* Addresses and instance numbers differ per boot: gone. */
	char other[200];
	wh_signature_lock_class("completion", "completion at 0xffffab8bc00bfe60", out, sizeof(out));
	wh_signature_lock_class("completion", "completion at 0xffff0000deadbeef", other,
				sizeof(other));
	assert_string_equal(out, other);
	assert_null(strstr(out, "0x"));
	wh_signature_lock_class("mutex", "lock+0x10", out, sizeof(out));
	assert_string_equal(out, "mutex:lock");
	/* Bytes from the dump cannot reach the signature raw. */
	wh_signature_lock_class("mutex", "a\nb\x1b", out, sizeof(out));
	assert_null(strchr(out, '\n'));
	assert_null(strchr(out, '\x1b'));
}

static void fill(struct wh_batch_result *r)
{
	memset(r, 0, sizeof(*r));
	r->peak_rss_kib = 1234;
	r->size = 5707702;
	snprintf(r->content_id, sizeof(r->content_id), "%s", "0123456789abcdef0123456789abcdef");
	r->status = WH_BATCH_TRUNCATED;
	r->exit_code = 5;
	r->have_crash_time = true;
	r->crash_time = 1795324818;
	r->seconds = 0.25;
	assert_null(wh_batch_set(&r->path, "/var/crash/\"odd\"\nname\x01"));
	assert_null(wh_batch_set(&r->message, "dump truncated: \xff bytes"));
	assert_null(wh_batch_set(&r->release, "6.1.0"));
	assert_null(wh_batch_set(&r->signature, "whyhung-sig/1:00"));
	assert_null(wh_batch_set(&r->signature_parts, "panic: hung_task\nroot: deadlock\n"));
	assert_null(wh_batch_set(&r->report_json, "{\"schema\":\"whyhung-report/1\",\"x\":[1,{\"}\":\"]\"}]}"));
}

static void test_worker_handover(void **state)
{
	struct wh_batch_result a, b = {0};
	fill(&a);
	char path[] = "/tmp/whyhung-test-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	assert_null(wh_batch_result_save(&a, path));
	assert_null(wh_batch_result_load(path, &b));
	assert_int_equal(b.status, a.status);
	assert_int_equal(b.exit_code, 5);
	assert_int_equal(b.crash_time, a.crash_time);
	assert_string_equal(b.message, a.message);
	assert_string_equal(b.report_json, a.report_json);
	assert_null(b.build_id);
	wh_batch_result_deinit(&b);
	/* A worker that died while writing: rejected, not half-read. */
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), 60), 0);
	fclose(f);
	struct wh_error *err = wh_batch_result_load(path, &b);
	assert_non_null(err);
	wh_error_destroy(err);
	wh_batch_result_deinit(&b);
	unlink(path);
	wh_batch_result_deinit(&a);
}

static void test_jsonl_round_trip(void **state)
{
	struct wh_batch_result a;
	fill(&a);
	char path[] = "/tmp/whyhung-test-XXXXXX";
	int fd = mkstemp(path);
	assert_null(wh_batch_jsonl_append(fd, &a));
	assert_null(wh_batch_jsonl_append(fd, &a));
	/* A line cut by a kill: ignored on reading. */
	assert_int_equal(write(fd, "{\"schema\":\"whyhung-batch/1\",\"pa", 31), 31);
	close(fd);
	struct wh_batch_rows rows;
	assert_null(wh_batch_jsonl_load(path, true, &rows));
	assert_string_equal(rows.rows[0].report_json, a.report_json);
	assert_int_equal(rows.n, 2);
	const struct wh_batch_result *b = &rows.rows[1];
	assert_string_equal(b->path, a.path);
	assert_string_equal(b->message, a.message);
	assert_string_equal(b->content_id, a.content_id);
	assert_string_equal(b->signature_parts, a.signature_parts);
	assert_int_equal(b->status, WH_BATCH_TRUNCATED);
	assert_int_equal(b->exit_code, 5);
	assert_int_equal(b->crash_time, a.crash_time);
	assert_int_equal(b->size, a.size);
	assert_null(b->build_id);
	wh_batch_rows_deinit(&rows);
	unlink(path);
	wh_batch_result_deinit(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash_vectors),      cmocka_unit_test(test_detect_by_content),
	    cmocka_unit_test(test_function_suffixes), cmocka_unit_test(test_lock_class),
	    cmocka_unit_test(test_worker_handover),   cmocka_unit_test(test_jsonl_round_trip),
	    cmocka_unit_test(test_kernel_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
