#include "spinlocks.h"
#include "object_name.h"
#include "symbolize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const spin_functions[] = {
    "native_queued_spin_lock_slowpath",
    "queued_spin_lock_slowpath",
    "__pv_queued_spin_lock_slowpath",
    "do_raw_spin_lock",
    NULL,
};

/* qspinlock word with NR_CPUS < 16K (include/asm-generic/qspinlock_types.h):
 * locked 0-7, pending 8-15, tail index 16-17, tail CPU + 1 18-31. */
enum { Q_LOCKED_MASK = 0xff, Q_PENDING_SHIFT = 8, Q_TAIL_CPU_SHIFT = 18 };

/* Registers that may hold the lock pointer inside the slow path; rdi is
 * the argument, rdx where 6.1's pending loop keeps it. */
static const char *const lock_registers[] = {"di", "dx",  "si",	 "cx",	"ax",  "bx",  "r8",
					     "r9", "r10", "r11", "r12", "r13", "r14", "r15"};

bool wh_cpu_is_spinning(const struct wh_cpu_view *v)
{
	if (v->interrupted_frame == SIZE_MAX)
		return false;
	const struct wh_frame *f = &v->bt->stack.frames[v->interrupted_frame];
	return f->have_symbol && wh_function_is_one_of(f->sym.function, spin_functions);
}

/* A plausible held qspinlock at ADDR: readable, locked or pending, tail CPU
 * in range, and not a stack address. */
static bool plausible_lock(struct wh_kernel *k, uint64_t addr, uint32_t *ret_val)
{
	if (addr < 0xffff800000000000ull || (addr & 3))
		return false;
	uint32_t val;
	struct wh_error *err = wh_dump_read_u32(k->dump, addr, &val);
	if (err) {
		wh_error_destroy(err);
		return false;
	}
	uint32_t tail_cpu = val >> Q_TAIL_CPU_SHIFT;
	if (!(val & Q_LOCKED_MASK) && !((val >> Q_PENDING_SHIFT) & 0xff))
		return false;
	if ((val & Q_LOCKED_MASK) > 3 || tail_cpu > k->nr_cpu_ids)
		return false;
	*ret_val = val;
	return true;
}

static bool find_lock(struct wh_kernel *k, const struct wh_cpu_view *v, uint64_t *ret,
		      uint32_t *ret_val, const char **ret_reg)
{
	uint64_t regs = v->bt->stack.frames[v->interrupted_frame].regs;
	for (size_t i = 0; i < sizeof(lock_registers) / sizeof(*lock_registers); i++) {
		struct wh_member_info m;
		uint64_t val;
		struct wh_error *err = wh_kernel_member(k, "pt_regs", lock_registers[i], &m);
		if (!err)
			err = wh_kernel_read_member(k, regs, &m, &val);
		bool ok = !err && plausible_lock(k, val, ret_val);
		wh_error_destroy(err);
		if (ok) {
			*ret = val;
			*ret_reg = lock_registers[i];
			return true;
		}
	}
	return false;
}

/* Does CPU V's interrupted context mention ADDR: in a register of its
 * interrupt frame or a word of its stack? */
static bool cpu_mentions(struct wh_kernel *k, const struct wh_cpu_view *v, uint64_t addr,
			 char *where, size_t size)
{
	if (v->interrupted_frame == SIZE_MAX)
		return false;
	uint64_t regs = v->bt->stack.frames[v->interrupted_frame].regs;
	for (size_t i = 0; i < sizeof(lock_registers) / sizeof(*lock_registers); i++) {
		struct wh_member_info m;
		uint64_t val;
		struct wh_error *err = wh_kernel_member(k, "pt_regs", lock_registers[i], &m);
		if (!err)
			err = wh_kernel_read_member(k, regs, &m, &val);
		bool hit = !err && val == addr;
		wh_error_destroy(err);
		if (hit) {
			snprintf(where, size, "register r%s of its interrupted context",
				 lock_registers[i]);
			return true;
		}
	}
	return false;
}

/* Does the machine code of the function containing F's IP refer to ADDR,
 * as an immediate (mov $lock,%rdi: kernel and module addresses sign-extend
 * from 32 bits) or a RIP-relative displacement (lea lock(%rip))? That is
 * where a static lock is taken; the code itself is in the dump. */
