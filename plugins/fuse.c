/* FUSE requests: a task in request_wait_answer() waits on req->waitq for
 * the FUSE daemon to answer. The daemon is whoever holds /dev/fuse for that
 * connection; the kernel does not record which task reads it, so daemons
 * are inferred from open files, with their state (stopped, blocked, gone):
 * the classic hang is a stopped or dying daemon. */
#include "kind_memo.h"
#include "modules.h"
#include "symbolize.h"
#include "wait_kind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct wh_wait_frame wait_frames[] = {
    {.function = "request_wait_answer"},
    {.function = "__fuse_request_send"},
    {.function = "fuse_simple_request"},
    {NULL},
};

/* enum fuse_opcode (uapi, stable numbering). */
static const char *opcode_name(uint64_t op)
{
	static const char *const names[] = {
	    [1] = "LOOKUP",	  [3] = "GETATTR",	[4] = "SETATTR",   [5] = "READLINK",
	    [6] = "SYMLINK",	  [8] = "MKNOD",	[9] = "MKDIR",	   [10] = "UNLINK",
	    [11] = "RMDIR",	  [12] = "RENAME",	[13] = "LINK",	   [14] = "OPEN",
	    [15] = "READ",	  [16] = "WRITE",	[17] = "STATFS",   [18] = "RELEASE",
	    [20] = "FSYNC",	  [21] = "SETXATTR",	[22] = "GETXATTR", [23] = "LISTXATTR",
	    [24] = "REMOVEXATTR", [25] = "FLUSH",	[26] = "INIT",	   [27] = "OPENDIR",
	    [28] = "READDIR",	  [29] = "RELEASEDIR",	[30] = "FSYNCDIR", [31] = "GETLK",
	    [32] = "SETLK",	  [33] = "SETLKW",	[34] = "ACCESS",   [35] = "CREATE",
	    [36] = "INTERRUPT",	  [38] = "DESTROY",	[39] = "IOCTL",	   [40] = "POLL",
	    [43] = "FALLOCATE",	  [44] = "READDIRPLUS", [45] = "RENAME2",  [46] = "LSEEK",
	};
	return op < sizeof(names) / sizeof(*names) && names[op] ? names[op] : "?";
}

/* The object is the struct fuse_req whose waitq the waiter is on. FUSE
 * types live in the vmlinux when fuse is built in, else in fuse.ko's debug
 * file (-m DIR). */
static const struct wh_list_kind request_list = {
    .waiter_type = "wait_queue_entry",
    .waiter_list = "entry",
    .waiter_task = "private",
    .lock_type = "fuse_req",
    .lock_list = "waitq.head",
    .module = "fuse",
    /* Built in: fs/fuse/dev.c defines struct fuse_req; without the hint
     * finding it costs a scan of hundreds of compile units. */
    .type_hint = (const char *const[]){"fuse_request_end", "fuse_simple_request", NULL},
};

enum { FM, FM_FC, OPCODE, UNIQUE, NODEID, FUD_FC };
static const struct wh_kind_member members[] = {
    [FM] = {"fuse_req", "fm", .module = "fuse"},
    [FM_FC] = {"fuse_mount", "fc", .module = "fuse"},
    [OPCODE] = {"fuse_req", "in.h.opcode", .module = "fuse"},
    [UNIQUE] = {"fuse_req", "in.h.unique", .module = "fuse"},
    [NODEID] = {"fuse_req", "in.h.nodeid", .module = "fuse"},
    [FUD_FC] = {"fuse_dev", "fc", .module = "fuse", .optional = true},
    {NULL},
};

/* struct file_operations of /dev/fuse: in the vmlinux or in fuse.ko. */
static uint64_t fuse_dev_fops(struct wh_kernel *k)
{
	uint64_t addr = 0;
	struct wh_error *err = wh_symbol_address_any(k, "fuse_dev_operations", &addr);
	wh_error_destroy(err);
	return err ? 0 : addr;
}

