#include "object_name.h"
#include "inode_name.h"
#include "modules.h"
#include "superblocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool global_symbol(struct wh_kernel *k, uint64_t addr, char *buf, size_t size)
{
	const struct wh_modules *mods;
	struct wh_error *err = wh_modules_get(k, &mods);
	const struct wh_module *m = err ? NULL : wh_modules_find(mods, addr);
	wh_error_destroy(err);
	if (m) {
		const struct wh_module_symbol *s = wh_module_symbolize(m, addr);
		if (!s || !s->size)
			return false;
		if (addr == s->address)
			snprintf(buf, size, "%s [%s]", s->name, m->name);
		else
			snprintf(buf, size, "%s+0x%llx [%s]", s->name,
				 (unsigned long long)(addr - s->address), m->name);
		return true;
	}
	struct wh_symbol sym;
	uint64_t off;
	err = wh_kernel_symbolize(k, addr - k->kaslr_offset, &sym, &off);
	bool ok = !err && sym.size && off < sym.size && !sym.percpu;
	wh_error_destroy(err);
	if (!ok)
		return false;
	if (off)
		snprintf(buf, size, "%s+0x%llx", sym.name, (unsigned long long)off);
	else
		snprintf(buf, size, "%s", sym.name);
	return true;
}

struct wh_mmap_locks {
	const char *field;	  /* "mmap_lock" (5.8+), "mmap_sem", or NULL: not known */
	struct wh_addr_map owner; /* lock address -> task list index */
};

struct wh_error *wh_mmap_locks_build(struct wh_kernel *k, const struct wh_task_list *tasks,
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
		wh_mmap_locks_destroy(m);
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
			wh_mmap_locks_destroy(m);
			*ret = NULL;
			return err;
		}
	}
	return NULL;
}

void wh_mmap_locks_destroy(struct wh_mmap_locks *m)
{
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

void wh_object_name(struct wh_kernel *k, const struct wh_task_list *tasks,
		    const struct wh_mmap_locks *mm, const char *kind, uint64_t addr, char *buf,
		    size_t size)
{
	if (global_symbol(k, addr, buf, size))
		return;
	if (!strcmp(kind, "rwsem") && mmap_lock_of(tasks, mm, addr, buf, size))
		return;
	if (!strcmp(kind, "rwsem") && fs_lock_of(k, addr, buf, size))
		return;
	snprintf(buf, size, "%s at 0x%llx", kind, (unsigned long long)addr);
}
