#include "dump_detect.h"
#include "decompress.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
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

/* One line per form. Whole-file compression is recognised by the
 * decompressor's own table (decompress.c), below. */
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
	/* A dump compressed as a whole (kdump-tools' KDUMP_COMPRESSION): what
	 * is inside is only known once it is unpacked, which the worker does;
	 * a compressed file that holds no dump becomes a not-a-dump row. */
	enum wh_compression c = wh_compression_detect(head, n);
	if (c != WH_COMPRESSION_NONE)
		*ret_kind = wh_compression_name(c);
	return NULL;
}

/* makedumpfile's disk_dump_header: signature[8], header_version, then
 * struct new_utsname (6 fields of 65 bytes): release and version. */
enum { UTS_FIELD = 65, UTS_RELEASE = 12 + 2 * UTS_FIELD, UTS_VERSION = 12 + 3 * UTS_FIELD };

/* The value of line "KEY=value" of TEXT[0..LEN) into OUT, or nothing. */
static void vmcoreinfo_value(const char *text, size_t len, const char *key, char *out,
			     size_t size)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i + klen < len; i++) {
		if ((i && text[i - 1] != '\n') || memcmp(text + i, key, klen))
			continue;
		size_t end = i + klen;
		while (end < len && text[end] != '\n')
			end++;
		snprintf(out, size, "%.*s", (int)(end - i - klen), text + i + klen);
		return;
	}
}

/* The VMCOREINFO note's text of an ELF dump, at most SIZE bytes. */
static size_t elf_vmcoreinfo(int fd, char *buf, size_t size)
{
	Elf64_Ehdr eh;
	size_t got;
	if (!wh_best_effort(pread_some(fd, 0, &eh, sizeof(eh), &got)) || got < sizeof(eh) ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		return 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		struct wh_error *err =
		    pread_some(fd, eh.e_phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph), &got);
		if (!wh_best_effort(err) || got < sizeof(ph))
			return 0;
		if (ph.p_type != PT_NOTE)
			continue;
		uint64_t off = ph.p_offset, end = ph.p_offset + ph.p_filesz;
		for (unsigned count = 0; count < MAX_NOTES && off + sizeof(Elf64_Nhdr) <= end;
		     count++) {
			Elf64_Nhdr nh;
			char name[12] = "";
			if (!wh_best_effort(pread_some(fd, off, &nh, sizeof(nh), &got)) ||
			    got < sizeof(nh))
				return 0;
			uint64_t name_off = off + sizeof(nh);
			uint64_t desc_off = name_off + (((uint64_t)nh.n_namesz + 3) & ~3ULL);
			if (nh.n_namesz == 11 &&
			    wh_best_effort(pread_some(fd, name_off, name, 11, &got)) && got == 11 &&
			    !memcmp(name, "VMCOREINFO", 11)) {
				size_t want = nh.n_descsz < size ? nh.n_descsz : size;
				if (!wh_best_effort(pread_some(fd, desc_off, buf, want, &got)))
					return 0;
				return got;
			}
			off = desc_off + (((uint64_t)nh.n_descsz + 3) & ~3ULL);
		}
	}
	return 0;
}

void wh_dump_kernel_key(int fd, const char *kind, char *ret, size_t size)
{
	ret[0] = '\0';
	if (!kind)
		return;
	if (!strcmp(kind, "kdump") || !strcmp(kind, "diskdump")) {
		char uts[2 * UTS_FIELD + 1] = "";
		size_t got;
		if (!wh_best_effort(pread_some(fd, UTS_RELEASE, uts, 2 * UTS_FIELD, &got)) ||
		    got < 2 * UTS_FIELD)
			return;
		uts[UTS_FIELD - 1] = uts[2 * UTS_FIELD - 1] = '\0';
		snprintf(ret, size, "%s %s", uts, uts + UTS_FIELD);
		return;
	}
	if (!strcmp(kind, "elf")) {
		char text[16384], release[80] = "", build_id[80] = "";
		size_t n = elf_vmcoreinfo(fd, text, sizeof(text));
		vmcoreinfo_value(text, n, "OSRELEASE=", release, sizeof(release));
		vmcoreinfo_value(text, n, "BUILD-ID=", build_id, sizeof(build_id));
		if (release[0])
			snprintf(ret, size, "%s %s", release, build_id);
	}
}
