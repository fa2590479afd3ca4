/* CPUs spinning on a queued spinlock: which lock (from the interrupted
 * registers), its decoded state, which CPUs wait on it, and who holds it
 * when the dump shows it. Spinlocks record no owner: a holder is only ever
 * inferred, with its evidence. */
#ifndef WHYHUNG_SPINLOCKS_H
#define WHYHUNG_SPINLOCKS_H

#include "cpus.h"
#include "tasks.h"

struct wh_spinlock {
	uint64_t address;
	char name[160]; /* raw bytes possible: escape on output */
	uint32_t val;	/* the qspinlock word */
	bool locked, pending;
	int tail_cpu;	    /* last queued CPU, -1 none */
	unsigned *spinners; /* CPUs spinning on it (from their stacks) */
	size_t n_spinners;
	char how_found[64]; /* "register rdi of CPU 1's interrupted context" */
	int holder_cpu;	    /* inferred holder CPU, -1 unknown */
	char holder_evidence[256];
	/* When no holder can be shown: CPUs running with preemption off that
	 * are not spinning, the usual suspects, named but not called holders. */
	char suspects[256];
};

struct wh_spinlocks {
	struct wh_spinlock *locks;
	size_t count;
};

struct wh_error *wh_spinlocks_find(struct wh_kernel *k, const struct wh_task_list *tasks,
				   const struct wh_cpus *cpus, struct wh_spinlocks *ret);
void wh_spinlocks_deinit(struct wh_spinlocks *s);
/* Is this CPU spinning in the queued-spinlock slow path? */
bool wh_cpu_is_spinning(const struct wh_cpu_view *v);

#endif
