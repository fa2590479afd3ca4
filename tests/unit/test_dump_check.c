/* Bad dump files are named for what they are, before any analysis. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dump.h"
#include "dump_check.h"

static int temp_file(const void *data, size_t len)
{
	char path[] = "/tmp/whyhung-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static enum wh_error_code check(const void *data, size_t len)
{
	int fd = temp_file(data, len);
	struct wh_error *err = wh_dump_check_file(fd);
	close(fd);
	enum wh_error_code code = err ? err->code : 0;
	wh_error_destroy(err);
	return code;
}

/* An ELF core with one PT_LOAD of LOAD_SIZE bytes; the file holds HAVE. */
static unsigned char *elf_core(uint64_t load_size, size_t have, uint16_t type)
{
	unsigned char *buf = calloc(1, have < 4096 ? 4096 : have);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = type;
	eh->e_machine = EM_X86_64;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 1;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	ph->p_type = PT_LOAD;
	ph->p_offset = 256;
	ph->p_filesz = load_size;
	ph->p_memsz = load_size;
	return buf;
}

static void test_elf_core_complete_and_truncated(void **state)
{
	unsigned char *ok = elf_core(1024, 256 + 1024, ET_CORE);
	assert_int_equal(check(ok, 256 + 1024), 0);
	assert_int_equal(check(ok, 256 + 1000), WH_ERR_TRUNCATED);
	assert_int_equal(check(ok, 100), WH_ERR_TRUNCATED); /* cut inside the headers */
	free(ok);
	unsigned char *exec = elf_core(16, 512, ET_EXEC);
	assert_int_equal(check(exec, 512), WH_ERR_NOT_DUMP);
	free(exec);
}

static void test_tiny_and_unknown_files(void **state)
{
	assert_int_equal(check("abc", 3), WH_ERR_NOT_DUMP);
	/* Unknown magic passes the check; libkdumpfile then rejects it. */
	char junk[8192];
	memset(junk, 'j', sizeof(junk));
	assert_int_equal(check(junk, sizeof(junk)), 0);
	int fd = temp_file(junk, sizeof(junk));
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct wh_dump *dump;
	struct wh_error *err = wh_dump_open(path, &dump);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_NOT_DUMP);
	wh_error_destroy(err);
	close(fd);
	err = wh_dump_open("/nonexistent/vmcore", &dump);
	assert_non_null(err);
	assert_int_equal(err->code, WH_ERR_IO);
	wh_error_destroy(err);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void test_diskdump_truncations(void **state)
{
	enum { BS = 4096 };
	/* header block, 1 sub-header block, 2 bitmap blocks, then one page
	 * descriptor (one dumpable page) and its 100 bytes of data. */
	size_t full = 4 * BS + 24 + 100;
	unsigned char *buf = calloc(1, full);
	memcpy(buf, "KDUMP   ", 8);
	put32(buf + 428, BS);
	put32(buf + 432, 1);
	put32(buf + 436, 2);
	buf[3 * BS] = 0x01; /* second bitmap: one page dumpable */
	uint64_t data_off = 4 * BS + 24;
	memcpy(buf + 4 * BS, &data_off, 8);
	put32(buf + 4 * BS + 8, 100);
	assert_int_equal(check(buf, full), 0);
	assert_int_equal(check(buf, full - 1), WH_ERR_TRUNCATED);          /* last page */
	assert_int_equal(check(buf, 4 * BS + 10), WH_ERR_TRUNCATED);       /* descriptors */
	assert_int_equal(check(buf, 3 * BS), WH_ERR_TRUNCATED);            /* bitmaps */
	put32(buf + 428, 1000); /* not a power of two */
	assert_int_equal(check(buf, full), WH_ERR_NOT_DUMP);
	free(buf);
}

/* All-zero pages share one data block right after the descriptor table;
 * the file end is given by the last descriptor that is not a zero page. */
static void test_diskdump_zero_page_sharing(void **state)
{
	enum { BS = 4096 };
	uint64_t zero_off = 4 * BS + 3 * 24;
	size_t full = zero_off + BS + 100;
	unsigned char *buf = calloc(1, full);
	memcpy(buf, "KDUMP   ", 8);
	put32(buf + 428, BS);
	put32(buf + 432, 1);
	put32(buf + 436, 2);
	buf[3 * BS] = 0x07; /* three dumpable pages */
	uint64_t offs[3] = {zero_off + BS, zero_off, zero_off}; /* data page, then 2 zero pages */
	uint32_t sizes[3] = {100, BS, BS};
	for (int i = 0; i < 3; i++) {
		memcpy(buf + 4 * BS + 24 * i, &offs[i], 8);
		put32(buf + 4 * BS + 24 * i + 8, sizes[i]);
	}
	assert_int_equal(check(buf, full), 0);
	assert_int_equal(check(buf, zero_off + BS + 50), WH_ERR_TRUNCATED);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_core_complete_and_truncated),
		cmocka_unit_test(test_tiny_and_unknown_files),
		cmocka_unit_test(test_diskdump_truncations),
		cmocka_unit_test(test_diskdump_zero_page_sharing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
