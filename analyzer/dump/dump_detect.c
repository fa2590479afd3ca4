#include "dump_detect.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* Bytes read from the start of the file: enough for every magic below and
 * an ELF header. */
enum { HEAD_SIZE = 64 };
/* Bounds on what the ELF note scan reads, so a hostile header cannot make
 * the detector read gigabytes. */
enum { MAX_NOTES = 65536 };

enum confirm_result { CONFIRM_NO, CONFIRM_YES };

static struct wh_error *pread_some(int fd, uint64_t off, void *buf, size_t len, size_t *ret)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return wh_error_create(WH_ERR_IO, "read failed: %s", strerror(errno));
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*ret = done;
	return NULL;
}

/* Walk the notes of one PT_NOTE segment header by header (a kexec dump
 * has one NT_PRSTATUS note per CPU before VMCOREINFO, so the segment may
 * be megabytes). *RET_READ says whether any note header was in the file. */
static struct wh_error *segment_has_vmcoreinfo(int fd, uint64_t off, uint64_t size,
					       bool *ret_found, bool *ret_read)
{
	static const char name[] = "VMCOREINFO";
	uint64_t end = off + size < off ? UINT64_MAX : off + size;
	for (unsigned count = 0; count < MAX_NOTES && off + sizeof(Elf64_Nhdr) <= end; count++) {
		unsigned char buf[sizeof(Elf64_Nhdr) + sizeof(name)];
		size_t got;
		struct wh_error *err = pread_some(fd, off, buf, sizeof(buf), &got);
		if (err)
			return err;
		if (got < sizeof(Elf64_Nhdr))
			return NULL;
		*ret_read = true;
		Elf64_Nhdr nh;
		memcpy(&nh, buf, sizeof(nh));
		if (nh.n_namesz >= sizeof(name) - 1 && got >= sizeof(Elf64_Nhdr) + sizeof(name) - 1 &&
		    !memcmp(buf + sizeof(nh), name, sizeof(name) - 1)) {
			*ret_found = true;
			return NULL;
		}
		off += sizeof(nh) + (((uint64_t)nh.n_namesz + 3) & ~3ULL) +
		       (((uint64_t)nh.n_descsz + 3) & ~3ULL);
	}
	return NULL;
}

/* A kernel dump in ELF is a 64-bit core file with a VMCOREINFO note; a
 * process core has no such note. When the notes lie beyond the end of the
 * file, it is still taken as a dump: a truncated one, which the analysis
 * reports as such. */
static struct wh_error *confirm_elf(int fd, const unsigned char *head, size_t n,
				    enum confirm_result *ret)
{
	*ret = CONFIRM_NO;
	if (n < sizeof(Elf64_Ehdr) || head[EI_CLASS] != ELFCLASS64)
		return NULL;
	Elf64_Ehdr eh;
	memcpy(&eh, head, sizeof(eh));
	if (eh.e_type != ET_CORE)
		return NULL;
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
		return NULL;
	bool any_note_read = false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		size_t got;
		struct wh_error *err = pread_some(fd, eh.e_phoff + (uint64_t)i * sizeof(ph), &ph,
						  sizeof(ph), &got);
		if (err)
			return err;
		if (got < sizeof(ph))
			break;
		if (ph.p_type != PT_NOTE)
			continue;
		bool found = false;
		err = segment_has_vmcoreinfo(fd, ph.p_offset, ph.p_filesz, &found, &any_note_read);
		if (err)
			return err;
		if (found) {
			*ret = CONFIRM_YES;
			return NULL;
		}
	}
	if (!any_note_read)
		*ret = CONFIRM_YES;
	return NULL;
}

typedef struct wh_error *(*confirm_fn)(int fd, const unsigned char *head, size_t n,
				       enum confirm_result *ret);

/* One line per form. Compressed whole-file forms (gzip "\x1f\x8b", xz
 * "\xfd7zXZ", ...) join here when the dump layer can open them. */
static const struct {
	size_t offset;
	const char *magic;
	size_t len;
	const char *kind;
	confirm_fn confirm; /* NULL: the magic is enough */
} forms[] = {
    {0, ELFMAG, SELFMAG, "elf", confirm_elf},
    {0, "KDUMP   ", 8, "kdump", NULL},	    /* makedumpfile, kdump-compressed */
    {0, "DISKDUMP", 8, "diskdump", NULL},   /* diskdump, same layout */
    {0, "makedumpfile", 12, "flattened", NULL}, /* makedumpfile -F */
};

struct wh_error *wh_dump_detect(int fd, const char **ret_kind)
{
	unsigned char head[HEAD_SIZE];
	size_t n;
	*ret_kind = NULL;
	struct wh_error *err = pread_some(fd, 0, head, sizeof(head), &n);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		if (forms[i].offset + forms[i].len > n ||
		    memcmp(head + forms[i].offset, forms[i].magic, forms[i].len))
			continue;
		enum confirm_result yes = CONFIRM_YES;
		if (forms[i].confirm && (err = forms[i].confirm(fd, head, n, &yes)))
			return err;
		if (yes == CONFIRM_YES)
			*ret_kind = forms[i].kind;
		return NULL;
	}
	return NULL;
}
