#include "graph.h"

#include <stdlib.h>
#include <string.h>

/* Nodes 0..nt-1 are tasks, nt..nt+no-1 objects. */
struct node_graph {
	size_t nt, no, n;
	size_t **out; /* adjacency lists */
	size_t *n_out;
};

static size_t task_index(const struct wh_task_list *tasks, uint64_t addr)
{
	for (size_t i = 0; i < tasks->count; i++)
		if (tasks->tasks[i].address == addr)
			return i;
	return SIZE_MAX;
}

static struct wh_error *add_edge(struct node_graph *g, size_t from, size_t to)
{
	for (size_t i = 0; i < g->n_out[from]; i++)
		if (g->out[from][i] == to)
			return NULL;
	size_t *o = realloc(g->out[from], (g->n_out[from] + 1) * sizeof(*o));
	if (!o)
		return &wh_error_nomem;
	g->out[from] = o;
	o[g->n_out[from]++] = to;
	return NULL;
}

static void free_nodes(struct node_graph *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->out[i]);
	free(g->out);
	free(g->n_out);
}

static struct wh_error *build_nodes(const struct wh_task_list *tasks, const struct wh_waits *waits,
				    struct node_graph *g)
{
	g->nt = tasks->count;
	g->no = waits->n_objects;
	g->n = g->nt + g->no;
	g->out = calloc(g->n ? g->n : 1, sizeof(*g->out));
	g->n_out = calloc(g->n ? g->n : 1, sizeof(*g->n_out));
	if (!g->out || !g->n_out)
		return &wh_error_nomem;
	struct wh_error *err;
	for (size_t i = 0; i < waits->n_waits; i++) {
		size_t t = task_index(tasks, waits->waits[i].task);
		if (t != SIZE_MAX && (err = add_edge(g, t, g->nt + waits->waits[i].object)))
			return err;
	}
	for (size_t o = 0; o < waits->n_objects; o++) {
		const struct wh_wait_object *obj = &waits->objects[o];
		for (size_t j = 0; j < obj->n_owners; j++) {
			size_t t = task_index(tasks, obj->owners[j].task);
			if (t != SIZE_MAX && (err = add_edge(g, g->nt + o, t)))
				return err;
		}
	}
	return NULL;
}

/* Tarjan's algorithm, iterative (graphs of 100k tasks must not overflow
 * the C stack). comp[v] = component id. */