static bool code_refers_to(struct wh_kernel *k, const struct wh_frame *f, uint64_t addr)
{
	enum { MAX_CODE = 65536 };
	if (!f->have_symbol || !f->sym.size || f->sym.size > MAX_CODE ||
	    f->sym.offset > f->sym.size)
		return false;
	uint64_t start = f->ip - f->sym.offset;
	static unsigned char code[MAX_CODE];
	struct wh_error *err = wh_dump_read(k->dump, start, code, f->sym.size);
	if (err) {
		wh_error_destroy(err);
		return false;
	}
	bool imm_ok = (uint64_t)(int64_t)(int32_t)addr == addr;
	for (uint64_t i = 0; i + 4 <= f->sym.size; i++) {
		int32_t v;
		memcpy(&v, code + i, 4);
		if (imm_ok && (uint32_t)v == (uint32_t)addr)
			return true;
		/* a disp32 that is the last field of an instruction ending at i + 4 */
		if (start + i + 4 + (uint64_t)(int64_t)v == addr)
			return true;
	}
	return false;
}

struct wh_error *wh_spinlocks_find(struct wh_kernel *k, const struct wh_task_list *tasks,
				   const struct wh_cpus *cpus, struct wh_spinlocks *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < cpus->count; i++) {
		const struct wh_cpu_view *v = &cpus->cpus[i];
		uint64_t addr;
		uint32_t val;
		const char *reg;
		if (!wh_cpu_is_spinning(v) || !find_lock(k, v, &addr, &val, &reg))
			continue;
		struct wh_spinlock *l = NULL;
		for (size_t j = 0; j < ret->count; j++)
			if (ret->locks[j].address == addr)
				l = &ret->locks[j];
		if (!l) {
			struct wh_spinlock *grown =
			    realloc(ret->locks, (ret->count + 1) * sizeof(*grown));
			if (!grown)
				return &wh_error_nomem;
			ret->locks = grown;
			l = &grown[ret->count++];
			memset(l, 0, sizeof(*l));
			l->address = addr;
			l->val = val;
			l->locked = val & Q_LOCKED_MASK;
			l->pending = (val >> Q_PENDING_SHIFT) & 0xff;
			l->tail_cpu = (int)(val >> Q_TAIL_CPU_SHIFT) - 1;
			l->holder_cpu = -1;
			snprintf(l->how_found, sizeof(l->how_found),
				 "register r%s of CPU %u's interrupted context", reg, v->cpu);
			wh_symbol_object_name(k, "spinlock", addr, l->name, sizeof(l->name));
		}
		unsigned *s = realloc(l->spinners, (l->n_spinners + 1) * sizeof(*s));
		if (!s)
			return &wh_error_nomem;
		l->spinners = s;
		s[l->n_spinners++] = v->cpu;
	}
	/* Holders: a CPU that is not spinning and whose interrupted registers
	 * hold the lock's address. Otherwise only suspects. */
	for (size_t j = 0; j < ret->count; j++) {
		struct wh_spinlock *l = &ret->locks[j];
		size_t n = 0;
		for (size_t i = 0; i < cpus->count; i++) {
			const struct wh_cpu_view *v = &cpus->cpus[i];
			if (wh_cpu_is_spinning(v) || v->idle)
				continue;
			char where[96];
			if (l->holder_cpu < 0 &&
			    cpu_mentions(k, v, l->address, where, sizeof(where))) {
				l->holder_cpu = (int)v->cpu;
				snprintf(l->holder_evidence, sizeof(l->holder_evidence),
					 "CPU %u is not spinning and has the lock's address in %s",
					 v->cpu, where);
			}
			const struct wh_frame *f = v->interrupted_frame != SIZE_MAX
						       ? &v->bt->stack.frames[v->interrupted_frame]
						       : NULL;
			if (l->holder_cpu < 0 && f && code_refers_to(k, f, l->address)) {
				l->holder_cpu = (int)v->cpu;
				snprintf(
				    l->holder_evidence, sizeof(l->holder_evidence),
				    "CPU %u is not spinning and was interrupted in %s, whose code "
				    "refers to the lock's address (where it is taken)",
				    v->cpu, f->sym.function);
			}
			if (v->preempt_count > 0 && n < sizeof(l->suspects) - 64)
				n += (size_t)snprintf(l->suspects + n, sizeof(l->suspects) - n,
						      "%sCPU %u (preempt count 0x%llx)",
						      n ? ", " : "", v->cpu,
						      (unsigned long long)v->preempt_count);
		}
	}
	return NULL;
}

void wh_spinlocks_deinit(struct wh_spinlocks *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->locks[i].spinners);
	free(s->locks);
	memset(s, 0, sizeof(*s));
}
