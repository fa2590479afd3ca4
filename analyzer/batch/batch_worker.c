#include "batch_worker.h"
#include "batch_result.h"
#include "debuginfo_find.h"
#include "dwarf_types.h"
#include "elf_image.h"
#include "explain.h"
#include "kernel.h"
#include "module_debug.h"
#include "output_report.h"
#include "report.h"
#include "signature.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Test hooks: a worker for a dump whose path contains the value of
 * WHYHUNG_TEST_WORKER_ABORT aborts, of WHYHUNG_TEST_WORKER_HANG sleeps,
 * of WHYHUNG_TEST_WORKER_HOG allocates without end: how the tests make a
 * worker crash, hang or run out of memory on a good dump. */
static void test_hooks(const char *path)
{
	const char *v = getenv("WHYHUNG_TEST_WORKER_ABORT");
	if (v && *v && strstr(path, v))
		abort();
	v = getenv("WHYHUNG_TEST_WORKER_HANG");
	if (v && *v && strstr(path, v))
		for (;;)
			pause();
	v = getenv("WHYHUNG_TEST_WORKER_HOG");
	if (v && *v && strstr(path, v)) {
		for (;;) {
			char *p = malloc(1 << 20);
			if (!p)
				break; /* reported as out of memory below */
			memset(p, 1, 1 << 20);
		}
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ERRNO is errno right after the analysis failed. */
static enum wh_batch_status status_of(const struct wh_batch_config *c, const struct wh_error *err,
				      int errno_after, bool incomplete)
{
	/* Libraries report their failed allocations in their own terms (a
	 * file that "cannot be read"); malloc's ENOMEM is still in errno
	 * (free() keeps it): under a memory limit, that is the limit. */
	if (c->max_memory && errno_after == ENOMEM)
		return WH_BATCH_OUT_OF_MEMORY;
	/* A dump cut short in its pages opens as incomplete; when what is
	 * missing stops the analysis, the dump is truncated. */
	if (incomplete || err->code == WH_ERR_INCOMPLETE)
		return WH_BATCH_TRUNCATED;
	switch (err->code) {
	case WH_ERR_NOT_DUMP: return WH_BATCH_NOT_A_DUMP;
	case WH_ERR_TRUNCATED: return WH_BATCH_TRUNCATED;
	case WH_ERR_NOMEM: return WH_BATCH_OUT_OF_MEMORY;
	default: return WH_BATCH_ERROR;
	}
}

/* The report, its signature and its JSON into R. */
static struct wh_error *analyse(struct wh_kernel *k, struct wh_batch_result *r)
{
	struct wh_report rep;
	struct wh_error *err = wh_report_build(k, &rep);
	if (err)
		return err;
	if ((err = wh_explain_report(&rep))) {
		wh_report_deinit(&rep);
		return err;
	}
	r->have_crash_time = rep.summary.have_crash_time;
	r->crash_time = rep.summary.crash_time;
	struct wh_signature sig;
	if (!(err = wh_signature_build(&rep, &sig))) {
		err = wh_batch_set(&r->signature, sig.id);
		if (!err)
			err = wh_batch_set(&r->signature_parts, sig.parts);
		wh_signature_deinit(&sig);
	}
	if (!err)
		err = wh_batch_set(&r->explanation, rep.explanation);
	char *json = NULL;
	size_t len = 0;
	FILE *f = err ? NULL : open_memstream(&json, &len);
	if (!err && !f)
		err = &wh_error_nomem;
	if (f) {
		wh_output_json_report(f, &rep);
		if (fclose(f) != 0)
			err = &wh_error_nomem;
		while (!err && len && json[len - 1] == '\n')
			json[--len] = '\0';
		if (!err) {
			r->report_json = json;
			json = NULL;
		}
		free(json);
	}
	wh_report_deinit(&rep);
	return err;
}

static void unload(struct wh_batch_loaded *l)
{
	wh_types_destroy(l->types);
	wh_elf_image_destroy(l->img);
	l->types = NULL;
	l->img = NULL;
	l->vmlinux[0] = '\0';
}

/* The kernel of DUMP (taken over) with debug info DI: the loaded one when
 * it is the same vmlinux (handed over: this process owns its copy). */
static struct wh_error *open_kernel(struct wh_dump *dump, const struct wh_debuginfo *di,
				    struct wh_batch_loaded *loaded, struct wh_kernel **ret)
{
	if (loaded && loaded->img && !strcmp(loaded->vmlinux, di->vmlinux)) {
		struct wh_error *err = wh_kernel_open_loaded(dump, loaded->img, loaded->types, ret);
		loaded->img = NULL;
		loaded->types = NULL;
		loaded->vmlinux[0] = '\0';
		return err;
	}
	return wh_kernel_open_dump(dump, di->vmlinux, ret);
}

static struct wh_error *run(const struct wh_batch_config *c, const char *path,
			    struct wh_batch_result *r, bool *no_debuginfo, bool *incomplete,
			    struct wh_batch_loaded *loaded)
{
	struct wh_dump *dump;
	struct wh_error *err = wh_dump_open(path, &dump);
	if (err)
		return err;
	*incomplete = wh_dump_source_incomplete(dump) != NULL;
	struct wh_debuginfo di_buf, *di = &di_buf;
	err = wh_batch_set(&r->release, wh_dump_release(dump));
	if (!err)
		err = wh_batch_set(&r->build_id, wh_dump_build_id(dump));
	if (!err) {
		err =
		    wh_debuginfo_find(c->debug_dirs, c->n_debug_dirs, r->release, r->build_id, di);
		*no_debuginfo = err != NULL;
	}
	if (err) {
		wh_dump_destroy(dump);
		return err;
	}
	/* The same open dump: a flattened or compressed one is rebuilt once. */
	struct wh_kernel *k;
	if ((err = open_kernel(dump, di, loaded, &k)))
		return err;
	if (di->module_dir[0])
		err = wh_kernel_set_module_dir(k, di->module_dir);
	if (!err)
		err = analyse(k, r);
	wh_kernel_destroy(k);
	return err;
}

int wh_batch_worker_run(const struct wh_batch_config *c, const char *path, const char *result_path,
			struct wh_batch_loaded *loaded)
{
	test_hooks(path);
	struct wh_batch_result r = {0};
	double start = now_s();
	bool no_debuginfo = false, incomplete = false;
	errno = 0;
	struct wh_error *err = run(c, path, &r, &no_debuginfo, &incomplete, loaded);
	int errno_after = errno;
	r.seconds = now_s() - start;
	r.status = WH_BATCH_OK;
	r.exit_code = c->exit_code_for(err);
	if (err) {
		r.status = no_debuginfo ? WH_BATCH_NO_DEBUGINFO
					: status_of(c, err, errno_after, incomplete);
		struct wh_error *e2 = wh_batch_set(&r.message, err->message);
		if (e2)
			r.status = WH_BATCH_OUT_OF_MEMORY;
		wh_error_destroy(err);
	}
	err = wh_batch_result_save(&r, result_path);
	wh_batch_result_deinit(&r);
	if (err) {
		wh_error_destroy(err);
		return 1;
	}
	return r.exit_code;
}

/* Types every analysis looks up early: found once in the slot, their
 * compile units are indexed for every worker after it. */
static const char *const warm_types[] = {
    "task_struct", "list_head", "mutex", "rw_semaphore", "mm_struct", "completion",
};

void wh_batch_worker_warm(const struct wh_batch_config *c, const char *result_path,
			  struct wh_batch_loaded *loaded)
{
	struct wh_batch_result r = {0};
	struct wh_debuginfo di;
	struct wh_error *err = wh_batch_result_load(result_path, &r);
	if (!err)
		err = wh_debuginfo_find(c->debug_dirs, c->n_debug_dirs, r.release, r.build_id, &di);
	wh_batch_result_deinit(&r);
	if (!wh_best_effort(err))
		return;
	if (loaded->img && !strcmp(loaded->vmlinux, di.vmlinux))
		return;
	unload(loaded);
	struct wh_symbol sym;
	if (!wh_best_effort(wh_elf_image_open(di.vmlinux, &loaded->img)))
		return;
	if (!wh_best_effort(wh_types_create(loaded->img, &loaded->types)) ||
	    !wh_best_effort(wh_elf_image_symbol(loaded->img, "linux_banner", &sym))) {
		unload(loaded);
		return;
	}
	for (size_t i = 0; i < sizeof(warm_types) / sizeof(*warm_types); i++) {
		struct wh_type t;
		wh_best_effort(wh_types_find(loaded->types, WH_TYPE_STRUCT, warm_types[i], &t));
	}
	snprintf(loaded->vmlinux, sizeof(loaded->vmlinux), "%s", di.vmlinux);
}
