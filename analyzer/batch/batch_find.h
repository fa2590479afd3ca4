/* The inputs of a batch: dumps named on the command line, found in
 * directory trees, or listed on stdin; each recognised by content
 * (dump_detect.h) and given a content id. Directory walks find the layouts
 * kdump tools write (Debian /var/crash/STAMP/dump.STAMP, RHEL
 * /var/crash/HOST-DATE/vmcore) without being told. */
#ifndef WHYHUNG_BATCH_FIND_H
#define WHYHUNG_BATCH_FIND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

struct wh_batch_input {
	char *path;
	uint64_t size;
	const char *kind;    /* dump form, NULL when not a dump */
	int open_errno;	     /* != 0: the file could not be read */
	char content_id[33]; /* "" when unreadable */
	char kernel[200];    /* wh_dump_kernel_key(): groups dumps of one kernel */
	/* A split dump (makedumpfile --split) is one input: its members
	 * found in one directory (PATH is the first), their sizes summed,
	 * the content id over theirs. */
	bool split;
	char split_set[33]; /* wh_split_probe()'s name of the set */
	char **members;	    /* NULL unless a split set */
	size_t n_members;
};

struct wh_batch_inputs {
	struct wh_batch_input *items;
	size_t n, cap;
	size_t skipped; /* files in walked directories that are not dumps */
};

/* PATHS[0..N): files, directories (walked recursively, symlinks not
 * followed), or "-" for newline-separated paths read from LIST. */
struct wh_error *wh_batch_find(const char *const *paths, size_t n, FILE *list,
			       struct wh_batch_inputs *ret);
void wh_batch_inputs_deinit(struct wh_batch_inputs *in);

/* Hash of the file's size, first 64 KiB, 32 pages spread over the rest
 * and the last 4 KiB:
 * identifies a dump (a copy under another name included) without reading
 * gigabytes. 32 hex digits into RET. */
struct wh_error *wh_batch_content_id(int fd, uint64_t size, char ret[33]);

#endif
