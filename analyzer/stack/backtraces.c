#include "backtraces.h"
#include "module_debug.h"
#include "source_root.h"
#include "stack_start.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The inlined calls at ADDR into SRC: the innermost gets SRC's line (the
 * address's own), each outer one the call site of the one inside it, and
 * SRC the call site of the outermost. */
static void add_inlined(struct wh_types *types, uint64_t addr, struct wh_frame_source *src)
{
	struct wh_inline_site *sites;
	size_t n;
	struct wh_error *err = wh_types_inlined_at(types, addr, &sites, &n);
	if (err || !n) {
		wh_error_destroy(err);
		return;
	}
	struct wh_inline_frame *frames = calloc(n, sizeof(*frames));
	if (!frames) {
		wh_inline_sites_destroy(sites, n);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		frames[k].function = sites[k].function;
		sites[k].function = NULL;
		if (k == 0) {
			frames[k].file = src->file;
			frames[k].line = src->file ? src->line : 0;
		} else {
			frames[k].file = sites[k - 1].call_file;
			frames[k].line = sites[k - 1].call_line;
			sites[k - 1].call_file = NULL;
		}
	}
	src->file = sites[n - 1].call_file;
	src->line = sites[n - 1].call_line;
	sites[n - 1].call_file = NULL;
	src->inlined = frames;
	src->n_inlined = n;
	wh_inline_sites_destroy(sites, n);
}

/* FILE (owned, may be NULL) made relative to the kernel tree ROOT. On out
 * of memory the name stays as the DWARF has it. */
static char *tree_relative(const char *root, char *file)
{
	if (!file)
		return NULL;
	const char *rel = wh_source_root_strip(root, file);
	if (rel == file)
		return file;
	char *copy = strdup(rel);
	if (!copy)
		return file;
	free(file);
	return copy;
}

static void make_tree_relative(const char *root, struct wh_frame_source *src)
{
	src->file = tree_relative(root, src->file);
	for (size_t k = 0; k < src->n_inlined; k++)
		src->inlined[k].file = tree_relative(root, src->inlined[k].file);
}

void wh_backtrace_add_sources(struct wh_kernel *k, struct wh_backtrace *bt)
{
	const char *root = wh_source_root(k);
	for (size_t i = 0; i < bt->stack.n; i++) {
		const struct wh_frame *f = &bt->stack.frames[i];
		struct wh_frame_source *src = &bt->sources[i];
		if (!f->have_symbol || src->file || src->inlined)
			continue;
		/* A return address points after the call: look up the call. */
		uint64_t before = i > 0 && !(f->flags & WH_FRAME_REGS);
		/* The vmlinux's DWARF has link-time addresses, a module's (when
		 * -m gave its file) is relocated to runtime ones. */
		struct wh_types *types = k->types;
		uint64_t addr = f->sym.link_address - before;
		struct wh_error *err = NULL;
		if (f->sym.module) {
			err = wh_module_types(k, f->sym.module, &types);
			addr = f->ip - before;
		}
		if (err) {
			wh_error_destroy(err);
			continue;
		}
		const char *file;
		unsigned line;
		err = wh_types_source_line(types, addr, &file, &line);
		if (!err) {
			src->file = strdup(file);
			src->line = line;
		}
		wh_error_destroy(err);
		/* Inlined functions are extra: without them the frame stays
		 * as it is. */
		add_inlined(types, addr, src);
		/* Modules are built against the same tree: the same root. */
		make_tree_relative(root, src);
	}
}

