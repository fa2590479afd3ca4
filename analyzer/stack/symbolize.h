/* Code addresses to names: the vmlinux's symbol table for kernel text, the
 * dump's own module symbol tables for module text. */
#ifndef WHYHUNG_SYMBOLIZE_H
#define WHYHUNG_SYMBOLIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"

struct wh_symbolized {
	const char *function; /* lives as long as the kernel context */
	uint64_t offset;
	const char *module;    /* NULL for the vmlinux */
	uint64_t link_address; /* vmlinux: ADDR without the KASLR slide */
	uint64_t size;	       /* of the function, 0 when unknown */
};

/* WH_ERR_ABSENT when ADDR is not in any known text. */
struct wh_error *wh_symbolize(struct wh_kernel *k, uint64_t addr, struct wh_symbolized *ret);
/* Is function NAME one of NAMES (NULL-terminated; either may be NULL),
 * ignoring compiler suffixes: "__mutex_lock.constprop.0" is
 * "__mutex_lock"? */
bool wh_function_is_one_of(const char *name, const char *const *names);
/* Kernel or module text? (the stack scan's notion of a return address) */
bool wh_is_text_address(struct wh_kernel *k, uint64_t addr);

#endif
