/* Line-table sample for the .debug_line reader test. Built at -O2, so
 * code inlined from line_sample.h and from <stdlib.h> (atoi) interleaves
 * rows of several files and directories inside one sequence. */
#include <stdlib.h>

#include "line_sample.h"

int line_sample_parse(const char *s);
int line_sample_sum(const int *v, int n);

int line_sample_parse(const char *s)
{
	return sample_twice(atoi(s)) + sample_clamp(atoi(s + 1), 3, 9);
}

int line_sample_sum(const int *v, int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += sample_clamp(v[i], 0, 100);
	return sum;
}

int main(int argc, char **argv)
{
	return argc > 1 ? line_sample_parse(argv[1]) : line_sample_sum((const int *)argv, 0);
}
