#include "unwind.h"
#include "orc.h"

#include <string.h>

struct regs_layout {
	uint64_t ip, sp, bp, cs, dx, di, r10, r13;
};

static struct wh_error *probe_pt_regs(struct wh_kernel *k, struct regs_layout *l)
{
	static const char *const names[] = {"ip", "sp", "bp", "cs", "dx", "di", "r10", "r13"};
	uint64_t *fields[] = {&l->ip, &l->sp, &l->bp, &l->cs, &l->dx, &l->di, &l->r10, &l->r13};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		struct wh_member_info m;
		struct wh_error *err = wh_kernel_member(k, "pt_regs", names[i], &m);
		if (err)
			return err;
		*fields[i] = m.offset;
	}
	return NULL;
}

const char *wh_unwind_end_name(enum wh_unwind_end end)
{
	switch (end) {
	case WH_UNWIND_END_OF_STACK: return "end of stack";
	case WH_UNWIND_NO_ORC: return "no ORC data for address";
	case WH_UNWIND_BAD_ORC: return "ORC entry cannot be followed";
	case WH_UNWIND_EXCLUDED: return "stack page excluded from dump";
	case WH_UNWIND_FAULT: return "stack address unreadable";
	case WH_UNWIND_WRONG_WAY: return "stack pointer went backwards";
	case WH_UNWIND_DEPTH: return "too many frames";
	case WH_UNWIND_NO_START: return "no starting registers";
	case WH_UNWIND_INCOMPLETE: return "stack page not saved: dump incomplete";
	case WH_UNWIND_BUDGET: return "analysis budget spent";
	case WH_UNWIND_NO_LAYOUT: return "stack layout unknown";
	}
	return "unknown";
}

bool wh_unwind_complete(const struct wh_stack *stack)
{
	return stack->end == WH_UNWIND_END_OF_STACK;
}

struct state {
	struct wh_kernel *k;
	struct regs_layout *rl;
	uint64_t ip, sp, bp;
	bool signal;
	uint64_t regs;		     /* address of the last pt_regs met, 0 if none */
	bool full_regs;		     /* regs is a whole pt_regs (not just the iret frame) */
	const struct wh_regs *start; /* initial registers, valid until a frame is left */
	bool at_start;
	struct wh_error *error; /* out of memory: ends the unwind, returned */
};

static struct wh_error *read_word(struct state *s, uint64_t addr, uint64_t *ret)
{
	return wh_dump_read_u64(s->k->dump, addr, ret);
}

enum wh_unwind_end wh_unwind_end_for(const struct wh_error *err)
{
	switch (err->code) {
	case WH_ERR_EXCLUDED: return WH_UNWIND_EXCLUDED;
	case WH_ERR_INCOMPLETE: return WH_UNWIND_INCOMPLETE;
	case WH_ERR_BUDGET: return WH_UNWIND_BUDGET;
	default: return WH_UNWIND_FAULT;
	}
}

/* DX, DI, R10, R13: from the starting registers or a full pt_regs. */
static bool get_reg(struct state *s, enum wh_orc_reg reg, uint64_t *ret)
{
	if (s->at_start && s->start->full) {
		switch (reg) {
		case WH_ORC_REG_DX: *ret = s->start->dx; return true;
		case WH_ORC_REG_DI: *ret = s->start->di; return true;
		case WH_ORC_REG_R10: *ret = s->start->r10; return true;
		case WH_ORC_REG_R13: *ret = s->start->r13; return true;
		default: return false;
		}
	}
	if (!s->regs || !s->full_regs)
		return false;
	uint64_t off = reg == WH_ORC_REG_DX    ? s->rl->dx
		       : reg == WH_ORC_REG_DI  ? s->rl->di
		       : reg == WH_ORC_REG_R10 ? s->rl->r10
					       : s->rl->r13;
	struct wh_error *err = read_word(s, s->regs + off, ret);
	bool ok = !err;
	wh_error_destroy(err);
	return ok;
}

