"""Sections and symbols of a 64-bit little-endian ELF file held in memory,
for the test and fuzz scripts that cut pieces out of the fixtures
(fuzz/make_seeds.py, tests/corpus/damage.py)."""
import struct
import zlib

SHF_COMPRESSED = 0x800


class Elf:
    def __init__(self, data):
        self.data = data
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shnum, shstrndx = struct.unpack_from("<HH", data, 0x3C)
        self.shoff, self.shstrndx = shoff, shstrndx
        raw = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + 64 * i) for i in range(shnum)]
        stroff = raw[shstrndx][4]
        self.sections = {}
        self.by_index = []
        for s in raw:
            end = data.index(b"\0", stroff + s[0])
            sec = dict(name=data[stroff + s[0]:end].decode(), type=s[1], flags=s[2], addr=s[3],
                       offset=s[4], size=s[5], link=s[6], info=s[7], index=len(self.by_index),
                       header=shoff + 64 * len(self.by_index))
            self.sections[sec["name"]] = sec
            self.by_index.append(sec)

    def raw(self, name):
        s = self.sections[name]
        return self.data[s["offset"]:s["offset"] + s["size"]]

    def contents(self, name):
        """Section bytes, inflated when SHF_COMPRESSED (Elf64_Chdr + zlib)."""
        if name not in self.sections:
            return b""
        data = self.raw(name)
        if self.sections[name]["flags"] & SHF_COMPRESSED:
            return zlib.decompress(data[24:])
        return data

    def symbols(self):
        data = self.raw(".symtab")
        strs = self.by_index[self.sections[".symtab"]["link"]]
        out = []
        for off in range(0, len(data), 24):
            name, info, _, shndx, value, size = struct.unpack_from("<IBBHQQ", data, off)
            start = strs["offset"] + name
            out.append((self.data[start:self.data.index(b"\0", start)], info & 0xF, shndx,
                        value, size))
        return out

    def relocated(self, name):
        """A module's debug section with its .rela applied, every section
        placed at 0 (what whyhung does with unloaded sections)."""
        data = bytearray(self.contents(name))
        rela = ".rela" + name
        if rela not in self.sections:
            return bytes(data)
        syms = self.symbols()
        relocs = self.contents(rela)
        for off in range(0, len(relocs), 24):
            r_offset, r_info, addend = struct.unpack_from("<QQq", relocs, off)
            kind, value = r_info & 0xFFFFFFFF, syms[r_info >> 32][3] + addend
            if kind == 1:  # R_X86_64_64
                struct.pack_into("<Q", data, r_offset, value & (2**64 - 1))
            elif kind in (10, 11):  # R_X86_64_32, R_X86_64_32S
                struct.pack_into("<I", data, r_offset, value & 0xFFFFFFFF)
        return bytes(data)
