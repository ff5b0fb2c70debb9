"""A real HTTP server on 127.0.0.1, in a thread, serving feeds the way the ingestion tests need."""

import dataclasses
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from .servers import LoopbackServer

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"


@dataclasses.dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict = dataclasses.field(default_factory=dict)
    etag: str = ""  # answer 304 to a request that sends it back
    send_length: bool = True
    wait: threading.Event | None = None  # hold the answer until the test sets it
    # "headers" or "body": send that part a byte a second; "stall": send the headers, then nothing
    trickle: str = ""


class FeedServer(LoopbackServer):
    def __init__(self):
        self.routes = {}
        self.requests = []  # (path, headers) of every request, in order
        self.arrived = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                server.arrived.set()
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.wait is not None:
                    route.wait.wait(timeout=30)
                if route.trickle:
                    self.trickle(route)
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                for name, value in {**route.headers, **({"ETag": route.etag} if route.etag else {})}.items():
                    self.send_header(name, value)
                if route.send_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def trickle(self, route):
                head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(route.body)}\r\n\r\n".encode()
                slow = {"headers": head + route.body, "body": route.body, "stall": b""}[route.trickle]
                try:
                    if route.trickle != "headers":
                        self.wfile.write(head)
                    for byte in slow:
                        if server.stopping.wait(1):
                            return
                        self.wfile.write(bytes([byte]))
                    server.stopping.wait(60)
                except OSError:
                    pass  # the client gave up, as it should
                self.close_connection = True

            def log_message(self, *args):
                pass

        super().__init__(Handler)

    def serve(self, path, body=b"", **options):
        """Serve ``body`` (bytes, or the name of a file in tests/data/feeds) at ``path``; return its URL."""
        if isinstance(body, str):
            body = (FEEDS / body).read_bytes()
        self.routes[path] = Route(body=body, **options)
        return self.url(path)

    def paths(self):
        return [path for path, _ in self.requests]
