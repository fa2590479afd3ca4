/* FUSE requests: a task in request_wait_answer() waits on req->waitq for
 * the FUSE daemon to answer. The daemon is whoever holds /dev/fuse for that
 * connection; the kernel does not record which task reads it, so daemons
 * are inferred from open files, with their state (stopped, blocked, gone):
 * the classic hang is a stopped or dying daemon. */
#include "kind_memo.h"
#include "module_debug.h"
#include "modules.h"
#include "symbolize.h"
#include "task_state.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const wait_frames[] = {
    "request_wait_answer",
    "__fuse_request_send",
    "fuse_simple_request",
    NULL,
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

/* FUSE types live in the vmlinux when fuse is built in, else in fuse.ko's
 * debug file (-m DIR). */
static struct wh_error *fuse_types(const struct wh_wait_context *ctx, struct wh_types **ret)
{
	/* Built in: fs/fuse/dev.c defines struct fuse_req; without the hint
	 * finding it costs a scan of hundreds of compile units. */
	static const char *const hint[] = {"fuse_request_end", "fuse_simple_request", NULL};
	struct wh_error *err = wh_types_of(ctx->k, "fuse", ret);
	if (!err && *ret == ctx->k->types)
		wh_kernel_type_hint(ctx->k, hint);
	return err;
}

struct fuse_layout {
	struct wh_types *types;
	struct wh_member_info waitq_head, fm, fm_fc, opcode, unique, nodeid, pid, flags;
	struct wh_waiter_layout waiter;
};

static struct wh_error *layout(const struct wh_wait_context *ctx, struct fuse_layout *l)
{
	struct wh_error *err = fuse_types(ctx, &l->types);
	if (err)
		return err;
	struct wh_member_info entry, private;
	if ((err = wh_kernel_member(ctx->k, "wait_queue_entry", "entry", &entry)) ||
	    (err = wh_kernel_member(ctx->k, "wait_queue_entry", "private", &private)) ||
	    (err = wh_types_struct_member(l->types, "fuse_req", "waitq.head", &l->waitq_head)) ||
	    (err = wh_types_struct_member(l->types, "fuse_req", "fm", &l->fm)) ||
	    (err = wh_types_struct_member(l->types, "fuse_mount", "fc", &l->fm_fc)) ||
	    (err = wh_types_struct_member(l->types, "fuse_req", "in.h.opcode", &l->opcode)) ||
	    (err = wh_types_struct_member(l->types, "fuse_req", "in.h.unique", &l->unique)) ||
	    (err = wh_types_struct_member(l->types, "fuse_req", "in.h.nodeid", &l->nodeid)) ||
	    (err = wh_types_struct_member(l->types, "fuse_req", "in.h.pid", &l->pid)) ||
	    (err = wh_types_struct_member(l->types, "fuse_req", "flags", &l->flags)))
		return err;
	l->waiter = (struct wh_waiter_layout){
	    .list_off = entry.offset, .task_off = private.offset, .mode_off = UINT64_MAX};
	return NULL;
}

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	*ret_found = false;
	int frame = wh_wait_frame(ctx->bt, wait_frames, NULL);
	if (frame < 0)
		return NULL;
	struct fuse_layout l;
	struct wh_error *err = layout(ctx, &l);
	if (err)
		return err;
	uint64_t rec; /* the object is the struct fuse_req whose waitq it is on */
	if ((err = wh_waiter_object(ctx, frame, &l.waiter, l.waitq_head.offset, ret_object, &rec,
				    ret_found)) ||
	    !*ret_found)
		return err;
	ret_mode[0] = '\0';
	return NULL;
}

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