static void push_frame(struct wh_stack *st, struct wh_kernel *k, uint64_t ip, uint64_t sp,
		       unsigned flags)
{
	struct wh_frame *f = &st->frames[st->n++];
	memset(f, 0, sizeof(*f));
	f->ip = ip;
	f->sp = sp;
	f->flags = flags;
	/* A return address may lie past the end of its caller (a call to a
	 * noreturn function is the last instruction): name the call site,
	 * as the kernel's %pB does. Exact IPs (first frame, interrupted
	 * context) are named as they are. */
	bool return_address = st->n > 1 && !(flags & (WH_FRAME_REGS | WH_FRAME_SCANNED));
	if (flags & WH_FRAME_SCANNED)
		return_address = true;
	struct wh_error *err = wh_symbolize(k, ip - return_address, &f->sym);
	f->have_symbol = !err; /* sym.module may be set even without a name */
	if (!err && return_address) {
		f->sym.offset++;
		f->sym.link_address++;
	}
	wh_error_destroy(err);
}

/* One step of unwind_next_frame(). Returns false when the unwind ends,
 * with ST->end set. */
static bool step(struct state *s, struct wh_stack *st, unsigned *ret_flags)
{
	struct wh_error *err;
	uint64_t orig_sp = s->sp;
	*ret_flags = 0;
	struct wh_orc_entry e;
	bool found;
	err = wh_orc_find(s->k, s->signal ? s->ip : s->ip - 1, &e, &found);
	if (err) {
		s->error = err;
		return false;
	}
	if (!found) {
		/* The kernel's orc_fp_entry: assume a frame-pointer frame. */
		if (!s->bp || s->bp < s->sp) {
			st->end = WH_UNWIND_NO_ORC;
			st->end_address = s->ip;
			return false;
		}
		e = (struct wh_orc_entry){.sp_reg = WH_ORC_REG_BP,
					  .sp_offset = 16,
					  .bp_reg = WH_ORC_REG_PREV_SP,
					  .bp_offset = -16,
					  .type = WH_ORC_CALL};
		*ret_flags |= WH_FRAME_FP;
	}
	if (e.type == WH_ORC_END_OF_STACK) {
		st->end = WH_UNWIND_END_OF_STACK;
		return false;
	}
	if (e.type == WH_ORC_UNDEFINED) {
		st->end = WH_UNWIND_BAD_ORC;
		st->end_address = s->ip;
		return false;
	}
	uint64_t sp, v;
	bool indirect = false;
	switch (e.sp_reg) {
	case WH_ORC_REG_SP: sp = s->sp + e.sp_offset; break;
	case WH_ORC_REG_BP: sp = s->bp + e.sp_offset; break;
	case WH_ORC_REG_SP_INDIRECT:
		sp = s->sp;
		indirect = true;
		break;
	case WH_ORC_REG_BP_INDIRECT:
		sp = s->bp + e.sp_offset;
		indirect = true;
		break;
	case WH_ORC_REG_R10:
	case WH_ORC_REG_R13:
	case WH_ORC_REG_DI:
	case WH_ORC_REG_DX:
		if (!get_reg(s, e.sp_reg, &sp)) {
			st->end = WH_UNWIND_BAD_ORC;
			st->end_address = s->ip;
			return false;
		}
		break;
	default:
		st->end = WH_UNWIND_BAD_ORC;
		st->end_address = s->ip;
		return false;
	}
	if (indirect) {
		if ((err = read_word(s, sp, &v)))
			goto read_failed;
		/* 5.12+: SP_INDIRECT adds the offset after the load. */
		sp = e.sp_reg == WH_ORC_REG_SP_INDIRECT ? v + e.sp_offset : v;
	}
	uint64_t new_bp = s->bp;
	switch (e.type) {
	case WH_ORC_CALL:
		if ((err = read_word(s, sp - 8, &s->ip)))
			goto read_failed;
		s->sp = sp;
		s->regs = 0;
		s->signal = false;
		break;
	case WH_ORC_REGS:
		if ((err = read_word(s, sp + s->rl->ip, &s->ip)) ||
		    (err = read_word(s, sp + s->rl->sp, &s->sp)))
			goto read_failed;
		s->regs = sp;
		s->full_regs = true;
		s->signal = true;
		*ret_flags |= WH_FRAME_REGS;
		break;
	case WH_ORC_REGS_PARTIAL:
		/* SP points at the iret frame, inside a pt_regs. */
		if ((err = read_word(s, sp, &s->ip)) ||
		    (err = read_word(s, sp + (s->rl->sp - s->rl->ip), &s->sp)))
			goto read_failed;
		s->regs = sp - s->rl->ip;
		s->full_regs = false;
		s->signal = true;
		*ret_flags |= WH_FRAME_REGS;
		break;
	default: st->end = WH_UNWIND_BAD_ORC; return false;
	}
	switch (e.bp_reg) {
	case WH_ORC_REG_UNDEFINED:
		if (s->regs && s->full_regs &&
		    wh_best_effort(read_word(s, s->regs + s->rl->bp, &v)))
			new_bp = v;
		break;
	case WH_ORC_REG_PREV_SP:
		if ((err = read_word(s, sp + e.bp_offset, &new_bp)))
			goto read_failed;
		break;
	case WH_ORC_REG_BP:
		if ((err = read_word(s, s->bp + e.bp_offset, &new_bp)))
			goto read_failed;
		break;
	default:
		st->end = WH_UNWIND_BAD_ORC;
		st->end_address = s->ip;
		return false;
	}
	s->bp = new_bp;
	s->at_start = false;
	/* Interrupted in user mode: the kernel part of the stack is done. */
	if (s->regs) {
		uint64_t cs;
		err = read_word(s, s->regs + s->rl->cs, &cs);
		if (!err && (cs & 3)) {
			st->user_mode = true;
			st->end = WH_UNWIND_END_OF_STACK;
			return false;
		}
		wh_error_destroy(err);
	}
	/* Bad ORC data must not loop: a call frame moves up its stack.
	 * Interrupt frames and the indirect entries of the IRQ-stack switch
	 * (call_on_irqstack) move to another stack, which may lie lower;
	 * WH_MAX_FRAMES bounds those. */
	if (e.type == WH_ORC_CALL && !indirect && s->sp <= orig_sp) {
		st->end = WH_UNWIND_WRONG_WAY;
		st->end_address = s->sp;
		return false;
	}
	if (!s->ip) {
		st->end = WH_UNWIND_END_OF_STACK;
		return false;
	}
	return true;
read_failed:
	st->end = wh_unwind_end_for(err);
	st->end_address = err->has_address ? err->address : 0;
	wh_error_destroy(err);
	return false;
}

