#include "batch_run.h"
#include "batch_db.h"
#include "batch_find.h"
#include "batch_jsonl.h"
#include "batch_result.h"
#include "batch_slot.h"
#include "batch_warm.h"
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct missing_kernel {
	char *release, *build_id;
	size_t dumps;
};

struct batch {
	const struct wh_batch_config *c;
	FILE *out;
	struct wh_batch_inputs in;
	struct wh_batch_db *db;
	int json_fd;
	char tmpdir[256];
	struct wh_batch_slot *slots;
	size_t done, todo, failures, already;
	size_t status_counts[WH_BATCH_N_STATUS];
	struct missing_kernel *missing;
	size_t n_missing;
	double started, last_progress, last_poll;
	char **done_ids; /* content ids already in the results, sorted */
	size_t *order;	 /* inputs in the order they are given to slots */
	size_t n_done_ids;
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Content ids of dumps the results already hold, except no-debuginfo
 * ones: their debug package may have been added since. */
static struct wh_error *collect_done(struct batch *b, const struct wh_batch_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++) {
		const struct wh_batch_result *r = &rows->rows[i];
		if (!r->content_id[0] || r->status == WH_BATCH_NO_DEBUGINFO)
			continue;
		char **ids = realloc(b->done_ids, (b->n_done_ids + 1) * sizeof(*ids));
		if (!ids)
			return &wh_error_nomem;
		b->done_ids = ids;
		if (!(ids[b->n_done_ids] = strdup(r->content_id)))
			return &wh_error_nomem;
		b->n_done_ids++;
	}
	if (b->n_done_ids)
		qsort(b->done_ids, b->n_done_ids, sizeof(*b->done_ids), compare_ids);
	return NULL;
}

static bool already_done(const struct batch *b, const char *id)
{
	return id[0] && b->n_done_ids &&
	       bsearch(&id, b->done_ids, b->n_done_ids, sizeof(*b->done_ids), compare_ids) != NULL;
}

