#include "file_read.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

struct wh_error *wh_file_read_at(int fd, uint64_t off, void *buf, size_t len, size_t *ret)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return wh_error_create(WH_ERR_IO, "read failed: %s", strerror(errno));
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*ret = done;
	return NULL;
}
