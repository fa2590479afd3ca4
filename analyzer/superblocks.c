#include "superblocks.h"
#include "list_walk.h"

#include <string.h>

static const uint64_t MAX_SUPERBLOCKS = 1u << 20;

struct search {
	struct wh_kernel *k;
	uint64_t addr, list_off, member_off, member_size;
	uint64_t found_sb;
};

static struct wh_error *visit(void *arg, uint64_t node, bool *stop)
{
	struct search *s = arg;
	uint64_t sb = node - s->list_off;
	if (s->addr >= sb + s->member_off && s->addr < sb + s->member_off + s->member_size) {
		s->found_sb = sb;
		*stop = true;
	}
	return NULL;
}

void wh_superblock_read(struct wh_kernel *k, uint64_t sb, struct wh_superblock_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->address = sb;
	struct wh_member_info type, name, id, frozen;
	uint64_t type_ptr, name_ptr, v;
	struct wh_error *err;
	ret->frozen = -1;
	if (!(err = wh_kernel_member(k, "super_block", "s_type", &type)) &&
	    !(err = wh_kernel_member(k, "file_system_type", "name", &name)) &&
	    !(err = wh_kernel_read_member(k, sb, &type, &type_ptr)) &&
	    !(err = wh_kernel_read_member(k, type_ptr, &name, &name_ptr)))
		err = wh_dump_read_cstr(k->dump, name_ptr, ret->fstype, sizeof(ret->fstype));
	wh_error_destroy(err);
	if (!(err = wh_kernel_member(k, "super_block", "s_id", &id)))
		err = wh_dump_read(k->dump, sb + id.offset, ret->id, sizeof(ret->id) - 1);
	wh_error_destroy(err);
	ret->id[sizeof(ret->id) - 1] = '\0';
	if (!(err = wh_kernel_member(k, "super_block", "s_writers.frozen", &frozen)) &&
	    !(err = wh_kernel_read_member(k, sb, &frozen, &v)))
		ret->frozen = (int)(uint32_t)v;
	wh_error_destroy(err);
}

struct wh_error *wh_superblock_containing(struct wh_kernel *k, uint64_t addr, const char *member,
					  struct wh_superblock_info *ret, uint64_t *ret_offset,
					  bool *ret_found)
{
	*ret_found = false;
	memset(ret, 0, sizeof(*ret));
	struct wh_member_info list, m;
	uint64_t head;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "super_block", "s_list", &list)) ||
	    (err = wh_kernel_member(k, "super_block", member, &m)) ||
	    (err = wh_kernel_symbol_address(k, "super_blocks", &head)))
		return err;
	struct search s = {.k = k,
			   .addr = addr,
			   .list_off = list.offset,
			   .member_off = m.offset,
			   .member_size = m.size};
	err = wh_list_walk(k, head, MAX_SUPERBLOCKS, visit, &s);
	if (err && !s.found_sb)
		return err;
	wh_error_destroy(err);
	if (!s.found_sb)
		return NULL;
	*ret_offset = addr - (s.found_sb + m.offset);
	wh_superblock_read(k, s.found_sb, ret);
	*ret_found = true;
	return NULL;
}
