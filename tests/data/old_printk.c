/* A pre-5.10 kernel's log globals, compiled with DWARF for test_printk,
 * which lays out a synthetic log_buf around them. Never run. */
#include "old_printk.h"

struct printk_log wh_sample_header;
char *log_buf;
u32 log_buf_len;
u32 log_first_idx;
u32 log_next_idx;
u64 log_first_seq;

int main(void)
{
	return (int)(wh_sample_header.len + log_buf_len + log_first_idx + log_next_idx +
		     log_first_seq) +
	       (log_buf != 0);
}
