#include "xarray.h"

/* include/linux/xarray.h: internal entries end in binary 10; a node
 * pointer is an internal entry above 4096 (smaller ones are sibling and
 * retry markers); XA_CHUNK_SHIFT is 6 unless CONFIG_BASE_SMALL. */
static const unsigned XA_CHUNK_SHIFT = 6;
static const unsigned MAX_DEPTH = 11; /* 64-bit indices, 6 bits per level */

static bool is_internal(uint64_t e)
{
	return (e & 3) == 2;
}

static bool is_node(uint64_t e)
{
	return is_internal(e) && e > 4096;
}

struct wh_error *wh_xa_load(struct wh_kernel *k, uint64_t xa, uint64_t index, uint64_t *ret)
{
	struct wh_member_info head_m, shift_m, slots_m;
	uint64_t entry, shift;
	struct wh_error *err;
	static const char *const hint[] = {"xa_load", NULL}; /* lib/xarray.c: xa_node */
	*ret = 0;
	wh_kernel_type_hint(k, hint);
	if ((err = wh_kernel_member(k, "xarray", "xa_head", &head_m)) ||
	    (err = wh_kernel_member(k, "xa_node", "shift", &shift_m)) ||
	    (err = wh_kernel_member(k, "xa_node", "slots", &slots_m)) ||
	    (err = wh_kernel_read_member(k, xa, &head_m, &entry)))
		return err;
	if (!is_node(entry)) {
		/* A single entry lives in the head itself, at index 0. */
		*ret = index == 0 && !is_internal(entry) ? entry : 0;
		return NULL;
	}
	unsigned prev_shift = 64;
	for (unsigned depth = 0; depth < MAX_DEPTH; depth++) {
		uint64_t node = entry - 2;
		if ((err = wh_kernel_read_member(k, node, &shift_m, &shift)))
			return err;
		shift &= 0xff;
		if (shift >= prev_shift || shift % XA_CHUNK_SHIFT)
			return wh_error_at(WH_ERR_CORRUPT, node, "xarray node shift %u under %u",
					   (unsigned)shift, prev_shift);
		if (depth == 0 && shift + XA_CHUNK_SHIFT < 64 && index >> (shift + XA_CHUNK_SHIFT))
			return NULL; /* beyond what the tree holds */
		prev_shift = (unsigned)shift;
		uint64_t slot = (index >> shift) & ((1u << XA_CHUNK_SHIFT) - 1);
		if ((err = wh_dump_read_u64(k->dump, node + slots_m.offset + slot * 8, &entry)))
			return err;
		if (!is_node(entry)) {
			*ret = is_internal(entry) ? 0 : entry;
			return NULL;
		}
	}
	return wh_error_at(WH_ERR_CORRUPT, xa, "xarray deeper than %u levels", MAX_DEPTH);
}
