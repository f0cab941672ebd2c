"""A loopback HTTP server taking POST /api/predictions:batch as Threadline does (202 with counts), for the unit tests."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class IngestStandIn:
    def __init__(self) -> None:
        self.records: dict[str, dict] = {}
        self.posts = 0
        self.answer = 202
        # Seconds each answer takes: a slow server.
        self.delay = 0.0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are two writes: without this, each answer waits out a delayed ACK (40 ms).
            disable_nagle_algorithm = True

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["content-length"]))
                stand_in.posts += 1
                if stand_in.delay:
                    time.sleep(stand_in.delay)
                if self.path != "/api/predictions:batch" or stand_in.answer != 202:
                    self._reply(stand_in.answer if self.path == "/api/predictions:batch" else 404, {"error_code": "UNAVAILABLE", "message": "down"})
                    return
                accepted = duplicates = 0
                for line in body.splitlines():
                    record = json.loads(line)
                    if record["prediction_id"] in stand_in.records:
                        duplicates += 1
                    else:
                        stand_in.records[record["prediction_id"]] = record
                        accepted += 1
                self._reply(202, {"accepted": accepted, "duplicates": duplicates, "rejected": 0, "errors": []})

            def _reply(self, status: int, value: dict) -> None:
                data = json.dumps(value).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
