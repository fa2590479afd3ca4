/* Compiled with real DWARF (several versions, compressed or not) for the
 * type-layer unit tests. Never run. */
#include "kernel_types.h"

struct task_struct wh_sample_task;
struct pid wh_sample_pid;
enum pid_type wh_sample_type = PIDTYPE_SID;
int wh_sample_anon = WH_ANON_ENUM_BIG + WH_ANON_ENUM_NEG;

int main(void)
{
	return wh_sample_task.tgid + (int)wh_sample_pid.level + (int)wh_sample_type +
	       wh_sample_anon;
}
