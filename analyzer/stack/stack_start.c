#include "stack_start.h"

#include <elf.h>
#include <string.h>

/* Registers from per_cpu_ptr(crash_notes, cpu), written by
 * crash_save_cpu() on a kdump (6.1 kernel/kexec_core.c). */
static struct wh_error *regs_from_crash_notes(struct wh_kernel *k, unsigned cpu,
					      struct wh_regs *ret, bool *ret_found)
{
	*ret_found = false;
	uint64_t sym, base;
	struct wh_error *err;
	if ((err = wh_kernel_symbol_address(k, "crash_notes", &sym)) ||
	    (err = wh_dump_read_u64(k->dump, sym, &base)))
		return err;
	if (!base || cpu >= k->nr_cpu_ids)
		return NULL;
	uint64_t note = base + k->per_cpu_offset[cpu];
	Elf64_Nhdr nh;
	char name[8];
	if ((err = wh_dump_read(k->dump, note, &nh, sizeof(nh))) ||
	    (err = wh_dump_read(k->dump, note + sizeof(nh), name, sizeof(name))))
		return err;
	if (nh.n_type != NT_PRSTATUS || nh.n_namesz != 5 || memcmp(name, "CORE", 5))
		return NULL; /* this CPU's note was never written */
	uint64_t desc = note + sizeof(nh) + 8;
	struct wh_member_info pr_reg;
	static const char *const prstatus_hint[] = {"crash_save_cpu", NULL};
	wh_kernel_type_hint(k, prstatus_hint);
	if ((err = wh_kernel_member(k, "elf_prstatus", "pr_reg", &pr_reg)))
		return err;
	/* pr_reg is an elf_gregset_t: the x86-64 ELF core ABI's register order
	 * (struct user_regs_struct, as libkdumpfile reads file notes). That
	 * struct is in no compile unit's DWARF, and the ABI does not change. */
	enum { R13 = 2, BP = 4, R10 = 7, DX = 12, DI = 14, IP = 16, FLAGS = 18, SP = 19 };
	static const unsigned index[] = {IP, SP, BP, DX, DI, R10, R13, FLAGS};
	uint64_t *out[] = {&ret->ip, &ret->sp,	&ret->bp,  &ret->dx,
			   &ret->di, &ret->r10, &ret->r13, &ret->flags};
	for (size_t i = 0; i < sizeof(index) / sizeof(*index); i++)
		if ((err = wh_dump_read_u64(k->dump, desc + pr_reg.offset + 8 * index[i], out[i])))
			return err;
	ret->have_flags = true;
	*ret_found = true;
	return NULL;
}

/* Registers from the dump file's CPU notes: hypervisor dumps (QEMU) put
 * CPU + 1 in pr_pid; otherwise assume note order is CPU order. */
static struct wh_error *regs_from_file_notes(struct wh_kernel *k, unsigned cpu, struct wh_regs *ret,
					     bool *ret_found)
{
	unsigned n = wh_dump_num_cpu_notes(k->dump);
	struct wh_dump_cpu_note note;
	*ret_found = false;
	for (unsigned pass = 0; pass < 2 && !*ret_found; pass++) {
		for (unsigned i = 0; i < n; i++) {
			struct wh_error *err = wh_dump_cpu_note(k->dump, i, &note);
			if (err) {
				wh_error_destroy(err);
				continue;
			}
			if ((pass == 0 && note.pid == cpu + 1ull) || (pass == 1 && i == cpu)) {
				*ret_found = true;
				break;
			}
		}
	}
	if (*ret_found) {
		ret->ip = note.ip;
		ret->sp = note.sp;
		ret->bp = note.bp;
		ret->dx = note.dx;
		ret->di = note.di;
		ret->r10 = note.r10;
		ret->r13 = note.r13;
		ret->flags = note.flags;
		ret->have_flags = note.flags != 0; /* bit 1 of rflags is always set */
	}
	return NULL;
}

struct wh_error *wh_cpu_registers(struct wh_kernel *k, unsigned cpu, struct wh_regs *ret,
				  bool *ret_found)
{
	memset(ret, 0, sizeof(*ret));
	ret->full = true;
	ret->signal = true;
	struct wh_error *err = NULL;
	*ret_found = false;
	if (wh_dump_vmcoreinfo(k->dump, "CRASHTIME")) {
		err = regs_from_crash_notes(k, cpu, ret, ret_found);
		if (err && err->code != WH_ERR_ABSENT)
			return err;
		wh_error_destroy(err);
		if (*ret_found)
			return NULL;
	}
	return regs_from_file_notes(k, cpu, ret, ret_found);
}