static struct wh_error *open_sinks(struct batch *b)
{
	struct wh_batch_rows rows;
	struct wh_error *err;
	if (b->c->db_path) {
		if ((err = wh_batch_db_open(b->c->db_path, &b->db)))
			return err;
		if ((err = wh_batch_db_load(b->db, false, &rows)))
			return err;
		err = collect_done(b, &rows);
		wh_batch_rows_deinit(&rows);
		if (err)
			return err;
	}
	if (b->c->json_path) {
		if ((err = wh_batch_jsonl_load(b->c->json_path, false, &rows)))
			return err;
		err = collect_done(b, &rows);
		wh_batch_rows_deinit(&rows);
		if (err)
			return err;
		b->json_fd = open(b->c->json_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (b->json_fd < 0)
			return wh_error_create(WH_ERR_IO, "cannot write %s: %s", b->c->json_path,
					       strerror(errno));
	}
	return NULL;
}

static struct wh_error *note_missing(struct batch *b, const struct wh_batch_result *r)
{
	const char *rel = r->release ? r->release : "?", *id = r->build_id ? r->build_id : "";
	for (size_t i = 0; i < b->n_missing; i++) {
		if (!strcmp(b->missing[i].release, rel) && !strcmp(b->missing[i].build_id, id)) {
			b->missing[i].dumps++;
			return NULL;
		}
	}
	struct missing_kernel *m = realloc(b->missing, (b->n_missing + 1) * sizeof(*m));
	if (!m)
		return &wh_error_nomem;
	b->missing = m;
	m = &m[b->n_missing];
	m->release = strdup(rel);
	m->build_id = strdup(id);
	m->dumps = 1;
	if (!m->release || !m->build_id) {
		free(m->release);
		free(m->build_id);
		return &wh_error_nomem;
	}
	b->n_missing++;
	return NULL;
}

static void clear_progress(struct batch *b)
{
	if (b->c->progress)
		fputs("\r\033[K", stderr);
}

static void progress(struct batch *b, bool force)
{
	double t = now_s();
	if (!b->c->progress || (!force && t - b->last_progress < 0.2))
		return;
	b->last_progress = t;
	double rate = b->done / (t - b->started > 1e-3 ? t - b->started : 1e-3);
	char eta[32] = "?"; /* nothing to go by before the first dump */
	if (rate > 0)
		snprintf(eta, sizeof(eta), "%.0f s", (double)(b->todo - b->done) / rate);
	fprintf(stderr, "\r\033[K%zu/%zu dumps, %.1f dumps/s, %zu failures, ETA %s", b->done,
		b->todo, rate, b->failures, eta);
	fflush(stderr);
}

/* A finished row: to every sink, and counted. */
/* N_MEMBERS: the files of a split dump the row stands for (0: one file). */
static struct wh_error *record(struct batch *b, struct wh_batch_result *r, size_t n_members)
{
	struct wh_error *err = NULL;
	b->done++;
	b->status_counts[r->status]++;
	if (r->status != WH_BATCH_OK)
		b->failures++;
	if (r->status == WH_BATCH_NO_DEBUGINFO && (err = note_missing(b, r)))
		return err;
	if (b->db && (err = wh_batch_db_put(b->db, r)))
		return err;
	if (b->json_fd >= 0 && (err = wh_batch_jsonl_append(b->json_fd, r)))
		return err;
	char path[1024], what[1024], split[48] = "";
	const char *detail = r->status == WH_BATCH_OK ? r->signature : r->message;
	if (n_members > 1)
		snprintf(split, sizeof(split), " (split dump, %zu files)", n_members);
	clear_progress(b);
	fprintf(b->out, "%-13s %s%s  %s\n", wh_batch_status_name(r->status),
		wh_escape_text(r->path, SIZE_MAX, path, sizeof(path)), split,
		wh_escape_text(detail ? detail : "", SIZE_MAX, what, sizeof(what)));
	fflush(b->out);
	progress(b, true);
	return NULL;
}

/* A row made without a worker: unreadable files and non-dumps. */
static struct wh_error *record_direct(struct batch *b, const struct wh_batch_input *it)
{
	struct wh_batch_result r = {.size = it->size, .peak_rss_kib = -1};
	snprintf(r.content_id, sizeof(r.content_id), "%s", it->content_id);
	struct wh_error *err = wh_batch_set(&r.path, it->path);
	if (!err && it->open_errno) {
		r.status = WH_BATCH_ERROR;
		r.exit_code = b->c->exit_code_for(&(struct wh_error){.code = WH_ERR_IO});
		if (asprintf(&r.message, "cannot read the file: %s",
			     it->open_errno == ESPIPE ? "not a regular file"
						      : strerror(it->open_errno)) < 0)
			r.message = NULL, err = &wh_error_nomem;
	} else if (!err) {
		r.status = WH_BATCH_NOT_A_DUMP;
		r.exit_code = b->c->exit_code_for(&(struct wh_error){.code = WH_ERR_NOT_DUMP});
		err = wh_batch_set(&r.message, "not a kernel dump: no signature of a dump form "
					       "whyhung reads");
	}
	if (!err)
		err = record(b, &r, it->n_members);
	wh_batch_result_deinit(&r);
	return err;
}

static void result_path(const struct batch *b, size_t input, char *buf, size_t size)
{
	wh_batch_result_path(b->tmpdir, input, buf, size);
}

/* The worker's mark while it fetches debug info (batch_slot.h). */
static void fetching_path(const struct batch *b, size_t input, char *buf, size_t size)
{
	result_path(b, input, buf, size - sizeof(WH_BATCH_FETCHING_SUFFIX));
	strcat(buf, WH_BATCH_FETCHING_SUFFIX);
}

/* The worker's files: its row and its journal for the slot (a slot that
 * died or was stopped leaves the journal behind). */
static void remove_worker_files(const char *result)
{
	char warm[600];
	wh_batch_warm_path(result, warm, sizeof(warm));
	unlink(result);
	unlink(warm);
}

static const char *signal_name(int sig)
{
	const char *name = sigabbrev_np(sig);
	return name ? name : "?";
}

/* The worker of slot S ended, was killed, or its slot died: its row. */
static struct wh_error *finish(struct batch *b, struct wh_batch_slot *s, int status,
			       const struct rusage *ru, bool slot_died)
{
	const struct wh_batch_input *it = &b->in.items[s->input];
	struct wh_batch_result r = {.size = it->size, .peak_rss_kib = ru->ru_maxrss};
	snprintf(r.content_id, sizeof(r.content_id), "%s", it->content_id);
	char path[512];
	result_path(b, s->input, path, sizeof(path));
	struct wh_error *err = NULL;
	double took = now_s() - s->started;
	/* A complete row is the worker's word, even when the slot was slow to
	 * say so (it loads the next kernel before it reports). */
	struct wh_error *load = NULL;
	bool have_row = !s->timed_out || access(path, F_OK) == 0;
	if (have_row && (slot_died || s->timed_out || WIFEXITED(status)))
		load = wh_batch_result_load(path, &r);
	if (s->timed_out && (!have_row || load)) {
		wh_error_destroy(load);
		wh_batch_result_deinit(&r);
		r.status = WH_BATCH_TIMEOUT;
		r.exit_code = -1;
		r.seconds = took;
		if (asprintf(&r.message, "analysis stopped after %.0f s (--timeout)",
			     b->c->timeout_s) < 0)
			r.message = NULL;
	} else if (!slot_died && WIFSIGNALED(status)) {
		r.status = WH_BATCH_ERROR;
		r.exit_code = -1;
		r.seconds = took;
		if (asprintf(&r.message, "the worker died of signal %d (SIG%s)%s", WTERMSIG(status),
			     signal_name(WTERMSIG(status)),
			     b->c->max_memory ? ", possibly at the --max-memory limit" : "") < 0)
			r.message = NULL;
	} else if (load) {
		wh_batch_result_deinit(&r);
		r.status = WH_BATCH_ERROR;
		r.exit_code = !slot_died && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (asprintf(&r.message, "%s%s", slot_died ? "the worker's slot process died: " : "",
			     load->message) < 0)
			r.message = NULL, err = &wh_error_nomem;
		wh_error_destroy(load);
	}
	remove_worker_files(path);
	fetching_path(b, s->input, path, sizeof(path));
	unlink(path);
	if (!err)
		err = wh_batch_set(&r.path, it->path);
	if (!err)
		err = record(b, &r, it->n_members);
	wh_batch_result_deinit(&r);
	return err;
}

/* Grace after killing a timed-out worker for its slot to report, before
 * the slot itself is taken to be stuck. */
static const double SLOT_GRACE_S = 2.0;

static struct wh_error *restart_slot(struct batch *b, struct wh_batch_slot *s)
{
	wh_batch_slot_stop(s);
	return wh_batch_slot_start(s, b->c, &b->in, b->tmpdir);
}

/* Is the worker of S fetching debug info (its mark touched in the last
 * two seconds)? */
static bool fetching(const struct batch *b, const struct wh_batch_slot *s)
{
	char path[512];
	struct stat st;
	struct timespec now;
	fetching_path(b, s->input, path, sizeof(path));
	return stat(path, &st) == 0 && clock_gettime(CLOCK_REALTIME, &now) == 0 &&
	       now.tv_sec - st.st_mtim.tv_sec <= 2;
}

/* Messages from the slots, and the time limit (held while a worker
 * fetches debug info: a download is not the dump's analysis). */
static struct wh_error *poll_slots(struct batch *b)
{
	struct pollfd fds[1024];
	unsigned n = 0;
	for (unsigned i = 0; i < b->c->jobs; i++)
		fds[n++] = (struct pollfd){.fd = b->slots[i].busy ? b->slots[i].sock : -1,
					   .events = POLLIN};
	int ready = poll(fds, n, 50);
	if (ready < 0 && errno != EINTR)
		return wh_error_create(WH_ERR_INTERNAL, "poll failed: %s", strerror(errno));
	double t = now_s();
	struct wh_error *err = NULL;
	for (unsigned i = 0; !err && i < b->c->jobs; i++) {
		struct wh_batch_slot *s = &b->slots[i];
		if (!s->busy)
			continue;
		if (ready > 0 && fds[i].revents) {
			bool done;
			struct wh_batch_slot_done d;
			struct wh_error *gone = wh_batch_slot_receive(s, &done, &d);
			if (gone) {
				/* The slot itself died: its dump's row, a new slot. */
				wh_error_destroy(gone);
				struct rusage ru = {0};
				s->busy = false;
				if (!(err = finish(b, s, 0, &ru, true)))
					err = restart_slot(b, s);
				continue;
			}
			if (done) {
				err = finish(b, s, d.status, &d.ru, false);
				continue;
			}
		}
		if (!s->timed_out && b->last_poll > 0 && fetching(b, s))
			s->started += t - b->last_poll;
		if (!s->timed_out && t - s->started > b->c->timeout_s) {
			s->timed_out = true;
			s->started = t - b->c->timeout_s; /* the grace runs from here */
			if (s->worker > 0)
				kill(s->worker, SIGKILL);
		} else if (s->timed_out && t - s->started > b->c->timeout_s + SLOT_GRACE_S) {
			struct rusage ru = {0};
			s->busy = false;
			if (!(err = finish(b, s, 0, &ru, true)))
				err = restart_slot(b, s);
		}
	}
	b->last_poll = t;
	return err;
}

static void stop_slots(struct batch *b)
{
	for (unsigned i = 0; i < b->c->jobs; i++) {
		if (b->slots[i].busy) {
			char path[512];
			result_path(b, b->slots[i].input, path, sizeof(path));
			remove_worker_files(path);
			fetching_path(b, b->slots[i].input, path, sizeof(path));
			unlink(path);
		}
		wh_batch_slot_stop(&b->slots[i]);
	}
}

static bool in_shard(const struct batch *b, const struct wh_batch_input *it)
{
	if (b->c->n_shards <= 1)
		return true;
	/* By content id, so a shard's share does not depend on paths. */
	unsigned long long v = strtoull(it->content_id[0] ? it->content_id + 16 : "0", NULL, 16);
	return v % b->c->n_shards == b->c->shard;
}

/* Dumps of one kernel in a row (then by path), so that a slot meets the
 * kernel it has loaded again: inputs found in path order, grouped by the
 * kernel their headers name. */
static const struct batch *sort_batch;

static int compare_inputs(const void *a, const void *b)
{
	const struct wh_batch_input *x = &sort_batch->in.items[*(const size_t *)a];
	const struct wh_batch_input *y = &sort_batch->in.items[*(const size_t *)b];
	int c = strcmp(x->kernel, y->kernel);
	if (c)
		return c;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static struct wh_error *order_inputs(struct batch *b)
{
	if (!(b->order = calloc(b->in.n ? b->in.n : 1, sizeof(*b->order))))
		return &wh_error_nomem;
	for (size_t i = 0; i < b->in.n; i++)
		b->order[i] = i;
	sort_batch = b;
	if (b->in.n)
		qsort(b->order, b->in.n, sizeof(*b->order), compare_inputs);
	return NULL;
}

static struct wh_error *schedule(struct batch *b)
{
	struct wh_error *err = order_inputs(b);
	size_t next = 0;
	for (unsigned i = 0; !err && i < b->c->jobs; i++)
		err = wh_batch_slot_start(&b->slots[i], b->c, &b->in, b->tmpdir);
	while (!err) {
		if (stop_signal)
			return wh_error_create(WH_ERR_INTERNAL, "batch stopped by signal %d",
					       (int)stop_signal);
		bool busy = false;
		for (unsigned i = 0; !err && i < b->c->jobs; i++) {
			struct wh_batch_slot *s = &b->slots[i];
			while (!err && !s->busy && next < b->in.n) {
				size_t input = b->order[next++];
				const struct wh_batch_input *it = &b->in.items[input];
				if (!in_shard(b, it) || already_done(b, it->content_id))
					continue;
				if (it->open_errno || !it->kind)
					err = record_direct(b, it);
				else
					err = wh_batch_slot_send(s, input, now_s());
			}
			busy |= s->busy;
		}
		if (err || (!busy && next >= b->in.n))
			break;
		err = poll_slots(b);
		progress(b, false);
	}
	return err;
}

static void count_todo(struct batch *b)
{
	for (size_t i = 0; i < b->in.n; i++) {
		if (!in_shard(b, &b->in.items[i]))
			continue;
		if (already_done(b, b->in.items[i].content_id))
			b->already++;
		else
			b->todo++;
	}
}

static void summary(struct batch *b)
{
	clear_progress(b);
	double t = now_s() - b->started;
	fprintf(b->out, "\n%zu dumps in %.1f s (%.1f dumps/s):", b->done, t,
		b->done / (t > 1e-3 ? t : 1e-3));
	const char *sep = " ";
	for (int i = 0; i < WH_BATCH_N_STATUS; i++) {
		if (!b->status_counts[i])
			continue;
		fprintf(b->out, "%s%zu %s", sep, b->status_counts[i],
			wh_batch_status_name((enum wh_batch_status)i));
		sep = ", ";
	}
	fputc('\n', b->out);
	if (b->already)
		fprintf(b->out, "%zu dumps already in the results, not analysed again\n",
			b->already);
	if (b->in.skipped)
		fprintf(b->out, "%zu files in the directories are not dumps, passed over\n",
			b->in.skipped);
	if (!b->n_missing)
		return;
	fprintf(b->out, "\nNo debug info for these kernels (add their -dbg packages or "
			"--debug-dir):\n%-40s %-40s %s\n",
		"release", "build id", "dumps");
	for (size_t i = 0; i < b->n_missing; i++) {
		char rel[256];
		fprintf(b->out, "%-40s %-40s %zu\n",
			wh_escape_text(b->missing[i].release, SIZE_MAX, rel, sizeof(rel)),
			b->missing[i].build_id[0] ? b->missing[i].build_id : "unknown",
			b->missing[i].dumps);
	}
}

static void cleanup(struct batch *b)
{
	if (b->slots)
		stop_slots(b);
	if (b->tmpdir[0])
		rmdir(b->tmpdir);
	wh_batch_db_close(b->db);
	if (b->json_fd >= 0)
		close(b->json_fd);
	for (size_t i = 0; i < b->n_missing; i++) {
		free(b->missing[i].release);
		free(b->missing[i].build_id);
	}
	free(b->missing);
	for (size_t i = 0; i < b->n_done_ids; i++)
		free(b->done_ids[i]);
	free(b->done_ids);
	free(b->slots);
	free(b->order);
	wh_batch_inputs_deinit(&b->in);
}

struct wh_error *wh_batch_run(const struct wh_batch_config *c, const char *const *paths,
			      size_t n, FILE *out, size_t *ret_failures)
{
	struct batch b = {.c = c, .out = out, .json_fd = -1};
	b.started = now_s();
	struct wh_error *err = wh_batch_find(paths, n, stdin, &b.in);
	if (!err)
		err = open_sinks(&b);
	const char *tmp = getenv("TMPDIR");
	snprintf(b.tmpdir, sizeof(b.tmpdir), "%s/whyhung-batch.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!err && !mkdtemp(b.tmpdir)) {
		err = wh_error_create(WH_ERR_IO, "cannot create a temporary directory in %s: %s",
				      tmp && *tmp ? tmp : "/tmp", strerror(errno));
		b.tmpdir[0] = '\0';
	}
	if (!err && !(b.slots = calloc(c->jobs, sizeof(*b.slots))))
		err = &wh_error_nomem;
	if (!err) {
		count_todo(&b);
		struct sigaction sa = {.sa_handler = on_stop};
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		err = schedule(&b);
		if (!err)
			summary(&b);
	}
	*ret_failures = b.failures;
	if (err)
		clear_progress(&b);
	cleanup(&b);
	return err;
}
