"""The damaged-dump corpus: cases derived from the fixtures, each a dump
and a vmlinux (a fixture, or a copy with patches and/or cut short) and
the whyhung commands to run on them. Deterministic: every class draws
from its own random.Random seeded with the class name and SEED.

Classes (README "Hostile input" lists them):
  kdump-truncated, kdump-header, kdump-subheader, kdump-vmcoreinfo,
  kdump-notes, kdump-bitmap, kdump-descriptor, kdump-page-data,
  elf-truncated, elf-header, elf-phdr, elf-notes, elf-list-pointers,
  elf-task-flips, elf-ring-flips, vmlinux-debug-info, vmlinux-debug-abbrev,
  vmlinux-debug-line, vmlinux-debug-line-zlib, vmlinux-symtab, vmlinux-orc,
  vmlinux-sections, vmlinux-truncated, pairing
"""
import random
import struct

SEED = 10


class File:
    """A fixture file, or a copy of it: PATCHES are (offset, bytes) writes
    applied to the copy, TRUNCATE its length (None: whole)."""

    def __init__(self, source, patches=(), truncate=None):
        self.source, self.patches, self.truncate = source, list(patches), truncate

    def pristine(self):
        return not self.patches and self.truncate is None


class Case:
    """EXPECT: the exit codes `report` must end with (None: any documented)."""

    def __init__(self, klass, name, dump, vmlinux, commands=(("report",),), expect=None):
        self.klass, self.name = klass, klass + "/" + name
        self.dump, self.vmlinux, self.commands = dump, vmlinux, list(commands)
        self.expect = expect


def cut_codes(cut, headers_end):
    """A file shorter than a signature is not a dump (4); one cut inside its
    headers (kdump: up to the end of the bitmaps; ELF: of the notes) is
    truncated (5); one cut after them is an incomplete capture: a report
    that says so (0), refused as truncated (5, before issue 10), or the
    data needed lost (9)."""
    return {4} if cut < 8 else {5} if cut < headers_end else {0, 5, 9}


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack("<Q", v & (2**64 - 1))


def flip(rng, data_off, length, count=1):
    """COUNT single-bit flips at random places of [data_off, data_off+length),
    as patches (the byte is read back from the source when applied)."""
    return [("xor", data_off + rng.randrange(length), 1 << rng.randrange(8)) for _ in range(count)]


class Kdump:
    """The kdump-compressed fixture's layout (makedumpfile's x86-64 disk_dump_header)."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        self.block, self.sub_blocks, self.bitmap_blocks = struct.unpack_from("<III", d, 428)
        sub = self.block
        (self.vmcoreinfo_off, self.vmcoreinfo_size, self.note_off,
         self.note_size) = struct.unpack_from("<QQQQ", d, sub + 32)
        self.bitmap_off = (1 + self.sub_blocks) * self.block
        half = self.bitmap_blocks * self.block // 2
        dumpable = d[self.bitmap_off + half:self.bitmap_off + 2 * half]
        self.index, n = {}, 0
        for byte_i, byte in enumerate(dumpable):
            for bit in range(8):
                if byte >> bit & 1:
                    self.index[8 * byte_i + bit] = n
                    n += 1
        self.ndesc = n
        self.desc_off = self.bitmap_off + 2 * half

    def descriptor(self, pfn):
        """File offset of PFN's page descriptor, or None when excluded."""
        i = self.index.get(pfn)
        return None if i is None else self.desc_off + 24 * i

    def page_data(self, pfn):
        off = self.descriptor(pfn)
        if off is None:
            return None
        data_off, size, flags = struct.unpack_from("<QII", self.data, off)
        return data_off, size, flags


