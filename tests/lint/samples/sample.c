/* Input of tests/lint/selftest.sh: lines marked DROPPED must be flagged,
 * no other line may be. */
#include "sample.h"

static struct wh_error *local_step(int x)
{
	return wh_sample_read(x);
}

struct wh_error *wh_sample_user(int x, int (*visit)(int))
{
	struct wh_error *err;
	wh_sample_read(1); /* DROPPED */
	if (wh_sample_read(2)) /* DROPPED */
		return 0;
	if (!local_step(3)) /* DROPPED */
		x++;
	if (x && wh_sample_read(4)) /* DROPPED */
		x++;
	if (visit(x)) /* a callback, not a fallible function */
		x++;
	if ((err = wh_sample_read(5)))
		return err;
	err = local_step(6);
	if (err)
		return wh_error_wrap(err, "step");
	if (wh_best_effort(wh_sample_read(7)))
		x++;
	/* wh_sample_read(8); in a comment is not a call */
	return local_step(x);
}
