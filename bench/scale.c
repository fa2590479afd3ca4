/* Scale benchmark: synthetic hangs of 1k, 10k and 100k tasks run through
 * the code a report runs after reading the dump (task and wait indexes,
 * the wait graph, the explanation, the text, JSON and DOT outputs), timed
 * per step. Linear code takes about 10x per 10x tasks.
 *
 * The shape follows the 10,096-task dump of issue 16: 70% of tasks in D,
 * 40% of all tasks behind one mutex whose holder waits on an rwsem held
 * for read by three sleeping readers, 20% behind that rwsem, an ABBA
 * deadlock, chains of five tasks each behind the next, and 5% of tasks
 * each on a wait queue of its own. Then 100k tasks with 2 waits.
 *
 * Built by `cmake --build build --target bench_scale`. usage: bench_scale [REPS [MAX_TASKS]]
 * (minimum of REPS runs, default 3; sizes 1000 to MAX_TASKS, default 100000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explain.h"
#include "output_report.h"
#include "report.h"

static uint64_t task_address(size_t i, size_t n)
{
	/* task_structs 0x2c40 apart, not in pid order (7919 is prime). */
	return 0xffff888100000000ull + ((i * 7919) % n) * 0x2c40;
}

struct hang {
	struct wh_task_list tasks;
	struct wh_waits waits;
	size_t objects_cap, waits_cap;
};

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		fprintf(stderr, "bench_scale: out of memory\n");
		exit(1);
	}
	return p;
}

static size_t add_object(struct hang *h, enum wh_wait_kind_id kind, const char *state)
{
	struct wh_waits *w = &h->waits;
	if (w->n_objects == h->objects_cap) {
		h->objects_cap = h->objects_cap ? 2 * h->objects_cap : 64;
		w->objects = xrealloc(w->objects, h->objects_cap * sizeof(*w->objects));
	}
	struct wh_wait_object *o = &w->objects[w->n_objects];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	snprintf(o->state, sizeof(o->state), "%s", state);
	o->address = 0xffff888200000000ull + 0x40 * w->n_objects;
	snprintf(o->name, sizeof(o->name), "%s at 0x%llx", wh_wait_kind_name(kind),
		 (unsigned long long)o->address);
	return w->n_objects++;
}

static void add_owner(struct hang *h, size_t object, size_t task, enum wh_owner_how how)
{
	struct wh_wait_object *o = &h->waits.objects[object];
	o->owners[o->n_owners++] = (struct wh_owner){.task = h->tasks.tasks[task].address,
						     .pid = h->tasks.tasks[task].pid,
						     .how = how,
						     .evidence = "synthetic"};
}

/* Task TASK waits on OBJECT (queued last). */
static void add_wait(struct hang *h, size_t task, size_t object, enum wh_wait_how mode)
{
	struct wh_waits *w = &h->waits;
	if (w->n_waits == h->waits_cap) {
		h->waits_cap = h->waits_cap ? 2 * h->waits_cap : 64;
		w->waits = xrealloc(w->waits, h->waits_cap * sizeof(*w->waits));
	}
	uint64_t addr = h->tasks.tasks[task].address;
	w->waits[w->n_waits] =
	    (struct wh_task_wait){.task = addr, .object = object, .mode = {mode, 0}};
	w->n_waits++;
	struct wh_wait_object *o = &w->objects[object];
	/* Lists grow by doubling: capacity is the next power of two. */
	size_t n = o->n_waiters;
	if (!(n & (n - 1))) {
		o->waiters = xrealloc(o->waiters, (n ? 2 * n : 1) * sizeof(*o->waiters));
		o->waiter_modes =
		    xrealloc(o->waiter_modes, (n ? 2 * n : 1) * sizeof(*o->waiter_modes));
	}
	o->waiters[n] = addr;
	o->waiter_modes[n] = (struct wh_wait_mode){mode, 0};
	o->n_waiters++;
	h->tasks.tasks[task].state = 'D';
}

static void make_tasks(struct hang *h, size_t n)
{
	memset(h, 0, sizeof(*h));
	h->tasks.tasks = xrealloc(NULL, n * sizeof(*h->tasks.tasks));
	h->tasks.count = n;
	for (size_t i = 0; i < n; i++) {
		struct wh_task *t = &h->tasks.tasks[i];
		memset(t, 0, sizeof(*t));
		t->address = task_address(i, n);
		t->pid = (int32_t)i + 1;
		t->tgid = t->pid;
		snprintf(t->comm, sizeof(t->comm), "worker%u", (unsigned)(i % 100000));
		t->state = i % 10 < 7 ? 'D' : 'S';
		t->cpu = (int)(i % 64);
		t->in_state_ns = 1000000000;
	}
}

