#include "cli.h"
#include "backtraces.h"
#include "batch_cli.h"
#include "cli_help.h"
#include "debuginfo_find.h"
#include "escape.h"
#include "explain.h"
#include "kdump_log_file.h"
#include "kernel.h"
#include "module_debug.h"
#include "output_backtrace.h"
#include "output_cpus.h"
#include "output_log.h"
#include "output_report.h"
#include "output_summary.h"
#include "printk.h"
#include "report.h"
#include "summary.h"
#include "wh_version.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: whyhung [COMMAND] VMCORE... -k VMLINUX [--format FMT] [OPTIONS]\n"
    "       whyhung COMMAND --help\n"
    "\n"
    "Explain why a Linux machine hung, from its crash dump.\n"
    "\n"
    "VMCORE: an ELF or kdump-compressed dump, flattened (makedumpfile -F) or\n"
    "not, possibly compressed as a whole (gzip, bzip2, lz4, xz, zstd); the files\n"
    "of a split dump (makedumpfile --split); or a directory holding them.\n"
    "\n"
    "commands:\n"
    "  report    (default) the whole analysis: panic, why it hung (who waits on\n"
    "            what, who holds it, deadlock cycles, root causes), the wait graph,\n"
    "            the locks, and the blocked tasks' stacks grouped\n"
    "  summary   kernel, crash time, panic, task counts, blocked tasks (fast)\n"
    "  tasks     every task: pid, tgid, state, CPU, time in state, name\n"
    "  cpus      each CPU: task, context, interrupts, watchdog, stack\n"
    "  bt        kernel stacks: of D tasks by default, or --pid/--state/--cpu/--all\n"
    "  log       the kernel log (dmesg), as makedumpfile --dump-dmesg prints it\n"
    "  batch     many dumps, one worker each (whyhung batch --help)\n"
    "  clusters  hang signatures of a batch's results (whyhung clusters --help)\n"
    "  merge     combine batch results, e.g. shards (whyhung merge --help)\n"
    "\n"
    "options:\n"
    "  -k, --vmlinux FILE   the dump's kernel with debug info (default: found\n"
    "                       by the dump's build id and release in the\n"
    "                       --debug-dir trees, then /usr/lib/debug)\n"
    "  --debug-dir DIR      a tree laid out like /usr/lib/debug (repeatable)\n"
    "  -f, --format FMT     text (default), json; report only: dot (Graphviz),\n"
    "                       html (one page, graph drawn), svg (the graph)\n"
    "  -m, --modules DIR    module debug files (NAME.ko), searched recursively;\n"
    "                       or one NAME.ko file (anything else: exit 3)\n"
    "  -p, --pid N          bt: this task (repeatable)\n"
    "  -s, --state X        bt: tasks in state X (ps letter, e.g. D)\n"
    "  -c, --cpu N          bt: what CPU N was running (\"all\" for every CPU)\n"
    "  -a, --all            bt: every task and every CPU\n"
    "  -h, --help           this text\n"
    "  -V, --version        version\n"
    "\n"
    "environment: WHYHUNG_LIMITS=pages=N,steps=N,seconds=N lowers or raises the\n"
    "  analysis budget (default 4000000 pages, 20000000 list steps, 600 s)\n"
    "\n"
    "exit codes: 0 ok (also a partial report of an incomplete dump or a spent\n"
    "budget, which says so first), 1 internal error, 2 usage, 3 I/O error or bad\n"
    "-m, 4 not a dump (or headers whyhung refuses), 5 dump headers cut short,\n"
    "6 vmlinux missing or not a kernel (a program, a module), 7 no debug info,\n"
    "8 vmlinux does not match the dump, 9 kernel data unreadable/corrupt (also a\n"
    "damaged dump whose build id matches)\n";

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
	case WH_ERR_INCOMPLETE:
	case WH_ERR_BUDGET:
	case WH_ERR_FORMAT: return WH_EXIT_CORRUPT;
	case WH_ERR_NOMEM:
	case WH_ERR_INTERNAL: return WH_EXIT_INTERNAL;
	}
	return WH_EXIT_INTERNAL;
}

enum command { CMD_REPORT, CMD_SUMMARY, CMD_TASKS, CMD_LOG, CMD_BT, CMD_CPUS };

