#include "kdump_log_file.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* kdump-tools: dump.STAMP[.gz|.bz2|.lz4|.xz|.zst] -> dmesg.STAMP. */
static char *dmesg_for(const char *dir, const char *base)
{
	if (strncmp(base, "dump.", 5))
		return NULL;
	char stamp[256];
	snprintf(stamp, sizeof(stamp), "%s", base + 5);
	static const char *const suffixes[] = {".gz", ".bz2", ".lz4", ".xz", ".zst"};
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		size_t n = strlen(stamp), s = strlen(suffixes[i]);
		if (n > s && !strcmp(stamp + n - s, suffixes[i]))
			stamp[n - s] = '\0';
	}
	char *path;
	if (asprintf(&path, "%s/dmesg.%s", dir, stamp) < 0)
		return NULL;
	return path;
}

/* The one dmesg.* in DIR (kdump-tools names it after the directory's
 * stamp, while the dump may still be dump-incomplete). */
static char *only_dmesg_in(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char *found = NULL;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "dmesg.", 6))
			continue;
		n++;
		free(found);
		if (asprintf(&found, "%s/%s", dir, e->d_name) < 0)
			found = NULL;
	}
	closedir(d);
	if (n != 1 || (found && !is_file(found))) {
		free(found);
		return NULL;
	}
	return found;
}

static char *candidate(const char *file, int which)
{
	const char *slash = strrchr(file, '/');
	char dir[4096];
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
	const char *base = slash ? slash + 1 : file;
	char *path = NULL;
	switch (which) {
	case 0: path = dmesg_for(dir, base); break;
	case 1:
		if (asprintf(&path, "%s/vmcore-dmesg.txt", dir) < 0)
			path = NULL;
		break;
	default: path = only_dmesg_in(dir); break;
	}
	return path;
}

struct wh_error *wh_kdump_log_file_find(const char *const *files, size_t n, char **ret)
{
	*ret = NULL;
	for (int which = 0; which < 3; which++) {
		for (size_t i = 0; i < n; i++) {
			char *path = candidate(files[i], which);
			if (path && is_file(path)) {
				*ret = path;
				return NULL;
			}
			free(path);
		}
	}
	return NULL;
}

/* "[    1.234567] " -> nanoseconds; the length of the prefix, 0 if none. */
static size_t timestamp(const char *line, size_t len, uint64_t *ns)
{
	size_t i = 0;
	if (len < 4 || line[i++] != '[')
		return 0;
	while (i < len && line[i] == ' ')
		i++;
	uint64_t sec = 0, frac = 0;
	unsigned digits = 0;
	while (i < len && line[i] >= '0' && line[i] <= '9' && sec < UINT64_MAX / 20)
		sec = sec * 10 + (uint64_t)(line[i++] - '0');
	if (i >= len || line[i++] != '.')
		return 0;
	while (i < len && line[i] >= '0' && line[i] <= '9' && digits < 9) {
		frac = frac * 10 + (uint64_t)(line[i++] - '0');
		digits++;
	}
	if (i >= len || line[i++] != ']' || !digits)
		return 0;
	while (digits++ < 9)
		frac *= 10;
	*ns = sec * 1000000000ull + frac;
	return i < len && line[i] == ' ' ? i + 1 : i;
}

static struct wh_error *add_line(struct wh_log *log, size_t *cap, const char *line, size_t len,
				 uint64_t *last_ns)
{
	if (log->count == WH_LOG_MAX_RECORDS)
		return NULL;
	if (log->count == *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 256;
		struct wh_log_record *grown = realloc(log->records, grown_cap * sizeof(*grown));
		if (!grown)
			return &wh_error_nomem;
		log->records = grown;
		*cap = grown_cap;
	}
	size_t skip = timestamp(line, len, last_ns);
	struct wh_log_record *r = &log->records[log->count];
	memset(r, 0, sizeof(*r));
	r->seq = log->count;
	r->ts_nsec = *last_ns;
	r->level = 6; /* not in the file: makedumpfile --dump-dmesg leaves it out */
	r->flags = WH_LOG_NEWLINE;
	r->text_len = len - skip;
	r->text = malloc(r->text_len + 1);
	if (!r->text)
		return &wh_error_nomem;
	memcpy(r->text, line + skip, r->text_len);
	r->text[r->text_len] = '\0';
	log->count++;
	return NULL;
}

struct wh_error *wh_kdump_log_file_read(const char *path, struct wh_log *ret)
{
	memset(ret, 0, sizeof(*ret));
	FILE *f = fopen(path, "rb");
	if (!f)
		return wh_error_create(WH_ERR_IO, "cannot open %s: %s", path, strerror(errno));
	char *buf = malloc(WH_LOG_MAX_TOTAL_TEXT);
	if (!buf) {
		fclose(f);
		return &wh_error_nomem;
	}
	/* A log bigger than the cap is read up to it, like the dump's. */
	size_t len = fread(buf, 1, WH_LOG_MAX_TOTAL_TEXT, f);
	bool failed = ferror(f);
	fclose(f);
	struct wh_error *err = NULL;
	if (failed)
		err = wh_error_create(WH_ERR_IO, "reading %s failed", path);
	size_t cap = 0;
	uint64_t last_ns = 0;
	for (size_t pos = 0; !err && pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t n = end - pos;
		if (n > WH_LOG_MAX_TEXT)
			n = WH_LOG_MAX_TEXT;
		err = add_line(ret, &cap, buf + pos, n, &last_ns);
		pos = end + 1;
	}
	free(buf);
	if (err) {
		wh_log_deinit(ret);
		return err;
	}
	ret->format = "file";
	return NULL;
}

struct wh_error *wh_log_read_or_beside(struct wh_kernel *k, struct wh_log *ret)
{
	struct wh_error *err = wh_log_read(k, ret);
	if (!err || err == &wh_error_nomem)
		return err;
	const char *const *files;
	size_t n = wh_dump_files(k->dump, &files);
	char *path = NULL;
	struct wh_error *find_err = wh_kdump_log_file_find(files, n, &path);
	if (find_err || !path) {
		wh_error_destroy(find_err);
		return err;
	}
	struct wh_error *file_err = wh_kdump_log_file_read(path, ret);
	if (file_err) {
		/* The dump's error is the one to report; say the file failed too. */
		struct wh_error *both = wh_error_create(err->code, "%s (and %s: %s)", err->message,
							path, file_err->message);
		wh_error_destroy(file_err);
		wh_error_destroy(err);
		err = both;
		free(path);
		return err;
	}
	ret->file = path;
	ret->dump_error = strdup(err->message);
	wh_error_destroy(err);
	if (!ret->dump_error) {
		wh_log_deinit(ret);
		return &wh_error_nomem;
	}
	return NULL;
}
