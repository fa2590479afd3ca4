#include "similarity.h"

#include <string.h>

/* A signature keeps at most 3 stacks of 5 frames per part: 64 tokens is
 * room to spare; a longer value (not one whyhung wrote) is cut there. */
enum { MAX_TOKENS = 64 };

struct token {
	const char *s;
	size_t len;
};

struct line {
	const char *key, *value;
	size_t key_len, value_len;
};

/* Parts whose values are stacks, compared by edit distance; every other
 * part (panic kind, root cause kind, lock class) must be equal. */
static bool is_stack_key(const struct line *l)
{
	static const char *const keys[] = {"holder", "waiters", "cycle", "running", "spinner"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (l->key_len == strlen(keys[i]) && !memcmp(l->key, keys[i], l->key_len))
			return true;
	return false;
}

/* The next "key: value" line of *P; false at the end or on a line that is
 * not one. */
static bool next_line(const char **p, struct line *ret)
{
	if (!**p)
		return false;
	const char *nl = strchr(*p, '\n');
	size_t len = nl ? (size_t)(nl - *p) : strlen(*p);
	const char *colon = memchr(*p, ':', len);
	if (!colon || colon + 1 >= *p + len || colon[1] != ' ')
		return false;
	ret->key = *p;
	ret->key_len = (size_t)(colon - *p);
	ret->value = colon + 2;
	ret->value_len = len - ret->key_len - 2;
	*p += len + (nl != NULL);
	return true;
}

/* Frames of a stack value: "f1 < f2 [mod] | g1 < g2" gives f1, f2 [mod],
 * |, g1, g2 (a stack boundary is a token, so frames do not slide from one
 * waiter's stack into the next). */
static size_t tokenize(const char *s, size_t len, struct token *t)
{
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= len && n < MAX_TOKENS; i++) {
		bool frame_sep = i + 3 <= len && !memcmp(s + i, " < ", 3);
		bool stack_sep = i + 3 <= len && !memcmp(s + i, " | ", 3);
		if (i < len && !frame_sep && !stack_sep)
			continue;
		if (i > start)
			t[n++] = (struct token){s + start, i - start};
		if (stack_sep && n < MAX_TOKENS)
			t[n++] = (struct token){"|", 1};
		start = i + 3;
		i += 2;
	}
	return n;
}

static bool token_eq(const struct token *a, const struct token *b)
{
	return a->len == b->len && !memcmp(a->s, b->s, a->len);
}

/* Levenshtein distance over frames (insert, delete, replace one frame),
 * divided by the longer length, as satyr's for two threads' frames. */
static double stack_distance(const char *a, size_t a_len, const char *b, size_t b_len)
{
	struct token ta[MAX_TOKENS], tb[MAX_TOKENS];
	size_t n = tokenize(a, a_len, ta), m = tokenize(b, b_len, tb);
	if (!n && !m)
		return 0;
	unsigned row[MAX_TOKENS + 1];
	for (size_t j = 0; j <= m; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= m; j++) {
			unsigned up = row[j];
			unsigned best = diag + !token_eq(&ta[i - 1], &tb[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return (double)row[m] / (double)(n > m ? n : m);
}

/* A deadlock's "cycle" line is "lock class <- stack": the classes must be
 * equal, the stacks are compared. */
static double cycle_distance(const struct line *a, const struct line *b)
{
	const char *sa = strstr(a->value, " <- "), *sb = strstr(b->value, " <- ");
	if (!sa || !sb || sa >= a->value + a->value_len || sb >= b->value + b->value_len)
		return 1;
	size_t ca = (size_t)(sa - a->value), cb = (size_t)(sb - b->value);
	if (ca != cb || memcmp(a->value, b->value, ca))
		return 1;
	return stack_distance(sa + 4, a->value_len - ca - 4, sb + 4, b->value_len - cb - 4);
}

double wh_signature_distance(const char *pa, const char *pb)
{
	if (!pa || !pb)
		return 1;
	double worst = 0;
	struct line a, b;
	for (;;) {
		bool more_a = next_line(&pa, &a), more_b = next_line(&pb, &b);
		if (!more_a || !more_b)
			return more_a == more_b && !*pa && !*pb ? worst : 1;
		if (a.key_len != b.key_len || memcmp(a.key, b.key, a.key_len))
			return 1;
		double d;
		if (!is_stack_key(&a))
			d = a.value_len == b.value_len && !memcmp(a.value, b.value, a.value_len)
				? 0
				: 1;
		else if (a.key_len == 5 && !memcmp(a.key, "cycle", 5))
			d = cycle_distance(&a, &b);
		else
			d = stack_distance(a.value, a.value_len, b.value, b.value_len);
		if (d > worst)
			worst = d;
		if (worst >= 1)
			return 1;
	}
}

bool wh_signature_similar(const char *parts_a, const char *parts_b, double *ret_distance)
{
	double d = wh_signature_distance(parts_a, parts_b);
	if (ret_distance)
		*ret_distance = d;
	return d <= WH_SIMILAR_MAX_DISTANCE;
}
