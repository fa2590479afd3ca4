/* The cost of reading a flattened (or whole-file-compressed) dump: time and
 * peak memory of the rebuild into a temporary file, per GB of stream, and
 * of the alternative, an index of the stream's records.
 *   rebuild_bench gen SIZE_MB FILE   a flattened stream as makedumpfile -F
 *                                    writes it: a kdump header, then 64 KiB
 *                                    records of incompressible data (pages
 *                                    makedumpfile compressed already)
 *   rebuild_bench rebuild FILE       whyhung's rebuild (wh_dump_source_open)
 *   rebuild_bench index FILE         walk the record headers only, keeping
 *                                    (offset, size, stream position) each
 *   rebuild_bench open FILE...       whyhung's whole dump open (rebuild or
 *                                    not, checks, libkdumpfile): wall and
 *                                    CPU (user + system) ms
 *   rebuild_bench run CMD ARG...     CMD with stdout to /dev/null: its wall
 *                                    and CPU ms (from wait4's rusage, to the
 *                                    microsecond; a loaded machine inflates
 *                                    wall time far more than CPU time) */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dump.h"
#include "dump_source.h"

enum { RECORD = 65536, BLOCK = 4096 };

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_ms(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e3 +
	       (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e3;
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void put_be64(unsigned char *p, int64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)((uint64_t)v >> (56 - 8 * i));
}

static void must_write(FILE *f, const void *p, size_t n)
{
	if (fwrite(p, 1, n, f) != n) {
		perror("write");
		exit(1);
	}
}

static void record(FILE *f, int64_t off, const void *data, int64_t size)
{
	unsigned char h[16];
	put_be64(h, off);
	put_be64(h + 8, size);
	must_write(f, h, sizeof(h));
	if (size > 0)
		must_write(f, data, (size_t)size);
}

static int gen(long size_mb, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return 1;
	}
	uint64_t data = (uint64_t)size_mb << 20;
	uint64_t pages = data / BLOCK;
	static unsigned char hdr[4096], buf[RECORD];
	memcpy(hdr, "makedumpfile", 12);
	put_be64(hdr + 16, 1);
	put_be64(hdr + 24, 1);
	must_write(f, hdr, sizeof(hdr));
	/* The kdump header: enough for whyhung's size bound. */
	unsigned char dd[2 * BLOCK] = {0};
	memcpy(dd, "KDUMP   ", 8);
	uint32_t v = 6, block = BLOCK, sub = 1, bitmap = 2, mapnr = (uint32_t)pages;
	memcpy(dd + 8, &v, 4);
	memcpy(dd + 428, &block, 4);
	memcpy(dd + 432, &sub, 4);
	memcpy(dd + 436, &bitmap, 4);
	memcpy(dd + 440, &mapnr, 4);
	uint64_t mapnr64 = pages;
	memcpy(dd + BLOCK + 96, &mapnr64, 8);
	record(f, 0, dd, sizeof(dd));
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (uint64_t off = 0; off < data; off += RECORD) {
		for (size_t i = 0; i < RECORD; i += 8) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			memcpy(buf + i, &x, 8);
		}
		record(f, (int64_t)(4 * BLOCK + off), buf, RECORD);
	}
	record(f, -1, NULL, -1);
	if (fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

static int rebuild(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		perror(path);
		return 1;
	}
	double t0 = now_s();
	struct wh_dump_source *src;
	struct wh_error *err = wh_dump_source_open(&path, 1, &src);
	double t = now_s() - t0;
	if (err) {
		fprintf(stderr, "rebuild_bench: %s\n", err->message);
		wh_error_destroy(err);
		return 1;
	}
	struct stat out;
	fstat(src->fds[0], &out);
	double gb = (double)st.st_size / (1 << 30);
	printf("rebuild: %.1f MiB in, %.1f MiB out (%.1f MiB on disk): %.2f s, %.2f s/GiB; "
	       "peak RSS %ld KiB\n",
	       (double)st.st_size / (1 << 20), (double)out.st_size / (1 << 20),
	       (double)out.st_blocks * 512 / (1 << 20), t, t / gb, peak_rss_kb());
	wh_dump_source_destroy(src);
	return 0;
}

struct entry {
	int64_t offset, size;
	uint64_t stream_pos;
};

static int index_records(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	double t0 = now_s();
	size_t n = 0, cap = 0;
	struct entry *idx = NULL;
	uint64_t pos = 4096;
	unsigned char h[16];
	while (pread(fd, h, sizeof(h), (off_t)pos) == (ssize_t)sizeof(h)) {
		int64_t off = 0, size = 0;
		for (int i = 0; i < 8; i++) {
			off = (int64_t)((uint64_t)off << 8 | h[i]);
			size = (int64_t)((uint64_t)size << 8 | h[8 + i]);
		}
		if (off == -1 || size < 0)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			idx = realloc(idx, cap * sizeof(*idx));
			if (!idx)
				return 1;
		}
		idx[n++] = (struct entry){off, size, pos + 16};
		pos += 16 + (uint64_t)size;
	}
	double t = now_s() - t0;
	printf("index: %zu records, %.2f s, %zu KiB of index, peak RSS %ld KiB\n", n, t,
	       n * sizeof(*idx) / 1024, peak_rss_kb());
	free(idx);
	close(fd);
	return 0;
}

static int open_dump(int n, char **paths)
{
	struct rusage r0, r1;
	getrusage(RUSAGE_SELF, &r0);
	double t0 = now_s();
	struct wh_dump *dump;
	struct wh_error *err = wh_dump_open_files((const char *const *)paths, (size_t)n, &dump);
	double t = now_s() - t0;
	getrusage(RUSAGE_SELF, &r1);
	if (err) {
		fprintf(stderr, "rebuild_bench: %s\n", err->message);
		wh_error_destroy(err);
		return 1;
	}
	printf("%.2f %.2f\n", t * 1e3, cpu_ms(&r1) - cpu_ms(&r0));
	wh_dump_destroy(dump);
	return 0;
}

static int run_command(char **argv)
{
	double t0 = now_s();
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "rebuild_bench: %s failed\n", argv[0]);
		return 1;
	}
	printf("%.2f %.2f\n", (now_s() - t0) * 1e3, cpu_ms(&ru));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "open"))
		return open_dump(argc - 2, argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "run"))
		return run_command(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "gen"))
		return gen(atol(argv[2]), argv[3]);
	if (argc == 3 && !strcmp(argv[1], "rebuild"))
		return rebuild(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "index"))
		return index_records(argv[2]);
	fprintf(stderr, "usage: rebuild_bench gen SIZE_MB FILE | rebuild FILE | index FILE | "
			"open FILE... | run CMD ARG...\n");
	return 2;
}
