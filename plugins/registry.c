#include "wait_kind.h"

/* Add a kind: write plugins/KIND.c with its ops and list it here. */
static const struct wh_wait_kind_ops *const kinds[] = {
	NULL,
};

const struct wh_wait_kind_ops *const *wh_wait_kinds(void)
{
	return kinds;
}