static const struct {
	const char *name;
	enum command command;
} commands[] = {
    {"report", CMD_REPORT}, {"summary", CMD_SUMMARY}, {"tasks", CMD_TASKS},
    {"log", CMD_LOG},	    {"bt", CMD_BT},	      {"cpus", CMD_CPUS},
};

enum { MAX_PIDS = 1024, MAX_DUMP_FILES = 256, MAX_DEBUG_DIRS = 64 };
enum format { FMT_TEXT, FMT_JSON, FMT_DOT, FMT_HTML, FMT_SVG };

struct options {
	enum command command;
	enum format format;
	const char *vmcores[MAX_DUMP_FILES];
	size_t n_vmcores;
	const char *vmlinux;
	const char *module_dir;
	const char *debug_dirs[MAX_DEBUG_DIRS];
	size_t n_debug_dirs;
	bool have_command;
	int32_t pids[MAX_PIDS];
	struct wh_bt_selection bt;
};

static struct wh_error *parse_int(const char *what, const char *s, long min, long max, long *ret)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < min || v > max)
		return wh_error_create(WH_ERR_USAGE, "bad %s: %s", what, s);
	*ret = v;
	return NULL;
}

static struct wh_error *parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"vmlinux", required_argument, NULL, 'k'},
	    {"modules", required_argument, NULL, 'm'},
	    {"format", required_argument, NULL, 'f'},
	    {"pid", required_argument, NULL, 'p'},
	    {"state", required_argument, NULL, 's'},
	    {"cpu", required_argument, NULL, 'c'},
	    {"all", no_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"debug-dir", required_argument, NULL, 'D'},
	    {NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof(*o));
	o->bt.cpu = -1;
	o->bt.pids = o->pids;
	int c;
	long v;
	struct wh_error *err;
	optind = 1;
	opterr = 0; /* our own one-line message instead of getopt's */
	while ((c = getopt_long(argc, argv, "+k:m:f:p:s:c:ahVD:", longopts, NULL)) != -1 ||
	       optind < argc) {
		if (c == -1) {
			/* Positional argument: a command name first (unless a file of
			 * that name exists), then the dump; options may follow. */
			const char *arg = argv[optind++];
			bool is_command = false;
			for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++) {
				if (!o->have_command && !o->n_vmcores &&
				    !strcmp(arg, commands[i].name) && access(arg, F_OK) != 0) {
					o->command = commands[i].command;
					o->have_command = is_command = true;
				}
			}
			if (is_command)
				continue;
			if (o->n_vmcores == MAX_DUMP_FILES)
				return wh_error_create(WH_ERR_USAGE, "too many dump files: %s",
						       arg);
			o->vmcores[o->n_vmcores++] = arg;
			continue;
		}
		switch (c) {
		case 'k': o->vmlinux = optarg; break;
		case 'm': o->module_dir = optarg; break;
		case 'D':
			if (o->n_debug_dirs == MAX_DEBUG_DIRS)
				return wh_error_create(WH_ERR_USAGE,
						       "too many --debug-dir options");
			o->debug_dirs[o->n_debug_dirs++] = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				o->format = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				o->format = FMT_JSON;
			else if (!strcmp(optarg, "dot"))
				o->format = FMT_DOT;
			else if (!strcmp(optarg, "html"))
				o->format = FMT_HTML;
			else if (!strcmp(optarg, "svg"))
				o->format = FMT_SVG;
			else
				return wh_error_create(WH_ERR_USAGE, "unknown format: %s", optarg);
			break;
		case 'p':
			if ((err = parse_int("pid", optarg, 0, INT32_MAX, &v)))
				return err;
			if (o->bt.n_pids == MAX_PIDS)
				return wh_error_create(WH_ERR_USAGE, "too many --pid options");
			o->pids[o->bt.n_pids++] = (int32_t)v;
			break;
		case 's':
			if (strlen(optarg) != 1 || !strchr("RSDTtXZPI", optarg[0]))
				return wh_error_create(WH_ERR_USAGE, "bad state: %s (a ps letter)",
						       optarg);
			o->bt.state = optarg[0];
			break;
		case 'c':
			if (!strcmp(optarg, "all")) {
				o->bt.all_cpus = true;
				break;
			}
			if ((err = parse_int("cpu", optarg, 0, WH_MAX_CPUS - 1, &v)))
				return err;
			o->bt.cpu = (int)v;
			break;
		case 'a': o->bt.all = o->bt.all_cpus = true; break;
		case 'h':
			fputs(o->have_command ? wh_cli_command_help(commands[o->command].name)
					      : usage_text,
			      stdout);
			exit(WH_EXIT_OK);
		case 'V': printf("whyhung %s\n", WH_VERSION); exit(WH_EXIT_OK);
		default:
			if (optopt)
				return wh_error_create(
				    WH_ERR_USAGE,
				    "bad or incomplete option -%c (see whyhung --help)", optopt);
			return wh_error_create(WH_ERR_USAGE, "bad option %s (see whyhung --help)",
					       argv[optind - 1]);
		}
	}
	if ((o->format == FMT_DOT || o->format == FMT_HTML || o->format == FMT_SVG) &&
	    o->command != CMD_REPORT)
		return wh_error_create(WH_ERR_USAGE, "--format %s is for the report only",
				       o->format == FMT_DOT    ? "dot"
				       : o->format == FMT_HTML ? "html"
							       : "svg");
	if (o->command == CMD_BT && !o->bt.n_pids && !o->bt.state && o->bt.cpu < 0 && !o->bt.all &&
	    !o->bt.all_cpus)
		o->bt.state = 'D';
	if (!o->n_vmcores)
		return wh_error_create(WH_ERR_USAGE, "no VMCORE given (see whyhung --help)");
	return NULL;
}

