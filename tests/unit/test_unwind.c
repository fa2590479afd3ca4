/* The ORC unwinder on stacks laid out in synthetic memory around a sample
 * compiled with DWARF (argv[1]: tests/data/unwind_sample.c): its pt_regs
 * layout, its functions as frames, and an ORC table the test writes where
 * the sample's __start_orc_unwind_ip and friends say. Each case states its
 * ORC entries and stack words, unwinds, and checks the frames and why the
 * unwind ended: the end of the stack, user mode through pt_regs, an
 * undefined entry, an entry reaching outside the stack, a frame that does
 * not move up, loops of frame pointers, and the frame-pointer fallback
 * when the ORC table cannot be read (said once, however many stacks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dump.h"
#include "dwarf_types.h"
#include "elf_image.h"
#include "kernel.h"
#include "modules.h"
#include "orc.h"
#include "unwind.h"

enum { PAGE = 4096, STACK_SIZE = 4 * PAGE, ORC_SLOTS = 16, ORC_ENTRY = 6 };
static const uint64_t STACK = 0x7ff0000;
/* Where each case starts: the stack pointer and room above it. */
static const uint64_t SP0 = 0x7ff0000 + 0x1000;

/* The ORC registers and types of format 1 (4.14-6.2). */
enum { REG_UNDEFINED = 0, REG_PREV_SP = 1, REG_BP = 4, REG_SP = 5 };
enum { TYPE_CALL = 0, TYPE_REGS = 1 };

struct orc_spec {
	const char *function; /* the entry covers it from its first byte */
	int16_t sp_offset, bp_offset;
	unsigned sp_reg, bp_reg, type;
	bool end; /* with sp_reg undefined: end of stack, else undefined */
};

static const char *sample_path;
static struct wh_modules no_modules;

struct synth {
	struct wh_elf_image *img;
	struct wh_kernel k;
	unsigned char *bss;
	uint64_t bss_base, bss_size;
	unsigned char stack[STACK_SIZE];
	struct wh_dump_segment segs[2]; /* the dump keeps them */
};

static uint64_t fn(struct synth *s, const char *name)
{
	struct wh_symbol sym;
	assert_null(wh_elf_image_symbol(s->img, name, &sym));
	return sym.address;
}

