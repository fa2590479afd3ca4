/* Kernel stack unwinding on x86-64 with ORC, the way the kernel's own
 * unwind_next_frame() (6.1 arch/x86/kernel/unwind_orc.c) does it, crossing
 * interrupt and exception frames through their pt_regs. Where ORC cannot
 * go on, the rest of the stack is scanned for text addresses and those
 * frames are marked as guesses. Every step is bounded. */
#ifndef WHYHUNG_UNWIND_H
#define WHYHUNG_UNWIND_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"
#include "symbolize.h"

enum { WH_MAX_FRAMES = 128, WH_MAX_SCANNED_FRAMES = 32 };

enum wh_frame_flags {
	WH_FRAME_REGS = 1,    /* entered through an interrupt/exception pt_regs */
	WH_FRAME_SCANNED = 2, /* found by scanning the stack: may be stale */
	WH_FRAME_FP = 4,      /* reached by the frame-pointer guess (no ORC) */
};

struct wh_frame {
	uint64_t ip;
	uint64_t sp;
	unsigned flags;
	uint64_t regs; /* WH_FRAME_REGS: address of the pt_regs it came from */
	bool have_symbol;
	struct wh_symbolized sym;
};

/* Why the unwind stopped. */
enum wh_unwind_end {
	WH_UNWIND_END_OF_STACK, /* reached a kernel thread's entry or user mode: complete */
	WH_UNWIND_NO_ORC,	/* an address outside every ORC table */
	WH_UNWIND_BAD_ORC,	/* ORC says "undefined" or needs an unknown register */
	WH_UNWIND_EXCLUDED,	/* a stack page was filtered out of the dump */
	WH_UNWIND_FAULT,	/* a stack address could not be read */
	WH_UNWIND_WRONG_WAY,	/* the stack pointer went backwards (corrupt frame) */
	WH_UNWIND_DEPTH,	/* WH_MAX_FRAMES reached */
	WH_UNWIND_NO_START,	/* no starting registers (e.g. no CPU note) */
	WH_UNWIND_INCOMPLETE,	/* a stack page was not saved (incomplete dump) */
	WH_UNWIND_BUDGET,	/* the analysis' budget was spent */
	WH_UNWIND_NO_LAYOUT,	/* the stack's bounds or frame layout are not in the
				 * debug info: end_detail says what is missing */
};

struct wh_stack {
	struct wh_frame frames[WH_MAX_FRAMES + WH_MAX_SCANNED_FRAMES];
	size_t n;
	enum wh_unwind_end end;
	uint64_t end_address; /* where it stopped, when meaningful */
	bool user_mode;	      /* the bottom frame came from user space */
	char end_detail[160]; /* WH_UNWIND_NO_LAYOUT: why, else "" */
};

/* Registers to start from. ORC needs IP, SP, BP; DX/DI/R10/R13 only when
 * an entry says so (known only from a full register set). */
struct wh_regs {
	uint64_t ip, sp, bp;
	uint64_t dx, di, r10, r13;
	uint64_t flags; /* rflags, when known (have_flags) */
	bool have_flags;
	bool full;   /* all of the above valid (CPU notes) */
	bool signal; /* IP is exact, not a return address */
};

/* Unwind from START. STACK_LO/STACK_HI bound the stack scan fallback (the
 * task's stack); 0/0 disables the scan. Never fails for reasons of dump
 * content: those end the trace with a reason. Errors are out-of-memory
 * and no pt_regs in the debug info. ORC tables that cannot be loaded are
 * said once in wh_orc_diags() (orc.h); the frames found without them are
 * marked WH_FRAME_FP or WH_FRAME_SCANNED. */
struct wh_error *wh_unwind(struct wh_kernel *k, const struct wh_regs *start, uint64_t stack_lo,
			   uint64_t stack_hi, struct wh_stack *ret);
const char *wh_unwind_end_name(enum wh_unwind_end end);
/* Why a stack ends where reading ERR failed. */
enum wh_unwind_end wh_unwind_end_for(const struct wh_error *err);
bool wh_unwind_complete(const struct wh_stack *stack);

#endif