struct fd_layout {
	struct wh_member_info files, fdt, max_fds, fd, f_op, private_data;
};

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
static struct wh_error *scan_daemons(const struct wh_wait_context *ctx, const struct fuse_layout *l,
				     uint64_t fc, struct fuse_daemons **ret)
{
	struct wh_kernel *k = ctx->k;
	struct fd_layout fl;
	struct wh_member_info fud_fc;
	uint64_t fops = fuse_dev_fops(k);
	struct fuse_daemons *d;
	size_t cap = 0;
	struct wh_error *err = new_daemons(0, &d);
	if (err)
		return err;
	static const char *const fd_hint[] = {"fd_install", NULL}; /* fs/file.c: fdtable */
	wh_kernel_type_hint(k, fd_hint);
	if (!fops || (err = wh_kernel_member(k, "task_struct", "files", &fl.files)) ||
	    (err = wh_kernel_member(k, "files_struct", "fdt", &fl.fdt)) ||
	    (err = wh_kernel_member(k, "fdtable", "max_fds", &fl.max_fds)) ||
	    (err = wh_kernel_member(k, "fdtable", "fd", &fl.fd)) ||
	    (err = wh_kernel_member(k, "file", "f_op", &fl.f_op)) ||
	    (err = wh_kernel_member(k, "file", "private_data", &fl.private_data)) ||
	    (err = wh_types_struct_member(l->types, "fuse_dev", "fc", &fud_fc))) {
		snprintf(d->problem, sizeof(d->problem), "%s",
			 err ? err->message : "no fuse_dev_operations symbol");
		wh_error_destroy(err);
		*ret = d;
		return NULL;
	}
	uint64_t last_files = 0;
	for (size_t i = 0; i < ctx->tasks->count; i++) {
		const struct wh_task *t = &ctx->tasks->tasks[i];
		uint64_t files, fdt, max, fdarr;
		if (t->kthread || t->idle || !read_ok(k, t->address, &fl.files, &files) || !files ||
		    files == last_files)
			continue; /* threads of a process share files */
		last_files = files;
		if (!read_ok(k, files, &fl.fdt, &fdt) || !fdt ||
		    !read_ok(k, fdt, &fl.max_fds, &max) || !read_ok(k, fdt, &fl.fd, &fdarr))
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
			if (!file || !read_ok(k, file, &fl.f_op, &op) || op != fops ||
			    !read_ok(k, file, &fl.private_data, &fud) || !fud ||
			    !read_ok(k, fud, &fud_fc, &c) || c != fc)
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
static struct wh_error *find_daemons(const struct wh_wait_context *ctx, const struct fuse_layout *l,
				     uint64_t fc, struct wh_wait_object *obj)
{
	struct fuse_daemons *d = wh_kind_memo_get(ctx->memo, &memo_tag, fc);
	if (!d) {
		struct wh_error *err = scan_daemons(ctx, l, fc, &d);
		if (!err)
			err = wh_kind_memo_put(ctx->memo, &memo_tag, fc, d, NULL);
		if (err)
			return err;
	}
	if (d->problem[0])
		wh_object_incomplete(obj, WH_ERR_FAULT, obj->address,
				     "cannot look for the FUSE daemon: %s", d->problem);
	for (size_t i = 0; i < d->n; i++) {
		const struct wh_task *t = d->d[i].task;
		char ev[192];
		snprintf(ev, sizeof(ev),
			 "holds /dev/fuse (fd %llu) for this connection, so it is the daemon "
			 "that must answer; it is in state %c (%s)",
			 (unsigned long long)d->d[i].fd, t->state, wh_task_state_name(t->state));
		wh_object_add_owner(ctx, obj, t->address, WH_OWNER_INFERRED, ev);
	}
	return NULL;
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct fuse_layout l;
	struct wh_error *err = layout(ctx, &l);
	if (err)
		return err;
	uint64_t fm = 0, fc = 0, opcode = 0, unique = 0, nodeid = 0;
	if ((err = wh_kernel_read_member(ctx->k, obj->address, &l.fm, &fm)) ||
	    (err = wh_kernel_read_member(ctx->k, fm, &l.fm_fc, &fc)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &l.opcode, &opcode)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &l.unique, &unique)) ||
	    (err = wh_kernel_read_member(ctx->k, obj->address, &l.nodeid, &nodeid))) {
		snprintf(obj->state, sizeof(obj->state), "request unreadable: %s", err->message);
		wh_error_destroy(err);
		return NULL;
	}
	snprintf(obj->name, sizeof(obj->name),
		 "FUSE %s request #%llu (node %llu) on connection 0x%llx", opcode_name(opcode),
		 (unsigned long long)unique, (unsigned long long)nodeid, (unsigned long long)fc);
	snprintf(obj->state, sizeof(obj->state), "not answered by the FUSE daemon");
	wh_waiter_list_read(ctx, obj->address + l.waitq_head.offset, &l.waiter, NULL, 0, obj);
	if ((err = find_daemons(ctx, &l, fc, obj)))
		return err;
	if (!obj->n_owners && !wh_diags_total(&obj->incomplete))
		wh_object_incomplete(obj, WH_ERR_ABSENT, obj->address,
				     "no task holds /dev/fuse for this connection: the daemon is gone");
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_fuse = {
    .name = "fuse",
    .recognize = recognize,
    .describe = describe,
};
