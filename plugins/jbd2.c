/* jbd2 commit waits (jbd2_log_wait_commit, from fsync and friends): the
 * waiter sleeps on journal->j_wait_done_commit until the journal's commit
 * thread, journal->j_task, has written the transaction. That thread is
 * the one everybody waits behind, so it is reported as the owner.
 * journal_s comes from jbd2.ko's debug file when jbd2 is a module. */
#include "blockdev.h"
#include "wait_kind.h"

#include <stdio.h>

static const struct wh_wait_frame wait_frames[] = {{.function = "jbd2_log_wait_commit"}, {NULL}};

static const struct wh_list_kind journal_list = {
    .waiter_type = "wait_queue_entry",
    .waiter_list = "entry",
    .waiter_task = "private",
    .lock_type = "journal_s",
    .lock_list = "j_wait_done_commit.head",
    .module = "jbd2",
    .type_hint = (const char *const[]){"jbd2_log_wait_commit", NULL},
};

enum { DEVNAME, DONE, REQUESTED, COMMITTING, TASK, DEV };
static const struct wh_kind_member members[] = {
    [DEVNAME] = {"journal_s", "j_devname", .module = "jbd2"},
    [DONE] = {"journal_s", "j_commit_sequence", .module = "jbd2"},
    [REQUESTED] = {"journal_s", "j_commit_request", .module = "jbd2"},
    [COMMITTING] = {"journal_s", "j_committing_transaction", .module = "jbd2"},
    [TASK] = {"journal_s", "j_task", .module = "jbd2"},
    [DEV] = {"journal_s", "j_dev", .module = "jbd2"},
    {NULL},
};

static struct wh_error *describe(const struct wh_wait_context *ctx,
				 const struct wh_wait_kind_state *state,
				 const struct wh_wait_found *first, struct wh_wait_object *obj)
{
	struct wh_kernel *k = ctx->k;
	const struct wh_member_info *m = state->members;
	uint64_t task = 0, done = 0, requested = 0, committing = 0, dev = 0;
	char name[64] = "";
	struct wh_error *err;
	size_t n = m[DEVNAME].size < sizeof(name) ? m[DEVNAME].size : sizeof(name) - 1;
	if (!(err = wh_dump_read(k->dump, obj->address + m[DEVNAME].offset, name, n)))
		snprintf(obj->name, sizeof(obj->name), "jbd2 journal %.*s", (int)n, name);
	wh_error_destroy(err);
	if ((err = wh_kernel_read_member(k, obj->address, &m[DONE], &done)) ||
	    (err = wh_kernel_read_member(k, obj->address, &m[REQUESTED], &requested)) ||
	    (err = wh_kernel_read_member(k, obj->address, &m[COMMITTING], &committing)) ||
	    (err = wh_kernel_read_member(k, obj->address, &m[TASK], &task))) {
		wh_object_unreadable(obj, "journal", err);
	} else {
		/* tid_t: 32 bits. */
		obj->state = (struct wh_object_state){.condition = WH_STATE_JBD2_COMMIT,
						      .number = (uint32_t)requested,
						      .value = (uint32_t)done,
						      .flag = committing != 0};
		if (task)
			wh_object_add_owner(
			    ctx, obj, task, WH_OWNER_FIELD,
			    (struct wh_evidence){.kind = WH_EVIDENCE_JBD2_COMMIT_TASK,
						 .number = (uint32_t)requested});
	}
	if (!(err = wh_kernel_read_member(k, obj->address, &m[DEV], &dev)) && dev)
		wh_blockdev_describe(k, ctx->devices, dev, 0, &obj->io);
	wh_error_destroy(err);
	wh_list_kind_waiters(ctx, &state->list, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_jbd2 = {
    .name = "jbd2",
    .order = 90,
    .frames = wait_frames,
    .list = &journal_list,
    .members = members,
    .describe = describe,
};
