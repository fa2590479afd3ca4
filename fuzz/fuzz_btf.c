/* The BTF parser (symbols/btf.c): a vmlinux's BTF and a module's split
 * BTF on it (input chunks: base, split; then NUL-separated names to look
 * up). Every type of each is decoded, sized, followed through its
 * modifiers, and its members and enumerators read. */
#include <stdint.h>
#include <string.h>

#include "btf.h"
#include "fuzz/fuzz_input.h"

/* Enough to reach every record of a seed; the parse checked them all. */
enum { MAX_VISIT = 1 << 16 };

static void visit(const struct wh_btf *btf)
{
	uint32_t n = wh_btf_count(btf);
	for (uint32_t id = wh_btf_first_id(btf); id < n && id < MAX_VISIT; id++) {
		struct wh_btf_type t;
		uint64_t size;
		uint32_t to;
		if (!wh_best_effort(wh_btf_type(btf, id, &t)))
			continue;
		wh_best_effort(wh_btf_sizeof(btf, id, &size));
		wh_best_effort(wh_btf_skip_modifiers(btf, id, &to));
		for (uint32_t i = 0; i < t.vlen && i < 64; i++) {
			struct wh_btf_member m;
			const char *name;
			int64_t v;
			if (t.kind == WH_BTF_STRUCT || t.kind == WH_BTF_UNION)
				wh_best_effort(wh_btf_member(btf, id, i, &m));
			else
				wh_best_effort(wh_btf_enumerator(btf, id, i, &name, &v));
		}
	}
}

static void lookups(const struct wh_btf *btf, struct fuzz_input in)
{
	char name[64];
	while (in.size) {
		size_t len = strnlen((const char *)in.data, in.size < 63 ? in.size : 63);
		memcpy(name, in.data, len);
		name[len] = '\0';
		in.data += len < in.size ? len + 1 : len;
		in.size -= len < in.size ? len + 1 : len;
		uint32_t id;
		int64_t v;
		for (int kind = WH_BTF_INT; kind <= WH_BTF_KIND_MAX; kind++)
			wh_best_effort(wh_btf_find(btf, kind, name, &id));
		wh_best_effort(wh_btf_find_enumerator(btf, name, &v));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size};
	struct fuzz_chunk base_c = fuzz_take(&in), split_c = fuzz_take(&in);
	struct wh_btf *base, *split = NULL;
	if (!wh_best_effort(wh_btf_parse(base_c.data, base_c.size, NULL, &base)))
		return 0;
	visit(base);
	if (wh_best_effort(wh_btf_parse(split_c.data, split_c.size, base, &split)))
		visit(split);
	lookups(split ? split : base, in);
	wh_btf_destroy(split);
	wh_btf_destroy(base);
	return 0;
}
