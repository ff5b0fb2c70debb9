"""A real HTTP server on 127.0.0.1, in a thread, answering as the sources' sites and Crossref do:
each path has its answer (a status, headers, a body, or silence until the server stops), HEAD and
GET alike unless the path refuses HEAD; every request is noted, with its method and headers."""

import dataclasses
import json
from http.server import BaseHTTPRequestHandler

from .servers import LoopbackServer


@dataclasses.dataclass
class Answer:
    status: int = 200
    headers: dict = dataclasses.field(default_factory=dict)
    body: bytes = b""
    silent: bool = False  # say nothing until the server stops: a timeout
    head_status: int | None = None  # what HEAD gets, when not the same (405: HEAD refused)
    delay: float = 0  # seconds before answering
    raw: bytes = b""  # said as is instead of an HTTP answer: a broken status line, say


class LinkServer(LoopbackServer):
    def __init__(self):
        self.answers = {}
        self.requests = []  # (method, path, headers)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_HEAD(self):
                self.answer("HEAD")

            def do_GET(self):
                self.answer("GET")

            def answer(self, method):
                server.requests.append((method, self.path, dict(self.headers)))
                answer = server.answers.get(self.path, Answer(status=404))
                if answer.delay:
                    server.stopping.wait(answer.delay)
                if answer.silent:
                    server.stopping.wait(30)
                    self.close_connection = True
                    return
                if answer.raw:
                    self.wfile.write(answer.raw)
                    self.close_connection = True
                    return
                status = answer.head_status if method == "HEAD" and answer.head_status else answer.status
                self.send_response(status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if method == "GET":
                    self.wfile.write(answer.body)

            def log_message(self, *args):
                pass

        super().__init__(Handler, daemon_threads=True)

    def serve(self, path, status=200, **options):
        """Answer ``path`` with ``status`` (and Answer's ``options``); return its address."""
        self.answers[path] = Answer(status=status, **options)
        return self.url(path)

    def redirect(self, path, to, status=301):
        return self.serve(path, status, headers={"Location": to})

    def work(self, doi, updated_by=None, status=200, **options):
        """Answer /works/<doi> as Crossref's REST API does, with ``updated_by`` relations."""
        message = {"DOI": doi, "type": "journal-article", "title": ["A study"]}
        if updated_by is not None:
            message["updated-by"] = updated_by
        body = json.dumps({"status": "ok", "message-type": "work", "message": message}).encode()
        headers = {"Content-Type": "application/json"}
        return self.serve(f"/works/{doi}", status, headers=headers, body=body, **options)

    def count(self, path=None):
        return sum(1 for _, requested, _ in self.requests if path is None or requested == path)


def relation(kind, notice_doi, day=(2026, 11, 20), source="retraction-watch"):
    """One entry of a Crossref work's ``updated-by``."""
    return {
        "DOI": notice_doi,
        "type": kind,
        "label": kind.replace("_", " ").capitalize(),
        "source": source,
        "updated": {"date-parts": [list(day)], "date-time": "2026-11-20T00:00:00Z", "timestamp": 0},
        "record-id": 1234,
    }
