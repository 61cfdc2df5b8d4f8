#!/usr/bin/env python3
# A listener on 127.0.0.1 for the tests of contrib/hooks (t4220): records
# what it receives, one file a request, in a folder.
#
#   lib-listen.py http DIR   each POST as DIR/N.json: method, path,
#                            headers, body (answers 200, or the status
#                            in DIR/status when that file exists)
#   lib-listen.py smtp DIR   each message as DIR/N.eml (the DATA, dots
#                            unstuffed) and DIR/N.rcpt (RCPT TO, a line each)
#
# It binds a free port and writes it to DIR/port once listening.
import http.server
import json
import os
import socketserver
import sys

mode, folder = sys.argv[1], sys.argv[2]
count = 0


def record(ext, data):
    global count
    count += 1
    path = os.path.join(folder, "%d.%s" % (count, ext))
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.rename(path + ".tmp", path)


class Http(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status = 200
        try:
            with open(os.path.join(folder, "status")) as f:
                status = int(f.read().strip())
        except OSError:
            pass
        record("json", json.dumps({
            "method": self.command, "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8"),
        }).encode())
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class Smtp(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.say("220 127.0.0.1 test SMTP")
        rcpts, data = [], None
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd.split(" ", 1)[0].upper()
            if data is not None:
                if cmd == ".":
                    record("rcpt", "".join(r + "\n" for r in rcpts).encode())
                    record("eml", b"".join(data))
                    rcpts, data = [], None
                    self.say("250 queued")
                else:
                    raw = line.replace(b"\r\n", b"\n")
                    data.append(raw[1:] if raw.startswith(b"..") else raw)
                continue
            if verb in ("EHLO", "HELO"):
                self.say("250 127.0.0.1")
            elif verb == "MAIL":
                self.say("250 ok")
            elif verb == "RCPT":
                rcpts.append(cmd.split(":", 1)[1].strip().strip("<>"))
                self.say("250 ok")
            elif verb == "DATA":
                data = []
                self.say("354 go on")
            elif verb == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("250 ok")


socketserver.TCPServer.allow_reuse_address = True
if mode == "http":
    server = http.server.HTTPServer(("127.0.0.1", 0), Http)
else:
    server = socketserver.TCPServer(("127.0.0.1", 0), Smtp)
with open(os.path.join(folder, "port.tmp"), "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))
server.serve_forever()