static struct wh_error *task_backtrace(struct wh_kernel *k, const struct wh_task *task,
				       bool with_sources, struct wh_backtrace **ret)
{
	struct wh_backtrace *bt = calloc(1, sizeof(*bt));
	if (!bt)
		return &wh_error_nomem;
	bt->task = *task;
	bt->cpu = -1;
	struct wh_error *err = wh_task_stack(k, task, &bt->stack);
	if (err && wh_error_unreadable(err)) {
		/* Its registers or stack pointer are unreadable: a trace that
		 * ends before its first frame, not the end of the analysis. */
		memset(&bt->stack, 0, sizeof(bt->stack));
		bt->stack.end = wh_unwind_end_for(err);
		bt->stack.end_address = err->has_address ? err->address : 0;
		wh_error_destroy(err);
		err = NULL;
	}
	if (err == &wh_error_nomem) {
		free(bt);
		return err;
	}
	if (err) {
		/* A type, member or symbol this kernel lacks costs the stack,
		 * not the whole analysis: the trace says what is missing. */
		memset(&bt->stack, 0, sizeof(bt->stack));
		bt->stack.end = WH_UNWIND_NO_LAYOUT;
		snprintf(bt->stack.end_detail, sizeof(bt->stack.end_detail), "%s", err->message);
		wh_error_destroy(err);
	}
	if (with_sources)
		wh_backtrace_add_sources(k, bt);
	*ret = bt;
	return NULL;
}

struct wh_error *wh_backtrace_of_task(struct wh_kernel *k, const struct wh_task *task,
				      struct wh_backtrace **ret)
{
	return task_backtrace(k, task, true, ret);
}

/* CURRENT: the task running on CPU, or NULL. */
static struct wh_error *backtrace_of_cpu(struct wh_kernel *k, const struct wh_task *current,
					 unsigned cpu, struct wh_backtrace **ret)
{
	struct wh_backtrace *bt = calloc(1, sizeof(*bt));
	if (!bt)
		return &wh_error_nomem;
	bt->cpu = (int)cpu;
	bt->task.pid = -1;
	bt->task.cpu = (int)cpu;
	if (current)
		bt->task = *current;
	struct wh_regs regs;
	bool found;
	struct wh_error *err = wh_cpu_registers(k, cpu, &regs, &found);
	if (!err && !found)
		bt->stack.end = WH_UNWIND_NO_START;
	else if (!err) {
		/* When the CPU stopped on its task's stack, that stack bounds the
		 * fallbacks (resync, scan); on an IRQ stack, none. */
		uint64_t lo = 0, hi = 0;
		if (bt->task.address) {
			struct wh_error *e = wh_task_stack_range(k, &bt->task, &lo, &hi);
			if (e || regs.sp < lo || regs.sp >= hi)
				lo = hi = 0;
			wh_error_destroy(e);
		}
		err = wh_unwind(k, &regs, lo, hi, &bt->stack);
	}
	if (err && wh_error_unreadable(err)) {
		memset(&bt->stack, 0, sizeof(bt->stack));
		bt->stack.end = wh_unwind_end_for(err);
		wh_error_destroy(err);
		err = NULL;
	}
	if (err) {
		free(bt);
		return wh_error_wrap(err, "stack of CPU %u", cpu);
	}
	wh_backtrace_add_sources(k, bt);
	*ret = bt;
	return NULL;
}

static struct wh_error *append(struct wh_backtraces *bts, struct wh_backtrace *bt)
{
	if (bts->count == bts->capacity) {
		size_t cap = bts->capacity ? 2 * bts->capacity : 64;
		struct wh_backtrace **items = realloc(bts->items, cap * sizeof(*items));
		if (!items) {
			wh_backtrace_destroy(bt);
			return &wh_error_nomem;
		}
		bts->items = items;
		bts->capacity = cap;
	}
	bts->items[bts->count++] = bt;
	return NULL;
}

/* The task running on each CPU (the last listed, should two claim one). */
static struct wh_error *tasks_on_cpus(struct wh_kernel *k, const struct wh_task_list *tasks,
				      const struct wh_task ***ret)
{
	const struct wh_task **on = calloc(k->nr_cpu_ids ? k->nr_cpu_ids : 1, sizeof(*on));
	if (!on)
		return &wh_error_nomem;
	for (size_t i = 0; i < tasks->count; i++) {
		const struct wh_task *t = &tasks->tasks[i];
		if (t->on_cpu && t->cpu >= 0 && (unsigned)t->cpu < k->nr_cpu_ids)
			on[t->cpu] = t;
	}
	*ret = on;
	return NULL;
}

static bool selected(const struct wh_task *t, const struct wh_bt_selection *sel)
{
	if (sel->all)
		return true;
	for (size_t i = 0; i < sel->n_pids; i++)
		if (t->pid == sel->pids[i] && !t->idle)
			return true;
	return sel->state && t->state == sel->state && !t->idle;
}

