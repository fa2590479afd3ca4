/* The wait graph alone, as a standalone SVG document (--format svg). */
#include "output_report.h"
#include "svg_graph.h"

#include <stdlib.h>

struct wh_error *wh_output_svg_report(FILE *out, const struct wh_report *r)
{
	char *svg;
	size_t len;
	struct wh_error *err = wh_svg_graph_render(r, &svg, &len);
	if (err)
		return err;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n", out);
	fwrite(svg, 1, len, out);
	free(svg);
	return NULL;
}
