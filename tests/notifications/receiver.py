"""A webhook receiver on 127.0.0.1 for tests and the benchmark: records requests, answers from a script."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real receivers
    # one send per response and no Nagle: otherwise every answer waits ~40 ms for a delayed ACK
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        receiver = self.server.receiver
        with receiver.lock:
            receiver.arrived += 1
        receiver.gate.wait()
        status, answer, headers = receiver.record(
            {key.lower(): value for key, value in self.headers.items()}, body, self.path
        )
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):  # noqa: A002
        pass


class Receiver:
    """``respond(n, headers, body)`` → status, body bytes, extra headers for the n-th request (from 1)."""

    def __init__(self, respond=None):
        self.respond = respond or (lambda n, headers, body: (200, b"{}", {}))
        self.requests: list[dict] = []
        self.arrived = 0  # requests read, including those held at the gate
        self.lock = threading.Lock()
        self.gate = threading.Event()
        self.gate.set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.receiver = self
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def record(self, headers: dict, body: bytes, path: str):
        with self.lock:
            number = len(self.requests) + 1
            self.requests.append({"at": time.monotonic(), "headers": headers, "body": body, "path": path})
        return self.respond(number, headers, body)

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.requests) >= count:
                return True
            time.sleep(0.02)
        return len(self.requests) >= count
