#include "cli.h"
#include "kernel.h"
#include "output.h"
#include "summary.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define WH_VERSION "0.1.0"

static const char usage_text[] =
	"usage: whyhung [COMMAND] VMCORE -k VMLINUX [--format text|json]\n"
	"\n"
	"Explain why a Linux machine hung, from its crash dump.\n"
	"\n"
	"commands:\n"
	"  summary   (default) kernel, crash time, task counts, blocked tasks\n"
	"  tasks     every task: pid, tgid, state, CPU, time in state, name\n"
	"\n"
	"options:\n"
	"  -k, --vmlinux FILE   the dump's kernel with debug info (default: the\n"
	"                       Debian -dbg location for the dump's release)\n"
	"  -f, --format FMT     text (default) or json\n"
	"  -h, --help           this text\n"
	"  -V, --version        version\n"
	"\n"
	"exit codes: 0 ok, 1 internal error, 2 usage, 3 I/O error, 4 not a dump,\n"
	"5 truncated dump, 6 vmlinux missing or not a kernel, 7 no debug info,\n"
	"8 vmlinux does not match the dump, 9 kernel data unreadable/corrupt\n";

enum wh_exit_code wh_exit_code_for(const struct wh_error *err)
{
	if (!err)
		return WH_EXIT_OK;
	switch (err->code) {
	case WH_ERR_USAGE: return WH_EXIT_USAGE;
	case WH_ERR_IO: return WH_EXIT_IO;
	case WH_ERR_NOT_DUMP: return WH_EXIT_NOT_DUMP;
	case WH_ERR_TRUNCATED: return WH_EXIT_TRUNCATED;
	case WH_ERR_NO_VMLINUX: return WH_EXIT_NO_VMLINUX;
	case WH_ERR_NO_DEBUGINFO: return WH_EXIT_NO_DEBUGINFO;
	case WH_ERR_MISMATCH: return WH_EXIT_MISMATCH;
	case WH_ERR_FAULT:
	case WH_ERR_EXCLUDED:
	case WH_ERR_ABSENT:
	case WH_ERR_CORRUPT:
	case WH_ERR_FORMAT: return WH_EXIT_CORRUPT;
	case WH_ERR_NOMEM:
	case WH_ERR_INTERNAL: return WH_EXIT_INTERNAL;
	}
	return WH_EXIT_INTERNAL;
}

enum command { CMD_SUMMARY, CMD_TASKS };
enum format { FMT_TEXT, FMT_JSON };

struct options {
	enum command command;
	enum format format;
	const char *vmcore;
	const char *vmlinux;
};

static struct wh_error *parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"vmlinux", required_argument, NULL, 'k'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof(*o));
	int c;
	optind = 1;
	opterr = 0; /* our own one-line message instead of getopt's */
	while ((c = getopt_long(argc, argv, "+k:f:hV", longopts, NULL)) != -1 ||
	       optind < argc) {
		if (c == -1) {
			/* Positional argument: keep parsing options after it. */
			const char *arg = argv[optind++];
			if (!o->vmcore && !strcmp(arg, "tasks") && o->command == CMD_SUMMARY &&
			    access(arg, F_OK) != 0)
				o->command = CMD_TASKS;
			else if (!o->vmcore && !strcmp(arg, "summary") && access(arg, F_OK) != 0)
				o->command = CMD_SUMMARY;
			else if (!o->vmcore)
				o->vmcore = arg;
			else
				return wh_error_create(WH_ERR_USAGE, "unexpected argument: %s", arg);
			continue;
		}
		switch (c) {
		case 'k':
			o->vmlinux = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				o->format = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				o->format = FMT_JSON;
			else
				return wh_error_create(WH_ERR_USAGE, "unknown format: %s", optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(WH_EXIT_OK);
		case 'V':
			printf("whyhung %s\n", WH_VERSION);
			exit(WH_EXIT_OK);
		default:
			if (optopt)
				return wh_error_create(WH_ERR_USAGE,
						       "bad or incomplete option -%c (see whyhung --help)",
						       optopt);
			return wh_error_create(WH_ERR_USAGE, "bad option %s (see whyhung --help)",
					       argv[optind - 1]);
		}
	}
	if (!o->vmcore)
		return wh_error_create(WH_ERR_USAGE, "no VMCORE given (see whyhung --help)");
	return NULL;
}

/* Without -k, look where Debian's linux-image-*-dbg installs the vmlinux. */
static struct wh_error *default_vmlinux(const char *vmcore, char *buf, size_t size)
{
	struct wh_dump *dump;
	struct wh_error *err = wh_dump_open(vmcore, &dump);
	if (err)
		return err;
	const char *release = wh_dump_release(dump);
	const char *dirs[][2] = {{"/usr/lib/debug/boot/vmlinux-", ""},
				 {"/usr/lib/debug/lib/modules/", "/vmlinux"}};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		snprintf(buf, size, "%s%s%s", dirs[i][0], release, dirs[i][1]);
		if (access(buf, R_OK) == 0) {
			wh_dump_destroy(dump);
			return NULL;
		}
	}
	err = wh_error_create(WH_ERR_NO_VMLINUX,
			      "no vmlinux given (-k) and none found for %s under /usr/lib/debug",
			      release);
	wh_dump_destroy(dump);
	return err;
}

static struct wh_error *run(const struct options *o)
{
	char found[4096];
	const char *vmlinux = o->vmlinux;
	struct wh_error *err;
	if (!vmlinux) {
		if ((err = default_vmlinux(o->vmcore, found, sizeof(found))))
			return err;
		vmlinux = found;
	}
	struct wh_kernel *k;
	if ((err = wh_kernel_open(o->vmcore, vmlinux, &k)))
		return err;
	struct wh_summary s;
	err = wh_summary_build(k, &s);
	if (!err) {
		if (o->command == CMD_TASKS && o->format == FMT_JSON)
			wh_output_json_tasks(stdout, &s);
		else if (o->command == CMD_TASKS)
			wh_output_text_tasks(stdout, &s);
		else if (o->format == FMT_JSON)
			wh_output_json_summary(stdout, &s);
		else
			wh_output_text_summary(stdout, &s);
		wh_summary_deinit(&s);
	}
	wh_kernel_destroy(k);
	return err;
}

int wh_cli_main(int argc, char **argv)
{
	struct options o;
	struct wh_error *err = parse_args(argc, argv, &o);
	if (!err)
		err = run(&o);
	if (fflush(stdout) != 0 && !err)
		err = wh_error_create(WH_ERR_IO, "writing output failed");
	if (!err)
		return WH_EXIT_OK;
	enum wh_exit_code code = wh_exit_code_for(err);
	/* One line, whatever went wrong; newlines from the dump are escaped. */
	fputs("whyhung: ", stderr);
	for (const char *p = err->message; *p; p++)
		fputc(*p == '\n' ? ' ' : *p, stderr);
	fputc('\n', stderr);
	wh_error_destroy(err);
	return (int)code;
}