static struct synth *synth_open(void)
{
	struct synth *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	assert_null(wh_elf_image_open(sample_path, &s->img));
	assert_null(wh_types_create(s->img, &s->k.types));
	s->k.vmlinux = s->img;
	/* 5.4: the table is sorted at boot, so read from memory (format 1). */
	s->k.version_major = 5;
	s->k.version_minor = 4;
	s->k.modules = &no_modules;
	const struct wh_elf_section *text = wh_elf_image_section(s->img, ".text");
	const struct wh_elf_section *bss = wh_elf_image_section(s->img, ".bss");
	assert_non_null(text);
	assert_non_null(bss);
	s->k.text_start = text->addr;
	s->k.text_end = text->addr + text->size;
	s->bss_base = bss->addr & ~(uint64_t)(PAGE - 1);
	s->bss_size = (bss->addr + bss->size - s->bss_base + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	s->bss = calloc(1, s->bss_size);
	assert_non_null(s->bss);
	return s;
}

static void put(struct synth *s, uint64_t addr, uint64_t value)
{
	assert_true(addr >= STACK && addr + 8 <= STACK + STACK_SIZE);
	memcpy(s->stack + (addr - STACK), &value, 8);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Write the ORC table of SPECS (sorted by address; the unused slots are
 * undefined entries at the end of text) into the sample's array. */
static void write_orc(struct synth *s, const struct orc_spec *specs, size_t n)
{
	assert_true(n < ORC_SLOTS);
	struct wh_symbol sym;
	assert_null(wh_elf_image_symbol(s->img, "orc_table_sample", &sym));
	uint64_t ip_base = sym.address, entry_base = sym.address + 4 * ORC_SLOTS;
	/* Slot order: address << 8 | spec index (255: padding). */
	uint64_t order[ORC_SLOTS];
	for (size_t i = 0; i < ORC_SLOTS; i++)
		order[i] = i < n ? fn(s, specs[i].function) << 8 | i : s->k.text_end << 8 | 255;
	qsort(order, ORC_SLOTS, sizeof(*order), compare_u64);
	for (size_t i = 0; i < ORC_SLOTS; i++) {
		uint64_t ip = order[i] >> 8;
		size_t which = order[i] & 255;
		int32_t rel = (int32_t)(ip - (ip_base + 4 * i));
		memcpy(s->bss + (ip_base + 4 * i - s->bss_base), &rel, 4);
		struct orc_spec e = which < n ? specs[which] : (struct orc_spec){0};
		uint16_t flags =
		    (uint16_t)(e.sp_reg | e.bp_reg << 4 | e.type << 8 | (unsigned)e.end << 10);
		unsigned char *raw = s->bss + (entry_base + ORC_ENTRY * i - s->bss_base);
		memcpy(raw, &e.sp_offset, 2);
		memcpy(raw + 2, &e.bp_offset, 2);
		memcpy(raw + 4, &flags, 2);
	}
}

/* Memory is complete: make the dump. ORC_READABLE false excludes the
 * sample's .bss, the ORC table with it. */
static void synth_start(struct synth *s, bool orc_readable)
{
	s->segs[0] = (struct wh_dump_segment){
	    .address = s->bss_base, .size = s->bss_size, .data = s->bss, .excluded = !orc_readable};
	s->segs[1] = (struct wh_dump_segment){.address = STACK, .size = STACK_SIZE, .data = s->stack};
	assert_null(wh_dump_create_synthetic(s->segs, 2, "5.4.0-test", &s->k.dump));
}

static void synth_close(struct synth *s)
{
	wh_orc_destroy(s->k.orc);
	wh_dump_destroy(s->k.dump);
	wh_types_destroy(s->k.types);
	wh_elf_image_destroy(s->img);
	free(s->bss);
	free(s);
}

static void unwind(struct synth *s, uint64_t ip, uint64_t sp, uint64_t bp, struct wh_stack *ret)
{
	struct wh_regs start = {.ip = ip, .sp = sp, .bp = bp};
	assert_null(wh_unwind(&s->k, &start, STACK, STACK + STACK_SIZE, ret));
}

static void assert_frame(struct synth *s, const struct wh_frame *f, const char *function,
			 uint64_t ip, unsigned flags)
{
	assert_int_equal(f->ip, ip);
	assert_true(f->have_symbol);
	assert_string_equal(f->sym.function, function);
	assert_int_equal(f->flags, flags);
}

/* leaf <- middle <- outer <- thread_entry, each frame a call: SP-based
 * entries, the return addresses where they say. */
static const struct orc_spec CALLS[] = {
    {"sample_leaf", 8, 0, REG_SP, REG_UNDEFINED, TYPE_CALL, false},
    {"sample_middle", 24, 0, REG_SP, REG_UNDEFINED, TYPE_CALL, false},
    {"sample_outer", 8, 0, REG_SP, REG_UNDEFINED, TYPE_CALL, false},
    {"sample_thread_entry", 0, 0, REG_UNDEFINED, REG_UNDEFINED, TYPE_CALL, true},
    {"main", 0, 0, REG_UNDEFINED, REG_UNDEFINED, TYPE_CALL, false},
};
enum { N_CALLS = sizeof(CALLS) / sizeof(*CALLS) };

/* The return addresses of the CALLS stack, from SP0 up. */
static void lay_calls(struct synth *s, uint64_t *ret_middle, uint64_t *ret_outer,
		      uint64_t *ret_entry)
{
	*ret_middle = fn(s, "sample_middle") + 5;
	*ret_outer = fn(s, "sample_outer") + 5;
	*ret_entry = fn(s, "sample_thread_entry") + 5;
	put(s, SP0, *ret_middle);	/* leaf: SP+8 */
	put(s, SP0 + 8 + 16, *ret_outer); /* middle: SP+24 */
	put(s, SP0 + 32, *ret_entry);	/* outer: SP+8 */
}

static void test_frames_to_end_of_stack(void **state)
{
	struct synth *s = synth_open();
	write_orc(s, CALLS, N_CALLS);
	uint64_t middle, outer, entry;
	lay_calls(s, &middle, &outer, &entry);
	synth_start(s, true);
	struct wh_stack *st = calloc(1, sizeof(*st));
	uint64_t leaf = fn(s, "sample_leaf") + 4;
	unwind(s, leaf, SP0, 0, st);
	assert_int_equal(st->n, 4);
	assert_frame(s, &st->frames[0], "sample_leaf", leaf, 0);
	assert_frame(s, &st->frames[1], "sample_middle", middle, 0);
	assert_frame(s, &st->frames[2], "sample_outer", outer, 0);
	assert_frame(s, &st->frames[3], "sample_thread_entry", entry, 0);
	assert_int_equal(st->frames[1].sp, SP0 + 8);
	assert_int_equal(st->frames[2].sp, SP0 + 32);
	assert_int_equal(st->frames[3].sp, SP0 + 40);
	assert_int_equal(st->frames[1].sym.offset, 5); /* named as the call site + 1 */
	assert_int_equal(st->end, WH_UNWIND_END_OF_STACK);
	assert_true(wh_unwind_complete(st));
	assert_false(st->user_mode);
	const char *source;
	assert_null(wh_orc_source(&s->k, &source));
	assert_string_equal(source, "memory");
	assert_int_equal(wh_diags_total(wh_orc_diags(&s->k)), 0);
	free(st);
	synth_close(s);
}

/* thread_entry entered from user mode: a pt_regs at SP (layout from the
 * sample's DWARF) with a user CS ends the kernel stack. */
static void test_user_mode_through_pt_regs(void **state)
{
	struct synth *s = synth_open();
	struct orc_spec specs[N_CALLS];
	memcpy(specs, CALLS, sizeof(specs));
	specs[3] = (struct orc_spec){"sample_thread_entry", 0, 0, REG_SP, REG_UNDEFINED,
				     TYPE_REGS, false};
	write_orc(s, specs, N_CALLS);
	uint64_t middle, outer, entry;
	lay_calls(s, &middle, &outer, &entry);
	struct wh_member_info ip, sp, cs;
	assert_null(wh_kernel_member(&s->k, "pt_regs", "ip", &ip));
	assert_null(wh_kernel_member(&s->k, "pt_regs", "sp", &sp));
	assert_null(wh_kernel_member(&s->k, "pt_regs", "cs", &cs));
	uint64_t regs = SP0 + 40;
	put(s, regs + ip.offset, 0x401000); /* a user address */
	put(s, regs + sp.offset, 0x7ffc0000);
	put(s, regs + cs.offset, 0x33); /* __USER_CS: ring 3 */
	synth_start(s, true);
	struct wh_stack *st = calloc(1, sizeof(*st));
	unwind(s, fn(s, "sample_leaf") + 4, SP0, 0, st);
	assert_int_equal(st->n, 4);
	assert_frame(s, &st->frames[3], "sample_thread_entry", entry, 0);
	assert_int_equal(st->end, WH_UNWIND_END_OF_STACK);
	assert_true(st->user_mode);
	free(st);
	synth_close(s);
}

/* middle's entry says nothing: the unwind stops there, with the reason and
 * address, and the rest of the stack is scanned, marked as guesses. */
static void test_undefined_entry(void **state)
{
	struct synth *s = synth_open();
	struct orc_spec specs[N_CALLS];
	memcpy(specs, CALLS, sizeof(specs));
	specs[1] = (struct orc_spec){"sample_middle", 0, 0, REG_UNDEFINED, REG_UNDEFINED,
				     TYPE_CALL, false};
	write_orc(s, specs, N_CALLS);
	uint64_t middle, outer, entry;
	lay_calls(s, &middle, &outer, &entry);
	synth_start(s, true);
	struct wh_stack *st = calloc(1, sizeof(*st));
	unwind(s, fn(s, "sample_leaf") + 4, SP0, 0, st);
	assert_int_equal(st->end, WH_UNWIND_BAD_ORC);
	assert_int_equal(st->end_address, middle);
	assert_false(wh_unwind_complete(st));
	assert_int_equal(st->n, 4);
	assert_frame(s, &st->frames[1], "sample_middle", middle, 0);
	assert_frame(s, &st->frames[2], "sample_outer", outer, WH_FRAME_SCANNED);
	assert_frame(s, &st->frames[3], "sample_thread_entry", entry, WH_FRAME_SCANNED);
	free(st);
	synth_close(s);
}

/* outer's entry puts the caller's frame 28 KiB up, past the stack's pages:
 * the read fails, the unwind ends there with the address it tried. */
static void test_entry_outside_the_stack(void **state)
{
	struct synth *s = synth_open();
	struct orc_spec specs[N_CALLS];
	memcpy(specs, CALLS, sizeof(specs));
	specs[2].sp_offset = 0x7000;
	write_orc(s, specs, N_CALLS);
	uint64_t middle, outer, entry;
	lay_calls(s, &middle, &outer, &entry);
	synth_start(s, true);
	struct wh_stack *st = calloc(1, sizeof(*st));
	unwind(s, fn(s, "sample_leaf") + 4, SP0, 0, st);
	assert_int_equal(st->end, WH_UNWIND_FAULT);
	assert_int_equal(st->end_address, SP0 + 32 + 0x7000 - 8);
	assert_true(st->end_address >= STACK + STACK_SIZE);
	assert_int_equal(st->n, 4);
	assert_frame(s, &st->frames[2], "sample_outer", outer, 0);
	assert_frame(s, &st->frames[3], "sample_thread_entry", entry, WH_FRAME_SCANNED);
	free(st);
	synth_close(s);
}

/* A call frame that does not move up the stack would loop: it ends the
 * unwind as going the wrong way. */
static void test_frame_that_does_not_move(void **state)
{
	struct synth *s = synth_open();
	struct orc_spec specs[N_CALLS];
	memcpy(specs, CALLS, sizeof(specs));
	specs[2].sp_offset = 0; /* outer: the caller's frame is outer's own */
	write_orc(s, specs, N_CALLS);
	uint64_t middle, outer, entry;
	lay_calls(s, &middle, &outer, &entry);
	put(s, SP0 + 24, outer); /* what SP-8 then holds: outer again */
	synth_start(s, true);
	struct wh_stack *st = calloc(1, sizeof(*st));
	unwind(s, fn(s, "sample_leaf") + 4, SP0, 0, st);
	assert_int_equal(st->end, WH_UNWIND_WRONG_WAY);
	assert_int_equal(st->end_address, SP0 + 32);
	assert_true(st->n <= 3 + WH_MAX_SCANNED_FRAMES);
	assert_frame(s, &st->frames[2], "sample_outer", outer, 0);
	free(st);
	synth_close(s);
}

/* The ORC table unreadable: the kernel's own guess from frame pointers
 * (orc_fp_entry) follows the BP chain; the failure is kept once, however
 * many stacks are unwound, and says the stacks went without ORC. */
static void test_no_orc_falls_back_to_frame_pointers(void **state)
{
	struct synth *s = synth_open();
	write_orc(s, CALLS, N_CALLS);
	uint64_t middle = fn(s, "sample_middle") + 5, outer = fn(s, "sample_outer") + 5,
		 entry = fn(s, "sample_thread_entry") + 5;
	uint64_t b1 = SP0 + 0x40, b2 = SP0 + 0x100, b3 = SP0 + 0x200;
	put(s, b1, b2);
	put(s, b1 + 8, middle);
	put(s, b2, b3);
	put(s, b2 + 8, outer);
	put(s, b3, 0);
	put(s, b3 + 8, entry);
	synth_start(s, false);
	struct wh_stack *st = calloc(1, sizeof(*st));
	uint64_t leaf = fn(s, "sample_leaf") + 4;
	for (int pass = 0; pass < 3; pass++) {
		unwind(s, leaf, SP0, b1, st);
		assert_int_equal(st->n, 4);
		assert_frame(s, &st->frames[0], "sample_leaf", leaf, 0);
		assert_frame(s, &st->frames[1], "sample_middle", middle, WH_FRAME_FP);
		assert_frame(s, &st->frames[2], "sample_outer", outer, WH_FRAME_FP);
		assert_frame(s, &st->frames[3], "sample_thread_entry", entry, WH_FRAME_FP);
		assert_int_equal(st->frames[3].sp, b3 + 16);
		/* The chain ends at a zero BP: not a complete stack. */
		assert_int_equal(st->end, WH_UNWIND_NO_ORC);
		assert_int_equal(st->end_address, entry);
	}
	const struct wh_diags *d = wh_orc_diags(&s->k);
	assert_non_null(d);
	assert_int_equal(wh_diags_total(d), 1);
	assert_int_equal(d->items[0].code, WH_ERR_EXCLUDED);
	assert_string_equal(d->items[0].where, "ORC");
	assert_non_null(strstr(d->items[0].message, "without ORC"));
	const char *source;
	struct wh_error *err = wh_orc_source(&s->k, &source);
	assert_non_null(err);
	wh_error_destroy(err);
	free(st);
	synth_close(s);
}

/* Saved frame pointers that loop (B1 -> B2 -> B1) end the fallback: a BP
 * below the stack pointer is no caller's frame. */
static void test_frame_pointer_loop(void **state)
{
	struct synth *s = synth_open();
	write_orc(s, CALLS, N_CALLS);
	uint64_t middle = fn(s, "sample_middle") + 5, outer = fn(s, "sample_outer") + 5;
	uint64_t b1 = SP0 + 0x40, b2 = SP0 + 0x100;
	put(s, b1, b2);
	put(s, b1 + 8, middle);
	put(s, b2, b1);
	put(s, b2 + 8, outer);
	synth_start(s, false);
	struct wh_stack *st = calloc(1, sizeof(*st));
	unwind(s, fn(s, "sample_leaf") + 4, SP0, b1, st);
	assert_int_equal(st->end, WH_UNWIND_NO_ORC);
	assert_int_equal(st->end_address, outer);
	assert_true(st->n >= 3 && st->n <= 3 + WH_MAX_SCANNED_FRAMES);
	assert_frame(s, &st->frames[1], "sample_middle", middle, WH_FRAME_FP);
	assert_frame(s, &st->frames[2], "sample_outer", outer, WH_FRAME_FP);
	/* A BP pointing at itself ends it at once. */
	put(s, b1, b1);
	wh_dump_destroy(s->k.dump);
	synth_start(s, false);
	unwind(s, fn(s, "sample_leaf") + 4, SP0, b1, st);
	assert_int_equal(st->end, WH_UNWIND_NO_ORC);
	assert_int_equal(st->end_address, middle);
	assert_frame(s, &st->frames[1], "sample_middle", middle, WH_FRAME_FP);
	free(st);
	synth_close(s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_unwind UNWIND_SAMPLE\n");
		return 2;
	}
	sample_path = argv[1];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frames_to_end_of_stack),
	    cmocka_unit_test(test_user_mode_through_pt_regs),
	    cmocka_unit_test(test_undefined_entry),
	    cmocka_unit_test(test_entry_outside_the_stack),
	    cmocka_unit_test(test_frame_that_does_not_move),
	    cmocka_unit_test(test_no_orc_falls_back_to_frame_pointers),
	    cmocka_unit_test(test_frame_pointer_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
