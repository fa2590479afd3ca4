/* makedumpfile --split: several kdump-compressed files, each holding the
 * pages of one pfn range [start_pfn, end_pfn) recorded in its sub-header.
 * libkdumpfile (file.set) reads them together in any order but says
 * nothing when one is missing or belongs to another dump, so we check the
 * set first: same headers, ranges that tile 0..max_mapnr. */
#ifndef WHYHUNG_SPLIT_CHECK_H
#define WHYHUNG_SPLIT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct wh_split_member {
	int fd;
	const char *name; /* for messages */
	/* Filled by the check: */
	bool split;
	uint64_t start_pfn, end_pfn, max_mapnr;
};

/* Check N files given together (N may be 1: a lone split member must hold
 * every pfn). Sorts MEMBERS by start pfn. *RET_SPLIT: they are a split set. */
struct wh_error *wh_split_check(struct wh_split_member *members, size_t n, bool *ret_split);

/* Is the file at FD a member of a split dump? *RET_SPLIT and, when it is,
 * RET_SET: 32 hex digits naming its set (a hash of the headers every
 * member shares), so that a batch can put the members of one dump
 * together. Damaged or short files are simply not members. */
struct wh_error *wh_split_probe(int fd, const char *name, bool *ret_split, char ret_set[33]);

#endif
