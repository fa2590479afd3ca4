/* The most bytes a plain dump can span, from its own header: what a
 * rebuilt (flattened) dump may grow to before its records are treated as
 * hostile, or what an unpacked compressed file may. In a flattened stream
 * only kdump-compressed headers tell it in time: makedumpfile writes an ELF
 * dump's program headers as zeros first and fills them in at the end. */
#ifndef WHYHUNG_DUMP_SIZE_LIMIT_H
#define WHYHUNG_DUMP_SIZE_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* Never more than this, whatever a header says (16 TiB: ext4's largest file). */
static const uint64_t WH_DUMP_SIZE_CAP = 1ull << 44;

/* FD holds the dump's first PREFIX bytes (the rest may not be written yet).
 * True and *RET when a kdump-compressed header there tells the size, or an
 * ELF one when ELF_FINAL (its program headers are final: a plain file);
 * false when it needs more of the file or is no such header. */
bool wh_dump_size_limit(int fd, uint64_t prefix, bool elf_final, uint64_t *ret);

#endif
