#include "task_state.h"

enum {
	TASK_REPORT = 0x7f,
	TASK_IDLE = WH_TASK_UNINTERRUPTIBLE | WH_TASK_NOLOAD,
	TASK_REPORT_IDLE = TASK_REPORT + 1,
	TASK_RTLOCK_WAIT = 0x1000,
	TASK_FROZEN = 0x8000,
};

char wh_task_state_char(uint64_t state, uint64_t exit_state)
{
	static const char letters[] = "RSDTtXZPI";
	unsigned s = (unsigned)((state | exit_state) & TASK_REPORT);
	if ((state & TASK_IDLE) == TASK_IDLE)
		s = TASK_REPORT_IDLE;
	if (state & (TASK_RTLOCK_WAIT | TASK_FROZEN))
		s = WH_TASK_UNINTERRUPTIBLE;
	/* fls(): index of the highest set bit, 1-based; 0 for R. */
	unsigned idx = s ? 32 - (unsigned)__builtin_clz(s) : 0;
	return idx < sizeof(letters) - 1 ? letters[idx] : '?';
}

const char *wh_task_state_name(char letter)
{
	switch (letter) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "uninterruptible";
	case 'T': return "stopped";
	case 't': return "traced";
	case 'X': return "dead";
	case 'Z': return "zombie";
	case 'P': return "parked";
	case 'I': return "idle";
	default: return "unknown";
	}
}
