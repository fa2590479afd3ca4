/* jbd2 commit waits (jbd2_log_wait_commit, from fsync and friends): the
 * waiter sleeps on journal->j_wait_done_commit until the journal's commit
 * thread, journal->j_task, has written the transaction. That thread is
 * the one everybody waits behind, so it is reported as the owner. */
#include "analyzer/blockdev.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>
#include <string.h>

static const char *const wait_frames[] = {"jbd2_log_wait_commit", NULL};
static const char *const waiter_hint[] = {"jbd2_log_wait_commit", NULL};

static const struct wh_list_lock commit_wait = {
    .waiter_type = "wait_queue_entry",
    .waiter_list = "entry",
    .waiter_task = "private",
    .lock_type = "journal_s",
    .lock_list = "j_wait_done_commit.head",
    .frames = wait_frames,
    .type_hint = waiter_hint,
};

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	ret_mode[0] = '\0';
	return wh_list_lock_recognize(ctx, &commit_wait, ret_object, ret_found);
}

static struct wh_error *read_journal(struct wh_kernel *k, uint64_t j, const char *member,
				     uint64_t *ret)
{
	struct wh_member_info m;
	struct wh_error *err = wh_kernel_member(k, "journal_s", member, &m);
	return err ? err : wh_kernel_read_member(k, j, &m, ret);
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct wh_kernel *k = ctx->k;
	uint64_t task = 0, done = 0, requested = 0, committing = 0, dev = 0;
	struct wh_member_info devname;
	char name[64] = "";
	struct wh_error *err;
	if (!(err = wh_kernel_member(k, "journal_s", "j_devname", &devname)) &&
	    !(err = wh_dump_read(k->dump, obj->address + devname.offset, name,
				 devname.size < sizeof(name) ? devname.size : sizeof(name) - 1)))
		snprintf(obj->name, sizeof(obj->name), "jbd2 journal %.*s", (int)sizeof(name),
			 name);
	wh_error_destroy(err);
	if ((err = read_journal(k, obj->address, "j_commit_sequence", &done)) ||
	    (err = read_journal(k, obj->address, "j_commit_request", &requested)) ||
	    (err = read_journal(k, obj->address, "j_committing_transaction", &committing)) ||
	    (err = read_journal(k, obj->address, "j_task", &task))) {
		snprintf(obj->state, sizeof(obj->state), "journal unreadable: %s", err->message);
		wh_error_destroy(err);
	} else {
		snprintf(obj->state, sizeof(obj->state),
			 "commit of transaction %u requested, last committed %u; %s",
			 (unsigned)requested, (unsigned)done,
			 committing ? "a commit is in progress" : "no commit in progress");
		if (task) {
			char evidence[192];
			snprintf(evidence, sizeof(evidence),
				 "journal->j_task: the journal's commit thread, which must write "
				 "transaction %u",
				 (unsigned)requested);
			wh_object_add_owner(ctx, obj, task, WH_OWNER_FIELD, evidence);
		}
	}
	if (!(err = read_journal(k, obj->address, "j_dev", &dev)) && dev)
		wh_blockdev_describe(k, dev, 0, &obj->io);
	wh_error_destroy(err);
	return wh_list_lock_waiters(ctx, &commit_wait, obj);
}

const struct wh_wait_kind_ops wh_wait_kind_jbd2 = {
    .name = "jbd2",
    .recognize = recognize,
    .describe = describe,
};
