#include "wait_model.h"

#include <stdio.h>

const char *wh_wait_mode_name(struct wh_wait_mode mode, char buf[8])
{
	switch (mode.how) {
	case WH_WAIT_PLAIN: return "";
	case WH_WAIT_READ: return "read";
	case WH_WAIT_WRITE: return "write";
	case WH_WAIT_PAGE_LOCK: return "lock";
	case WH_WAIT_WRITEBACK: return "wrback";
	case WH_WAIT_BIT: snprintf(buf, 8, "bit%u", (unsigned)mode.bit); return buf;
	}
	return "?";
}
