/* Kernel-like types for the type-layer unit tests. */
#ifndef WHYHUNG_TEST_KERNEL_TYPES_H
#define WHYHUNG_TEST_KERNEL_TYPES_H

#include <stdint.h>

struct list_head {
	struct list_head *next, *prev;
};

typedef unsigned int u32;
typedef u32 pid_alias_t; /* a typedef chain: pid_alias_t -> u32 -> unsigned int */
typedef const volatile pid_alias_t cv_pid_t;

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };
enum { WH_ANON_ENUM_BIG = 0x80, WH_ANON_ENUM_NEG = -3 };

struct thread_struct {
	unsigned long sp;
	unsigned short es, ds;
};

struct upid {
	int nr;
	void *ns;
};

struct pid {
	int count;
	unsigned int level;
	struct upid numbers[]; /* flexible, as in 6.1 */
};

struct task_struct {
	struct {
		unsigned int flags;
		u32 cpu;
	} thread_info;
	unsigned int __state;
	union {
		void *stack_vm_area;
		unsigned long rcu_users_alias;
	};
	struct {
		unsigned sched_reset_on_fork : 1;
		unsigned sched_contributes_to_load : 1;
		unsigned in_iowait : 3;
	};
	cv_pid_t pid;
	int tgid;
	char comm[16];
	struct list_head tasks;
	struct list_head pids[PIDTYPE_MAX];
	struct thread_struct thread;
};

#endif
