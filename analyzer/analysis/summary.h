/* The analysis result: built once from the dump, rendered by every output
 * format. Output code never reads the dump. */
#ifndef WHYHUNG_SUMMARY_H
#define WHYHUNG_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"
#include "panic.h"
#include "tasks.h"

/* ps letters in display order, and '?' for states we cannot decode. */
extern const char WH_STATE_LETTERS[];
enum { WH_N_STATES = 10 };

struct wh_summary {
	char release[65];
	char build_id[129];
	char dump_format[32];
	char dump_source[2048]; /* what was done to read the dump, "" when nothing */
	char vmlinux_path[512];
	/* The debug info the analysis ran on and, when it is not DWARF, what
	 * that leaves out (NULL with DWARF); static strings. */
	const char *debuginfo, *debuginfo_missing;
	uint64_t kaslr_offset;
	unsigned cpus_present;
	unsigned cpus_online; /* at dump time: panic() takes the others offline */
	unsigned cpus_possible;
	bool have_crash_time;
	int64_t crash_time;	       /* seconds since the epoch, UTC */
	const char *crash_time_source; /* static string */
	struct wh_task_list tasks;
	size_t state_counts[WH_N_STATES]; /* indexed like WH_STATE_LETTERS */
	uint64_t excluded_reads;	  /* reads that met pages filtered out of the dump */
	struct wh_panic panic;		  /* from the kernel log and panic_cpu */
	/* What the analysis lacks, said in the first lines of every output. */
	bool dump_incomplete;
	struct wh_dump_missing missing; /* when dump_incomplete */
	const char *budget_spent;	/* budget.h's name of it, or NULL */
};

struct wh_error *wh_summary_build(struct wh_kernel *k, struct wh_summary *ret);
/* The same without the panic (the kernel log is not read), for the
 * commands that do not show it (tasks, bt); ret->panic is empty. */
struct wh_error *wh_summary_build_tasks(struct wh_kernel *k, struct wh_summary *ret);
void wh_summary_deinit(struct wh_summary *s);
/* Refresh what the analysis lacks (incomplete dump, spent budget): after
 * the summary and again at the end of a longer analysis. */
void wh_summary_note_limits(struct wh_kernel *k, struct wh_summary *s);
size_t wh_summary_state_index(char letter);

#endif
