#include "hostile_report.h"

#include <stdio.h>
#include <string.h>

const char *const hostile_comms[HOSTILE_TASKS] = {
    "<script>",		"\"><img src=x>", "a\x1b[2J\x07\r\nb'", "\xff\xfe\xc3(\xed\xa0\x80</a>",
    "0123456789abcdef", /* 16 bytes: the kernel's comm has no NUL then */
    "&lt;b&gt;\\N\\l&",
};

const char *const hostile_object_names[HOSTILE_OBJECTS] = {
    "<script>document.title='" HOSTILE_MARKER "'</script>",
    "\"><img src=x onerror=\"document.title='" HOSTILE_MARKER "'\">",
    "done\x1b]0;t\x07</title><svg onload=\"document.title='" HOSTILE_MARKER "'\">-->",
};

static uint64_t task_address(size_t i)
{
	return 0xffff888000001000 + 0x1000 * i;
}

static void add_object(struct hostile_report *h, size_t i, enum wh_wait_kind_id kind)
{
	struct wh_wait_object *o = &h->objects[i];
	o->kind = kind;
	snprintf(o->name, sizeof(o->name), "%s", hostile_object_names[i]);
	/* The one state text that may hold bytes from the dump: a read's
	 * error. */
	o->state = (struct wh_object_state){.condition = WH_STATE_UNREADABLE, .what = "owner"};
	snprintf(o->state.why, sizeof(o->state.why), "<!-- locked\n\"x\" ]]>");
	o->address = 0xffffffffc0000000 + 0x100 * i;
	o->waiter_modes = &h->modes[0];
}

void hostile_report_build(struct hostile_report *h)
{
	memset(h, 0, sizeof(*h));
	struct wh_report *r = &h->r;
	for (size_t i = 0; i < HOSTILE_TASKS; i++) {
		struct wh_task *t = &h->tasks[i];
		t->pid = (int32_t)(10 + i);
		t->tgid = t->pid;
		/* Exactly WH_COMM_LEN bytes at most, NUL only if shorter. */
		strncpy(t->comm, hostile_comms[i], WH_COMM_LEN);
		t->state = 'D';
		t->cpu = 0;
		t->address = task_address(i);
		t->in_state_ns = 12000000000;
		h->task_cycle[i] = i < 2 ? 0 : -1;
	}
	snprintf(r->summary.release, sizeof(r->summary.release), "6.1<script>\"");
	r->summary.tasks.tasks = h->tasks;
	r->summary.tasks.count = HOSTILE_TASKS;
	for (size_t i = 0; i < HOSTILE_OBJECTS; i++)
		add_object(h, i, i < 2 ? WH_WAIT_KIND_MUTEX : WH_WAIT_KIND_COMPLETION);
	/* 0 waits on mutex 0 held by 1, which waits on mutex 1 held by 0. */
	for (size_t i = 0; i < 2; i++) {
		struct wh_wait_object *o = &h->objects[i];
		o->owners[0] = (struct wh_owner){.task = task_address(1 - i),
						 .pid = (int32_t)(11 - i),
						 .how = i ? WH_OWNER_INFERRED : WH_OWNER_FIELD};
		o->owners[0].evidence = (struct wh_evidence){.kind = WH_EVIDENCE_MUTEX_OWNER,
							     .field = task_address(1 - i)};
		o->n_owners = 1;
		h->waiters[i] = task_address(i);
		o->waiters = &h->waiters[i];
		o->n_waiters = 1;
		h->waits[i] = (struct wh_task_wait){.task = task_address(i), .object = i};
	}
	struct wh_wait_object *c = &h->objects[2];
	c->waiters = &h->waiters[2];
	for (size_t i = 2; i < HOSTILE_TASKS; i++) {
		h->waiters[i] = task_address(i);
		c->n_waiters++;
		h->waits[i] = (struct wh_task_wait){.task = task_address(i), .object = 2};
	}
	r->waits.objects = h->objects;
	r->waits.n_objects = HOSTILE_OBJECTS;
	r->waits.waits = h->waits;
	r->waits.n_waits = HOSTILE_TASKS;
	h->cycle_tasks[0] = 0;
	h->cycle_tasks[1] = 1;
	h->cycle = (struct wh_cycle){.tasks = h->cycle_tasks, .n = 2, .inferred = true};
	r->graph.cycles = &h->cycle;
	r->graph.n_cycles = 1;
	r->graph.task_cycle = h->task_cycle;
	h->roots[0] = (struct wh_root_cause){.kind = WH_ROOT_CYCLE, .index = 0, .blocked = 2};
	h->roots[1] = (struct wh_root_cause){.kind = WH_ROOT_OBJECT, .index = 2, .blocked = 4};
	r->graph.roots = h->roots;
	r->graph.n_roots = 2;
	r->explanation = (char *)"Deadlock: <script>[10] waits.\n4 tasks wait on a completion.\n";
}
