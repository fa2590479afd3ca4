/* Types of loaded modules from their own BTF (struct module's btf_data,
 * CONFIG_DEBUG_INFO_BTF_MODULES), split on the vmlinux's: what module
 * types come from when there is neither a debug vmlinux nor -m DIR. */
#ifndef WHYHUNG_MODULE_BTF_H
#define WHYHUNG_MODULE_BTF_H

#include "kernel.h"

struct wh_module_btf;

/* Types of loaded module NAME, read once. WH_ERR_ABSENT when the module is
 * not loaded or the kernel keeps no BTF for it; K's own types must be BTF. */
struct wh_error *wh_module_btf_types(struct wh_kernel *k, const char *name, struct wh_types **ret);
void wh_module_btf_destroy(struct wh_module_btf *mb);

#endif
