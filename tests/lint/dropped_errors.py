#!/usr/bin/env python3
"""Fail when the struct wh_error * result of a call is dropped.

Every fallible function returns struct wh_error * (NULL on success); a
result that is ignored, or tested as a boolean and never destroyed, loses
the error and leaks it. This finds both, by name: it collects every function
declared or defined to return struct wh_error * and looks at how each call's
result is used. Allowed: assigned, returned, passed to another call (wrap,
destroy, a catch helper). Flagged: a call as a whole statement, or in a
condition (`if (f(...))`, `!f(...)`, `&& f(...)`, `|| f(...)`)."""
import re
import sys
from pathlib import Path

DECL = re.compile(r"struct\s+wh_error\s*\*\s*([A-Za-z_]\w*)\s*\(")


def strip(src: str) -> str:
    """Blank comments, strings and character literals, keeping offsets."""
    out = list(src)
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            j += 1
        else:
            i += 1
            continue
        for k in range(i, min(j, n)):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def main(roots):
    files = [p for r in roots for p in Path(r).rglob("*") if p.suffix in (".c", ".h")]
    texts = {p: strip(p.read_text(errors="replace")) for p in files}
    # Exported functions (declared in headers) everywhere; static ones only
    # in their own file, where a callback parameter cannot share the name.
    exported = set()
    for p, t in texts.items():
        if p.suffix == ".h":
            exported.update(DECL.findall(t))
    found = 0
    for p, t in sorted(texts.items()):
        if p.suffix != ".c":
            continue
        names = exported | set(DECL.findall(t))
        call = re.compile(r"\b(" + "|".join(sorted(names)) + r")\s*\(")
        for m in call.finditer(t):
            before = t[: m.start()].rstrip()
            # Skip the definition/declaration itself.
            if re.search(r"struct\s+wh_error\s*\*\s*$", before):
                continue
            prev = before[-1:] if before else ";"
            two = before[-2:]
            dropped = None
            if prev in ";{}" or before.endswith("else"):
                dropped = "result ignored"
            elif prev == "!" and not before.endswith("!="):
                dropped = "result used as a boolean"
            elif two in ("&&", "||"):
                dropped = "result used as a boolean"
            elif prev == "(" and re.search(r"\b(if|while)\s*\($", before):
                dropped = "result used as a boolean"
            elif prev == "?" or prev == ":" and not before.endswith("::"):
                dropped = None
            if dropped:
                line = t.count("\n", 0, m.start()) + 1
                print(f"{p}:{line}: {m.group(1)}(): {dropped}")
                found += 1
    if found:
        print(f"{found} dropped struct wh_error * result(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["analyzer", "symbols", "plugins"]))
