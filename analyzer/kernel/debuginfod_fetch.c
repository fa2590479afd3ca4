#include "debuginfod_fetch.h"
#include "elf_image.h"

#include <elfutils/debuginfod.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { MAX_BUILD_ID_HEX = 128 };

static bool progress_on = true;
static void (*activity_fn)(void *arg);
static void *activity_arg;

void wh_debuginfod_set_activity(void (*fn)(void *arg), void *arg)
{
	activity_fn = fn;
	activity_arg = arg;
}

static void activity(void)
{
	if (activity_fn)
		activity_fn(activity_arg);
}

void wh_debuginfod_set_progress(bool on)
{
	progress_on = on;
}

bool wh_debuginfod_enabled(bool offline)
{
	const char *urls = getenv("DEBUGINFOD_URLS");
	return !offline && urls && urls[strspn(urls, " \t")];
}

bool wh_build_id_usable(const char *s)
{
	size_t n = s ? strspn(s, "0123456789abcdef") : 0;
	return n >= 2 && n <= MAX_BUILD_ID_HEX && n % 2 == 0 && !s[n];
}

/* The cache directory libdebuginfod uses, by its own rule (0.188):
 * DEBUGINFOD_CACHE_PATH, the legacy ~/.debuginfod_client_cache when it
 * exists, $XDG_CACHE_HOME/debuginfod_client, ~/.cache/debuginfod_client. */
static bool cache_dir(char *path, size_t size)
{
	const char *env = getenv("DEBUGINFOD_CACHE_PATH");
	const char *home = getenv("HOME");
	const char *xdg = getenv("XDG_CACHE_HOME");
	struct stat st;
	if (env && *env)
		return snprintf(path, size, "%s", env) < (int)size;
	if (home && snprintf(path, size, "%s/.debuginfod_client_cache", home) < (int)size &&
	    stat(path, &st) == 0)
		return true;
	if (xdg && *xdg)
		return snprintf(path, size, "%s/debuginfod_client", xdg) < (int)size;
	return home && snprintf(path, size, "%s/.cache/debuginfod_client", home) < (int)size;
}

/* Lock the cache directory while fetching, so that parallel batch
 * workers wanting one build id download it once. -1 when it cannot be
 * opened: fetch unlocked. */
static int lock_cache(void)
{
	char path[4096];
	if (!cache_dir(path, sizeof(path)))
		return -1;
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* Polled rather than blocking, to report activity while another
	 * process downloads. */
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			return -1;
		}
		activity();
		nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
	}
	return fd;
}

struct progress {
	const char *what;
	long shown_tenths, shown_total; /* of a MiB */
	bool tty, shown;
};

/* libdebuginfod calls this while it connects and downloads: A bytes so
 * far of B (B <= 0 until the server says). One line on the TTY, redrawn
 * when a tenth of a MiB more has come or the size became known. */
static int show_progress(debuginfod_client *client, long a, long b)
{
	struct progress *p = debuginfod_get_user_data(client);
	activity();
	if (!p->tty)
		return 0;
	long tenths = a / (1 << 20) * 10 + a % (1 << 20) * 10 / (1 << 20);
	long total = b > 0 ? b / (1 << 20) * 10 + b % (1 << 20) * 10 / (1 << 20) : -1;
	if (p->shown && tenths == p->shown_tenths && total == p->shown_total)
		return 0;
	p->shown = true;
	p->shown_tenths = tenths;
	p->shown_total = total;
	if (total >= 0)
		fprintf(stderr, "\rwhyhung: fetching %s from debuginfod: %ld.%ld of %ld.%ld MiB",
			p->what, tenths / 10, tenths % 10, total / 10, total % 10);
	else
		fprintf(stderr, "\rwhyhung: fetching %s from debuginfod: %ld.%ld MiB", p->what,
			tenths / 10, tenths % 10);
	fflush(stderr);
	return 0;
}

/* Does the file at PATH carry BUILD_ID? If not, it is removed from the
 * cache: libdebuginfod would serve it again without asking. */
static struct wh_error *verify(const char *path, const char *build_id, const char *what)
{
	struct wh_elf_image *img;
	struct wh_error *err = wh_elf_image_open(path, &img);
	if (err == &wh_error_nomem)
		return err;
	struct wh_error *bad = NULL;
	if (err) {
		wh_error_destroy(err);
		bad =
		    wh_error_create(WH_ERR_MISMATCH,
				    "debuginfod served a file that is not ELF for the %s of build "
				    "id %s (removed from the cache)",
				    what, build_id);
	} else {
		const char *id = wh_elf_image_build_id(img);
		if (!id || strcmp(id, build_id))
			bad =
			    wh_error_create(WH_ERR_MISMATCH,
					    "debuginfod served the wrong file for the %s of build "
					    "id %s: it has build id %s (removed from the cache)",
					    what, build_id, id ? id : "none");
		wh_elf_image_destroy(img);
	}
	if (bad)
		unlink(path);
	return bad;
}

static struct wh_error *fetch_error(int rc, const char *build_id, const char *what)
{
	if (rc == -ENOENT)
		return wh_error_create(
		    WH_ERR_NO_VMLINUX,
		    "the debuginfod servers (DEBUGINFOD_URLS) do not have the %s "
		    "of build id %s",
		    what, build_id);
	return wh_error_create(WH_ERR_NETWORK,
			       "no debuginfod server (DEBUGINFOD_URLS) answered for the %s of "
			       "build id %s: %s",
			       what, build_id, strerror(-rc));
}

struct wh_error *wh_debuginfod_fetch(const char *build_id, const char *what, char **ret)
{
	if (!wh_build_id_usable(build_id))
		return wh_error_create(WH_ERR_NO_VMLINUX,
				       "the dump's build id for the %s is not one to look up",
				       what);
	debuginfod_client *client = debuginfod_begin();
	if (!client)
		return wh_error_create(WH_ERR_INTERNAL, "cannot start a debuginfod client");
	struct progress p = {.what = what, .tty = progress_on && isatty(STDERR_FILENO)};
	debuginfod_set_user_data(client, &p);
	debuginfod_set_progressfn(client, show_progress);
	int lock = lock_cache();
	char *path = NULL;
	int fd = debuginfod_find_debuginfo(client, (const unsigned char *)build_id, 0, &path);
	if (lock >= 0)
		close(lock);
	if (p.shown)
		fputc('\n', stderr);
	debuginfod_end(client);
	if (fd < 0)
		return fetch_error(fd, build_id, what);
	close(fd);
	if (!path)
		return wh_error_create(WH_ERR_INTERNAL, "debuginfod gave no path for the %s", what);
	struct wh_error *err = verify(path, build_id, what);
	if (err) {
		free(path);
		return err;
	}
	*ret = path;
	return NULL;
}
