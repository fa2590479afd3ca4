/* Kernel-like lock types with real DWARF for the wait kinds' unit tests
 * (tests/unit/test_wait_kinds.c): the members the kinds probe, laid out
 * as in 6.1, or with WH_RWSEM_5_2 as an rw_semaphore was up to 5.2 (the
 * wait list before the owner; the owner a task pointer). Never run. */
#include <stdbool.h>

struct list_head {
	struct list_head *next, *prev;
};

struct task_struct {
	long __state;
};

typedef struct {
	long counter;
} atomic_long_t;

typedef struct {
	int lock;
} raw_spinlock_t;

struct mutex {
	atomic_long_t owner;
	raw_spinlock_t wait_lock;
	struct list_head wait_list;
};

struct mutex_waiter {
	struct list_head list;
	struct task_struct *task;
	void *ww_ctx;
};

enum rwsem_waiter_type { RWSEM_WAITING_FOR_WRITE, RWSEM_WAITING_FOR_READ };

struct rwsem_waiter {
	struct list_head list;
	struct task_struct *task;
	enum rwsem_waiter_type type;
	unsigned long timeout;
};

#ifdef WH_RWSEM_5_2
struct rw_semaphore {
	atomic_long_t count;
	struct list_head wait_list;
	raw_spinlock_t wait_lock;
	int osq;
	struct task_struct *owner;
};
#else
struct rw_semaphore {
	atomic_long_t count;
	atomic_long_t owner;
	int osq;
	raw_spinlock_t wait_lock;
	struct list_head wait_list;
};
#endif

struct semaphore {
	raw_spinlock_t lock;
	unsigned int count;
	struct list_head wait_list;
};

struct semaphore_waiter {
	struct list_head list;
	struct task_struct *task;
	bool up;
};

struct swait_queue_head {
	raw_spinlock_t lock;
	struct list_head task_list;
};

struct completion {
	unsigned int done;
	struct swait_queue_head wait;
};

struct swait_queue {
	struct task_struct *task;
	struct list_head task_list;
};

struct wait_queue_entry {
	unsigned int flags;
	void *private;
	void *func;
	struct list_head entry;
};

struct wait_queue_head {
	raw_spinlock_t lock;
	struct list_head head;
};

struct rcuwait {
	struct task_struct *task;
};

struct percpu_rw_semaphore {
	int rss;
	unsigned int *read_count;
	struct rcuwait writer;
	struct wait_queue_head waiters;
	int block;
};

struct request_queue {
	void *queuedata;
	int mq_freeze_depth;
	struct wait_queue_head mq_freeze_wq;
};

struct mutex wh_sample_mutex;
struct mutex_waiter wh_sample_mutex_waiter;
struct rw_semaphore wh_sample_rwsem;
struct rwsem_waiter wh_sample_rwsem_waiter;
struct semaphore wh_sample_semaphore;
struct semaphore_waiter wh_sample_semaphore_waiter;
struct completion wh_sample_completion;
struct swait_queue wh_sample_swait;
struct wait_queue_entry wh_sample_wait_entry;
struct percpu_rw_semaphore wh_sample_percpu_rwsem;
struct request_queue wh_sample_queue;

int main(void)
{
	return (int)wh_sample_mutex.owner.counter + (int)wh_sample_rwsem.count.counter +
	       (int)wh_sample_semaphore.count + (int)wh_sample_rwsem_waiter.type +
	       (int)wh_sample_semaphore_waiter.up + (int)wh_sample_completion.done +
	       (wh_sample_swait.task_list.next != 0) + (int)wh_sample_wait_entry.flags +
	       wh_sample_percpu_rwsem.block + wh_sample_queue.mq_freeze_depth;
}
