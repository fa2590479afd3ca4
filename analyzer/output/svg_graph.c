#include "svg_graph.h"
#include "explain.h"
#include "graph_view.h"
#include "markup_escape.h"
#include "output_report_common.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The two plugins the drawing needs, linked in rather than loaded on
 * demand from Graphviz's plugin directory: the dot layout and the core
 * renderers (SVG). On demand, libgvc also loads pango, whose text layout
 * pulls in fontconfig (slow to start, leaks, and Debian 12's pango plugin
 * reads a font name freed by the previous context: a use after free under
 * ASan). Without it Graphviz sizes labels from its own font metrics, so
 * the drawing is the same on every machine. */
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
static const lt_symlist_t graph_plugins[] = {
    {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
    {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
    {NULL, NULL},
};

/* Graphviz takes char * for attribute names and values it does not change. */
static void set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, (char *)"");
}

static void node_label(const struct wh_report *r, const struct wh_view_node *n, char *buf,
		       size_t size)
{
	char text[512];
	switch (n->kind) {
	case WH_VIEW_TASK: {
		const struct wh_task *t = &r->summary.tasks.tasks[n->index];
		char label[160];
		wh_report_task_label(t, label, sizeof(label));
		snprintf(text, sizeof(text), "%s\nstate %c", label, t->state);
		break;
	}
	case WH_VIEW_OBJECT: wh_explain_object_label(r, n->index, text, sizeof(text)); break;
	case WH_VIEW_FOLDED: {
		char first[160], mode[16];
		wh_report_task_label(&r->summary.tasks.tasks[n->first], first, sizeof(first));
		snprintf(text, sizeof(text), "%zu tasks waiting%s\n(%s, ...)", n->count,
			 wh_report_for_mode(n->mode, mode), first);
		break;
	}
	}
	/* The labels are text-escaped already; "\n" is ours, Graphviz's line
	 * break, and must survive as one. */
	char *line = text, *nl;
	size_t o = 0;
	buf[0] = '\0';
	do {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (o < size)
			o += strlen(wh_markup_escape(WH_MARKUP_GRAPHVIZ, line, SIZE_MAX, buf + o,
						     size - o));
		if (nl && o + 2 < size) {
			buf[o++] = '\\';
			buf[o++] = 'n';
			buf[o] = '\0';
		}
		line = nl ? nl + 1 : NULL;
	} while (line);
}

static void node_href(const struct wh_view_node *n, char *buf, size_t size)
{
	char id[48];
	if (n->kind == WH_VIEW_TASK)
		wh_view_task_id(n->index, id, sizeof(id));
	else
		wh_view_object_id(n->index, id, sizeof(id));
	snprintf(buf, size, "#%s", id);
}

static struct wh_error *build_graph(const struct wh_report *r, const struct wh_graph_view *v,
				    Agraph_t *g)
{
	Agnode_t **nodes = calloc(v->n_nodes ? v->n_nodes : 1, sizeof(*nodes));
	if (!nodes)
		return &wh_error_nomem;
	for (size_t i = 0; i < v->n_nodes; i++) {
		const struct wh_view_node *n = &v->nodes[i];
		char name[32], label[2048], href[64];
		snprintf(name, sizeof(name), "n%zu", i);
		nodes[i] = agnode(g, name, 1);
		node_label(r, n, label, sizeof(label));
		node_href(n, href, sizeof(href));
		set(nodes[i], "label", label);
		set(nodes[i], "href", href);
		set(nodes[i], "tooltip", label);
		set(nodes[i], "shape", n->kind == WH_VIEW_OBJECT ? "ellipse" : "box");
		if (n->kind == WH_VIEW_FOLDED)
			set(nodes[i], "peripheries", "2");
		if (n->root) {
			set(nodes[i], "style", "filled");
			set(nodes[i], "fillcolor", "#ffd8a8");
		}
		if (n->in_cycle) {
			set(nodes[i], "color", "#d00000");
			set(nodes[i], "penwidth", "2.5");
		}
	}
	for (size_t i = 0; i < v->n_edges; i++) {
		const struct wh_view_edge *e = &v->edges[i];
		Agedge_t *ed = agedge(g, nodes[e->from], nodes[e->to], NULL, 1);
		set(ed, "label",
		    e->held_by ? (e->inferred ? "held by (inferred)" : "held by") : "waits");
		if (e->inferred)
			set(ed, "style", "dashed");
		if (e->back)
			set(ed, "constraint", "false");
		if (e->in_cycle) {
			set(ed, "color", "#d00000");
			set(ed, "penwidth", "2.5");
		}
	}
	free(nodes);
	return NULL;
}

/* The <svg ...> element of Graphviz's document, from its start tag on. */
static struct wh_error *svg_element(const char *doc, size_t len, char **ret, size_t *ret_len)
{
	const char *start = strstr(doc, "<svg");
	if (!start)
		return wh_error_create(WH_ERR_INTERNAL, "Graphviz rendered no <svg> element");
	size_t n = len - (size_t)(start - doc);
	char *out = malloc(n + 1);
	if (!out)
		return &wh_error_nomem;
	memcpy(out, start, n);
	out[n] = '\0';
	*ret = out;
	*ret_len = n;
	return NULL;
}

struct wh_error *wh_svg_graph_render(const struct wh_report *r, char **ret, size_t *ret_len)
{
	struct wh_graph_view v;
	struct wh_error *err = wh_graph_view_build(r, WH_VIEW_FOLD_MIN, &v);
	if (err)
		return wh_error_wrap(err, "drawing the wait graph");
	GVC_t *gvc = gvContextPlugins(graph_plugins, 0);
	if (!gvc) {
		wh_graph_view_deinit(&v);
		return wh_error_create(WH_ERR_INTERNAL,
				       "drawing the wait graph: no Graphviz context");
	}
	Agraph_t *g = agopen((char *)"whyhung", Agdirected, NULL);
	set(g, "rankdir", "LR");
	set(g, "fontname", "Courier");
	agattr(g, AGNODE, (char *)"fontname", (char *)"Courier");
	agattr(g, AGEDGE, (char *)"fontname", (char *)"Courier");
	agattr(g, AGNODE, (char *)"fontsize", (char *)"11");
	agattr(g, AGEDGE, (char *)"fontsize", (char *)"9");
	if (!v.n_nodes) {
		Agnode_t *n = agnode(g, (char *)"none", 1);
		set(n, "label", "no task waits on a lock or wait object");
		set(n, "shape", "plaintext");
	}
	err = build_graph(r, &v, g);
	char *doc = NULL;
	WH_GVRENDERDATA_LENGTH len = 0; /* its type changed in Graphviz 3.0 (CMake checks) */
	if (!err && gvLayout(gvc, g, "dot") != 0)
		err = wh_error_create(WH_ERR_INTERNAL,
				      "drawing the wait graph: Graphviz layout failed");
	else if (!err) {
		if (gvRenderData(gvc, g, "svg", &doc, &len) != 0 || !doc)
			err = wh_error_create(WH_ERR_INTERNAL,
					      "drawing the wait graph: Graphviz rendered no SVG");
		else
			err = svg_element(doc, len, ret, ret_len);
		gvFreeRenderData(doc);
		gvFreeLayout(gvc, g);
	}
	agclose(g);
	gvFreeContext(gvc);
	wh_graph_view_deinit(&v);
	return err;
}
