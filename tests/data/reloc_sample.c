/* Compiled with -c -g -ffunction-sections into an ET_REL object, like a
 * kernel module: each function in its own section, so the relocation test
 * can place the sections at made-up addresses and find the functions and
 * their lines there. */
#include "reloc_sample.h"

struct sample_pair {
	long first;
	int second[3];
};

struct sample_pair sample_data;
int sample_first(int x);

int sample_first(int x) { _Static_assert(__LINE__ == SAMPLE_FIRST_LINE, "line");
	return x + 1;
}

int sample_second(int x) { _Static_assert(__LINE__ == SAMPLE_SECOND_LINE, "line");
	_Static_assert(__LINE__ + 1 == SAMPLE_SECOND_BODY_LINE, "line");
	return x * 3 + sample_first(x) + sample_data.second[1];
}
