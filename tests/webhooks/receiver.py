"""A real HTTP receiver for the webhook tests: on 127.0.0.1, one JSON file
per request (its headers and body) in the directory given, answering 200
(or the status in the file ANSWER in that directory). The port is printed
on the first line of stdout once it listens.

Usage: receiver.py DIR
"""
import itertools
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIRECTORY = sys.argv[1]
COUNTER = itertools.count(1)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        number = next(COUNTER)
        record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        partial = os.path.join(DIRECTORY, f".{number}.tmp")
        with open(partial, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(partial, os.path.join(DIRECTORY, f"{number:06d}.json"))
        status = 200
        answer = os.path.join(DIRECTORY, "ANSWER")
        if os.path.exists(answer):
            with open(answer, encoding="utf-8") as given:
                status = int(given.read().strip() or "200")
        self.send_response(status)
        self.send_header("content-type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if status < 300 else b"try later")

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
