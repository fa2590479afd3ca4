/* A 5.10+ kernel's log globals, compiled with DWARF for test_printk, which
 * lays out a synthetic ring around them. Never run. */
#include "lockless_printk.h"

struct printk_ringbuffer printk_rb_static;
struct printk_ringbuffer *prb;

int main(void)
{
	return (int)printk_rb_static.desc_ring.count_bits + (prb != 0);
}