/* After a failed unwind: the text addresses left on the stack, as the
 * kernel prints "? func+off" lines. */
static void scan_stack(struct wh_kernel *k, uint64_t from, uint64_t lo, uint64_t hi,
		       struct wh_stack *st)
{
	if (from < lo || from >= hi)
		return;
	size_t limit = st->n + WH_MAX_SCANNED_FRAMES;
	for (uint64_t a = from & ~7ull; a + 8 <= hi && st->n < limit; a += 8) {
		uint64_t v;
		struct wh_error *err = wh_dump_read_u64(k->dump, a, &v);
		if (err) {
			bool excluded = err->code == WH_ERR_EXCLUDED;
			wh_error_destroy(err);
			if (excluded)
				a = (a | 4095); /* skip the rest of the page */
			continue;
		}
		if (wh_is_text_address(k, v))
			push_frame(st, k, v, a, WH_FRAME_SCANNED);
	}
}

/* Is V a return address: is the instruction before it a call (e8 rel32,
 * or ff /2 in its 2-, 3-, 6- and 7-byte forms)? */
static bool after_call(struct wh_kernel *k, uint64_t v)
{
	uint8_t b[8];
	struct wh_error *err = wh_dump_read(k->dump, v - 8, b, sizeof(b));
	if (err) {
		wh_error_destroy(err);
		return false;
	}
	if (b[3] == 0xe8)
		return true;
	static const unsigned lens[] = {2, 3, 6, 7};
	for (size_t i = 0; i < sizeof(lens) / sizeof(*lens); i++)
		if (b[8 - lens[i]] == 0xff && (b[8 - lens[i] + 1] >> 3 & 7) == 2)
			return true;
	return false;
}

