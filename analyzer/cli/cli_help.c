#include "cli_help.h"

#include <stddef.h>
#include <string.h>

static const struct {
	const char *name;
	const char *text;
} command_help[] = {
    {"report", "usage: whyhung [report] VMCORE... -k VMLINUX [-m DIR] [--format FMT]\n"
	       "\n"
	       "The whole analysis (the default command): the panic, why the machine hung\n"
	       "(who waits on what, who holds it, deadlock cycles, root causes), the wait\n"
	       "graph, every lock or wait object with its holders and waiters, the CPUs,\n"
	       "and the blocked tasks' stacks grouped.\n"
	       "\n"
	       "  -k, --vmlinux FILE   the dump's kernel with debug info\n"
	       "  -m, --modules DIR    module debug files (NAME.ko), or one NAME.ko\n"
	       "  -f, --format FMT     text (default), json (whyhung-report/2), dot (the\n"
	       "                       wait graph for Graphviz), html (one self-contained\n"
	       "                       page with the graph drawn), svg (the graph drawn)\n"},
    {"summary", "usage: whyhung summary VMCORE... -k VMLINUX [--format text|json]\n"
		"\n"
		"Kernel, crash time, panic, task counts per state, and the tasks in\n"
		"uninterruptible sleep (D) with how long since each last ran. Fast.\n"
		"\n"
		"  -k, --vmlinux FILE   the dump's kernel with debug info\n"
		"  -f, --format FMT     text (default) or json (whyhung-summary/1)\n"},
    {"tasks", "usage: whyhung tasks VMCORE... -k VMLINUX [--format text|json]\n"
	      "\n"
	      "Every task like ps: pid, tgid, state letter, CPU, time in state, name.\n"
	      "\n"
	      "  -k, --vmlinux FILE   the dump's kernel with debug info\n"
	      "  -f, --format FMT     text (default) or json (whyhung-tasks/1)\n"},
    {"cpus", "usage: whyhung cpus VMCORE... -k VMLINUX [-m DIR] [--format text|json]\n"
	     "\n"
	     "What each CPU was doing: its task, context, interrupts, soft-lockup\n"
	     "watchdog, and its stack with the interrupt handler shown apart.\n"
	     "\n"
	     "  -k, --vmlinux FILE   the dump's kernel with debug info\n"
	     "  -m, --modules DIR    module debug files (NAME.ko), or one NAME.ko\n"
	     "  -f, --format FMT     text (default) or json (whyhung-cpus/1)\n"},
    {"bt", "usage: whyhung bt VMCORE... -k VMLINUX [-m DIR] [SELECTION] [--format text|json]\n"
	   "\n"
	   "Kernel stacks unwound with ORC: of the D tasks by default.\n"
	   "\n"
	   "  -k, --vmlinux FILE   the dump's kernel with debug info\n"
	   "  -m, --modules DIR    module debug files (NAME.ko), or one NAME.ko\n"
	   "  -p, --pid N          this task (repeatable)\n"
	   "  -s, --state X        tasks in state X (ps letter: R S D T t X Z P I)\n"
	   "  -c, --cpu N          what CPU N was running (\"all\" for every CPU)\n"
	   "  -a, --all            every task and every CPU\n"
	   "  -f, --format FMT     text (default) or json (whyhung-bt/1)\n"},
    {"log", "usage: whyhung log VMCORE... -k VMLINUX [--format text|json]\n"
	    "\n"
	    "The kernel log (dmesg) as makedumpfile --dump-dmesg prints it; when the\n"
	    "dump's log is unreadable, the log kdump saved beside the dump.\n"
	    "\n"
	    "  -k, --vmlinux FILE   the dump's kernel with debug info\n"
	    "  -f, --format FMT     text (default) or json (whyhung-log/1)\n"},
};

const char *wh_cli_command_help(const char *name)
{
	for (size_t i = 0; i < sizeof(command_help) / sizeof(*command_help); i++)
		if (!strcmp(command_help[i].name, name))
			return command_help[i].text;
	return NULL;
}
