#include "batch_find.h"
#include "dump_detect.h"
#include "hash.h"
#include "file_read.h"
#include "split_check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { HEAD_BYTES = 64 << 10, SAMPLES = 32, SAMPLE_BYTES = 4096, MAX_DEPTH = 32 };

struct wh_error *wh_batch_content_id(int fd, uint64_t size, char ret[33])
{
	static unsigned char buf[HEAD_BYTES];
	struct wh_hash h;
	wh_hash_init(&h);
	unsigned char le[8];
	for (int i = 0; i < 8; i++)
		le[i] = (unsigned char)(size >> (8 * i));
	wh_hash_update(&h, le, sizeof(le));
	size_t got;
	struct wh_error *err = wh_file_read_at(fd, 0, buf, sizeof(buf), &got);
	if (err)
		return err;
	wh_hash_update(&h, buf, got);
	/* Pages at fixed fractions of the size: a corrupt or different copy
	 * with the same header differs somewhere in them. */
	for (uint64_t i = 1; size > HEAD_BYTES && i <= SAMPLES; i++) {
		uint64_t off = HEAD_BYTES + (size - HEAD_BYTES) / (SAMPLES + 1) * i;
		if ((err = wh_file_read_at(fd, off, buf, SAMPLE_BYTES, &got)))
			return err;
		wh_hash_update(&h, buf, got);
	}
	/* And the end: where a copy cut short or appended to differs. */
	if (size > HEAD_BYTES) {
		if ((err = wh_file_read_at(fd, size - SAMPLE_BYTES, buf, SAMPLE_BYTES, &got)))
			return err;
		wh_hash_update(&h, buf, got);
	}
	wh_hash_hex(&h, ret);
	return NULL;
}

static struct wh_error *add(struct wh_batch_inputs *in, const char *path,
			    struct wh_batch_input **ret)
{
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 64;
		struct wh_batch_input *items = realloc(in->items, cap * sizeof(*items));
		if (!items)
			return &wh_error_nomem;
		in->items = items;
		in->cap = cap;
	}
	struct wh_batch_input *it = &in->items[in->n];
	memset(it, 0, sizeof(*it));
	if (!(it->path = strdup(path)))
		return &wh_error_nomem;
	in->n++;
	*ret = it;
	return NULL;
}

/* Look at one file: readable? a dump? its content id. */
static struct wh_error *examine(struct wh_batch_input *it)
{
	int fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 && errno == ELOOP)
		fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* named symlink */
	if (fd < 0) {
		it->open_errno = errno;
		return NULL;
	}
	struct stat st;
	struct wh_error *err = NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		/* Pipes and devices: a dump is read with seeks, from a file. */
		it->open_errno = S_ISDIR(st.st_mode) ? EISDIR : ESPIPE;
		close(fd);
		return NULL;
	}
	it->size = (uint64_t)st.st_size;
	err = wh_dump_detect(fd, &it->kind);
	if (!err)
		wh_dump_kernel_key(fd, it->kind, it->kernel, sizeof(it->kernel));
	if (!err)
		err = wh_batch_content_id(fd, it->size, it->content_id);
	if (!err && it->kind && !strcmp(it->kind, "kdump"))
		err = wh_split_probe(fd, it->path, &it->split, it->split_set);
	close(fd);
	if (err && err->code == WH_ERR_IO) {
		/* A read error (EIO, EISDIR): a row saying so, not the end. */
		it->open_errno = EIO;
		it->content_id[0] = '\0';
		wh_error_destroy(err);
		return NULL;
	}
	return err;
}

/* In a directory tree a file that is not a dump is only worth a row when
 * its name says a dump was expected there (kdump's "vmcore*", "dump.*",
 * "dump-incomplete"); logs and the kernel log kdump saves beside each dump
 * are passed over. */
