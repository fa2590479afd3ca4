/* The user's dump file(s) turned into what libkdumpfile 0.5.1 can open:
 * plain ELF and kdump-compressed files as they are; flattened streams and
 * whole-file-compressed dumps rebuilt once into unnamed temporary files;
 * split dumps (several files, or a directory) checked as one set. */
#ifndef WHYHUNG_DUMP_SOURCE_H
#define WHYHUNG_DUMP_SOURCE_H

#include <stddef.h>

#include "error.h"

struct wh_dump_source {
	int *fds; /* for kdump_open_fdset(), split members in pfn order */
	size_t n_fds;
	char *label;	  /* how errors name the dump: its path, or the set's */
	char *note;	  /* what was done to read it; NULL when nothing was */
	char *incomplete; /* why a rebuilt file lacks the end of its dump, or NULL */
	char **files;	  /* the dump files, directories expanded, as given */
	size_t n_files;
};

/* PATHS: dump files and/or directories holding them. */
struct wh_error *wh_dump_source_open(const char *const *paths, size_t n,
				     struct wh_dump_source **ret);
void wh_dump_source_destroy(struct wh_dump_source *src);

#endif
