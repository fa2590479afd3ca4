#include "radix_sort.h"

#include <stdlib.h>
#include <string.h>

enum { DIGIT_BITS = 11, BUCKETS = 1 << DIGIT_BITS };

struct wh_error *wh_radix_sort(struct wh_sort_pair *pairs, size_t n)
{
	if (n < 2)
		return NULL;
	struct wh_sort_pair *tmp = malloc(n * sizeof(*tmp));
	size_t *count = malloc(BUCKETS * sizeof(*count));
	if (!tmp || !count) {
		free(tmp);
		free(count);
		return &wh_error_nomem;
	}
	struct wh_sort_pair *src = pairs, *dst = tmp;
	for (unsigned shift = 0; shift < 64; shift += DIGIT_BITS) {
		memset(count, 0, BUCKETS * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(src[i].key >> shift) & (BUCKETS - 1)]++;
		/* A digit every key shares (the high bits of kernel addresses)
		 * needs no pass. */
		if (count[(src[0].key >> shift) & (BUCKETS - 1)] == n)
			continue;
		size_t sum = 0;
		for (size_t b = 0; b < BUCKETS; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & (BUCKETS - 1)]++] = src[i];
		struct wh_sort_pair *t = src;
		src = dst;
		dst = t;
	}
	if (src != pairs)
		memcpy(pairs, src, n * sizeof(*pairs));
	free(tmp);
	free(count);
	return NULL;
}
