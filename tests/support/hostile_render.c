/* Writes the hostile report (hostile_report.h) in one format, for the
 * browser test: hostile_render text|json|dot|html|svg > FILE. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "output_report.h"
#include "tests/support/hostile_report.h"

int main(int argc, char **argv)
{
	static struct hostile_report h;
	if (argc != 2) {
		fprintf(stderr, "usage: hostile_render text|json|dot|html|svg\n");
		return 2;
	}
	hostile_report_build(&h);
	struct wh_error *err = NULL;
	if (!strcmp(argv[1], "text"))
		wh_output_text_report(stdout, &h.r);
	else if (!strcmp(argv[1], "json"))
		wh_output_json_report(stdout, &h.r);
	else if (!strcmp(argv[1], "dot"))
		wh_output_dot_report(stdout, &h.r);
	else if (!strcmp(argv[1], "html"))
		err = wh_output_html_report(stdout, &h.r);
	else if (!strcmp(argv[1], "svg"))
		err = wh_output_svg_report(stdout, &h.r);
	else
		err = wh_error_create(WH_ERR_USAGE, "unknown format %s", argv[1]);
	if (err) {
		fprintf(stderr, "hostile_render: %s\n", err->message);
		wh_error_destroy(err);
		return 1;
	}
	return fflush(stdout) ? 1 : 0;
}