/* THREAD_SIZE: the linker script reserves exactly that for init's stack
 * (INIT_TASK_DATA), between __start_init_task and __end_init_task, renamed
 * __start_init_stack/__end_init_stack in 6.10 (include/asm-generic/
 * vmlinux.lds.h); older kernels have union thread_union in DWARF. */
static struct wh_error *thread_size(struct wh_kernel *k, uint64_t *ret)
{
	static const char *const bounds[][2] = {{"__start_init_stack", "__end_init_stack"},
						{"__start_init_task", "__end_init_task"}};
	for (size_t i = 0; i < sizeof(bounds) / sizeof(*bounds); i++) {
		uint64_t start, end;
		struct wh_error *err;
		if (!(err = wh_kernel_symbol_address(k, bounds[i][0], &start)) &&
		    !(err = wh_kernel_symbol_address(k, bounds[i][1], &end)) && end > start &&
		    end - start <= (1u << 20)) {
			*ret = end - start;
			return NULL;
		}
		wh_error_destroy(err);
	}
	struct wh_type tu;
	struct wh_error *err = wh_types_find(k->types, WH_TYPE_UNION, "thread_union", &tu);
	if (err)
		return wh_error_wrap(err, "kernel stack size (no init stack bounds in the symbols)");
	return wh_types_sizeof(k->types, tu, ret);
}

struct wh_error *wh_task_stack_range(struct wh_kernel *k, const struct wh_task *task,
				     uint64_t *ret_lo, uint64_t *ret_hi)
{
	struct wh_member_info stack;
	uint64_t size, lo;
	struct wh_error *err;
	if ((err = wh_kernel_member(k, "task_struct", "stack", &stack)) ||
	    (err = wh_kernel_read_member(k, task->address, &stack, &lo)) ||
	    (err = thread_size(k, &size)))
		return err;
	*ret_lo = lo;
	*ret_hi = lo + size;
	return NULL;
}

struct wh_error *wh_task_stack(struct wh_kernel *k, const struct wh_task *task,
			       struct wh_stack *ret)
{
	uint64_t lo = 0, hi = 0;
	struct wh_error *err = wh_task_stack_range(k, task, &lo, &hi);
	if (err && !wh_error_unreadable(err))
		return err;
	wh_error_destroy(err);
	struct wh_regs regs = {0};
	if (task->on_cpu && task->cpu >= 0) {
		bool found;
		if ((err = wh_cpu_registers(k, (unsigned)task->cpu, &regs, &found)))
			return err;
		if (!found) {
			memset(ret, 0, sizeof(*ret));
			ret->end = WH_UNWIND_NO_START;
			return NULL;
		}
		return wh_unwind(k, &regs, lo, hi, ret);
	}
	/* __switch_to_asm() left an inactive_task_frame at thread.sp (4.9+). */
	struct wh_member_info tsp, fbp, fret;
	uint64_t sp, frame_size;
	/* inactive_task_frame is used in few files: arch/x86/kernel/process.c. */
	static const char *const frame_hint[] = {"copy_thread", "__switch_to", NULL};
	wh_kernel_type_hint(k, frame_hint);
	if ((err = wh_kernel_member(k, "task_struct", "thread.sp", &tsp)) ||
	    (err = wh_kernel_member(k, "inactive_task_frame", "bp", &fbp)) ||
	    (err = wh_kernel_member(k, "inactive_task_frame", "ret_addr", &fret)) ||
	    (err = wh_types_struct_size(k->types, "inactive_task_frame", &frame_size)))
		return err;
	memset(ret, 0, sizeof(*ret));
	err = wh_kernel_read_member(k, task->address, &tsp, &sp);
	if (!err)
		err = wh_dump_read_u64(k->dump, sp + fbp.offset, &regs.bp);
	if (!err)
		err = wh_dump_read_u64(k->dump, sp + fret.offset, &regs.ip);
	if (err) {
		ret->end = wh_unwind_end_for(err);
		ret->end_address = err->has_address ? err->address : 0;
		wh_error_destroy(err);
		return NULL;
	}
	regs.sp = sp + frame_size;
	/* A task that never ran resumes at ret_from_fork: exact, not a
	 * return address (6.1 __unwind_start). */
	uint64_t rff;
	err = wh_kernel_symbol_address(k, "ret_from_fork", &rff);
	regs.signal = !err && regs.ip == rff;
	wh_error_destroy(err);
	return wh_unwind(k, &regs, lo, hi, ret);
}