struct wh_error *wh_backtraces_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				     const struct wh_bt_selection *sel, struct wh_backtraces *ret)
{
	memset(ret, 0, sizeof(*ret));
	const struct wh_task **on_cpu;
	struct wh_error *err = tasks_on_cpus(k, tasks, &on_cpu);
	if (err)
		return err;
	for (unsigned cpu = 0; !err && cpu < k->nr_cpu_ids; cpu++) {
		if (!k->cpu_present[cpu] || !(sel->all_cpus || sel->cpu == (int)cpu))
			continue;
		struct wh_backtrace *bt = NULL;
		if (!(err = backtrace_of_cpu(k, on_cpu[cpu], cpu, &bt)))
			err = append(ret, bt);
	}
	free(on_cpu);
	for (size_t i = 0; !err && i < tasks->count; i++) {
		if (!selected(&tasks->tasks[i], sel))
			continue;
		struct wh_backtrace *bt = NULL;
		if (!(err = task_backtrace(k, &tasks->tasks[i], !sel->skip_sources, &bt)))
			err = append(ret, bt);
	}
	if (err)
		wh_backtraces_deinit(ret);
	return err;
}

void wh_backtrace_destroy(struct wh_backtrace *bt)
{
	if (!bt)
		return;
	for (size_t i = 0; i < bt->stack.n; i++) {
		struct wh_frame_source *src = &bt->sources[i];
		for (size_t k = 0; k < src->n_inlined; k++) {
			free(src->inlined[k].function);
			free(src->inlined[k].file);
		}
		free(src->inlined);
		free(src->file);
	}
	free(bt);
}

void wh_backtraces_deinit(struct wh_backtraces *bts)
{
	for (size_t i = 0; i < bts->count; i++)
		wh_backtrace_destroy(bts->items[i]);
	free(bts->items);
	memset(bts, 0, sizeof(*bts));
}

static bool same_name(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* FNV-1a over a name (NULL apart from "") and a separator. */
static uint64_t hash_name(uint64_t h, const char *name)
{
	for (const char *c = name ? name : ""; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
	return (h ^ (name ? 0x100 : 0x200)) * 0x100000001b3ull;
}

static uint64_t hash_word(uint64_t h, uint64_t word)
{
	return (h ^ word) * 0x100000001b3ull;
}

uint64_t wh_backtrace_functions_hash(const struct wh_backtrace *bt)
{
	uint64_t h = hash_word(hash_word(0xcbf29ce484222325ull, bt->stack.n), bt->stack.end);
	for (size_t i = 0; i < bt->stack.n; i++) {
		const struct wh_frame *f = &bt->stack.frames[i];
		h = hash_word(h, (uint64_t)f->have_symbol << 32 | f->flags);
		if (!f->have_symbol)
			h = hash_word(h, f->ip);
		h = hash_name(hash_name(h, f->sym.function), f->sym.module);
		for (size_t j = 0; j < bt->sources[i].n_inlined; j++)
			h = hash_name(h, bt->sources[i].inlined[j].function);
		h = hash_word(h, bt->sources[i].n_inlined);
	}
	return h;
}

bool wh_backtrace_same_functions(const struct wh_backtrace *a, const struct wh_backtrace *b)
{
	if (a->stack.n != b->stack.n || a->stack.end != b->stack.end)
		return false;
	for (size_t i = 0; i < a->stack.n; i++) {
		const struct wh_frame *x = &a->stack.frames[i], *y = &b->stack.frames[i];
		if (x->have_symbol != y->have_symbol ||
		    !same_name(x->sym.function, y->sym.function) ||
		    !same_name(x->sym.module, y->sym.module) || x->flags != y->flags)
			return false;
		if (!x->have_symbol && x->ip != y->ip)
			return false;
		/* The same functions inlined into it, too: a group shows one
		 * member's inlined lines for all. */
		const struct wh_frame_source *p = &a->sources[i], *q = &b->sources[i];
		if (p->n_inlined != q->n_inlined)
			return false;
		for (size_t j = 0; j < p->n_inlined; j++)
			if (!same_name(p->inlined[j].function, q->inlined[j].function))
				return false;
	}
	return true;
}
