/* What the report's text, JSON and DOT renderings share: names of the
 * graph's enumerations, task labels, and which tasks are worth listing. */
#ifndef WHYHUNG_OUTPUT_REPORT_COMMON_H
#define WHYHUNG_OUTPUT_REPORT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

const char *wh_owner_how_name(enum wh_owner_how how);
const char *wh_root_kind_name(enum wh_root_kind kind);
/* " for read", " for bit2", ...: a wait's mode as the text follows a task
 * with it; "" for a wait without one. */
const char *wh_report_for_mode(struct wh_wait_mode mode, char buf[16]);
/* "COMM[PID]", or "task 0xADDR" for a task not in the task list. */
void wh_report_task_label_by_address(const struct wh_report *r, uint64_t addr, char *buf,
				     size_t size);
/* Blocked, waiting, or holding something. */
bool wh_report_task_interesting(const struct wh_report *r, const struct wh_task *t);

#endif