class ElfDump:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.head = f.read(1 << 16)
            f.seek(0, 2)
            self.size = f.tell()
        self.phoff, = struct.unpack_from("<Q", self.head, 0x20)
        self.phnum, = struct.unpack_from("<H", self.head, 0x38)
        self.phdrs = [struct.unpack_from("<IIQQQQQQ", self.head, self.phoff + 56 * i)
                      for i in range(self.phnum)]

    def offset(self, paddr):
        for (ptype, _, off, _, pa, filesz, _, _) in self.phdrs:
            if ptype == 1 and pa <= paddr < pa + filesz:
                return off + paddr - pa
        return None

    def note(self):
        for (ptype, _, off, _, _, filesz, _, _) in self.phdrs:
            if ptype == 4:
                return off, filesz
        return None


def vmcoreinfo_edits(text_off, text):
    """Same-length rewrites of VMCOREINFO lines: (name, offset, bytes)."""
    edits = []
    for key, new in ((b"PAGESIZE=4096", b"PAGESIZE=4095"), (b"PAGESIZE=4096", b"PAGESIZE=0000"),
                     (b"PAGESIZE=4096", b"PAGESIZE=9999"), (b"OSRELEASE=6", b"OSRELEASE=\x1b"),
                     (b"OSRELEASE=6.1", b"OSRELEASE=\xff\xfe\n"), (b"KERNELOFFSET=", b"KERNELOFFSET=z"),
                     (b"SYMBOL(init_task)=", b"SYMBOL(init_task)=0"),
                     (b"BUILD-ID=", b"BUILD-ID=\x1b[2J"), (b"BUILD-ID=", b"BUILD-ID=\n"),
                     (b"CRASHTIME=", b"CRASHTIME=-"), (b"OSRELEASE=", b"OSRELEASX="),
                     (b"SYMBOL(swapper_pg_dir)=", b"SYMBOL(swapper_pg_dir)=f"),
                     (b"NUMBER(phys_base)=", b"NUMBER(phys_base)=9")):
        at = text.find(key)
        if at >= 0:
            name = key.decode().split("=")[0].split("(")[-1].rstrip(")").lower()
            tag = "".join(c if c.isalnum() else "-" for c in new.decode("latin-1")[len(key) - 1:])
            edits.append(("%s%s" % (name, tag), text_off + at, new))
    return edits