/* Without -k, find the kernel's debug info from the dump's release and
 * build id (--debug-dir trees, then /usr/lib/debug); its module tree
 * serves as -m when none is given. */
static struct wh_error *find_debuginfo(const struct options *o, const struct wh_dump *dump,
				       struct wh_debuginfo *ret)
{
	struct wh_error *err = wh_debuginfo_find(
	    o->debug_dirs, o->n_debug_dirs, wh_dump_release(dump), wh_dump_build_id(dump), ret);
	if (err)
		return wh_error_wrap(err, "no vmlinux given (-k)");
	return NULL;
}

/* The log alone: no task walk, so a dump with a broken task list still
 * gives its dmesg. */
static struct wh_error *run_log(struct wh_kernel *k, const struct options *o)
{
	struct wh_log log;
	struct wh_error *err = wh_log_read_or_beside(k, &log);
	if (err)
		return err;
	if (log.file) {
		char a[4096], b[4096];
		fprintf(stderr,
			"whyhung: warning: the dump's kernel log is unreadable (%s); showing %s, "
			"the log kdump saved beside the dump\n",
			wh_escape_text(log.dump_error, SIZE_MAX, a, sizeof(a)),
			wh_escape_text(log.file, SIZE_MAX, b, sizeof(b)));
	}
	if (o->format == FMT_JSON)
		wh_output_json_log(stdout, &log);
	else
		wh_output_text_log(stdout, stderr, &log);
	wh_log_deinit(&log);
	return NULL;
}

static struct wh_error *run_bt(struct wh_kernel *k, const struct options *o,
			       const struct wh_summary *s)
{
	struct wh_backtraces bts;
	struct wh_error *err = wh_backtraces_build(k, &s->tasks, &o->bt, &bts);
	if (err)
		return err;
	if (o->format == FMT_JSON)
		wh_output_json_backtraces(stdout, &bts);
	else
		wh_output_text_backtraces(stdout, &bts);
	wh_backtraces_deinit(&bts);
	return NULL;
}

static struct wh_error *run_cpus(struct wh_kernel *k, const struct options *o,
				 const struct wh_summary *s)
{
	struct wh_cpus cpus;
	struct wh_error *err = wh_cpus_build(k, &s->tasks, s->panic.cpu, &cpus);
	if (err)
		return err;
	if (o->format == FMT_JSON)
		wh_output_json_cpus(stdout, &cpus);
	else
		wh_output_text_cpus(stdout, &cpus);
	wh_cpus_deinit(&cpus);
	return NULL;
}

static struct wh_error *run_report(struct wh_kernel *k, const struct options *o)
{
	struct wh_report r;
	struct wh_error *err = wh_report_build(k, &r);
	if (err)
		return err;
	if ((err = wh_explain_report(&r))) {
		wh_report_deinit(&r);
		return err;
	}
	if (o->format == FMT_JSON)
		wh_output_json_report(stdout, &r);
	else if (o->format == FMT_DOT)
		wh_output_dot_report(stdout, &r);
	else if (o->format == FMT_HTML)
		err = wh_output_html_report(stdout, &r);
	else if (o->format == FMT_SVG)
		err = wh_output_svg_report(stdout, &r);
	else
		wh_output_text_report(stdout, &r);
	wh_report_deinit(&r);
	return err;
}

