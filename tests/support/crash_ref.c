#include "crash_ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t crash_stacks_read(const char *path, struct crash_stack **ret)
{
	*ret = NULL;
	FILE *in = fopen(path, "r");
	if (!in)
		return 0;
	struct crash_stack *stacks = NULL;
	size_t n = 0;
	char line[512];
	while (fgets(line, sizeof(line), in)) {
		int pid, cpu = -1, idx;
		unsigned long long task, sp;
		char fn[128];
		if (sscanf(line, "PID: %d TASK: %llx CPU: %d", &pid, &task, &cpu) >= 1 &&
		    !strncmp(line, "PID:", 4)) {
			struct crash_stack *grown = realloc(stacks, (n + 1) * sizeof(*grown));
			if (!grown)
				break;
			stacks = grown;
			memset(&stacks[n], 0, sizeof(stacks[n]));
			stacks[n].pid = pid;
			stacks[n].cpu = cpu;
			n++;
		} else if (n && stacks[n - 1].n < CRASH_MAX_FRAMES &&
			   sscanf(line, " #%d [%llx] %127s", &idx, &sp, fn) == 3) {
			char *dot = strchr(fn, '.');
			if (dot)
				*dot = '\0';
			struct crash_stack *s = &stacks[n - 1];
			snprintf(s->names[s->n++], sizeof(s->names[0]), "%s", fn);
		}
	}
	fclose(in);
	*ret = stacks;
	return n;
}
