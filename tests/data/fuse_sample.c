/* The structures plugins/fuse.c reads, named and nested as in Linux 6.1
 * (fs/fuse/fuse_i.h, include/linux/{wait,fdtable,fs,sched}.h), reduced to
 * the members it uses plus padding: compiled with -g, its DWARF gives the
 * FUSE fuzz harness its layouts, and its symbol fuse_dev_operations the
 * address /dev/fuse's files point to. */
struct list_head {
	struct list_head *next, *prev;
};

struct wait_queue_head {
	int lock;
	struct list_head head;
};

struct wait_queue_entry {
	unsigned int flags;
	void *private;
	void *func;
	struct list_head entry;
};

struct fuse_in_header {
	unsigned int len;
	unsigned int opcode;
	unsigned long long unique;
	unsigned long long nodeid;
	unsigned int uid, gid, pid;
	unsigned short total_extlen, padding;
};

struct fuse_conn {
	int lock;
};

struct fuse_mount {
	struct fuse_conn *fc;
	void *sb;
};

struct fuse_req {
	struct list_head list;
	struct list_head intr_entry;
	void *args;
	int count;
	unsigned long flags;
	struct {
		struct fuse_in_header h;
	} in;
	struct {
		unsigned int len;
		int error;
	} out;
	struct wait_queue_head waitq;
	struct fuse_mount *fm;
};

struct fuse_dev {
	struct fuse_conn *fc;
	void *pq;
};

struct file_operations {
	void *read, *write;
};

struct file {
	void *f_path[2];
	const struct file_operations *f_op;
	void *private_data;
};

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
};

struct files_struct {
	int count;
	struct fdtable *fdt;
};

struct task_struct {
	long state;
	struct files_struct *files;
};

const struct file_operations fuse_dev_operations;
struct fuse_req sample_req;
struct wait_queue_entry sample_entry;
struct fuse_dev sample_dev;
struct file sample_file;
struct files_struct sample_files;
struct fdtable sample_fdt;
struct task_struct sample_task;

int main(void)
{
	return sample_req.count + (int)sample_fdt.max_fds + (fuse_dev_operations.read != 0);
}
