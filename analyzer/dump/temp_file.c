#include "temp_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *temp_dir(void)
{
	const char *dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

struct wh_error *wh_temp_file_create(int *ret)
{
	const char *dir = temp_dir();
	/* O_TMPFILE: the file never has a name. Not every file system has it
	 * (EOPNOTSUPP, EISDIR on old kernels): fall back to mkstemp+unlink. */
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		*ret = fd;
		return NULL;
	}
	char *path;
	if (asprintf(&path, "%s/whyhung-XXXXXX", dir) < 0)
		return &wh_error_nomem;
	fd = mkostemp(path, O_CLOEXEC);
	int saved = errno;
	if (fd >= 0)
		unlink(path);
	free(path);
	if (fd < 0)
		return wh_error_create(WH_ERR_IO, "cannot create a temporary file in %s: %s", dir,
				       strerror(saved));
	*ret = fd;
	return NULL;
}
