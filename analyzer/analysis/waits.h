/* What blocked tasks wait on and who holds it: runs the wait-kind plugins
 * (plugins/) over the blocked tasks and collects their objects into the
 * wait model (plugins/wait_model.h). */
#ifndef WHYHUNG_WAITS_H
#define WHYHUNG_WAITS_H

#include "wait_model.h"

/* Find the waits of every blocked task (state D, or S inside a lock slow
 * path), describe each object once. BTS must hold those tasks' stacks. */
struct wh_error *wh_waits_analyze(struct wh_kernel *k, const struct wh_task_list *tasks,
				  const struct wh_backtraces *bts, struct wh_waits *ret);
void wh_waits_deinit(struct wh_waits *w);
/* Index waits and owners by task: wh_waits_analyze() does it; waits made
 * otherwise (tests, benchmarks) call it once filled. */
struct wh_error *wh_waits_index(struct wh_waits *w);
/* The wait of TASK, or NULL. Constant time on indexed waits. */
const struct wh_task_wait *wh_waits_of_task(const struct wh_waits *w, uint64_t task);
/* Does TASK hold (or is it inferred to hold) any object? */
bool wh_waits_task_holds(const struct wh_waits *w, uint64_t task);

#endif
