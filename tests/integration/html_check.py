#!/usr/bin/env python3
"""Checks one HTML report as headless Chromium saw it (issue 15 item 2).

html_check.py report HTML DOM PNG JSON   a fixture's report: every task
    and object of the JSON report is in the rendered page, every in-page
    link lands on an id that exists, the page fetches nothing, and the
    screenshot is not blank.
html_check.py hostile HTML DOM PNG       the hostile report: the names are
    shown as text, no element they carry exists in the DOM, and the marker
    a script would set (document.title) is not set.
html_check.py svg DOM                    the hostile report's SVG as the
    browser read it: well-formed, no element or handler from a name.
"""
import html.parser
import json
import struct
import sys
import zlib

MARKER = "PWNED"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def escape_like_whyhung(s):
    """The text escape of the report (\\xNN for control, non-ASCII, \\)."""
    out = []
    for ch in s:
        c = ord(ch)
        if c > 0xFF:
            out.extend("\\x%02x" % b for b in ch.encode("utf-8"))
        elif c < 0x20 or c >= 0x7F or ch == "\\":
            out.append("\\x%02x" % c)
        else:
            out.append(ch)
    return "".join(out)


class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.hrefs = []
        self.tags = []
        self.rows = []  # (id, [cell texts])
        self.sections = {}  # id -> text
        self.title = ""
        self._stack = []  # open elements with their collected text
        self._row = None
        self._cell = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        for k in ("href", "xlink:href"):
            if k in a:
                self.hrefs.append(a[k])
        if tag == "tr":
            self._row = (a.get("id"), [])
        elif tag == "td" and self._row is not None:
            self._cell = []
        if tag == "section" and "id" in a:
            self._stack.append([a["id"], []])
        if tag == "title" and not any(t == "svg" for t, _ in self.tags[:-1]):
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row[1].append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "section" and self._stack:
            sid, text = self._stack.pop()
            self.sections[sid] = "".join(text)
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        for s in self._stack:
            s[1].append(data)
        if getattr(self, "_in_title", False):
            self.title += data


def parse(path):
    d = Dom()
    with open(path, encoding="utf-8", errors="replace") as f:
        d.feed(f.read())
    d.close()
    return d


