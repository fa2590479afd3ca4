#!/usr/bin/env python3
"""A copy of an ELF fixture dump whose tasks have hostile names (issue 15
item 2): the 16-byte comm of three fixture tasks is overwritten in place
with markup, a script, control bytes, invalid UTF-8, no NUL.
usage: hostile_comm_copy.py ELF_DUMP OUT"""
import sys

# Each comm as the dump holds it (NUL-padded to TASK_COMM_LEN) -> 16
# hostile bytes without a NUL.
NAMES = {
    b"wh_abba_a": b'"><script>docume',
    b"wh_abba_b": b"<img src=x onerr",
    b"wh_rw_writer": b"\x1b[31m\xff\xfe\n\r\x07</td>&",
}


def main(src, dst):
    data = bytearray(open(src, "rb").read())
    for old, new in NAMES.items():
        assert len(new) == 16 and b"\0" not in new
        padded = old + b"\0" * (16 - len(old))
        count = data.count(padded)
        if not count:
            sys.exit(f"no task named {old!r} in {src}")
        data = data.replace(padded, new)
    open(dst, "wb").write(data)


if __name__ == "__main__":
    main(*sys.argv[1:])
