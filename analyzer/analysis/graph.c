#include "graph.h"
#include "graph_nodes.h"

#include <stdlib.h>
#include <string.h>

/* Per-node scratch for the searches, allocated once per graph: a search
 * marks what it visits with its own generation number, so no search
 * clears the arrays and many small searches cost what they visit. */
struct search {
	size_t *queue, *parent;
	unsigned *mark;
	unsigned generation;
};

static struct wh_error *search_init(struct search *s, size_t n)
{
	s->queue = malloc((n ? n : 1) * sizeof(*s->queue));
	s->parent = malloc((n ? n : 1) * sizeof(*s->parent));
	s->mark = calloc(n ? n : 1, sizeof(*s->mark));
	s->generation = 0;
	return s->queue && s->parent && s->mark ? NULL : &wh_error_nomem;
}

static void search_deinit(struct search *s)
{
	free(s->queue);
	free(s->parent);
	free(s->mark);
}

/* Tarjan's algorithm, iterative (graphs of 100k tasks must not overflow
 * the C stack). comp[v] = component id. */
static struct wh_error *components(const struct wh_node_graph *g, size_t *comp, size_t *ret_count)
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
		edge[root] = g->out_start[root];
		index[root] = low[root] = counter++;
		stack[sp++] = root;
		on[root] = true;
		while (csp) {
			size_t v = call[csp - 1];
			if (edge[v] < g->out_start[v + 1]) {
				size_t w = g->out[edge[v]++];
				if (index[w] == SIZE_MAX) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					on[w] = true;
					edge[w] = g->out_start[w];
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

/* Tasks that can reach component TARGET (its own included): a breadth-first
 * search along reverse edges from its nodes MEMBERS. */
static size_t count_blocked(const struct wh_node_graph *g, const size_t *members, size_t n_members,
			    struct search *s)
{
	unsigned gen = ++s->generation;
	size_t head = 0, tail = 0, count = 0;
	for (size_t i = 0; i < n_members; i++) {
		s->mark[members[i]] = gen;
		s->queue[tail++] = members[i];
	}
	while (head < tail) {
		size_t v = s->queue[head++];
		if (v < g->nt)
			count++;
		for (size_t i = g->in_start[v]; i < g->in_start[v + 1]; i++) {
			size_t u = g->in[i];
			if (s->mark[u] != gen) {
				s->mark[u] = gen;
				s->queue[tail++] = u;
			}
		}
	}
	return count;
}

/* Is the edge OBJECT -> TASK a holder that is only inferred? */
static bool inferred_holder(const struct wh_task_list *tasks, const struct wh_waits *waits,
			    size_t object, size_t task)
{
	const struct wh_wait_object *o = &waits->objects[object];
	for (size_t j = 0; j < o->n_owners; j++)
		if (o->owners[j].task == tasks->tasks[task].address)
			return o->owners[j].how == WH_OWNER_INFERRED;
	return false;
}

/* The shortest cycle through START that stays in START's component C:
 * breadth-first from START until an edge leads back to it. Every step of
 * the result is an edge of the graph (task -> object -> task), so the
 * explanation never states a "held by" the dump does not show. Edges are
 * tried in node order: among equally short cycles, the lower pids win. */
static struct wh_error *shortest_cycle(const struct wh_node_graph *g, const size_t *comp, size_t c,
				       size_t start, struct search *s, struct wh_cycle *out)
{
	unsigned gen = ++s->generation;
	size_t head = 0, tail = 0, last = SIZE_MAX;
	s->mark[start] = gen;
	s->queue[tail++] = start;
	while (head < tail && last == SIZE_MAX) {
		size_t v = s->queue[head++];
		for (size_t i = g->out_start[v]; i < g->out_start[v + 1]; i++) {
			size_t w = g->out[i];
			if (comp[w] != c)
				continue;
			if (w == start) {
				last = v;
				break;
			}
			if (s->mark[w] != gen) {
				s->mark[w] = gen;
				s->parent[w] = v;
				s->queue[tail++] = w;
			}
		}
	}
	if (last == SIZE_MAX) /* cannot happen in a component of 2+ nodes */
		return wh_error_create(WH_ERR_INTERNAL,
				       "no cycle through a strongly connected task");
	/* Nodes alternate task, object, ..., object: LAST is an object. */
	size_t len = 1;
	for (size_t v = last; v != start; v = s->parent[v])
		len++;
	out->n = len / 2;
	out->tasks = malloc(out->n * sizeof(*out->tasks));
	out->objects = malloc(out->n * sizeof(*out->objects));
	if (!out->tasks || !out->objects) {
		free(out->tasks);
		free(out->objects);
		out->tasks = out->objects = NULL;
		return &wh_error_nomem;
	}
	size_t pos = len;
	for (size_t v = last;; v = s->parent[v]) {
		pos--;
		if (pos % 2)
			out->objects[pos / 2] = v - g->nt;
		else
			out->tasks[pos / 2] = g->task_of[v];
		if (v == start)
			break;
	}
	return NULL;
}

struct ranked {
	struct wh_root_cause rc;
	size_t seq; /* order found: cycles, then tasks, then objects */
};

/* Most blocked first; ties by kind (deadlocks first), then as found. */
static int compare_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->rc.blocked != y->rc.blocked)
		return x->rc.blocked > y->rc.blocked ? -1 : 1;
	if (x->rc.kind != y->rc.kind)
		return (int)x->rc.kind - (int)y->rc.kind;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Nodes grouped by component: MEMBERS[START[c] .. START[c + 1]), each
 * group in increasing node order (tasks first, by task list index). */
static struct wh_error *group_components(const size_t *comp, size_t n, size_t ncomp,
					 size_t **ret_start, size_t **ret_members)
{
	size_t *start = calloc(ncomp + 2, sizeof(*start));
	size_t *members = malloc((n ? n : 1) * sizeof(*members));
	if (!start || !members) {
		free(start);
		free(members);
		return &wh_error_nomem;
	}
	for (size_t v = 0; v < n; v++)
		start[comp[v] + 2]++;
	for (size_t c = 0; c < ncomp; c++)
		start[c + 2] += start[c + 1];
	for (size_t v = 0; v < n; v++)
		members[start[comp[v] + 1]++] = v;
	*ret_start = start;
	*ret_members = members;
	return NULL;
}

struct build {
	const struct wh_task_list *tasks;
	const struct wh_waits *waits;
	struct wh_node_graph g;
	size_t *comp, ncomp, *comp_start, *members;
	struct search s;
	struct ranked *ranked;
	size_t n_ranked;
};

static size_t comp_size(const struct build *b, size_t c)
{
	return b->comp_start[c + 1] - b->comp_start[c];
}

/* Each component of two nodes or more is a deadlock; visited from its
 * lowest task, so cycles come in pid order. */
static struct wh_error *find_cycles(struct build *b, struct wh_graph *ret)
{
	for (size_t v = 0; v < b->g.nt; v++) {
		size_t c = b->comp[v];
		if (comp_size(b, c) < 2 || ret->task_cycle[b->g.task_of[v]] >= 0)
			continue;
		struct wh_cycle *cy = &ret->cycles[ret->n_cycles];
		struct wh_error *err = shortest_cycle(&b->g, b->comp, c, v, &b->s, cy);
		ret->n_cycles++; /* freed with the graph from here on */
		if (err)
			return err;
		const size_t *m = &b->members[b->comp_start[c]];
		cy->members = malloc(comp_size(b, c) * sizeof(*cy->members));
		if (!cy->members)
			return &wh_error_nomem;
		for (size_t i = 0; i < comp_size(b, c) && m[i] < b->g.nt; i++) {
			cy->members[cy->n_members++] = b->g.task_of[m[i]];
			ret->task_cycle[b->g.task_of[m[i]]] = (int)ret->n_cycles - 1;
		}
		for (size_t i = 0; i < cy->n; i++)
			cy->inferred |= inferred_holder(b->tasks, b->waits, cy->objects[i],
							cy->tasks[(i + 1) % cy->n]);
		b->ranked[b->n_ranked] = (struct ranked){
		    .rc = {.kind = WH_ROOT_CYCLE,
			   .index = ret->n_cycles - 1,
			   .blocked = count_blocked(&b->g, m, comp_size(b, c), &b->s)},
		    .seq = b->n_ranked};
		b->n_ranked++;
	}
	return NULL;
}

/* Sinks with something waiting behind them: a holder that waits on no
 * lock, or an object nobody is known to hold. */
static void find_sinks(struct build *b)
{
	const struct wh_node_graph *g = &b->g;
	for (size_t v = 0; v < g->n; v++) {
		if (wh_node_out_degree(g, v) || !wh_node_in_degree(g, v) ||
		    comp_size(b, b->comp[v]) > 1)
			continue;
		struct wh_root_cause r = {.blocked = count_blocked(g, &v, 1, &b->s)};
		if (v < g->nt) {
			r.kind = WH_ROOT_TASK;
			r.index = g->task_of[v];
			r.blocked--; /* not itself */
			/* The last object it holds: reverse edges are in node order. */
			r.via_object = g->in[g->in_start[v + 1] - 1] - g->nt;
		} else {
			r.kind = WH_ROOT_OBJECT;
			r.index = v - g->nt;
		}
		b->ranked[b->n_ranked] = (struct ranked){.rc = r, .seq = b->n_ranked};
		b->n_ranked++;
	}
}

static struct wh_error *analyze(struct build *b, struct wh_graph *ret)
{
	size_t n = b->g.n;
	struct wh_error *err;
	b->comp = malloc((n ? n : 1) * sizeof(*b->comp));
	ret->task_cycle =
	    malloc((b->tasks->count ? b->tasks->count : 1) * sizeof(*ret->task_cycle));
	if (!b->comp || !ret->task_cycle)
		return &wh_error_nomem;
	for (size_t t = 0; t < b->tasks->count; t++)
		ret->task_cycle[t] = -1;
	if ((err = components(&b->g, b->comp, &b->ncomp)) ||
	    (err = group_components(b->comp, n, b->ncomp, &b->comp_start, &b->members)) ||
	    (err = search_init(&b->s, n)))
		return err;
	ret->cycles = calloc(b->g.nt ? b->g.nt : 1, sizeof(*ret->cycles));
	b->ranked = malloc((n ? n : 1) * sizeof(*b->ranked));
	if (!ret->cycles || !b->ranked)
		return &wh_error_nomem;
	if ((err = find_cycles(b, ret)))
		return err;
	find_sinks(b);
	qsort(b->ranked, b->n_ranked, sizeof(*b->ranked), compare_ranked);
	ret->roots = malloc((b->n_ranked ? b->n_ranked : 1) * sizeof(*ret->roots));
	if (!ret->roots)
		return &wh_error_nomem;
	for (size_t i = 0; i < b->n_ranked; i++)
		ret->roots[i] = b->ranked[i].rc;
	ret->n_roots = b->n_ranked;
	return NULL;
}

struct wh_error *wh_graph_build(const struct wh_task_list *tasks, const struct wh_waits *waits,
				struct wh_graph *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct build b = {.tasks = tasks, .waits = waits};
	struct wh_error *err = wh_node_graph_build(tasks, waits, &b.g);
	if (!err)
		err = analyze(&b, ret);
	wh_node_graph_deinit(&b.g);
	free(b.comp);
	free(b.comp_start);
	free(b.members);
	search_deinit(&b.s);
	free(b.ranked);
	if (err)
		wh_graph_deinit(ret);
	return err;
}

void wh_graph_deinit(struct wh_graph *g)
{
	for (size_t i = 0; i < g->n_cycles; i++) {
		free(g->cycles[i].tasks);
		free(g->cycles[i].objects);
		free(g->cycles[i].members);
	}
	free(g->cycles);
	free(g->task_cycle);
	free(g->roots);
	memset(g, 0, sizeof(*g));
}