/* Module debug files rejected on the way are worth knowing: stderr, after
 * the output, one line each. */
static void close_kernel(struct wh_kernel *k, const struct options *o)
{
	/* report and summary say these in their first lines; the other
	 * commands' output has no place for them. */
	if (o->command != CMD_REPORT && o->command != CMD_SUMMARY) {
		const struct wh_dump_missing *m = wh_dump_missing(k->dump);
		if (m)
			fprintf(stderr,
				"whyhung: warning: dump incomplete: %llu pages not saved, "
				"reads of them fail\n",
				(unsigned long long)m->pages);
		const char *spent = wh_dump_budget(k->dump)->exhausted;
		if (spent)
			fprintf(stderr,
				"whyhung: warning: analysis budget spent (%s): the output is "
				"partial\n",
				spent);
	}
	const char *const *warnings;
	size_t n = wh_module_debug_warnings(k, &warnings);
	for (size_t i = 0; i < n; i++) {
		char buf[2048];
		fprintf(stderr, "whyhung: warning: %s\n",
			wh_escape_text(warnings[i], SIZE_MAX, buf, sizeof(buf)));
	}
	wh_kernel_destroy(k);
}

static struct wh_error *run(const struct options *o)
{
	static struct wh_debuginfo found;
	const char *vmlinux = o->vmlinux;
	const char *module_dir = o->module_dir;
	/* Opened once: a flattened or compressed dump is rebuilt once. */
	struct wh_dump *dump;
	struct wh_error *err = wh_dump_open_files(o->vmcores, o->n_vmcores, &dump);
	if (err)
		return err;
	if (!vmlinux) {
		if ((err = find_debuginfo(o, dump, &found))) {
			wh_dump_destroy(dump);
			return err;
		}
		vmlinux = found.vmlinux;
		if (!module_dir && found.module_dir[0])
			module_dir = found.module_dir;
	}
	struct wh_kernel *k;
	if ((err = wh_kernel_open_dump(dump, vmlinux, &k)))
		return err;
	if (module_dir && (err = wh_kernel_set_module_dir(k, module_dir))) {
		wh_kernel_destroy(k);
		return err;
	}
	if (o->command == CMD_LOG) {
		err = run_log(k, o);
		close_kernel(k, o);
		return err;
	}
	if (o->command == CMD_REPORT) {
		err = run_report(k, o);
		close_kernel(k, o);
		return err;
	}
	struct wh_summary s;
	/* Only summary and cpus show the panic (cpus marks its CPU). */
	bool panic = o->command != CMD_BT && o->command != CMD_TASKS;
	err = panic ? wh_summary_build(k, &s) : wh_summary_build_tasks(k, &s);
	if (!err) {
		if (o->command == CMD_BT)
			err = run_bt(k, o, &s);
		else if (o->command == CMD_CPUS)
			err = run_cpus(k, o, &s);
		else if (o->command == CMD_TASKS && o->format == FMT_JSON)
			wh_output_json_tasks(stdout, &s);
		else if (o->command == CMD_TASKS)
			wh_output_text_tasks(stdout, &s);
		else if (o->format == FMT_JSON)
			wh_output_json_summary(stdout, &s);
		else
			wh_output_text_summary(stdout, &s);
		wh_summary_deinit(&s);
	}
	close_kernel(k, o);
	return err;
}

static int exit_code_of(const struct wh_error *err)
{
	return (int)wh_exit_code_for(err);
}

int wh_cli_main(int argc, char **argv)
{
	/* Fleet commands have options of their own (analyzer/batch/). */
	if (argc > 1 && !strcmp(argv[1], "batch") && access(argv[1], F_OK) != 0)
		return wh_batch_main(argc - 1, argv + 1, exit_code_of);
	if (argc > 1 && !strcmp(argv[1], "clusters") && access(argv[1], F_OK) != 0)
		return wh_clusters_main(argc - 1, argv + 1, exit_code_of);
	if (argc > 1 && !strcmp(argv[1], "merge") && access(argv[1], F_OK) != 0)
		return wh_merge_main(argc - 1, argv + 1, exit_code_of);
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