static struct wh_error *components(const struct node_graph *g, size_t *comp, size_t *ret_count)
{
	size_t n = g->n, counter = 0, ncomp = 0, sp = 0, csp = 0;
	size_t *index = malloc(n * sizeof(*index)), *low = malloc(n * sizeof(*low));
	size_t *stack = malloc(n * sizeof(*stack)), *call = malloc(n * sizeof(*call));
	size_t *edge = malloc(n * sizeof(*edge));
	bool *on = calloc(n, sizeof(*on));
	struct wh_error *err = NULL;
	if (n && (!index || !low || !stack || !call || !edge || !on)) {
		err = &wh_error_nomem;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		index[i] = SIZE_MAX;
	for (size_t root = 0; root < n; root++) {
		if (index[root] != SIZE_MAX)
			continue;
		call[csp++] = root;
		edge[root] = 0;
		index[root] = low[root] = counter++;
		stack[sp++] = root;
		on[root] = true;
		while (csp) {
			size_t v = call[csp - 1];
			if (edge[v] < g->n_out[v]) {
				size_t w = g->out[v][edge[v]++];
				if (index[w] == SIZE_MAX) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					on[w] = true;
					edge[w] = 0;
					call[csp++] = w;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			if (low[v] == index[v]) {
				size_t w;
				do {
					w = stack[--sp];
					on[w] = false;
					comp[w] = ncomp;
				} while (w != v);
				ncomp++;
			}
			csp--;
			if (csp) {
				size_t u = call[csp - 1];
				if (low[v] < low[u])
					low[u] = low[v];
			}
		}
	}
	*ret_count = ncomp;
out:
	free(index);
	free(low);
	free(stack);
	free(call);
	free(edge);
	free(on);
	return err;
}

/* Tasks that can reach any node of TARGET (a component): reverse BFS. */
static size_t count_blocked(const struct node_graph *g, const size_t *comp, size_t target,
			    bool *seen, size_t *queue)
{
	memset(seen, 0, g->n * sizeof(*seen));
	size_t head = 0, tail = 0, count = 0;
	for (size_t v = 0; v < g->n; v++)
		if (comp[v] == target) {
			seen[v] = true;
			queue[tail++] = v;
		}
	/* Reverse edges by scanning: graphs here are small (blocked tasks). */
	while (head < tail) {
		size_t v = queue[head++];
		if (v < g->nt)
			count++;
		for (size_t u = 0; u < g->n; u++) {
			if (seen[u])
				continue;
			for (size_t i = 0; i < g->n_out[u]; i++)
				if (g->out[u][i] == v) {
					seen[u] = true;
					queue[tail++] = u;
					break;
				}
		}
	}
	return count;
}

static int compare_roots(const void *a, const void *b)
{
	const struct wh_root_cause *x = a, *y = b;
	if (x->blocked != y->blocked)
		return x->blocked > y->blocked ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/* Order a cycle's tasks by following its edges from the lowest pid. */
static struct wh_error *extract_cycle(const struct node_graph *g, const size_t *comp, size_t c,
				      const struct wh_task_list *tasks, struct wh_cycle *out)
{
	size_t start = SIZE_MAX;
	for (size_t v = 0; v < g->nt; v++)
		if (comp[v] == c &&
		    (start == SIZE_MAX || tasks->tasks[v].pid < tasks->tasks[start].pid))
			start = v;
	out->tasks = malloc(g->nt * sizeof(*out->tasks));
	if (!out->tasks)
		return &wh_error_nomem;
	out->n = 0;
	size_t v = start;
	for (size_t steps = 0; v != SIZE_MAX && steps < g->n; steps++) {
		if (v < g->nt) {
			if (out->n && v == start)
				break;
			out->tasks[out->n++] = v;
		}
		size_t next = SIZE_MAX;
		for (size_t i = 0; i < g->n_out[v]; i++)
			if (comp[g->out[v][i]] == c)
				next = g->out[v][i];
		v = next;
	}
	return NULL;
}

/* Is any task -> next task edge of CY through an inferred holder? */
static bool cycle_inferred(const struct wh_task_list *tasks, const struct wh_waits *waits,
			   const struct wh_cycle *cy)
{
	for (size_t i = 0; i < cy->n; i++) {
		uint64_t t = tasks->tasks[cy->tasks[i]].address;
		uint64_t next = tasks->tasks[cy->tasks[(i + 1) % cy->n]].address;
		const struct wh_task_wait *w = wh_waits_of_task(waits, t);
		if (!w)
			continue;
		const struct wh_wait_object *o = &waits->objects[w->object];
		for (size_t j = 0; j < o->n_owners; j++)
			if (o->owners[j].task == next && o->owners[j].how == WH_OWNER_INFERRED)
				return true;
	}
	return false;
}

struct wh_error *wh_graph_build(const struct wh_task_list *tasks, const struct wh_waits *waits,
				struct wh_graph *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct node_graph g = {0};
	size_t *comp = NULL, *comp_size = NULL, *queue = NULL, ncomp = 0;
	bool *seen = NULL;
	struct wh_error *err = build_nodes(tasks, waits, &g);
	if (err)
		goto out;
	comp = calloc(g.n ? g.n : 1, sizeof(*comp));
	queue = malloc((g.n ? g.n : 1) * sizeof(*queue));
	seen = malloc((g.n ? g.n : 1) * sizeof(*seen));
	ret->task_cycle = malloc((g.nt ? g.nt : 1) * sizeof(*ret->task_cycle));
	if (!comp || !queue || !seen || !ret->task_cycle) {
		err = &wh_error_nomem;
		goto out;
	}
	if ((err = components(&g, comp, &ncomp)))
		goto out;
	comp_size = calloc(ncomp ? ncomp : 1, sizeof(*comp_size));
	ret->roots = calloc(g.n ? g.n : 1, sizeof(*ret->roots));
	ret->cycles = calloc(ncomp ? ncomp : 1, sizeof(*ret->cycles));
	if (!comp_size || !ret->roots || !ret->cycles) {
		err = &wh_error_nomem;
		goto out;
	}
	for (size_t v = 0; v < g.n; v++)
		comp_size[comp[v]]++;
	for (size_t t = 0; t < g.nt; t++)
		ret->task_cycle[t] = -1;
	for (size_t c = 0; c < ncomp; c++) {
		if (comp_size[c] < 2)
			continue;
		struct wh_cycle *cy = &ret->cycles[ret->n_cycles];
		if ((err = extract_cycle(&g, comp, c, tasks, cy)))
			goto out;
		for (size_t i = 0; i < cy->n; i++)
			ret->task_cycle[cy->tasks[i]] = (int)ret->n_cycles;
		cy->inferred = cycle_inferred(tasks, waits, cy);
		ret->roots[ret->n_roots++] =
		    (struct wh_root_cause){.kind = WH_ROOT_CYCLE,
					   .index = ret->n_cycles,
					   .blocked = count_blocked(&g, comp, c, seen, queue)};
		ret->n_cycles++;
	}
	/* Sinks with something waiting behind them. */
	for (size_t v = 0; v < g.n; v++) {
		if (g.n_out[v] || comp_size[comp[v]] > 1)
			continue;
		bool waited_on = false;
		for (size_t u = 0; u < g.n && !waited_on; u++)
			for (size_t i = 0; i < g.n_out[u]; i++)
				waited_on |= g.out[u][i] == v;
		if (!waited_on)
			continue;
		struct wh_root_cause r = {.blocked = count_blocked(&g, comp, comp[v], seen, queue)};
		if (v < g.nt) {
			r.kind = WH_ROOT_TASK;
			r.index = v;
			r.blocked--; /* not itself */
			for (size_t u = g.nt; u < g.n; u++)
				for (size_t i = 0; i < g.n_out[u]; i++)
					if (g.out[u][i] == v)
						r.via_object = u - g.nt;
		} else {
			r.kind = WH_ROOT_OBJECT;
			r.index = v - g.nt;
		}
		ret->roots[ret->n_roots++] = r;
	}
	qsort(ret->roots, ret->n_roots, sizeof(*ret->roots), compare_roots);
out:
	free_nodes(&g);
	free(comp);
	free(comp_size);
	free(queue);
	free(seen);
	if (err)
		wh_graph_deinit(ret);
	return err;
}

void wh_graph_deinit(struct wh_graph *g)
{
	for (size_t i = 0; i < g->n_cycles; i++)
		free(g->cycles[i].tasks);
	free(g->cycles);
	free(g->task_cycle);
	free(g->roots);
	memset(g, 0, sizeof(*g));
}
