"""The API from a real browser (Debian's Chromium through Playwright): a partner's page on another
origin reads it (CORS), with a conditional request, never with credentials; the documentation
page works under the site's Content-Security-Policy.

docs/screenshots/api-docs.png, shown in the README, is written here.
"""

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import Article

# The demo `make run` shows, at the fixed moment the README's screenshots are taken.
from .test_browser_public import (  # noqa: F401 -- fixtures
    DESKTOP,
    SCREENSHOTS,
    _live_server_helper,
    demo_site,
    reader,
    site,
)

pytestmark = pytest.mark.browser

PARTNER_PAGE = b"<!doctype html><html lang=fr><title>Un site partenaire</title><p>Partenaire</p></html>"


class PartnerPage(BaseHTTPRequestHandler):
    """Another origin: a partner's page, with no policy of its own."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(PARTNER_PAGE)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def partner_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PartnerPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


READ_FROM_THE_PAGE = """async (url) => {
    const first = await fetch(url);
    const body = await first.json();
    const etag = first.headers.get("ETag");
    const again = await fetch(url, {headers: {"If-None-Match": etag}});
    let withCredentials = "read";
    try { await fetch(url, {credentials: "include"}); } catch (error) { withCredentials = "refused"; }
    let written = "";
    try { written = String((await fetch(url, {method: "POST", body: "{}"})).status); }
    catch (error) { written = "refused"; }
    return {status: first.status, titles: body.items.map(item => item.title), etag, again: again.status,
            withCredentials, written};
}"""


def test_a_partner_s_page_reads_the_api_from_another_origin(site, page):  # noqa: F811
    base_url, _ = site  # http://localhost:…, another origin than 127.0.0.1's
    with partner_site() as partner:
        page.goto(partner)
        found = page.evaluate(READ_FROM_THE_PAGE, f"{base_url}/api/v1/articles")

    assert found["status"] == 200
    assert found["titles"] == list(Article.objects.published().values_list("title", flat=True)[:20])
    assert found["etag"]  # exposed to scripts of any origin
    assert found["again"] == 304  # after a preflight for If-None-Match
    assert found["withCredentials"] == "refused"  # "*" is never for requests with cookies
    assert found["written"] == "refused"  # a 405 without CORS: the browser hides even that


def test_the_documentation_page_works_under_the_site_s_policy(reader):  # noqa: F811
    base_url, page = reader
    problems = []

    def console(message):
        # The site has no favicon (a 404 the browser asks for itself): anything else is a problem.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)
    page.on("requestfailed", lambda request: problems.append(request.url))
    page.set_viewport_size(DESKTOP)

    page.goto(f"{base_url}/api/v1/docs")

    assert page.get_by_role("heading", level=1).inner_text() == "L’API"
    assert page.get_by_role("heading", name="GET /api/v1/articles/{permalink}").is_visible()
    assert problems == []
    with page.expect_response(f"{base_url}/api/v1/openapi.json") as answer:
        page.get_by_role("link", name="/api/v1/openapi.json").click()
    assert answer.value.status == 200
    page.goto(f"{base_url}/api/v1/docs")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "api-docs.png"))
