/* What the unwinder needs of a kernel, compiled with DWARF for
 * test_unwind: x86-64's struct pt_regs (arch/x86/include/asm/ptrace.h), a
 * few functions to name frames and hang ORC entries on, and the ORC
 * table's bounds as the kernel's linker script names them
 * (__start_orc_unwind_ip, ...), over an array the test fills in synthetic
 * memory. Never run. */

struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx;
	unsigned long r11, r10, r9, r8, ax, cx, dx, si, di;
	unsigned long orig_ax, ip, cs, flags, sp, ss;
};

struct pt_regs regs_sample;

/* 16 self-relative IPs, then 16 six-byte entries. */
struct orc_table_sample {
	int ip[16];
	unsigned char entries[16 * 6];
} orc_table_sample;

__asm__(".globl __start_orc_unwind_ip\n"
	".set __start_orc_unwind_ip, orc_table_sample\n"
	".globl __stop_orc_unwind_ip\n"
	".set __stop_orc_unwind_ip, orc_table_sample + 64\n"
	".globl __start_orc_unwind\n"
	".set __start_orc_unwind, orc_table_sample + 64\n");

__attribute__((noinline)) void sample_leaf(void)
{
	__asm__ volatile("nop; nop; nop; nop; nop; nop; nop; nop");
}

__attribute__((noinline)) void sample_middle(void)
{
	sample_leaf();
	__asm__ volatile("nop; nop; nop; nop; nop; nop; nop; nop");
}

__attribute__((noinline)) void sample_outer(void)
{
	sample_middle();
	__asm__ volatile("nop; nop; nop; nop; nop; nop; nop; nop");
}

__attribute__((noinline)) void sample_thread_entry(void)
{
	sample_outer();
	__asm__ volatile("nop; nop; nop; nop; nop; nop; nop; nop");
}

int main(void)
{
	sample_thread_entry();
	return (int)regs_sample.ip;
}