/* A read whose failure only means "skip this one". */
static bool read_ok(struct wh_kernel *k, uint64_t obj, const struct wh_member_info *m,
		    uint64_t *ret)
{
	struct wh_error *err = wh_kernel_read_member(k, obj, m, ret);
	wh_error_destroy(err);
	return !err;
}

/* What finding the daemons takes: every task's open files, and which of
 * them is /dev/fuse. PROBLEM: why the daemons cannot be looked for. */
struct fd_layout {
	struct wh_member_info files, fdt, max_fds, fd, f_op, private_data;
	uint64_t fops;
	char problem[150];
};

static struct wh_error *init(struct wh_kernel *k, void **ret_layout)
{
	struct fd_layout *fl = calloc(1, sizeof(*fl));
	if (!fl)
		return &wh_error_nomem;
	static const char *const fd_hint[] = {"fd_install", NULL}; /* fs/file.c: fdtable */
	wh_kernel_type_hint(k, fd_hint);
	struct wh_error *err;
	if (!(fl->fops = fuse_dev_fops(k)))
		snprintf(fl->problem, sizeof(fl->problem), "no fuse_dev_operations symbol");
	else if ((err = wh_kernel_member(k, "task_struct", "files", &fl->files)) ||
		 (err = wh_kernel_member(k, "files_struct", "fdt", &fl->fdt)) ||
		 (err = wh_kernel_member(k, "fdtable", "max_fds", &fl->max_fds)) ||
		 (err = wh_kernel_member(k, "fdtable", "fd", &fl->fd)) ||
		 (err = wh_kernel_member(k, "file", "f_op", &fl->f_op)) ||
		 (err = wh_kernel_member(k, "file", "private_data", &fl->private_data))) {
		snprintf(fl->problem, sizeof(fl->problem), "%s", err->message);
		if (err == &wh_error_nomem) {
			free(fl);
			return err;
		}
		wh_error_destroy(err);
	}
	*ret_layout = fl;
	return NULL;
}

enum { MAX_FDS_SCANNED = 1 << 16 };

/* The tasks holding /dev/fuse for one connection: its daemon(s). Found
 * once per connection and kept in the analysis' memo, since every request
 * waiting on that connection asks. */
struct fuse_daemons {
	char problem[150]; /* why they could not be looked for, or "" */
	size_t n;
	struct fuse_daemon {
		const struct wh_task *task;
		uint64_t fd;
	} d[];
};

static const char memo_tag; /* this kind's values in the memo */

static struct wh_error *new_daemons(size_t n, struct fuse_daemons **ret)
{
	struct fuse_daemons *d = calloc(1, sizeof(*d) + n * sizeof(d->d[0]));
	if (!d)
		return &wh_error_nomem;
	*ret = d;
	return NULL;
}

/* Append (T, FD) to *D, which has room for *CAP. */
static struct wh_error *add_daemon(struct fuse_daemons **d, size_t *cap, const struct wh_task *t,
				   uint64_t fd)
{
	if ((*d)->n == *cap) {
		size_t n = *cap ? 2 * *cap : 4;
		struct fuse_daemons *grown = realloc(*d, sizeof(**d) + n * sizeof((*d)->d[0]));
		if (!grown)
			return &wh_error_nomem;
		*d = grown;
		*cap = n;
	}
	(*d)->d[(*d)->n++] = (struct fuse_daemon){t, fd};
	return NULL;
}

