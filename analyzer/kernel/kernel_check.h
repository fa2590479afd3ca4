/* Does the vmlinux belong to the dump? Checked before any analysis, since a
 * wrong vmlinux yields plausible-looking garbage rather than errors. */
#ifndef WHYHUNG_KERNEL_CHECK_H
#define WHYHUNG_KERNEL_CHECK_H

#include "kernel.h"

/* WH_ERR_MISMATCH with both identities in the message when they differ. */
struct wh_error *wh_kernel_check_match(struct wh_kernel *k);

#endif