static void make_big_hang(struct hang *h, size_t n)
{
	make_tasks(h, n);
	size_t mutex = add_object(h, WH_WAIT_KIND_MUTEX, "locked");
	size_t rwsem = add_object(h, WH_WAIT_KIND_RWSEM, "held for read by 3 readers");
	size_t a = add_object(h, WH_WAIT_KIND_MUTEX, "locked"),
	       b = add_object(h, WH_WAIT_KIND_MUTEX, "locked");
	/* Tasks 0-2 read-hold the rwsem and sleep; 3 holds the mutex and
	 * waits on the rwsem for write; 4 and 5 are the ABBA pair. */
	for (size_t r = 0; r < 3; r++)
		add_owner(h, rwsem, r, WH_OWNER_INFERRED);
	add_owner(h, mutex, 3, WH_OWNER_FIELD);
	add_wait(h, 3, rwsem, WH_WAIT_WRITE);
	add_owner(h, a, 4, WH_OWNER_FIELD);
	add_owner(h, b, 5, WH_OWNER_FIELD);
	add_wait(h, 4, b, WH_WAIT_PLAIN);
	add_wait(h, 5, a, WH_WAIT_PLAIN);
	size_t i = 6;
	for (; i < 6 + n * 40 / 100; i++)
		add_wait(h, i, mutex, WH_WAIT_PLAIN);
	for (size_t end = i + n * 20 / 100; i < end; i++)
		add_wait(h, i, rwsem, i % 2 ? WH_WAIT_READ : WH_WAIT_WRITE);
	/* Chains: each of five waits on a lock the next holds; the last on a
	 * wait queue nobody is known to wake. */
	for (size_t end = i + n * 5 / 100; i + 5 <= end; i += 5) {
		for (size_t k = 0; k < 4; k++) {
			size_t o = add_object(h, WH_WAIT_KIND_MUTEX, "locked");
			add_owner(h, o, i + k + 1, WH_OWNER_FIELD);
			add_wait(h, i + k, o, WH_WAIT_PLAIN);
		}
		add_wait(h, i + 4, add_object(h, WH_WAIT_KIND_WAITQUEUE, "not recorded"),
			 WH_WAIT_PLAIN);
	}
	for (size_t end = i + n * 5 / 100; i < end; i++)
		add_wait(h, i, add_object(h, WH_WAIT_KIND_WAITQUEUE, "not recorded"),
			 WH_WAIT_PLAIN);
}

/* Issue 16's measurement: 100k tasks, 2 waits. */
static void make_sparse_hang(struct hang *h, size_t n)
{
	make_tasks(h, n);
	size_t o = add_object(h, WH_WAIT_KIND_MUTEX, "locked");
	add_owner(h, o, n / 2, WH_OWNER_FIELD);
	add_wait(h, n / 3, o, WH_WAIT_PLAIN);
	add_wait(h, n - 1, o, WH_WAIT_PLAIN);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

enum { STEP_INDEX, STEP_GRAPH, STEP_EXPLAIN, STEP_OUTPUTS, N_STEPS };

static void check(struct wh_error *err, const char *what)
{
	if (err) {
		fprintf(stderr, "bench_scale: %s: %s\n", what, err->message);
		exit(1);
	}
}

/* One run on a fresh hang; adds each step's time to MS. */
static void run(void (*make)(struct hang *, size_t), size_t n, FILE *sink, double *ms,
		size_t *ret_waits, size_t *ret_objects, size_t *ret_roots)
{
	struct hang h;
	make(&h, n);
	struct wh_report r;
	memset(&r, 0, sizeof(r));
	r.summary.tasks = h.tasks;
	r.waits = h.waits;
	double t0 = now_ms();
#ifndef WH_BENCH_BEFORE_INDEXES /* the code before the indexes had none */
	check(wh_task_list_index(&r.summary.tasks), "task index");
	check(wh_waits_index(&r.waits), "wait index");
#endif
	double t1 = now_ms();
	check(wh_graph_build(&r.summary.tasks, &r.waits, &r.graph), "graph");
	double t2 = now_ms();
	check(wh_explain(&r, &r.explanation), "explanation");
	double t3 = now_ms();
	wh_output_text_report(sink, &r);
	wh_output_json_report(sink, &r);
	wh_output_dot_report(sink, &r);
	fflush(sink);
	double t4 = now_ms();
	ms[STEP_INDEX] = t1 - t0;
	ms[STEP_GRAPH] = t2 - t1;
	ms[STEP_EXPLAIN] = t3 - t2;
	ms[STEP_OUTPUTS] = t4 - t3;
	*ret_waits = r.waits.n_waits;
	*ret_objects = r.waits.n_objects;
	*ret_roots = r.graph.n_roots;
	wh_report_deinit(&r);
}

static void bench(const char *label, void (*make)(struct hang *, size_t), size_t n, int reps,
		  FILE *sink, double *prev_total)
{
	double best[N_STEPS], total_best = 0;
	size_t waits = 0, objects = 0, roots = 0;
	for (int rep = 0; rep < reps; rep++) {
		double ms[N_STEPS], total = 0;
		run(make, n, sink, ms, &waits, &objects, &roots);
		for (int s = 0; s < N_STEPS; s++)
			total += ms[s];
		if (!rep || total < total_best) {
			total_best = total;
			memcpy(best, ms, sizeof(best));
		}
	}
	printf("%-7s %7zu %7zu %7zu %6zu %8.2f %8.2f %8.2f %8.2f %9.2f %8.3f", label, n, waits,
	       objects, roots, best[STEP_INDEX], best[STEP_GRAPH], best[STEP_EXPLAIN],
	       best[STEP_OUTPUTS], total_best, total_best * 1e3 / (double)n);
	if (prev_total && *prev_total > 0)
		printf("   x%.1f", total_best / *prev_total);
	printf("\n");
	if (prev_total)
		*prev_total = total_best;
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 3;
	size_t max = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
	if (reps < 1)
		reps = 1;
	FILE *sink = fopen("/dev/null", "w");
	if (!sink) {
		perror("bench_scale: /dev/null");
		return 1;
	}
	printf("whyhung synthetic hangs, minimum of %d runs, times in ms\n", reps);
	printf("%-7s %7s %7s %7s %6s %8s %8s %8s %8s %9s %8s   %s\n", "shape", "tasks", "waits",
	       "objects", "roots", "index", "graph", "explain", "outputs", "total", "us/task",
	       "vs 10x fewer");
	double prev = 0;
	for (size_t n = 1000; n <= max; n *= 10)
		bench("big", make_big_hang, n, reps, sink, &prev);
	bench("sparse", make_sparse_hang, max, reps, sink, NULL);
	fclose(sink);
	return 0;
}