def png_pixels(path):
    """Width, height and the distinct colours of an 8-bit RGB(A) PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(path + ": not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail("%s: unexpected PNG layout %r" % (path, ihdr))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours = {}
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        if y % 4 == 0:  # a sample of the rows is enough to count colours
            for x in range(0, stride, bpp * 2):
                px = bytes(line[x:x + 3])
                colours[px] = colours.get(px, 0) + 1
        prev = line
    return w, h, colours


def check_screenshot(path):
    w, h, colours = png_pixels(path)
    if not (800 <= w <= 4000 and 600 <= h <= 20000):
        fail("%s: odd size %dx%d" % (path, w, h))
    total = sum(colours.values())
    background = max(colours.values())
    if len(colours) < 8 or background > 0.995 * total:
        fail("%s: blank (%d colours, %.1f%% one colour)" %
             (path, len(colours), 100.0 * background / total))
    print("screenshot %dx%d: %d colours, %.1f%% background" %
          (w, h, len(colours), 100.0 * background / total))


def check_self_contained(path):
    """Nothing in the page as written fetches or runs anything."""
    src = parse(path)
    for tag, attrs in src.tags:
        if tag in ("script", "link", "iframe", "object", "embed", "img", "base"):
            fail("%s: <%s>: the page must fetch and run nothing" % (path, tag))
        for k, v in attrs.items():
            if k in ("src", "srcset", "action", "background") or k.startswith("on"):
                fail("%s: <%s %s=...>" % (path, tag, k))
    with open(path, encoding="utf-8") as f:
        page = f.read()
    style = page[page.index("<style>"):page.index("</style>")]
    if "url(" in style or "@import" in style:
        fail("%s: the style fetches something" % path)


def check_links(dom):
    for h in dom.hrefs:
        if not h.startswith("#"):
            fail("link leaves the page: %r" % h)
        if h[1:] not in dom.ids:
            fail("link to a missing id: %r" % h)
    print("%d in-page links, all land" % len(dom.hrefs))


def check_report(html_path, dom_path, png_path, json_path):
    check_self_contained(html_path)
    dom = parse(dom_path)
    check_links(dom)
    with open(json_path) as f:
        report = json.load(f)
    rows = {}
    for rid, cells in dom.rows:
        if rid and rid.startswith("task-") and len(cells) >= 2:
            rows[(cells[0], cells[1])] = rid
    for t in report["tasks"]:
        key = (str(t["pid"]), escape_like_whyhung(t["comm"]))
        if key not in rows:
            fail("task %s[%s] of the JSON report is not in the page" %
                 (t["comm"], t["pid"]))
    for o in report["objects"]:
        sec = dom.sections.get("obj-%d" % o["id"])
        if sec is None:
            fail("object %d (%s) has no section" % (o["id"], o["name"]))
        if escape_like_whyhung(o["name"]) not in sec:
            fail("object %d: name %r not in its section" % (o["id"], o["name"]))
        if o["address"] not in sec:
            fail("object %d: address %s not in its section" % (o["id"], o["address"]))
    if report["objects"] and not any(t == "svg" for t, _ in dom.tags):
        fail("no wait graph (svg) in the page")
    nodes = sum(1 for t, a in dom.tags if t == "g" and a.get("class") == "node")
    folded = "".join(dom.text).count("tasks waiting")
    # Identical waiters fold: big-6.1's 7,000 waiters are 4 nodes.
    if nodes > 300:
        fail("the wait graph has %d nodes: waiters not folded" % nodes)
    print("%d tasks, %d objects in the page; graph: %d nodes, %d folded" %
          (len(report["tasks"]), len(report["objects"]), nodes, folded))
    check_screenshot(png_path)


def check_hostile(html_path, dom_path, png_path):
    check_self_contained(html_path)
    dom = parse(dom_path)
    check_links(dom)
    if MARKER in dom.title:
        fail("the marker is set: document.title = %r" % dom.title)
    for tag, attrs in dom.tags:
        if tag in ("script", "img", "iframe"):
            fail("a name became an element: <%s %r>" % (tag, attrs))
        for k in attrs:
            if k.startswith("on"):
                fail("a name became an event handler: <%s %s>" % (tag, k))
    text = "".join(dom.text)
    for shown in ("<script>[10]", "\"><img src=x>[11]",
                  "<script>document.title='PWNED'</script>",
                  "0123456789abcdef[14]", "\\xff\\xfe\\xc3(\\xed\\xa0\\x80</a>"):
        if shown not in text:
            fail("hostile name not shown as text: %r" % shown)
    print("hostile names shown as text; title %r; no element injected" % dom.title)
    check_screenshot(png_path)


def check_svg(dom_path):
    import xml.dom.minidom
    doc = xml.dom.minidom.parse(dom_path)
    allowed = {"svg", "g", "title", "polygon", "ellipse", "path", "text", "a",
               "polyline"}
    for el in doc.getElementsByTagName("*"):
        if el.tagName not in allowed:
            fail("SVG: unexpected element <%s>" % el.tagName)
        for i in range(el.attributes.length):
            if el.attributes.item(i).name.lower().startswith("on"):
                fail("SVG: event handler %s" % el.attributes.item(i).name)
    texts = "".join(t.firstChild.data for t in doc.getElementsByTagName("text")
                    if t.firstChild)
    if "<script>[10]" not in texts:
        fail("SVG: hostile name not shown as text")
    print("SVG: %d elements, hostile names as text" %
          len(doc.getElementsByTagName("*")))


if __name__ == "__main__":
    if sys.argv[1:2] == ["svg"] and len(sys.argv) == 3:
        check_svg(sys.argv[2])
        sys.exit(0)
    if sys.argv[1:2] == ["report"] and len(sys.argv) == 6:
        check_report(*sys.argv[2:])
    elif sys.argv[1:2] == ["hostile"] and len(sys.argv) == 5:
        check_hostile(*sys.argv[2:])
    else:
        fail(__doc__)
