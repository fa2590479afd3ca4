#include "summary.h"
#include "kdump_log_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char WH_STATE_LETTERS[] = "RSDTtXZPI?";

size_t wh_summary_state_index(char letter)
{
	const char *p = strchr(WH_STATE_LETTERS, letter);
	return p && letter ? (size_t)(p - WH_STATE_LETTERS) : WH_N_STATES - 1;
}

/* timekeeper.xtime_sec in tk_core, a static of kernel/time/timekeeping.c
 * whose type is anonymous up to 6.12: found in the compile unit of a
 * function of that file (DWARF); without DWARF, laid out as the kernel
 * declares it, { seqcount_raw_spinlock_t seq; struct timekeeper
 * timekeeper; }, the timekeeper aligned to its 8-byte members. 6.13+
 * names the type struct tk_data. */
static struct wh_error *tk_core_xtime_sec(struct wh_kernel *k, struct wh_member_info *ret)
{
	struct wh_symbol fn;
	struct wh_type type;
	struct wh_error *err = wh_kernel_symbol(k, "ktime_get_real_seconds", &fn);
	if (!err)
		err = wh_types_variable_near(k->types, "tk_core", fn.address, &type);
	if (!err)
		return wh_types_member(k->types, type, "timekeeper.xtime_sec", ret);
	if (err->code != WH_ERR_ABSENT)
		return err;
	wh_error_destroy(err);
	err = wh_kernel_member(k, "tk_data", "timekeeper.xtime_sec", ret);
	if (!err || err->code != WH_ERR_ABSENT)
		return err;
	wh_error_destroy(err);
	uint64_t seq_size;
	if ((err = wh_types_find(k->types, WH_TYPE_TYPEDEF, "seqcount_raw_spinlock_t", &type)) ||
	    (err = wh_types_sizeof(k->types, type, &seq_size)) ||
	    (err = wh_kernel_member(k, "timekeeper", "xtime_sec", ret)))
		return err;
	uint64_t base = (seq_size + 7) & ~7ull;
	ret->offset += base;
	ret->bit_offset += (uint32_t)base * 8;
	return NULL;
}

/* Wall-clock time of the crash: VMCOREINFO CRASHTIME where kdump wrote it,
 * else the timekeeper's last update (within a tick of the dump for a
 * QEMU-taken dump of a halted guest). */
static void read_crash_time(struct wh_kernel *k, struct wh_summary *s)
{
	const char *v = wh_dump_vmcoreinfo(k->dump, "CRASHTIME");
	if (v) {
		s->crash_time = strtoll(v, NULL, 10);
		s->have_crash_time = true;
		s->crash_time_source = "vmcoreinfo";
		return;
	}
	struct wh_member_info m;
	uint64_t tk, sec;
	struct wh_error *err = tk_core_xtime_sec(k, &m);
	if (!err)
		err = wh_kernel_symbol_address(k, "tk_core", &tk);
	if (!err)
		err = wh_kernel_read_member(k, tk, &m, &sec);
	if (!err) {
		s->crash_time = (int64_t)sec;
		s->have_crash_time = true;
		s->crash_time_source = "timekeeper";
	}
	wh_error_destroy(err);
}

/* The log is read for the classification only; a log we cannot read
 * leaves the panic unknown, not the summary failed. */
static struct wh_error *classify_panic(struct wh_kernel *k, struct wh_summary *s)
{
	struct wh_log log;
	struct wh_error *log_err = wh_log_read_or_beside(k, &log);
	if (log_err == &wh_error_nomem)
		return log_err;
	struct wh_error *err =
	    wh_panic_classify(log_err ? NULL : log.records, log_err ? 0 : log.count, &s->panic);
	if (!log_err) {
		if (log.file) {
			snprintf(s->panic.log_file, sizeof(s->panic.log_file), "%s", log.file);
			snprintf(s->panic.log_error, sizeof(s->panic.log_error), "%s",
				 log.dump_error);
		}
		wh_log_deinit(&log);
	} else {
		s->panic.log_unavailable = true;
		snprintf(s->panic.log_error, sizeof(s->panic.log_error), "%s", log_err->message);
		wh_error_destroy(log_err);
	}
	if (err)
		return err;
	wh_panic_add_kernel_state(k, &s->tasks, &s->panic);
	return NULL;
}

static struct wh_error *build(struct wh_kernel *k, bool with_panic, struct wh_summary *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->release, sizeof(s->release), "%s", wh_dump_release(k->dump));
	const char *id = wh_dump_build_id(k->dump);
	if (!id && k->vmlinux)
		id = wh_elf_image_build_id(k->vmlinux);
	snprintf(s->build_id, sizeof(s->build_id), "%s", id ? id : "");
	snprintf(s->dump_format, sizeof(s->dump_format), "%s", wh_dump_format(k->dump));
	const char *source = wh_dump_source_note(k->dump);
	snprintf(s->dump_source, sizeof(s->dump_source), "%s", source ? source : "");
	snprintf(s->vmlinux_path, sizeof(s->vmlinux_path), "%s",
		 k->vmlinux ? wh_elf_image_path(k->vmlinux) : "");
	s->kaslr_offset = k->kaslr_offset;
	s->debuginfo = wh_kernel_debuginfo(k);
	s->debuginfo_missing = wh_kernel_debuginfo_missing(k);
	for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		s->cpus_online += k->cpu_online[cpu];
		s->cpus_present += k->cpu_present[cpu];
		s->cpus_possible += k->cpu_possible[cpu];
	}
	read_crash_time(k, s);
	struct wh_error *err = wh_tasks_collect(k, &s->tasks);
	if (err)
		return err;
	for (size_t i = 0; i < s->tasks.count; i++)
		s->state_counts[wh_summary_state_index(s->tasks.tasks[i].state)]++;
	if (!with_panic)
		err = wh_panic_classify(NULL, 0, &s->panic); /* empty: cpu, pid -1 */
	else
		err = classify_panic(k, s);
	if (err) {
		wh_summary_deinit(s);
		return err;
	}
	wh_summary_note_limits(k, s);
	return NULL;
}

void wh_summary_note_limits(struct wh_kernel *k, struct wh_summary *s)
{
	struct wh_dump_stats stats;
	wh_dump_get_stats(k->dump, &stats);
	s->excluded_reads = stats.excluded_reads;
	const struct wh_dump_missing *m = wh_dump_missing(k->dump);
	s->dump_incomplete = m != NULL;
	if (m)
		s->missing = *m;
	s->budget_spent = wh_dump_budget(k->dump)->exhausted;
}

struct wh_error *wh_summary_build(struct wh_kernel *k, struct wh_summary *ret)
{
	return build(k, true, ret);
}

struct wh_error *wh_summary_build_tasks(struct wh_kernel *k, struct wh_summary *ret)
{
	return build(k, false, ret);
}

void wh_summary_deinit(struct wh_summary *s)
{
	wh_task_list_deinit(&s->tasks);
	wh_panic_deinit(&s->panic);
}
