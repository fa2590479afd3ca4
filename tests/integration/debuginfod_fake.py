#!/usr/bin/env python3
"""A plain HTTP server on 127.0.0.1 that answers debuginfod's
/buildid/ID/debuginfo requests where elfutils' debuginfod cannot be made
to misbehave: "wrong" answers every build id with FILE; "slow" serves each
ID's own FILE at about 8 MiB/s (a download that outlasts a batch worker's
--timeout), 404 for others. Each request is logged on stderr.
usage: debuginfod_fake.py wrong PORT FILE
       debuginfod_fake.py slow PORT ID FILE [ID FILE]..."""
import http.server
import sys
import time

mode, port = sys.argv[1], int(sys.argv[2])
if mode == "wrong":
    files = {None: sys.argv[3]}
else:
    args = sys.argv[3:]
    files = dict(zip(args[0::2], args[1::2]))


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        parts = self.path.strip("/").split("/")
        key = None if mode == "wrong" else (parts[1] if len(parts) == 3 else "")
        if key not in files:
            self.send_error(404)
            return
        body = open(files[key], "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        chunk = 1 << 20
        for off in range(0, len(body), chunk):
            self.wfile.write(body[off:off + chunk])
            if mode == "slow":
                time.sleep(0.125)


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
