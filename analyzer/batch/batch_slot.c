#include "batch_slot.h"
#include "batch_warm.h"
#include "batch_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum msg_kind { MSG_STARTED = 1, MSG_DONE };

struct msg {
	enum msg_kind kind;
	pid_t worker;
	int status;
	struct rusage ru;
};

void wh_batch_result_path(const char *tmpdir, size_t input, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%zu.result", tmpdir, input);
}

/* In the worker: its limits, then the analysis. Never returns. */
static void worker_main(const struct wh_batch_config *c, const struct wh_batch_input *dump,
			const char *result, struct wh_batch_loaded *loaded)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* A short-lived process: memory freed is kept for the next
	 * allocation rather than given back and faulted in again (zlib's
	 * state for every compressed page, the analysis' arrays). */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	if (c->max_memory) {
		struct rlimit rl = {c->max_memory, c->max_memory};
		setrlimit(RLIMIT_AS, &rl);
	}
	int devnull = open("/dev/null", O_WRONLY);
	if (devnull >= 0) {
		dup2(devnull, STDOUT_FILENO);
		close(devnull);
	}
	_exit(wh_batch_worker_run(c, dump, result, loaded));
}

static bool send_msg(int sock, const struct msg *m)
{
	ssize_t n;
	do
		n = send(sock, m, sizeof(*m), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*m);
}

/* The slot process. Never returns. */
static void slot_main(int sock, const struct wh_batch_config *c, const struct wh_batch_inputs *in,
		      const char *tmpdir)
{
	/* Die with the batch rather than run on unwatched; the batch's
	 * interrupt is the batch's to handle. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	struct wh_batch_loaded loaded = {0};
	for (;;) {
		size_t input;
		ssize_t n;
		do
			n = recv(sock, &input, sizeof(input), 0);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(input) || input >= in->n)
			_exit(0);
		char result[512];
		wh_batch_result_path(tmpdir, input, result, sizeof(result));
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0)
			worker_main(c, &in->items[input], result, c->reuse ? &loaded : NULL);
		struct msg m = {.kind = MSG_STARTED, .worker = pid > 0 ? pid : 0};
		if (!send_msg(sock, &m))
			_exit(0);
		m = (struct msg){.kind = MSG_DONE, .status = 0xff00 /* exit 255 */};
		if (pid > 0) {
			while (wait4(pid, &m.status, 0, &m.ru) < 0 && errno == EINTR)
				;
			/* Load the kernel of a dump a worker has just analysed
			 * without trouble; the next workers start with it. */
			if (c->reuse && WIFEXITED(m.status) && WEXITSTATUS(m.status) == 0)
				wh_batch_worker_warm(c, result, &loaded);
		}
		/* Whatever became of the worker, its journal goes. */
		char warm[600];
		wh_batch_warm_path(result, warm, sizeof(warm));
		unlink(warm);
		if (!send_msg(sock, &m))
			_exit(0);
	}
}

struct wh_error *wh_batch_slot_start(struct wh_batch_slot *s, const struct wh_batch_config *c,
				     const struct wh_batch_inputs *in, const char *tmpdir)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return wh_error_create(WH_ERR_INTERNAL, "cannot create a socket: %s",
				       strerror(errno));
	fflush(NULL); /* nothing buffered twice */
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return wh_error_create(WH_ERR_INTERNAL, "cannot start a worker: %s", strerror(errno));
	}
	if (pid == 0) {
		close(sv[0]);
		slot_main(sv[1], c, in, tmpdir);
	}
	close(sv[1]);
	*s = (struct wh_batch_slot){.pid = pid, .sock = sv[0]};
	return NULL;
}

struct wh_error *wh_batch_slot_send(struct wh_batch_slot *s, size_t input, double now)
{
	ssize_t n;
	do
		n = send(s->sock, &input, sizeof(input), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(input))
		return wh_error_create(WH_ERR_IO, "worker slot gone");
	s->busy = true;
	s->input = input;
	s->worker = 0;
	s->started = now;
	s->timed_out = false;
	return NULL;
}

struct wh_error *wh_batch_slot_receive(struct wh_batch_slot *s, bool *ret_done,
				       struct wh_batch_slot_done *ret)
{
	struct msg m;
	ssize_t n;
	do
		n = recv(s->sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	*ret_done = false;
	if (n != (ssize_t)sizeof(m))
		return wh_error_create(WH_ERR_IO, "worker slot gone");
	if (m.kind == MSG_STARTED) {
		s->worker = m.worker;
		return NULL;
	}
	*ret_done = true;
	ret->status = m.status;
	ret->ru = m.ru;
	s->busy = false;
	s->worker = 0;
	return NULL;
}

void wh_batch_slot_stop(struct wh_batch_slot *s)
{
	if (!s->pid)
		return;
	if (s->worker > 0)
		kill(s->worker, SIGKILL);
	kill(s->pid, SIGKILL);
	close(s->sock);
	while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
	s->worker = 0;
}