static bool named_like_dump(const char *name)
{
	if (!strncmp(name, "vmcore-dmesg", 12))
		return false;
	return !strncmp(name, "vmcore", 6) || !strncmp(name, "dump.", 5) ||
	       !strcmp(name, "dump-incomplete");
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct wh_error *walk(struct wh_batch_inputs *in, const char *dir, int depth);

static struct wh_error *walk_entry(struct wh_batch_inputs *in, const char *dir, const char *name,
				   int depth)
{
	char *path;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return &wh_error_nomem;
	struct stat st;
	struct wh_error *err = NULL;
	bool known = lstat(path, &st) == 0;
	if (known && S_ISDIR(st.st_mode)) {
		err = walk(in, path, depth + 1);
	} else if (known && S_ISREG(st.st_mode)) {
		struct wh_batch_input *it;
		if (!(err = add(in, path, &it)) && !(err = examine(it)) && !it->kind &&
		    !it->open_errno && !named_like_dump(name)) {
			free(it->path);
			in->n--;
			in->skipped++;
		}
	}
	free(path);
	return err;
}

static struct wh_error *walk(struct wh_batch_inputs *in, const char *dir, int depth)
{
	if (depth > MAX_DEPTH)
		return NULL;
	DIR *d = opendir(dir);
	if (!d) {
		struct wh_batch_input *it;
		int e = errno;
		struct wh_error *err = add(in, dir, &it);
		if (!err)
			it->open_errno = e;
		return err;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct wh_error *err = NULL;
	struct dirent *de;
	while (!err && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				err = &wh_error_nomem;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name)))
			err = &wh_error_nomem;
		else
			n++;
	}
	closedir(d);
	/* Sorted, so that runs and shards see the same order. */
	if (n)
		qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0; i < n; i++) {
		if (!err)
			err = walk_entry(in, dir, names[i], depth);
		free(names[i]);
	}
	free(names);
	return err;
}

static struct wh_error *one_path(struct wh_batch_inputs *in, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return walk(in, path, 0);
	struct wh_batch_input *it;
	struct wh_error *err = add(in, path, &it);
	return err ? err : examine(it);
}

static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

static bool same_set(const struct wh_batch_input *a, const struct wh_batch_input *b)
{
	size_t la = dir_len(a->path), lb = dir_len(b->path);
	return b->split && la == lb && !memcmp(a->path, b->path, la) &&
	       !strcmp(a->split_set, b->split_set);
}

/* The content id of a split set: over its members' ids, in path order. */
static void set_content_id(struct wh_batch_input *set, const char *const *ids, size_t n)
{
	struct wh_hash h;
	wh_hash_init(&h);
	wh_hash_update(&h, "split", 5);
	for (size_t i = 0; i < n; i++)
		wh_hash_update(&h, ids[i], strlen(ids[i]));
	wh_hash_hex(&h, set->content_id);
}

/* Members of one split dump in one directory become one input, at the
 * place of the first; a member alone stays itself (its worker says which
 * pfns are missing). */
static struct wh_error *group_split_sets(struct wh_batch_inputs *in)
{
	for (size_t i = 0; i < in->n; i++) {
		struct wh_batch_input *set = &in->items[i];
		if (!set->split || set->members)
			continue;
		size_t n = 0;
		for (size_t j = i; j < in->n; j++)
			n += j == i || same_set(set, &in->items[j]);
		if (n < 2)
			continue;
		char **members = calloc(n, sizeof(*members));
		const char **ids = calloc(n, sizeof(*ids));
		struct wh_error *err = members && ids ? NULL : &wh_error_nomem;
		size_t m = 0;
		for (size_t j = i; !err && j < in->n; j++) {
			if (j != i && !same_set(set, &in->items[j]))
				continue;
			ids[m] = in->items[j].content_id;
			if (!(members[m++] = strdup(in->items[j].path)))
				err = &wh_error_nomem;
		}
		if (!err)
			set_content_id(set, ids, m);
		free(ids);
		if (err) {
			for (size_t k = 0; members && k < m; k++)
				free(members[k]);
			free(members);
			return err;
		}
		/* The other members leave the list. */
		size_t kept = i + 1;
		for (size_t j = i + 1; j < in->n; j++) {
			struct wh_batch_input *it = &in->items[j];
			if (same_set(set, it)) {
				set->size += it->size;
				free(it->path);
			} else {
				in->items[kept++] = *it;
			}
		}
		in->n = kept;
		set->members = members;
		set->n_members = m;
	}
	return NULL;
}

struct wh_error *wh_batch_find(const char *const *paths, size_t n, FILE *list,
			       struct wh_batch_inputs *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct wh_error *err = NULL;
	for (size_t i = 0; !err && i < n; i++) {
		if (strcmp(paths[i], "-")) {
			err = one_path(ret, paths[i]);
			continue;
		}
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		while (!err && (len = getline(&line, &cap, list)) >= 0) {
			while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				line[--len] = '\0';
			if (len)
				err = one_path(ret, line);
		}
		free(line);
	}
	if (!err)
		err = group_split_sets(ret);
	if (err)
		wh_batch_inputs_deinit(ret);
	return err;
}

void wh_batch_inputs_deinit(struct wh_batch_inputs *in)
{
	for (size_t i = 0; i < in->n; i++) {
		free(in->items[i].path);
		for (size_t k = 0; k < in->items[i].n_members; k++)
			free(in->items[i].members[k]);
		free(in->items[i].members);
	}
	free(in->items);
	memset(in, 0, sizeof(*in));
}
