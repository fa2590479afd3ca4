#include "rwsem_names.h"
#include "inode_name.h"
#include "kind_memo.h"
#include "superblocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wh_mmap_locks {
	const char *field;	  /* "mmap_lock" (5.8+), "mmap_sem", or NULL: not known */
	struct wh_addr_map owner; /* lock address -> task list index */
};

static void mmap_locks_destroy(void *p);

static struct wh_error *mmap_locks_build(struct wh_kernel *k, const struct wh_task_list *tasks,
				     struct wh_mmap_locks **ret)
{
	struct wh_mmap_locks *m = calloc(1, sizeof(*m));
	if (!m)
		return &wh_error_nomem;
	wh_addr_map_init(&m->owner);
	*ret = m;
	struct wh_member_info lock, mm;
	bool found;
	struct wh_error *err = wh_kernel_member_opt(k, "mm_struct", "mmap_lock", &lock, &found);
	m->field = "mmap_lock";
	if (!err && !found) {
		err = wh_kernel_member_opt(k, "mm_struct", "mmap_sem", &lock, &found);
		m->field = "mmap_sem";
	}
	if (!err && found)
		err = wh_kernel_member(k, "task_struct", "mm", &mm);
	if (err == &wh_error_nomem) {
		mmap_locks_destroy(m);
		*ret = NULL;
		return err;
	}
	if (err || !found) {
		/* Such rwsems are then named otherwise. */
		wh_error_destroy(err);
		m->field = NULL;
		return NULL;
	}
	for (size_t i = 0; i < tasks->count; i++) {
		const struct wh_task *t = &tasks->tasks[i];
		if (t->pid != t->tgid || t->kthread)
			continue;
		uint64_t mmp;
		err = wh_kernel_read_member(k, t->address, &mm, &mmp);
		if (err) {
			wh_error_destroy(err); /* that task's mm is not named */
			continue;
		}
		/* The first process in the list names a shared mm. */
		if (mmp && wh_addr_map_get(&m->owner, mmp + lock.offset) == SIZE_MAX &&
		    (err = wh_addr_map_add(&m->owner, mmp + lock.offset, i))) {
			mmap_locks_destroy(m);
			*ret = NULL;
			return err;
		}
	}
	return NULL;
}

static void mmap_locks_destroy(void *p)
{
	struct wh_mmap_locks *m = p;
	if (!m)
		return;
	wh_addr_map_deinit(&m->owner);
	free(m);
}

static bool mmap_lock_of(const struct wh_task_list *tasks, const struct wh_mmap_locks *m,
			 uint64_t addr, char *buf, size_t size)
{
	size_t i = m && m->field ? wh_addr_map_get(&m->owner, addr) : SIZE_MAX;
	if (i == SIZE_MAX)
		return false;
	const struct wh_task *t = &tasks->tasks[i];
	char comm[WH_COMM_LEN + 1];
	memcpy(comm, t->comm, sizeof(comm));
	snprintf(buf, size, "%s of mm of %s[%d]", m->field, comm, t->tgid);
	return true;
}

/* inode->i_rwsem (4.7+) and super_block->s_umount. */
static bool fs_lock_of(struct wh_kernel *k, uint64_t addr, char *buf, size_t size)
{
	struct wh_member_info m;
	struct wh_error *err = wh_kernel_member(k, "inode", "i_rwsem", &m);
	if (!err && wh_inode_plausible(k, addr - m.offset)) {
		char name[512];
		wh_inode_name(k, addr - m.offset, name, sizeof(name));
		snprintf(buf, size, "i_rwsem of %s", name);
		return true;
	}
	wh_error_destroy(err);
	struct wh_superblock_info sb;
	uint64_t off;
	bool found = false;
	err = wh_superblock_containing(k, addr, "s_umount", &sb, &off, &found);
	wh_error_destroy(err);
	if (found && off == 0) {
		char label[sizeof(sb.mount) + 80];
		wh_superblock_label(&sb, label, sizeof(label));
		snprintf(buf, size, "s_umount of %s", label);
		return true;
	}
	return false;
}

static const char mm_tag; /* the mmap_lock owners, in the analysis' memo */

bool wh_rwsem_name(const struct wh_wait_context *ctx, const struct wh_wait_kind_state *state,
		   uint64_t addr, char *buf, size_t size)
{
	(void)state;
	struct wh_mmap_locks *mm = wh_kind_memo_get(ctx->memo, &mm_tag, 0);
	/* Read once for all the rwsems of a report (each would otherwise
	 * read every task's mm); only out of memory leaves it unbuilt. */
	if (!mm && wh_best_effort(mmap_locks_build(ctx->k, ctx->tasks, &mm)) &&
	    !wh_best_effort(wh_kind_memo_put(ctx->memo, &mm_tag, 0, mm, mmap_locks_destroy)))
		mm = NULL;
	return mmap_lock_of(ctx->tasks, mm, addr, buf, size) || fs_lock_of(ctx->k, addr, buf, size);
}
