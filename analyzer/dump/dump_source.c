#include "dump_source.h"
#include "decompress.h"
#include "dump_files.h"
#include "dump_stream.h"
#include "flattened.h"
#include "split_check.h"
#include "temp_file.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { READ_CHUNK = 1 << 20, NOTE_MAX = 4096 };

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Feed a flattened file as it is into the rebuild. */
static struct wh_error *copy_into(int in_fd, struct wh_dump_stream *s)
{
	unsigned char *buf = malloc(READ_CHUNK);
	if (!buf)
		return &wh_error_nomem;
	struct wh_error *err = NULL;
	for (;;) {
		ssize_t n = read(in_fd, buf, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = wh_error_create(WH_ERR_IO, "read failed: %s", strerror(errno));
		if (n <= 0 || (err = wh_dump_stream_feed(s, buf, (size_t)n)))
			break;
	}
	free(buf);
	return err;
}

/* "kdump" or "ELF", from the rebuilt file's first bytes. */
static const char *inner_kind(int fd)
{
	unsigned char magic[8] = {0};
	if (pread(fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic))
		return "unrecognised";
	if (!memcmp(magic, "KDUMP   ", 8) || !memcmp(magic, "DISKDUMP", 8))
		return "kdump";
	if (!memcmp(magic, ELFMAG, SELFMAG))
		return "ELF";
	return "unrecognised";
}

static void append_v(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void append_v(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t len = strlen(buf);
	if (len + 1 < size)
		vsnprintf(buf + len, size - len, fmt, ap);
}

static void append_to(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append_to(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	append_v(buf, size, fmt, ap);
	va_end(ap);
}

/* NOTE is NOTE_MAX bytes. */
static void append(char *note, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char *note, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	append_v(note, NOTE_MAX, fmt, ap);
	va_end(ap);
}

/* Rebuild PATH (open as *FD) into a temporary file; *FD becomes it. */
static struct wh_error *rebuild(const char *path, int *fd, enum wh_compression comp, char *note,
				char *incomplete, bool name_it)
{
	double t0 = now_ms();
	int out;
	struct wh_error *err = wh_temp_file_create(&out);
	if (err)
		return err;
	struct wh_dump_stream *s;
	if ((err = wh_dump_stream_create(out, &s))) {
		close(out);
		return err;
	}
	char early[160] = "";
	struct wh_dump_stream_result res;
	if (comp != WH_COMPRESSION_NONE)
		err = wh_decompress(*fd, comp, s, early, sizeof(early));
	else
		err = copy_into(*fd, s);
	if (!err)
		err = wh_dump_stream_finish(s, &res);
	wh_dump_stream_destroy(s);
	if (err) {
		close(out);
		return err;
	}
	close(*fd);
	*fd = out;
	char what[64];
	snprintf(what, sizeof(what), "%s%s%s%s",
		 comp != WH_COMPRESSION_NONE ? wh_compression_name(comp) : "",
		 comp != WH_COMPRESSION_NONE ? "-compressed " : "",
		 res.flattened ? "flattened " : "", inner_kind(out));
	append(note, "%s%s: %s %s, %s a temporary file (%.0f ms)", *note ? "; " : "",
	       base_name(path), what, res.flattened ? "stream" : "dump",
	       res.flattened ? "rebuilt in" : "unpacked into", now_ms() - t0);
	/* The decompressor stopped first, or the flattened stream did. */
	const char *why = early[0] ? early : res.early;
	if (why[0]) {
		append(note, " (%s: the rest of the dump is missing)", why);
		/* Errors name the file already; name it again only among several. */
		append(incomplete, "%s%s%s", *incomplete ? "; " : "",
		       name_it ? base_name(path) : "", name_it ? ": " : "");
		append(incomplete, "%s", why);
	}
	return NULL;
}

static struct wh_error *open_one(const char *path, int *ret_fd, char *note, char *incomplete,
				 bool name_it)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wh_error_create(WH_ERR_IO, "cannot open dump %s: %s", path, strerror(errno));
	unsigned char head[16] = {0};
	ssize_t n = pread(fd, head, sizeof(head), 0);
	if (n < 0) {
		int saved = errno;
		close(fd);
		return wh_error_create(WH_ERR_IO, "cannot read dump %s: %s", path, strerror(saved));
	}
	enum wh_compression comp = wh_compression_detect(head, (size_t)n);
	if (comp != WH_COMPRESSION_NONE || wh_flat_has_signature(head, (size_t)n)) {
		struct wh_error *err = rebuild(path, &fd, comp, note, incomplete, name_it);
		if (err) {
			close(fd);
			return wh_error_wrap(err, "%s", path);
		}
	}
	*ret_fd = fd;
	return NULL;
}

static void describe_split(const struct wh_split_member *m, size_t n, char *note)
{
	append(note, "%ssplit dump in %zu files:", *note ? "; " : "", n);
	for (size_t i = 0; i < n; i++)
		append(note, "%s %s (pfns 0x%llx-0x%llx)", i ? "," : "", m[i].name,
		       (unsigned long long)m[i].start_pfn, (unsigned long long)m[i].end_pfn);
}

/* Check the files as a set and put the fds in pfn order. */
static struct wh_error *order_split(struct wh_dump_source *src, char *note)
{
	struct wh_split_member *m = calloc(src->n_fds, sizeof(*m));
	if (!m)
		return &wh_error_nomem;
	for (size_t i = 0; i < src->n_fds; i++)
		m[i] =
		    (struct wh_split_member){.fd = src->fds[i], .name = base_name(src->files[i])};
	bool split;
	struct wh_error *err = wh_split_check(m, src->n_fds, &split);
	if (!err && split) {
		for (size_t i = 0; i < src->n_fds; i++)
			src->fds[i] = m[i].fd;
		describe_split(m, src->n_fds, note);
	}
	free(m);
	return err;
}

static struct wh_error *make_label(struct wh_dump_source *src)
{
	int n;
	if (src->n_files == 1)
		n = asprintf(&src->label, "%s", src->files[0]);
	else
		n = asprintf(&src->label, "%s (and %zu more)", src->files[0], src->n_files - 1);
	if (n < 0) {
		src->label = NULL;
		return &wh_error_nomem;
	}
	return NULL;
}

static struct wh_error *open_all(struct wh_dump_source *src, char *note, char *incomplete)
{
	struct wh_error *err = make_label(src);
	if (err)
		return err;
	src->fds = malloc(src->n_files * sizeof(*src->fds));
	if (!src->fds)
		return &wh_error_nomem;
	for (size_t i = 0; i < src->n_files; i++) {
		if ((err =
			 open_one(src->files[i], &src->fds[i], note, incomplete, src->n_files > 1)))
			return err;
		src->n_fds++;
	}
	return order_split(src, note);
}

/* A directory whose files are not one split dump (kdump-tools leaves a
 * raw vmcore.STAMP beside a failed dump.STAMP): the user must choose. */
static struct wh_error *several_in_dir(const char *dir, const struct wh_dump_source *src,
				       struct wh_error *err)
{
	char names[1024] = "";
	for (size_t i = 0; i < src->n_files; i++)
		append_to(names, sizeof(names), "%s%s", i ? ", " : "", base_name(src->files[i]));
	struct wh_error *why = wh_error_create(WH_ERR_USAGE,
					       "%s holds %zu dumps that are not one split dump "
					       "(%s): name the one to read (%s)",
					       dir, src->n_files, names, err->message);
	wh_error_destroy(err);
	return why;
}

/* Keep BUF as *RET when it says something. */
static void keep(char *buf, char **ret)
{
	if (buf[0])
		*ret = buf;
	else
		free(buf);
}

struct wh_error *wh_dump_source_open(const char *const *paths, size_t n,
				     struct wh_dump_source **ret)
{
	struct wh_dump_source *src = calloc(1, sizeof(*src));
	char *note = calloc(1, NOTE_MAX), *incomplete = calloc(1, NOTE_MAX);
	if (!src || !note || !incomplete) {
		free(src);
		free(note);
		free(incomplete);
		return &wh_error_nomem;
	}
	struct wh_error *err = wh_dump_files_expand(paths, n, &src->files, &src->n_files);
	if (!err)
		err = open_all(src, note, incomplete);
	if (err && err->code == WH_ERR_USAGE && n == 1 && src->n_files > 1)
		err = several_in_dir(paths[0], src, err);
	if (err) {
		free(note);
		free(incomplete);
		wh_dump_source_destroy(src);
		return err;
	}
	keep(note, &src->note);
	keep(incomplete, &src->incomplete);
	*ret = src;
	return NULL;
}

void wh_dump_source_destroy(struct wh_dump_source *src)
{
	if (!src)
		return;
	for (size_t i = 0; i < src->n_fds; i++)
		close(src->fds[i]);
	free(src->fds);
	wh_dump_files_free(src->files, src->n_files);
	free(src->label);
	free(src->note);
	free(src->incomplete);
	free(src);
}