/* The first return address on the stack above SP (within 4 KiB): where to
 * take up ORC again when the starting registers cannot be followed. */
static bool resync_point(struct wh_kernel *k, uint64_t sp, uint64_t lo, uint64_t hi,
			 uint64_t *ret_ip, uint64_t *ret_at)
{
	if (sp < lo || sp >= hi)
		return false;
	for (uint64_t a = sp & ~7ull; a + 8 <= hi && a < sp + 4096; a += 8) {
		uint64_t v;
		struct wh_error *err = wh_dump_read_u64(k->dump, a, &v);
		if (err) {
			wh_error_destroy(err);
			return false;
		}
		if (wh_is_text_address(k, v) && after_call(k, v)) {
			*ret_ip = v;
			*ret_at = a;
			return true;
		}
	}
	return false;
}

struct wh_error *wh_unwind(struct wh_kernel *k, const struct wh_regs *start, uint64_t stack_lo,
			   uint64_t stack_hi, struct wh_stack *ret)
{
	struct regs_layout rl;
	struct wh_error *err = probe_pt_regs(k, &rl);
	if (err)
		return wh_error_wrap(err, "pt_regs layout");
	ret->n = 0;
	ret->end = WH_UNWIND_DEPTH;
	ret->end_address = 0;
	ret->user_mode = false;
	struct state s = {.k = k,
			  .rl = &rl,
			  .ip = start->ip,
			  .sp = start->sp,
			  .bp = start->bp,
			  .signal = start->signal,
			  .start = start,
			  .at_start = true};
	unsigned flags = 0;
	push_frame(ret, k, s.ip, s.sp, 0);
	for (bool resynced = false;;) {
		while (ret->n < WH_MAX_FRAMES) {
			if (!step(&s, ret, &flags))
				break;
			push_frame(ret, k, s.ip, s.sp, flags);
			if (flags & WH_FRAME_REGS)
				ret->frames[ret->n - 1].regs = s.regs;
		}
		/* Registers saved inside a function rather than at a call
		 * (kdump's crash_setup_regs() in __crash_kexec on the panicking
		 * CPU) may not match ORC at their IP. Take up ORC once more at
		 * the first return address above SP; that frame is marked as
		 * found by scanning. */
		uint64_t ip, at;
		if (resynced || ret->n != 1 || ret->end != WH_UNWIND_BAD_ORC ||
		    !resync_point(k, start->sp, stack_lo, stack_hi, &ip, &at))
			break;
		resynced = true;
		s.ip = ip;
		s.sp = at + 8;
		s.regs = 0;
		s.signal = false;
		s.at_start = false;
		ret->end = WH_UNWIND_DEPTH;
		push_frame(ret, k, ip, at, WH_FRAME_SCANNED);
	}
	if (s.error)
		return s.error;
	if (ret->n >= WH_MAX_FRAMES)
		ret->end = WH_UNWIND_DEPTH;
	if (ret->end != WH_UNWIND_END_OF_STACK && ret->end != WH_UNWIND_DEPTH)
		scan_stack(k, s.sp, stack_lo, stack_hi, ret);
	return NULL;
}