def kdump_cases(fx, targets, vmlinux):
    k = Kdump(fx["kdump"])
    d, size, cases = k.data, len(k.data), []
    rng = random.Random("kdump-truncated%d" % SEED)
    cuts = [0, 7, 8, 100, 463, 464, k.block, k.bitmap_off - 1, k.bitmap_off + 17,
            k.desc_off - 1, k.desc_off + 5, k.desc_off + 24 * k.ndesc - 3, k.desc_off + 24 * k.ndesc,
            size - 1, size - 4096]
    cuts += [rng.randrange(k.desc_off, size) for _ in range(10)]
    for pfn in (targets.pfns("symbol") + targets.pfns("task"))[:6]:
        page = k.page_data(pfn)
        if page:
            cuts.append(page[0] + page[1] // 2)
    for cut in cuts:
        cases.append(Case("kdump-truncated", "at-%d" % cut, File(k.path, truncate=cut), vmlinux,
                          expect=cut_codes(cut, k.desc_off)))

    header = [("header_version=-1", 8, u32(-1)), ("header_version=0", 8, u32(0)),
              ("header_version=99", 8, u32(99)), ("block_size=0", 428, u32(0)),
              ("block_size=4095", 428, u32(4095)), ("block_size=8192", 428, u32(8192)),
              ("block_size=max", 428, u32(-1)), ("sub_hdr_size=0", 432, u32(0)),
              ("sub_hdr_size=max", 432, u32(-1)), ("bitmap_blocks=0", 436, u32(0)),
              ("bitmap_blocks=2", 436, u32(2)), ("bitmap_blocks=max", 436, u32(0xFFFFFFFE)),
              ("max_mapnr=0", 440, u32(0)), ("max_mapnr=1", 440, u32(1)),
              ("max_mapnr=max", 440, u32(0xFFFFFFFF)), ("status=compress-all", 424, u32(0x7)),
              ("status=0", 424, u32(0)), ("nr_cpus=0", 460, u32(0)),
              ("nr_cpus=max", 460, u32(0xFFFFFFFF)), ("signature", 0, b"KDUMP  \0"),
              ("utsname-control-bytes", 12, b"\x1b[31m\x07\x00")]
    for name, off, data in header:
        cases.append(Case("kdump-header", name, File(k.path, [(off, data)]), vmlinux))

    sub = k.block
    sub_fields = [("phys_base", 0), ("dump_level", 8), ("split", 12), ("start_pfn", 16),
                  ("end_pfn", 24), ("offset_vmcoreinfo", 32), ("size_vmcoreinfo", 40),
                  ("offset_note", 48), ("size_note", 56), ("offset_eraseinfo", 64),
                  ("size_eraseinfo", 72), ("max_mapnr_64", 96)]
    for name, off in sub_fields:
        width = 4 if name in ("dump_level", "split") else 8
        for tag, value in (("0", 0), ("max", -1), ("past-eof", size + 4096), ("huge", 1 << 40)):
            raw = u32(value) if width == 4 else u64(value)
            cases.append(Case("kdump-subheader", "%s=%s" % (name, tag),
                              File(k.path, [(sub + off, raw)]), vmlinux))

    text = d[k.vmcoreinfo_off:k.vmcoreinfo_off + k.vmcoreinfo_size]
    for name, off, data in vmcoreinfo_edits(k.vmcoreinfo_off, text):
        cases.append(Case("kdump-vmcoreinfo", name, File(k.path, [(off, data)]), vmlinux))
    rng = random.Random("kdump-vmcoreinfo%d" % SEED)
    for i in range(8):
        cases.append(Case("kdump-vmcoreinfo", "flip-%d" % i,
                          File(k.path, flip(rng, k.vmcoreinfo_off, k.vmcoreinfo_size, 3)), vmlinux))
    rng = random.Random("kdump-notes%d" % SEED)
    for i in range(10):
        cases.append(Case("kdump-notes", "flip-%d" % i,
                          File(k.path, flip(rng, k.note_off, min(k.note_size, 4096), 2)), vmlinux))
    for name, rel, data in (("namesz-huge", 0, u32(0xFFFFFFF0)), ("descsz-huge", 4, u32(0x7FFFFFFF)),
                            ("type-zero", 8, u32(0))):
        cases.append(Case("kdump-notes", name, File(k.path, [(k.note_off + rel, data)]), vmlinux))
    at = d.find(b"VMCOREINFO\0", k.note_off, k.note_off + k.note_size)
    if at >= 0:  # an empty VMCOREINFO note (n_descsz 0)
        cases.append(Case("kdump-notes", "vmcoreinfo-descsz=0", File(k.path, [(at - 8, u32(0))]),
                          vmlinux))

    rng = random.Random("kdump-bitmap%d" % SEED)
    half = k.bitmap_blocks * k.block // 2
    for i in range(10):
        cases.append(Case("kdump-bitmap", "flip-%d" % i,
                          File(k.path, flip(rng, k.bitmap_off + (half if i % 2 else 0), half, 4)),
                          vmlinux))
    for pfn in targets.pfns("symbol")[:2]:
        byte = k.bitmap_off + half + pfn // 8
        cases.append(Case("kdump-bitmap", "drop-pfn-%#x" % pfn,
                          File(k.path, [("xor", byte, 1 << (pfn % 8))]), vmlinux))

    # Page descriptors of the pages whyhung reads first and of task pages.
    interesting = targets.pfns("symbol") + targets.pfns("ring") + targets.pfns("task")[::6]
    seen = []
    for pfn in interesting:
        if pfn not in seen and k.descriptor(pfn) is not None:
            seen.append(pfn)
    descs = [("size=block+1", 8, u32(k.block + 1)), ("size=2block", 8, u32(2 * k.block)),
             ("size=max", 8, u32(-1)), ("size=0", 8, u32(0)),
             ("offset=eof-10", 0, u64(size - 10)), ("offset=eof+4096", 0, u64(size + 4096)),
             ("offset=0", 0, u64(0)), ("offset=huge", 0, u64(1 << 62)),
             ("flags=raw", 12, u32(0)), ("flags=unknown", 12, u32(0x80)),
             ("flags=lzo", 12, u32(2)), ("flags=snappy", 12, u32(4)), ("flags=zstd", 12, u32(0x20))]
    for i, pfn in enumerate(seen[:6]):
        off = k.descriptor(pfn)
        for name, rel, data in (descs if i < 3 else descs[::3]):
            cases.append(Case("kdump-descriptor", "pfn-%#x-%s" % (pfn, name),
                              File(k.path, [(off + rel, data)]), vmlinux,
                              (("report",), ("log",)) if i == 0 else (("report",),)))
    rng = random.Random("kdump-descriptor%d" % SEED)
    for i in range(10):
        cases.append(Case("kdump-descriptor", "random-flip-%d" % i,
                          File(k.path, flip(rng, k.desc_off, 24 * k.ndesc, 8)), vmlinux))

    rng = random.Random("kdump-page-data%d" % SEED)
    for i, pfn in enumerate(seen[:12]):
        data_off, dsize, _ = k.page_data(pfn)
        cmds = [("report",), ("bt", "--all")] if i % 3 == 0 else [("report",)]
        cases.append(Case("kdump-page-data", "pfn-%#x-flips" % pfn,
                          File(k.path, flip(rng, data_off, dsize, 4)), vmlinux, cmds))
        cases.append(Case("kdump-page-data", "pfn-%#x-garbage" % pfn,
                          File(k.path, [(data_off, bytes(rng.randrange(256) for _ in range(64)))]),
                          vmlinux))
    return cases


def pointer_words(data, limit):
    """Offsets of 8-byte words of DATA that look like kernel pointers."""
    out = []
    for off in range(0, len(data) - 7, 8):
        v, = struct.unpack_from("<Q", data, off)
        if v >> 47 == 0x1FFFF and len(out) < limit:
            out.append(off)
    return out


def elf_cases(fx, targets, vmlinux):
    e = ElfDump(fx["elf"])
    path, size, cases = e.path, e.size, []
    rng = random.Random("elf-truncated%d" % SEED)
    note = e.note()
    cuts = [0, 16, 63, 64, e.phoff + 30, note[0] + 10 if note else 300, e.phdrs[1][2] + 4096,
            size // 2, size - 1]
    cuts += [rng.randrange(size) for _ in range(6)]
    headers_end = max([e.phoff + 56 * e.phnum] + [ph[2] + ph[5] for ph in e.phdrs if ph[0] == 4])
    for cut in cuts:
        cases.append(Case("elf-truncated", "at-%d" % cut, File(path, truncate=cut), vmlinux,
                          expect=cut_codes(cut, headers_end)))

    for name, off, data in (("e_phnum=0", 0x38, b"\0\0"), ("e_phnum=max", 0x38, b"\xff\xff"),
                            ("e_phoff=huge", 0x20, u64(1 << 60)), ("e_phoff=eof", 0x20, u64(size - 8)),
                            ("e_phentsize=32", 0x36, b"\x20\x00"), ("e_type=exec", 0x10, b"\x02\x00"),
                            ("class=32", 4, b"\x01"), ("data=big-endian", 5, b"\x02"),
                            ("machine=aarch64", 0x12, b"\xb7\x00")):
        cases.append(Case("elf-header", name, File(path, [(off, data)]), vmlinux))

    for i, ph in enumerate(e.phdrs[:4]):
        base = e.phoff + 56 * i
        for name, rel, data in (("p_offset=eof", 8, u64(size - 16)), ("p_offset=huge", 8, u64(1 << 62)),
                                ("p_filesz=huge", 32, u64(1 << 50)), ("p_filesz=0", 32, u64(0)),
                                ("p_paddr=shift", 24, u64(ph[4] + 4096)),
                                ("p_memsz=0", 40, u64(0)), ("p_type=0", 0, u32(0))):
            cases.append(Case("elf-phdr", "phdr%d-%s" % (i, name), File(path, [(base + rel, data)]),
                              vmlinux))

    if note:
        with open(path, "rb") as f:
            f.seek(note[0])
            ntext = f.read(note[1])
        for name, off, data in vmcoreinfo_edits(note[0], ntext):
            cases.append(Case("elf-notes", "vmcoreinfo-" + name, File(path, [(off, data)]), vmlinux))
        rng = random.Random("elf-notes%d" % SEED)
        for i in range(8):
            cases.append(Case("elf-notes", "flip-%d" % i, File(path, flip(rng, note[0], note[1], 2)),
                              vmlinux))
        cases.append(Case("elf-notes", "first-namesz-huge", File(path, [(note[0], u32(0xFFFFFFF0))]),
                          vmlinux))
        at = ntext.find(b"VMCOREINFO\0")
        if at >= 0:  # an empty VMCOREINFO note (n_descsz 0)
            cases.append(Case("elf-notes", "vmcoreinfo-descsz=0",
                              File(path, [(note[0] + at - 8, u32(0))]), vmlinux))

    # List pointers of the task list: next/prev to itself, 0, garbage,
    # unmapped, into another task.
    nodes = targets.objects("tasks-node")
    rng = random.Random("elf-list-pointers%d" % SEED)
    some = nodes[:1] + rng.sample(nodes[1:], min(6, len(nodes) - 1))
    for i, (name, vaddr, paddr, _) in enumerate(some):
        off = e.offset(paddr)
        if off is None:
            continue
        other = nodes[(i + 3) % len(nodes)][1]
        for tag, rel, value in (("next=self", 0, vaddr), ("next=0", 0, 0), ("prev=self", 8, vaddr),
                                ("next=garbage", 0, 0xDEADBEEFDEADBEEF),
                                ("next=unmapped", 0, 0xFFFFFFFFFF000000),
                                ("next=misaligned", 0, vaddr + 3), ("next=other-task", 0, other + 8)):
            if i > 2 and tag not in ("next=self", "next=garbage", "next=other-task"):
                continue
            cmds = [("report",), ("tasks",)] if i == 0 else [("report",)]
            cases.append(Case("elf-list-pointers", "pid-%s-%s" % (name, tag),
                              File(path, [(off + rel, u64(value))]), vmlinux, cmds))
    # Pointers inside the lock objects the truth names (wait lists, owners).
    with open(path, "rb") as f:
        for name, vaddr, paddr, _ in targets.objects("address"):
            off = e.offset(paddr)
            if off is None:
                continue
            f.seek(off)
            for i, w in enumerate(pointer_words(f.read(64), 2)):
                for tag, value in ((("self", vaddr + w), ("garbage", 0xFFFF0000DEAD0000))[i],):
                    cases.append(Case("elf-list-pointers", "lock-%s+%d-%s" % (name, w, tag),
                                      File(path, [(off + w, u64(value))]), vmlinux))

    rng = random.Random("elf-task-flips%d" % SEED)
    tasks = targets.objects("task")
    for i, (name, vaddr, paddr, tsize) in enumerate(rng.sample(tasks, min(16, len(tasks)))):
        off = e.offset(paddr)
        if off is not None:
            cmds = [("report",), ("bt", "--all")] if i % 4 == 0 else [("report",)]
            cases.append(Case("elf-task-flips", "pid-%s-%d" % (name, i),
                              File(path, flip(rng, off, min(tsize, 4096 - paddr % 4096), 12)),
                              vmlinux, cmds))
    rng = random.Random("elf-ring-flips%d" % SEED)
    for name, vaddr, paddr, rsize in targets.objects("ring") + targets.objects("symbol")[:3]:
        off = e.offset(paddr)
        if off is None:
            continue
        for i in range(3):
            cases.append(Case("elf-ring-flips", "%s-%d" % (name, i),
                              File(path, flip(rng, off, min(rsize, 4096 - paddr % 4096), 6)),
                              vmlinux, [("log",), ("report",)]))
    return cases


def section_cases(klass, elf, path, name, dump, rng, flips, region=None,
                  extra=()):
    """Bit flips in section NAME (in REGION bytes from its start when
    given) and EXTRA (tag, patches) variants."""
    sec = elf.sections[name]
    length = min(sec["size"], region or sec["size"])
    cases = []
    for i in range(flips):
        cases.append(Case(klass, "%s-flip-%d" % (name, i), File(dump),
                          File(path, flip(rng, sec["offset"], length, 4))))
    for tag, patches in extra:
        cases.append(Case(klass, "%s-%s" % (name, tag), File(dump), File(path, patches)))
    return cases


def vmlinux_cases(fx, elf, zelf, dump):
    path, cases = fx["vmlinux"], []
    size = len(elf.data)

    def sh(name, field, value):
        """Patch field FIELD (sh_offset, sh_size, sh_link, ...) of section NAME's header."""
        rel = {"sh_name": 0, "sh_type": 4, "sh_offset": 24, "sh_size": 32, "sh_link": 40,
               "sh_entsize": 56}[field]
        raw = u32(value) if field in ("sh_name", "sh_type", "sh_link") else u64(value)
        return (elf.sections[name]["header"] + rel, raw)

    def cu(rel, data):
        return [(elf.sections[".debug_info"]["offset"] + rel, data)]

    def case(klass, rng, name, flips, region=None, extra=()):
        return section_cases(klass, elf, path, name, dump, rng, flips, region, extra)

    info = elf.sections[".debug_info"]
    cases += case("vmlinux-debug-info", random.Random("vmlinux-debug-info%d" % SEED), ".debug_info",
                  8, 256 << 10, (
                      ("unit_length=64bit-marker", cu(0, u32(0xFFFFFFFF))),
                      ("unit_length=0", cu(0, u32(0))), ("unit_length=max", cu(0, u32(0xFFFFFFEF))),
                      ("version=99", cu(4, b"\x63\x00")), ("abbrev_offset=huge", cu(8, u32(0x7FFFFFF0))),
                      ("address_size=3", cu(7, b"\x03")), ("first-4k-zero", cu(0, bytes(4096))),
                      ("sh_size=half", [sh(".debug_info", "sh_size", info["size"] // 2)]),
                      ("sh_offset=eof", [sh(".debug_info", "sh_offset", size - 16)])))
    cases += case("vmlinux-debug-info", random.Random("vmlinux-debug-info-all%d" % SEED),
                  ".debug_info", 6)
    abbrev = elf.sections[".debug_abbrev"]
    cases += case("vmlinux-debug-abbrev", random.Random("vmlinux-debug-abbrev%d" % SEED),
                  ".debug_abbrev", 6, 64 << 10, (
                      ("first-4k-zero", [(abbrev["offset"], bytes(4096))]),
                      ("first-4k-ff", [(abbrev["offset"], b"\xff" * 4096)]),
                      ("sh_size=10", [sh(".debug_abbrev", "sh_size", 10)])))
    line = elf.sections[".debug_line"]
    cases += case("vmlinux-debug-line", random.Random("vmlinux-debug-line%d" % SEED), ".debug_line",
                  8, None, (
                      ("first-unit-version=99", [(line["offset"] + 4, b"\x63\x00")]),
                      ("first-unit-length=max", [(line["offset"], u32(0xFFFFFFEF))]),
                      ("sh_size=100", [sh(".debug_line", "sh_size", 100)])))
    for c in cases[-11:]:
        c.commands = [("bt", "--all"), ("report",)]
    symtab = elf.sections[".symtab"]
    strtab = elf.by_index[symtab["link"]]
    rng = random.Random("vmlinux-symtab%d" % SEED)
    cases += case("vmlinux-symtab", rng, ".symtab", 6, None, (
        ("st_name=huge", [(symtab["offset"] + 24 * rng.randrange(1, symtab["size"] // 24), u32(-1))
                          for _ in range(64)]),
        ("sh_link=0", [sh(".symtab", "sh_link", 0)]), ("sh_link=huge", [sh(".symtab", "sh_link", 0xFFFF)]),
        ("sh_size=7", [sh(".symtab", "sh_size", 7)]), ("sh_size=0", [sh(".symtab", "sh_size", 0)]),
        ("strtab-unterminated", [(strtab["offset"] + strtab["size"] - 1, b"x")]),
        ("strtab-control-bytes", [(strtab["offset"] + 1, b"\x1b[31m\x07\x01")])))
    ip, un = elf.sections[".orc_unwind_ip"], elf.sections[".orc_unwind"]
    rng = random.Random("vmlinux-orc%d" % SEED)
    cases += case("vmlinux-orc", rng, ".orc_unwind_ip", 3, None, (
        ("unsorted", [(ip["offset"] + ip["size"] // 2, u32(0x7FFFFFFF))]),
        ("sh_size=0", [sh(".orc_unwind_ip", "sh_size", 0)]),
        ("sh_size=odd", [sh(".orc_unwind_ip", "sh_size", ip["size"] - 3)])))
    cases += case("vmlinux-orc", rng, ".orc_unwind", 3, None, (
        ("garbage", [(un["offset"] + 6 * i, b"\xff\x7f\x00\x80\xff\xff") for i in range(0, 30000, 7)]),
        ("sh_size=-6", [sh(".orc_unwind", "sh_size", un["size"] - 6)])))
    for c in cases[-11:]:
        c.commands = [("bt", "--all"), ("report",)]

    if zelf:
        zpath, zline = fx["vmlinux_zlib"], zelf.sections[".debug_line"]
        rng = random.Random("vmlinux-debug-line-zlib%d" % SEED)
        zcases = section_cases("vmlinux-debug-line-zlib", zelf, zpath, ".debug_line", dump, rng, 4,
                               None, (
                                   ("ch_size=huge", [(zline["offset"] + 8, u64(1 << 40))]),
                                   ("ch_type=2", [(zline["offset"], u32(2))]),
                                   ("stream-cut", [(zline["header"] + 32, u64(zline["size"] // 2))])))
        for c in zcases:
            c.commands = [("bt", "--all")]
        cases += zcases

    comment = elf.sections[".comment"]
    names_off = elf.by_index[elf.shstrndx]["offset"]
    rename = (names_off + elf.data.index(b".comment\0", names_off) - names_off, b"\x1b]0;\x07\n\xff")
    for name, patches in (
            ("e_shoff=eof", [(0x28, u64(size - 8))]), ("e_shoff=huge", [(0x28, u64(1 << 60))]),
            ("e_shnum=0", [(0x3C, b"\0\0")]), ("e_shnum=max", [(0x3C, b"\xff\xff")]),
            ("e_shstrndx=huge", [(0x3E, b"\xf0\xff")]), ("e_machine=aarch64", [(0x12, b"\xb7\x00")]),
            ("class=32", [(4, b"\x01")]), ("e_type=rel", [(0x10, b"\x01\x00")]),
            ("section-name-control-bytes-outside-file",
             [rename, sh(".comment", "sh_offset", size + 4096)]),
            ("section-name-control-bytes", [rename]),
            ("shstrtab-unterminated", [(names_off + elf.by_index[elf.shstrndx]["size"] - 1, b"x")]),
            ("debug_info-sh_type=nobits", [sh(".debug_info", "sh_type", 8)]),
            ("comment-sh_size=huge", [sh(".comment", "sh_size", 1 << 62)])):
        cases.append(Case("vmlinux-sections", name, File(dump), File(path, patches)))
    del comment

    for cut in (0, 63, 64, 4096, info["offset"] + info["size"] // 3, symtab["offset"] + 100,
                elf.shoff - 1, size - 1):
        cases.append(Case("vmlinux-truncated", "at-%d" % cut, File(dump), File(path, truncate=cut),
                          expect={6}))
    return cases


def pairing_cases(fx, elf):
    banner = elf.data.find(b"Linux version 6")
    note = elf.sections[".notes"]
    build_id = elf.data.find(b"GNU\0", note["offset"], note["offset"] + note["size"]) + 4
    other = [(banner + 14, b"9"), (build_id, b"\x99\x98")]
    K, E, V, KO = fx["kdump"], fx["elf"], fx["vmlinux"], fx["ko"]
    pairs = [("ko-as-vmlinux", K, KO, {6}), ("bin-ls-as-vmlinux", K, "/bin/ls", {6}),
             ("dump-as-vmlinux", K, K, {6}), ("elf-dump-as-vmlinux", K, E, {6}),
             ("ko-as-vmlinux-elf-dump", E, KO, {6}), ("ko-as-dump", KO, V, {4}),
             ("bin-ls-as-dump", "/bin/ls", V, {4}), ("vmlinux-as-dump", V, V, {4}),
             ("dev-null-as-vmlinux", K, "/dev/null", {6}), ("directory-as-vmlinux", K, fx["dir"], {3, 6}),
             ("directory-as-dump", fx["dir"], V, {3, 4}),
             ("softlockup-dump-same-kernel", fx["softlockup"], V, {0}),
             ("vmlinux-no-orc", K, fx["no_orc"], {0}), ("serial-log-as-dump", fx["serial"], V, {4}),
             ("vmlinux-of-another-build", K, File(V, other), {8}),
             ("vmlinux-of-another-build-elf-dump", E, File(V, other), {8})]
    cases = [Case("pairing", n, File(d), v if isinstance(v, File) else File(v), expect=codes)
             for n, d, v, codes in pairs]
    if fx.get("vmlinux_zlib"):
        cases.append(Case("pairing", "vmlinux-zlib-debug", File(K), File(fx["vmlinux_zlib"]),
                          [("report",), ("bt", "--all")], expect={0}))
    return cases


class Targets:
    """corpus_targets' lines: KIND NAME VADDR PADDR SIZE."""

    def __init__(self, text):
        self.rows = []
        for line in text.splitlines():
            kind, name, vaddr, paddr, size = line.split()
            self.rows.append((kind, name, int(vaddr, 16), int(paddr, 16), int(size)))

    def objects(self, kind):
        return [(n, v, p, s) for k, n, v, p, s in self.rows if k == kind]

    def pfns(self, kind):
        out = []
        for _, _, paddr, _ in self.objects(kind):
            if paddr >> 12 not in out:
                out.append(paddr >> 12)
        return out


def generate(fx, kdump_targets, elf_targets, elf, zelf):
    """All cases. FX: paths (kdump, elf, vmlinux, vmlinux_zlib, ko, no_orc,
    softlockup, serial, dir); *_targets: Targets of the two dumps; ELF/ZELF:
    the vmlinux and its zlib-compressed copy as elf_file.Elf (ZELF may be None)."""
    cases = kdump_cases(fx, kdump_targets, File(fx["vmlinux"]))
    cases += elf_cases(fx, elf_targets, File(fx["vmlinux"]))
    cases += vmlinux_cases(fx, elf, zelf, fx["kdump"])
    cases += pairing_cases(fx, elf)
    seen = {}
    for c in cases:  # same-length rewrites can share a name: number them
        n = seen[c.name] = seen.get(c.name, 0) + 1
        if n > 1:
            c.name += "-%d" % n
    return cases
