/* jbd2 commit waits (jbd2_log_wait_commit, from fsync and friends): the
 * waiter sleeps on journal->j_wait_done_commit until the journal's commit
 * thread, journal->j_task, has written the transaction. That thread is
 * the one everybody waits behind, so it is reported as the owner.
 * journal_s comes from jbd2.ko's debug file when jbd2 is a module. */
#include "blockdev.h"
#include "module_debug.h"
#include "wait_kind.h"
#include "waiter_scan.h"

#include <stdio.h>
#include <string.h>

static const char *const wait_frames[] = {"jbd2_log_wait_commit", NULL};

struct jbd2_layout {
	struct wh_waiter_layout waiter;
	uint64_t head_off; /* j_wait_done_commit.head in journal_s */
	struct wh_member_info devname, done, requested, committing, task, dev;
};

static struct wh_error *layout(struct wh_kernel *k, struct jbd2_layout *l)
{
	static const char *const hint[] = {"jbd2_log_wait_commit", NULL};
	struct wh_types *types;
	struct wh_member_info entry, private, head;
	struct wh_error *err = wh_types_of(k, "jbd2", &types);
	if (err)
		return err;
	if (types == k->types)
		wh_kernel_type_hint(k, hint);
	if ((err = wh_kernel_member(k, "wait_queue_entry", "entry", &entry)) ||
	    (err = wh_kernel_member(k, "wait_queue_entry", "private", &private)) ||
	    (err = wh_types_struct_member(types, "journal_s", "j_wait_done_commit.head", &head)) ||
	    (err = wh_types_struct_member(types, "journal_s", "j_devname", &l->devname)) ||
	    (err = wh_types_struct_member(types, "journal_s", "j_commit_sequence", &l->done)) ||
	    (err = wh_types_struct_member(types, "journal_s", "j_commit_request", &l->requested)) ||
	    (err = wh_types_struct_member(types, "journal_s", "j_committing_transaction",
					  &l->committing)) ||
	    (err = wh_types_struct_member(types, "journal_s", "j_task", &l->task)) ||
	    (err = wh_types_struct_member(types, "journal_s", "j_dev", &l->dev)))
		return err;
	l->waiter = (struct wh_waiter_layout){
	    .list_off = entry.offset, .task_off = private.offset, .mode_off = UINT64_MAX};
	l->head_off = head.offset;
	return NULL;
}

static struct wh_error *recognize(const struct wh_wait_context *ctx, uint64_t *ret_object,
				  char ret_mode[8], bool *ret_found)
{
	ret_mode[0] = '\0';
	*ret_found = false;
	int frame = wh_wait_frame(ctx->bt, wait_frames, NULL);
	if (frame < 0)
		return NULL;
	struct jbd2_layout l;
	uint64_t rec;
	struct wh_error *err = layout(ctx->k, &l);
	return err ? err
		   : wh_waiter_object(ctx, frame, &l.waiter, l.head_off, ret_object, &rec,
				      ret_found);
}

static struct wh_error *describe(const struct wh_wait_context *ctx, struct wh_wait_object *obj)
{
	struct wh_kernel *k = ctx->k;
	struct jbd2_layout l;
	uint64_t task = 0, done = 0, requested = 0, committing = 0, dev = 0;
	char name[64] = "";
	struct wh_error *err = layout(k, &l);
	if (err)
		return err;
	size_t n = l.devname.size < sizeof(name) ? l.devname.size : sizeof(name) - 1;
	if (!(err = wh_dump_read(k->dump, obj->address + l.devname.offset, name, n)))
		snprintf(obj->name, sizeof(obj->name), "jbd2 journal %.*s", (int)n, name);
	wh_error_destroy(err);
	if ((err = wh_kernel_read_member(k, obj->address, &l.done, &done)) ||
	    (err = wh_kernel_read_member(k, obj->address, &l.requested, &requested)) ||
	    (err = wh_kernel_read_member(k, obj->address, &l.committing, &committing)) ||
	    (err = wh_kernel_read_member(k, obj->address, &l.task, &task))) {
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
	if (!(err = wh_kernel_read_member(k, obj->address, &l.dev, &dev)) && dev)
		wh_blockdev_describe(k, ctx->devices, dev, 0, &obj->io);
	wh_error_destroy(err);
	wh_waiter_list_read(ctx, obj->address + l.head_off, &l.waiter, NULL, 0, obj);
	return NULL;
}

const struct wh_wait_kind_ops wh_wait_kind_jbd2 = {
    .name = "jbd2",
    .recognize = recognize,
    .describe = describe,
};
