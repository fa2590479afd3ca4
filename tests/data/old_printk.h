/* The pre-5.10 printk record header as in kernel 5.4 (x86-64:
 * CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS gives __packed __aligned(4)),
 * without CONFIG_PRINTK_CALLER's caller_id. */
#ifndef WHYHUNG_TEST_OLD_PRINTK_H
#define WHYHUNG_TEST_OLD_PRINTK_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

struct printk_log {
	u64 ts_nsec;
	u16 len;
	u16 text_len;
	u16 dict_len;
	u8 facility;
	u8 flags : 5;
	u8 level : 3;
} __attribute__((packed, aligned(4)));

#endif
