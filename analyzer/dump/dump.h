/* Dump access: one libkdumpfile context per vmcore, kernel-virtual and
 * physical reads with a page cache of our own (libkdumpfile's is small and
 * makedumpfile pages cost a zlib inflate each), VMCOREINFO lookups. */
#ifndef WHYHUNG_DUMP_H
#define WHYHUNG_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "dump_pages.h"
#include "error.h"

struct wh_dump;

struct wh_dump_stats {
	uint64_t page_reads; /* pages fetched from libkdumpfile */
	uint64_t cache_hits;
	uint64_t excluded_reads; /* reads that hit a page filtered out of the dump */
};

struct wh_error *wh_dump_open(const char *path, struct wh_dump **ret);
/* PATHS: one dump in any form whyhung reads (plain, flattened, compressed
 * as a whole), the files of a split dump, or a directory holding them. */
struct wh_error *wh_dump_open_files(const char *const *paths, size_t n, struct wh_dump **ret);
void wh_dump_destroy(struct wh_dump *dump);

/* "elf", "diskdump" (makedumpfile -c/-l/-p), ... as libkdumpfile names it. */
const char *wh_dump_format(const struct wh_dump *dump);
/* VMCOREINFO OSRELEASE; never NULL after a successful open. */
const char *wh_dump_release(const struct wh_dump *dump);
/* VMCOREINFO BUILD-ID (hex) or NULL when the kernel does not export it. */
const char *wh_dump_build_id(const struct wh_dump *dump);
/* KASLR slide from VMCOREINFO KERNELOFFSET (0 when absent). */
uint64_t wh_dump_kaslr_offset(const struct wh_dump *dump);
uint32_t wh_dump_page_size(const struct wh_dump *dump);
/* What was done to read the file(s) (rebuilt, unpacked, split set), or
 * NULL when they were read as they are. */
const char *wh_dump_source_note(const struct wh_dump *dump);
/* ERR, met opening or first reading the dump, named with the dump's files;
 * when a rebuilt stream ended early, that is said and ERR becomes
 * WH_ERR_TRUNCATED (the missing end is the cause of what failed). */
/* Why a rebuilt file lacks the end of its dump, or NULL. */
const char *wh_dump_source_incomplete(const struct wh_dump *dump);
struct wh_error *wh_dump_wrap_error(const struct wh_dump *dump, struct wh_error *err);
/* The dump files read (directories expanded); 0 for synthetic dumps. */
size_t wh_dump_files(const struct wh_dump *dump, const char *const **ret);
/* Raw VMCOREINFO value for KEY, or NULL. The string lives as long as dump. */
const char *wh_dump_vmcoreinfo(struct wh_dump *dump, const char *key);

/* Read LEN bytes at kernel virtual address ADDR. Errors: WH_ERR_EXCLUDED when
 * a page was filtered out, WH_ERR_FAULT when the address is not mapped or
 * not in the dump, WH_ERR_INCOMPLETE when the page was not saved (the
 * file ends early), WH_ERR_CORRUPT when its descriptor is damaged,
 * WH_ERR_BUDGET when the analysis' budget is spent. */
struct wh_error *wh_dump_read(struct wh_dump *dump, uint64_t addr, void *buf, size_t len);
struct wh_error *wh_dump_read_u64(struct wh_dump *dump, uint64_t addr, uint64_t *ret);
struct wh_error *wh_dump_read_u32(struct wh_dump *dump, uint64_t addr, uint32_t *ret);
/* Read a NUL-terminated string of at most MAX-1 bytes into BUF (always terminated). */
struct wh_error *wh_dump_read_cstr(struct wh_dump *dump, uint64_t addr, char *buf, size_t max);

/* A dump made of memory segments, for unit tests of the layers above:
 * reads inside a segment return its bytes (or fail as excluded when the
 * segment is marked so); anything else faults. Data is borrowed. */
struct wh_dump_segment {
	uint64_t address;
	uint64_t size;
	const void *data;
	bool excluded;
};
struct wh_error *wh_dump_create_synthetic(const struct wh_dump_segment *segments, size_t n,
					  const char *release, struct wh_dump **ret);

/* Registers a CPU note (ELF NT_PRSTATUS) of the dump file carries.
 * Hypervisor dumps (QEMU) number notes by CPU with pid = CPU + 1. */
struct wh_dump_cpu_note {
	uint64_t pid; /* pr_pid as written */
	uint64_t ip, sp, bp, dx, di, r10, r13, cs, flags;
};
/* Number of CPU notes; fills *RET for note INDEX. WH_ERR_ABSENT past the end. */
unsigned wh_dump_num_cpu_notes(struct wh_dump *dump);
struct wh_error *wh_dump_cpu_note(struct wh_dump *dump, unsigned index,
				  struct wh_dump_cpu_note *ret);

/* Physical address of kernel virtual address ADDR (page tables of the
 * dump). WH_ERR_FAULT when unmapped. */
struct wh_error *wh_dump_virt_to_phys(struct wh_dump *dump, uint64_t addr, uint64_t *ret);

void wh_dump_get_stats(const struct wh_dump *dump, struct wh_dump_stats *ret);

/* The analysis' budget (budget.h), charged by page fetches here and by
 * list walks. */
struct wh_budget *wh_dump_budget(struct wh_dump *dump);
/* The pages an incomplete dump lacks, or NULL when the file is whole. */
const struct wh_dump_missing *wh_dump_missing(const struct wh_dump *dump);
/* kdump-compressed descriptor chunks checked so far (dump_pages.h). */
uint64_t wh_dump_chunks_checked(const struct wh_dump *dump);

#endif