/* Read every process's open files once for connection FC. */
static struct wh_error *scan_daemons(const struct wh_wait_context *ctx,
				     const struct wh_wait_kind_state *state, uint64_t fc,
				     struct fuse_daemons **ret)
{
	struct wh_kernel *k = ctx->k;
	const struct fd_layout *l = state->layout;
	const struct wh_member_info *fud_fc = &state->members[FUD_FC];
	struct fuse_daemons *d;
	size_t cap = 0;
	struct wh_error *err = new_daemons(0, &d);
	if (err)
		return err;
	if (l->problem[0] || !state->have[FUD_FC]) {
		snprintf(d->problem, sizeof(d->problem), "%s",
			 l->problem[0] ? l->problem : "no member fc in struct fuse_dev");
		*ret = d;
		return NULL;
	}
	uint64_t last_files = 0;
	for (size_t i = 0; i < ctx->tasks->count; i++) {
		const struct wh_task *t = &ctx->tasks->tasks[i];
		uint64_t files, fdt, max, fdarr;
		if (t->kthread || t->idle || !read_ok(k, t->address, &l->files, &files) || !files ||
		    files == last_files)
			continue; /* threads of a process share files */
		last_files = files;
		if (!read_ok(k, files, &l->fdt, &fdt) || !fdt ||
		    !read_ok(k, fdt, &l->max_fds, &max) || !read_ok(k, fdt, &l->fd, &fdarr))
			continue;
		if (max > MAX_FDS_SCANNED)
			max = MAX_FDS_SCANNED;
		for (uint64_t fdn = 0; fdn < max; fdn++) {
			uint64_t file, op, fud, c;
			struct wh_error *e = wh_dump_read_u64(k->dump, fdarr + 8 * fdn, &file);
			if (e) {
				wh_error_destroy(e);
				break;
			}
			if (!file || !read_ok(k, file, &l->f_op, &op) || op != l->fops ||
			    !read_ok(k, file, &l->private_data, &fud) || !fud ||
			    !read_ok(k, fud, fud_fc, &c) || c != fc)
				continue;
			if ((err = add_daemon(&d, &cap, t, fdn))) {
				free(d);
				return err;
			}
			break;
		}
	}
	*ret = d;
	return NULL;
}

/* Tasks with /dev/fuse open for connection FC: the daemon(s). */
static struct wh_error *find_daemons(const struct wh_wait_context *ctx,
				     const struct wh_wait_kind_state *state, uint64_t fc,
				     struct wh_wait_object *obj)
{
	struct fuse_daemons *d = wh_kind_memo_get(ctx->memo, &memo_tag, fc);
	if (!d) {
		struct wh_error *err = scan_daemons(ctx, state, fc, &d);
		if (!err)
			err = wh_kind_memo_put(ctx->memo, &memo_tag, fc, d, NULL);
		if (err)
			return err;
	}
	if (d->problem[0])
		snprintf(obj->incomplete, sizeof(obj->incomplete),
			 "cannot look for the FUSE daemon: %s", d->problem);
	for (size_t i = 0; i < d->n; i++) {
		const struct wh_task *t = d->d[i].task;
		wh_object_add_owner(ctx, obj, t->address, WH_OWNER_INFERRED,
				    (struct wh_evidence){.kind = WH_EVIDENCE_FUSE_DEVICE,
							 .number = d->d[i].fd,
							 .task_state = t->state});
	}
	return NULL;
}

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	const struct wh_member_info *m = state->members;
	uint64_t fm = 0, fc = 0, opcode = 0, unique = 0, nodeid = 0;
	struct wh_error *err;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &m[FM], &fm)) ||
	    (err = wh_kernel_read_member(ctx->k, fm, &m[FM_FC], &fc)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &m[OPCODE], &opcode)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &m[UNIQUE], &unique)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &m[NODEID], &nodeid))) {
		wh_object_unreadable(obj, "request", err);
		return NULL;
	}
	snprintf(obj->name, sizeof(obj->name),
		 "FUSE %s request #%llu (node %llu) on connection 0x%llx", opcode_name(opcode),
		 (unsigned long long)unique, (unsigned long long)nodeid, (unsigned long long)fc);
	obj->state = (struct wh_object_state){.condition = WH_STATE_FUSE_UNANSWERED};
	wh_list_kind_waiters(ctx, &state->list, obj);
	if ((err = find_daemons(ctx, state, fc, obj)))
		return err;
	if (!obj->n_owners && !obj->incomplete[0])
		snprintf(obj->incomplete, sizeof(obj->incomplete),
			 "no task holds /dev/fuse for this connection: the daemon is gone");
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_fuse = {
    .name = "fuse",
    .order = 50,
    .frames = wait_frames,
    .list = &request_list,
    .members = members,
    .init = init,
    .describe = describe,
};
