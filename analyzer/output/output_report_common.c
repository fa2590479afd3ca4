#include "output_report_common.h"

#include <inttypes.h>
#include <stdio.h>

const char *wh_owner_how_name(enum wh_owner_how how)
{
	return how == WH_OWNER_FIELD ? "owner-field" : "inferred";
}

const char *wh_root_kind_name(enum wh_root_kind kind)
{
	switch (kind) {
	case WH_ROOT_CYCLE: return "deadlock";
	case WH_ROOT_TASK: return "holder";
	case WH_ROOT_OBJECT: return "no-holder";
	}
	return "unknown";
}

void wh_report_task_label_by_address(const struct wh_report *r, uint64_t addr, char *buf,
				     size_t size)
{
	const struct wh_task *t = wh_task_list_find_address(&r->summary.tasks, addr);
	if (t)
		wh_report_task_label(t, buf, size);
	else
		snprintf(buf, size, "task 0x%" PRIx64, addr);
}

bool wh_report_task_interesting(const struct wh_report *r, const struct wh_task *t)
{
	return t->state == 'D' || wh_waits_of_task(&r->waits, t->address) ||
	       wh_waits_task_holds(&r->waits, t->address);
}

const char *wh_report_for_mode(struct wh_wait_mode mode, char buf[16])
{
	char name[8];
	const char *n = wh_wait_mode_name(mode, name);
	if (!n[0])
		return "";
	snprintf(buf, 16, " for %s", n);
	return buf;
}
