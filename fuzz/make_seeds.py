#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses, derived from the fixtures.

usage: make_seeds.py FIXTURES_DIR OUT_DIR

Writes OUT_DIR/<fuzzer>/<name> for each harness in fuzz/: pieces of the
fixture vmlinux (line programs, aranges sets, ORC entries), the fixture
module whyhung_fixture.ko (its DWARF, relocated as a module is, and the
file itself), the kdump-compressed dump's headers rebuilt around a few
pages, the ELF dump's headers, and small list layouts. Multi-part inputs
use fuzz/fuzz_input.h's chunks (u32 length, bytes). Deterministic: the
same fixtures give the same files.
"""
import lzma
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "support"))
from elf_file import Elf  # noqa: E402


def chunks(*parts):
    return b"".join(struct.pack("<I", len(p)) + p for p in parts)


def u64s(*values):
    return b"".join(struct.pack("<Q", v & (2**64 - 1)) for v in values)


def units(section, limit):
    """(offset, bytes) of the first LIMIT 32-bit-DWARF units of a section
    whose units start with a 4-byte unit_length (.debug_line, .debug_aranges)."""
    out, off = [], 0
    while off + 4 <= len(section) and len(out) < limit:
        length, = struct.unpack_from("<I", section, off)
        if length >= 0xFFFFFFF0:
            break
        out.append((off, section[off:off + 4 + length]))
        off += 4 + length
    return out


def dwarf_seeds(ko, vmlinux, put):
    info, abbrev, str_ = (ko.relocated(".debug_info"), ko.contents(".debug_abbrev"),
                          ko.contents(".debug_str"))
    line_str, line = ko.contents(".debug_line_str"), ko.relocated(".debug_line")
    rnglists, aranges = ko.relocated(".debug_rnglists"), ko.relocated(".debug_aranges")
    funcs = [s[3] for s in ko.symbols() if s[1] == 2][:16]  # STT_FUNC offsets
    put("dwarf_info", "ko", chunks(info, abbrev, str_, line_str, b""))
    put("dwarf_info", "ko-first-4k", chunks(info[:4096], abbrev, str_, line_str, b""))
    put("dwarf_info", "ko-no-strings", chunks(info, abbrev))
    pcs = u64s(*[f + 5 for f in funcs[:8]])
    put("dwarf_inline", "ko", chunks(info, abbrev, str_, b"", rnglists, b"") + pcs)
    put("dwarf_inline", "ko-no-rnglists", chunks(info, abbrev, str_) + chunks(b"", b"", b"") + pcs)
    put("dwarf_lines", "ko", chunks(line, line_str, str_) + u64s(0, *[f + 1 for f in funcs[:7]]))
    # Single line programs of the vmlinux, with its whole .debug_line_str.
    vline, vline_str = vmlinux.contents(".debug_line"), vmlinux.contents(".debug_line_str")
    progs = sorted(units(vline, 400), key=lambda u: len(u[1]))
    for i, (_, prog) in enumerate(progs[:6] + progs[200:202]):
        # The first row's address (DW_LNE_set_address) is unknown here; ask
        # for small offsets into the unit's code and the vmlinux text.
        put("dwarf_lines", "vmlinux-%d" % i,
            chunks(prog, vline_str, b"") + u64s(0, 0xFFFFFFFF81000000 + 0x1000 * i, 1, 2))
    put("dwarf_aranges", "ko", chunks(aranges) + u64s(*funcs[:4]))
    vsets = units(vmlinux.contents(".debug_aranges"), 6)
    text = vmlinux.sections[".text"]["addr"]
    put("dwarf_aranges", "vmlinux", chunks(b"".join(u[1] for u in vsets))
        + u64s(text, text + 0x1234, text + 0x100000, 0))


def elf_seeds(ko, put):
    put("elf_image", "ko", ko.data)
    put("elf_image", "ko-headers", ko.data[:0x1000])


def orc_seeds(vmlinux, put):
    ip_sec = vmlinux.sections[".orc_unwind_ip"]
    ips, entries = vmlinux.contents(".orc_unwind_ip"), vmlinux.contents(".orc_unwind")
    n = len(ips) // 4
    text, new_ip_addr = 0xFFFFFFFF81000000, 0xFFFFFFFF81000000 + 0x1000000
    for name, start, count in (("start", 0, 64), ("middle", n // 2, 256), ("end", n - 32, 32)):
        out, targets = bytearray(), []
        for j in range(count):
            rel, = struct.unpack_from("<i", ips, 4 * (start + j))
            target = ip_sec["addr"] + 4 * (start + j) + rel
            targets.append(target)
            out += struct.pack("<i", target - (new_ip_addr + 4 * j))
        probes = [t - text + 1 for t in targets[::max(1, count // 8)]][:8]
        put("orc", name, chunks(bytes(out), entries[6 * start:6 * (start + count)], b"")
            + b"\x00" + u64s(*probes))


def orc_module_seeds(vmlinux, put):
    """The vmlinux's own ORC entries moved into a module: IPs rebased to the
    harness's module text and made relative to where its table sits."""
    ip_sec = vmlinux.sections[".orc_unwind_ip"]
    ips, entries = vmlinux.contents(".orc_unwind_ip"), vmlinux.contents(".orc_unwind")
    n = len(ips) // 4
    mod_base, ip_addr = 0xFFFFFFFFC0000000, 0xFFFFFFFFC0200000
    for name, start, count, claimed in (("start", 0, 64, 64), ("middle", n // 2, 256, 256),
                                        ("overclaimed", n // 3, 32, 5000)):
        targets = []
        for j in range(count):
            rel, = struct.unpack_from("<i", ips, 4 * (start + j))
            targets.append(ip_sec["addr"] + 4 * (start + j) + rel)
        first = targets[0]
        out = b"".join(struct.pack("<i", mod_base + (t - first) - (ip_addr + 4 * j))
                       for j, t in enumerate(targets))
        probes = [t - first + 1 for t in targets[::max(1, count // 8)]][:8]
        put("orc_modules", name, chunks(out, entries[6 * start:6 * (start + count)])
            + struct.pack("<I", claimed) + b"\x00" + u64s(*probes))


def dump_seeds(fixtures, put):
    with open(os.path.join(fixtures, "kdump-6.1", "vmcore"), "rb") as f:
        kdump = f.read(1 << 16)
    block, = struct.unpack_from("<I", kdump, 428)
    sub_blocks, = struct.unpack_from("<I", kdump, 432)
    put("dump_check", "kdump-truncated", kdump)
    note_off, note_size = struct.unpack_from("<QQ", kdump, block + 48)
    info_off, info_size = struct.unpack_from("<QQ", kdump, block + 32)
    put("dump_notes", "kdump-notes", b"\x00" + kdump[note_off:note_off + note_size])
    put("dump_notes", "kdump-vmcoreinfo", b"\x00" + kdump[info_off:info_off + info_size])
    # The real header and sub-header, rebuilt around 4 pages.
    hdr = bytearray(kdump[:(1 + sub_blocks) * block])
    struct.pack_into("<II", hdr, 436, 2, 32768)  # bitmap_blocks, max_mapnr
    bitmap = bytearray(block)
    bitmap[0] = 0x0F
    zero_page_off = len(hdr) + 2 * block + 4 * 24
    descs, data = b"", b"\0" * block
    for i in range(4):
        page = (b"page %d " % i) * (block // 7) + b"\0" * (block % 7)
        comp = zlib.compress(page[:block])
        descs += struct.pack("<QIIQ", zero_page_off + len(data), len(comp), 1, 0)
        data += comp
    small = bytes(hdr) + bitmap * 2 + descs + data
    put("dump_check", "kdump-small", small)
    # The same as makedumpfile -F streams it: a 4096-byte header, then
    # (offset, size) records, big-endian, and the end marker.
    flat = (b"makedumpfile".ljust(16, b"\0") + struct.pack(">qq", 1, 1)).ljust(4096, b"\0")
    for off in range(0, len(small), 3000):
        piece = small[off:off + 3000]
        flat += struct.pack(">qq", off, len(piece)) + piece
    flat += struct.pack(">qq", -1, 0)
    put("flattened", "kdump-small", b"\x02" + flat)
    put("flattened", "kdump-small-bytewise", b"\x00" + flat[:4096 + 16 + 64])
    # The ELF dump's headers, segments shrunk to fit.
    with lzma.open(os.path.join(fixtures, "hung-6.1", "vmcore.elf.xz")) as f:
        elf = bytearray(f.read(1 << 16))
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phnum, = struct.unpack_from("<H", elf, 0x38)
    put("dump_check", "elf-truncated", bytes(elf))
    for i in range(phnum):
        ptype, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", elf, phoff + 56 * i)
        if ptype == 4:  # PT_NOTE
            put("dump_notes", "elf-notes", b"\x00" + bytes(elf[off:off + filesz]))
    for i in range(phnum):
        off = phoff + 56 * i
        ptype, = struct.unpack_from("<I", elf, off)
        if ptype == 1:  # PT_LOAD: point at the start, one page
            struct.pack_into("<QQQQQ", elf, off + 8, 0, *struct.unpack_from("<QQ", elf, off + 16),
                             4096, 4096)
    put("dump_check", "elf-small", bytes(elf))


def list_seeds(put):
    base = 0xFFFF888000100000
    for name, nodes in (("circle", [0, 64, 128, 256]), ("one", [0]), ("long", list(range(0, 4000, 16)))):
        page = bytearray(4096)
        for i, off in enumerate(nodes):
            nxt, prv = nodes[(i + 1) % len(nodes)], nodes[i - 1]
            struct.pack_into("<QQ", page, off, base + nxt, base + prv)
        put("list_walk", name, b"\x00" + bytes(page))
    page = bytearray(4096)
    struct.pack_into("<QQ", page, 0, base + 64, base + 64)
    struct.pack_into("<QQ", page, 64, base + 4096 + 8, base)  # into the excluded page
    put("list_walk", "excluded", b"\x00" + bytes(page))


def fuse_seeds(put):
    """The FUSE harness XORs the input over a sane scenario: the empty
    input is that scenario (the harness checks it is understood), zeros
    the same up to the request, daemon and file pages; and a few with
    bits changed in the records (the first two pages)."""
    rng = random.Random(12)
    put("fuse", "sane", b"")
    put("fuse", "zeros", bytes(0x1d00))
    for i in range(4):
        noise = bytearray(0x1d00)
        for _ in range(4):
            noise[rng.randrange(len(noise))] = 1 << rng.randrange(8)
        put("fuse", "noise-%d" % i, bytes(noise))


def printk_seeds(put):
    """The harness XORs the input over its memory (the sample's globals,
    then the ring's pages): zeros are the intact log, so seeds are zeros
    long enough to reach the ring's end, and a few with bits changed."""
    rng = random.Random(10)
    for fmt, name in ((0, "old"), (1, "lockless")):
        put("printk", name, bytes([fmt]) + bytes(256 + 3 * 4096))
        for i in range(3):
            noise = bytearray(256 + 3 * 4096)
            for _ in range(6):
                noise[rng.randrange(len(noise))] = 1 << rng.randrange(8)
            put("printk", "%s-noise-%d" % (name, i), bytes([fmt]) + noise)


def btf_blob(types, strings):
    """A BTF blob: 24-byte header, then TYPES and STRINGS."""
    return struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(types), len(types),
                       len(strings)) + types + strings


def btf_seeds(ko_path, put):
    """A small hand-laid base and split pair, and the fixture module's real
    BTF when pahole (Debian's dwarves) is there to encode it."""
    strings = b"\0int\0list_head\0next\0prev\0E_ONE\0"
    types = (struct.pack("<IIII", 1, 1 << 24, 4, (1 << 24) | 32)          # 1 int
             + struct.pack("<III", 5, (4 << 24) | 2, 16)                  # 2 list_head
             + struct.pack("<III", 15, 3, 0) + struct.pack("<III", 20, 3, 64)
             + struct.pack("<III", 0, 2 << 24, 2)                         # 3 ptr
             + struct.pack("<III", 0, (8 << 24), 1)                       # 4 typedef
             + struct.pack("<III", 0, (6 << 24) | 1, 4) + struct.pack("<Ii", 25, -1))
    base = btf_blob(types, strings)
    split_strings = b"wh_s\0"
    split = btf_blob(struct.pack("<III", len(strings), (4 << 24) | 1, 16)
                     + struct.pack("<III", 5, 2, 0), split_strings)
    put("btf", "small-split", chunks(base, split) + b"list_head\0wh_s\0E_ONE\0")
    pahole = shutil.which("pahole")
    if not pahole:
        return
    with tempfile.TemporaryDirectory() as tmp:
        ko, out = os.path.join(tmp, "m.ko"), os.path.join(tmp, "m.btf")
        shutil.copy(ko_path, ko)
        if subprocess.run([pahole, "--btf_encode_detached=" + out, ko],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            return
        with open(out, "rb") as f:
            real = f.read()
    put("btf", "ko-pahole", chunks(real, b"") + b"wh_abba\0mutex\0task_struct\0")
    put("btf", "ko-pahole-as-split", chunks(base, real))


def kallsyms_seeds(put):
    """Tables as scripts/kallsyms.c writes them: token k is the character
    k, 0x80 and 0x81 two longer tokens; one name with a two-byte length;
    negative (relative) and positive (per-CPU) offsets."""
    tokens, index = b"", []
    for k in range(256):
        index.append(len(tokens))
        tokens += {0x80: b"sched", 0x81: b"ule"}.get(k, bytes([k or 63])) + b"\0"
    def entry(typ, name):
        toks = bytes([ord(typ)]) + name.replace(b"schedule", b"\x80\x81")
        n = len(toks)
        head = bytes([n]) if n < 128 else bytes([0x80 | (n & 0x7F), n >> 7])
        return head + toks
    names = (entry("T", b"_stext") + entry("T", b"schedule") + entry("t", b"schedule_timeout")
             + entry("D", b"runqueues") + entry("t", b"x" * 200))
    offsets = struct.pack("<5i", -1, -1 - 0x1000, -1 - 0x1080, 0x2C000, -1 - 0x2000)
    put("kallsyms", "small", chunks(names, tokens, struct.pack("<256H", *index), offsets)
        + b"\0" + u64s(0xFFFFFFFF81001004, 0xFFFFFFFF81002005, 0))
    put("kallsyms", "small-addresses",
        chunks(names, tokens, struct.pack("<256H", *index),
               u64s(*[0xFFFFFFFF81000000 + 0x100 * i for i in range(5)]))
        + b"\1" + u64s(0xFFFFFFFF81000180))


def main():
    fixtures, out = sys.argv[1], sys.argv[2]

    def put(fuzzer, name, data):
        os.makedirs(os.path.join(out, fuzzer), exist_ok=True)
        with open(os.path.join(out, fuzzer, name), "wb") as f:
            f.write(data)

    with open(os.path.join(fixtures, "hung-6.1", "whyhung_fixture.ko"), "rb") as f:
        ko = Elf(f.read())
    with lzma.open(os.path.join(fixtures, "hung-6.1", "vmlinux.xz")) as f:
        vmlinux = Elf(f.read())
    dwarf_seeds(ko, vmlinux, put)
    elf_seeds(ko, put)
    orc_seeds(vmlinux, put)
    orc_module_seeds(vmlinux, put)
    dump_seeds(fixtures, put)
    list_seeds(put)
    printk_seeds(put)
    fuse_seeds(put)
    kallsyms_seeds(put)
    btf_seeds(os.path.join(fixtures, "hung-6.1", "whyhung_fixture.ko"), put)


if __name__ == "__main__":
    main()
