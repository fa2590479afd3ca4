/* Inline helpers for line_sample.c: their code lands in the callers'
 * sequences, so rows alternate between this file and the .c file. */
#ifndef LINE_SAMPLE_H
#define LINE_SAMPLE_H

static inline int sample_twice(int x)
{
	return x * 2 + 1;
}

static inline int sample_clamp(int x, int lo, int hi)
{
	if (x < lo)
		return lo;
	return x > hi ? hi : x;
}

#endif
