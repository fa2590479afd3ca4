/* How far apart two hang signatures are, from their readable parts (one
 * "key: value" line each, signature.c): near-duplicates are the same hang
 * seen through stacks that differ in a frame or two (another caller, a
 * function inlined on one build and not on the other). The algorithm and
 * its cut-off are in README ("Near-duplicates"). */
#ifndef WHYHUNG_SIMILARITY_H
#define WHYHUNG_SIMILARITY_H

#include <stdbool.h>

/* Signatures at most this far apart are listed as similar. */
#define WH_SIMILAR_MAX_DISTANCE 0.34

/* 0 for equal parts, 1 for different hangs (another panic kind, root cause
 * kind or lock class, or another shape); in between, the largest
 * normalised edit distance between corresponding stacks. */
double wh_signature_distance(const char *parts_a, const char *parts_b);
bool wh_signature_similar(const char *parts_a, const char *parts_b, double *ret_distance);

#endif
