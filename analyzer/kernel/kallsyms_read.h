/* The kernel's kallsyms tables and BTF read out of the dump's memory: the
 * symbols and types of a dump analysed without its debug vmlinux. */
#ifndef WHYHUNG_KALLSYMS_READ_H
#define WHYHUNG_KALLSYMS_READ_H

#include "dump.h"
#include "kallsyms.h"
#include "types.h"

/* kallsyms, located by the addresses VMCOREINFO records (SYMBOL(
 * kallsyms_names) etc., since 6.0 with CONFIG_KALLSYMS). WH_ERR_ABSENT
 * when VMCOREINFO does not name them. */
struct wh_error *wh_kallsyms_read(struct wh_dump *dump, struct wh_kallsyms **ret);

/* The vmlinux's BTF, __start_BTF .. __stop_BTF as KS places them.
 * WH_ERR_ABSENT when the kernel has none (no CONFIG_DEBUG_INFO_BTF). */
struct wh_error *wh_btf_read(struct wh_dump *dump, const struct wh_kallsyms *ks,
			     struct wh_types **ret);

#endif
