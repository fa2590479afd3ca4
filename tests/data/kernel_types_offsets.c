/* Prints the layout of kernel_types.h as the compiler sees it, so the unit
 * tests compare the DWARF reader with the compiler, not with constants. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "kernel_types.h"

/* Bit position of a bitfield: set it to all ones in a zeroed struct. */
static unsigned first_set_bit(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		for (unsigned bit = 0; bit < 8; bit++)
			if (b[i] & (1u << bit))
				return (unsigned)(i * 8 + bit);
	return ~0u;
}

int main(void)
{
	struct task_struct t;
	memset(&t, 0, sizeof(t));
	t.in_iowait = 7;
	printf("#define OFF_TGID %zu\n", offsetof(struct task_struct, tgid));
	printf("#define OFF_STATE %zu\n", offsetof(struct task_struct, __state));
	printf("#define OFF_THREAD_SP %zu\n", offsetof(struct task_struct, thread.sp));
	printf("#define OFF_THREAD_INFO_CPU %zu\n", offsetof(struct task_struct, thread_info.cpu));
	printf("#define OFF_COMM %zu\n", offsetof(struct task_struct, comm));
	printf("#define OFF_RCU_USERS_ALIAS %zu\n", offsetof(struct task_struct, rcu_users_alias));
	printf("#define OFF_PIDS_2_PREV %zu\n", offsetof(struct task_struct, pids[2].prev));
	printf("#define OFF_PID_NUMBERS_3_NR %zu\n", offsetof(struct pid, numbers[3].nr));
	printf("#define BITOFF_IN_IOWAIT %u\n", first_set_bit(&t, sizeof(t)));
	printf("#define SIZEOF_TASK_STRUCT %zu\n", sizeof(struct task_struct));
	return 0;
}
