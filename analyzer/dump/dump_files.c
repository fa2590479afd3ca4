#include "dump_files.h"
#include "decompress.h"
#include "flattened.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { PROBE_LEN = 16, MAX_FILES = 256 };

bool wh_dump_files_looks_like_dump(const void *head, size_t len)
{
	return (len >= 8 && (!memcmp(head, "KDUMP   ", 8) || !memcmp(head, "DISKDUMP", 8))) ||
	       (len >= SELFMAG && !memcmp(head, ELFMAG, SELFMAG)) ||
	       wh_flat_has_signature(head, len) ||
	       wh_compression_detect(head, len) != WH_COMPRESSION_NONE;
}

static bool file_looks_like_dump(const char *path)
{
	unsigned char head[PROBE_LEN];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true; /* opened again later, to say why it cannot be */
	ssize_t n = pread(fd, head, sizeof(head), 0);
	close(fd);
	return n > 0 && wh_dump_files_looks_like_dump(head, (size_t)n);
}

struct list {
	char **paths;
	size_t n;
};

static struct wh_error *push(struct list *l, char *path)
{
	if (!path)
		return &wh_error_nomem;
	if (l->n == MAX_FILES) {
		free(path);
		return wh_error_create(WH_ERR_USAGE, "more than %d dump files given", MAX_FILES);
	}
	char **grown = realloc(l->paths, (l->n + 2) * sizeof(*grown));
	if (!grown) {
		free(path);
		return &wh_error_nomem;
	}
	l->paths = grown;
	l->paths[l->n++] = path;
	l->paths[l->n] = NULL;
	return NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* kdump-tools' dmesg.STAMP and RHEL's vmcore-dmesg.txt are logs, not dumps. */
static bool is_log_name(const char *name)
{
	return strstr(name, "dmesg") != NULL;
}

static struct wh_error *expand_dir(const char *dir, struct list *l)
{
	DIR *d = opendir(dir);
	if (!d)
		return wh_error_create(WH_ERR_IO, "cannot read directory %s: %s", dir,
				       strerror(errno));
	size_t first = l->n;
	struct wh_error *err = NULL;
	struct dirent *e;
	while (!err && (e = readdir(d))) {
		if (e->d_name[0] == '.' || is_log_name(e->d_name))
			continue;
		char *path;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
			err = &wh_error_nomem;
			break;
		}
		struct stat st;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !file_looks_like_dump(path)) {
			free(path);
			continue;
		}
		err = push(l, path);
	}
	closedir(d);
	if (err)
		return err;
	if (l->n == first)
		return wh_error_create(WH_ERR_NOT_DUMP, "directory %s holds no dump file", dir);
	qsort(l->paths + first, l->n - first, sizeof(*l->paths), by_name);
	return NULL;
}

struct wh_error *wh_dump_files_expand(const char *const *paths, size_t n, char ***ret,
				      size_t *ret_n)
{
	struct list l = {0};
	struct wh_error *err = NULL;
	for (size_t i = 0; i < n && !err; i++) {
		struct stat st;
		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			err = expand_dir(paths[i], &l);
		else
			err = push(&l, strdup(paths[i]));
	}
	if (!err && !l.n)
		err = wh_error_create(WH_ERR_USAGE, "no dump given");
	if (err) {
		wh_dump_files_free(l.paths, l.n);
		return err;
	}
	*ret = l.paths;
	*ret_n = l.n;
	return NULL;
}

void wh_dump_files_free(char **files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
}
