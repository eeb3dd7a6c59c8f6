"""`planocr review OUTDIR`: a local web server (the standard library's ThreadingHTTPServer) for the review
page and its JSON API.

Security, the rules:
- Binds to 127.0.0.1 unless told otherwise. A random token (printed in the URL on the first line of stdout,
  as Jupyter does) authorises every request but the page's own static files: in the ``X-Planocr-Token``
  header, or in the ``?token=`` of the first page load, which the server answers with an HttpOnly,
  SameSite=Strict cookie and a redirect to a URL without it. Reads accept the header or the cookie (page
  images are loaded by the browser, which cannot add a header); writes need the header, which another
  site's page cannot send (no CORS here), so a cookie alone never changes anything. No token: 401; a
  wrong one: 403.
- The Host header must name this server (127.0.0.1, localhost or [::1] with its port): a DNS-rebinding
  page, whose requests carry its own host name, gets 403.
- A request names a record only by the name the manifest gives it; the name is looked up in that table
  and never used as a path (unknown names, ``../``, absolute paths: 404). Static files are a fixed table
  read at start. Nothing from a request reaches a shell.
- Bodies: JSON only (415 otherwise), with a Content-Length (411) of at most 64 KiB (413).
- An edit names the version it was made on (``If-Match`` or ``"version"``; 428 without): when the record
  changed since (another tab), 409 and nothing is written.
"""

from __future__ import annotations

import getpass
import hmac
import json
import secrets
import socket
import sys
import threading
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import ValidationError

from .edits import EditError
from .records import Busy, Conflict, Store
from .render import NoImage, page_image
from .views import document_payload, queue, queue_row

MAX_BODY = 64 * 1024
TOKEN_HEADER = "X-Planocr-Token"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARDS = ("0.0.0.0", "::", "")


def load_static() -> dict[str, tuple[bytes, str]]:
    """name → (bytes, content type) of the files shipped in pipeline/review/static, read once."""
    folder = resources.files("pipeline.review") / "static"
    files = {}
    for item in folder.iterdir():
        suffix = "." + item.name.rsplit(".", 1)[-1]
        if item.is_file() and suffix in CONTENT_TYPES:
            files[item.name] = (item.read_bytes(), CONTENT_TYPES[suffix])
    return files


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: Store, token: str):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, ReviewHandler)
        self.store = store
        self.token = token
        self.static = load_static()
        self.port = self.server_address[1]
        host = address[0]
        shown = f"[{host}]" if ":" in host else host
        self.check_host = host not in WILDCARDS  # bound to every interface: any name may reach it
        self.allowed_hosts = {f"{name}:{self.port}" for name in (*LOOPBACK_NAMES, shown)}
        self.cookie_name = f"planocr_review_{self.port}"  # cookies ignore ports: one name per server
        self.url_host = "127.0.0.1" if host in WILDCARDS else shown
        self.rows: dict[str, tuple[tuple[int, int], dict]] = {}  # queue rows by record, with the file's stamp
        self.rows_lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{self.url_host}:{self.port}/?token={self.token}"


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "planocr-review"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # requests are not logged (URLs may carry the token); errors are answered, not printed

    # --- dispatch -----------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self.dispatch("GET")

    def do_POST(self) -> None:
        self.dispatch("POST")

    def do_PUT(self) -> None:
        self.dispatch("PUT")

    def do_DELETE(self) -> None:
        self.dispatch("DELETE")

    def do_PATCH(self) -> None:
        self.dispatch("PATCH")

    def dispatch(self, method: str) -> None:
        try:
            self.route(method)
        except ConnectionError:  # the browser went away (a closed tab, a page left mid-load)
            self.close_connection = True
        except Exception as err:  # a bug answers 500 and the server goes on
            print(f"planocr review: {method} failed: {type(err).__name__}: {err}", file=sys.stderr)
            self.send_json(500, {"error": "internal error"})

    def route(self, method: str) -> None:
        if self.server.check_host and self.headers.get("Host", "") not in self.server.allowed_hosts:
            return self.send_json(403, {"error": "unexpected Host header"})
        url = urlsplit(self.path)
        segments = [unquote(s) for s in url.path.split("/")[1:]]
        if method not in ("GET", "POST"):
            return self.send_json(405, {"error": "method not allowed"}, {"Allow": "GET, POST"})
        if segments == [""]:
            return self.index(method, parse_qs(url.query))
        if segments == ["favicon.ico"]:
            return self.send_bytes(204, b"", "image/x-icon")
        if len(segments) == 2 and segments[0] == "static" and segments[1] in self.server.static:
            if method != "GET":
                return self.send_json(405, {"error": "method not allowed"}, {"Allow": "GET"})
            data, kind = self.server.static[segments[1]]
            return self.send_bytes(200, data, kind, {"Cache-Control": "no-cache"})
        if segments[:2] != ["api", "documents"]:
            return self.send_json(404, {"error": "not found"})
        rest = segments[2:]
        write = method == "POST"
        if not self.authorised(write=write):
            return None
        if not rest and not write:
            return self.list_documents()
        entry = self.server.store.get(rest[0]) if rest else None
        if entry is None:
            return self.send_json(404, {"error": "no such document"})
        if len(rest) == 1 and not write:
            return self.get_document(entry)
        if len(rest) == 2 and rest[1] == "edits" and write:
            return self.post_edit(entry)
        if len(rest) == 4 and rest[1] == "pages" and rest[3] == "image" and rest[2].isdigit() and not write:
            return self.get_image(entry, int(rest[2]))
        return self.send_json(404 if not write else 405, {"error": "not found"})

    # --- authorisation ------------------------------------------------------------------------------------

    def cookie_token(self) -> str | None:
        try:
            cookies = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            return None
        morsel = cookies.get(self.server.cookie_name)
        return morsel.value if morsel else None

    def valid(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self.server.token.encode())

    def authorised(self, *, write: bool) -> bool:
        header = self.headers.get(TOKEN_HEADER)
        if header is not None:
            if self.valid(header):
                return True
            self.send_json(403, {"error": "wrong token"})
            return False
        cookie = self.cookie_token()
        if cookie is not None and self.valid(cookie) and not write:
            return True
        if cookie is not None and self.valid(cookie):
            self.send_json(403, {"error": f"changes need the {TOKEN_HEADER} header"})
        elif cookie is not None:
            self.send_json(403, {"error": "wrong token"})
        else:
            self.send_json(
                401, {"error": f"a token is needed: open the URL planocr review printed, or send {TOKEN_HEADER}"}
            )
        return False

    # --- pages --------------------------------------------------------------------------------------------

    def index(self, method: str, query: dict[str, list[str]]) -> None:
        if method != "GET":
            return self.send_json(405, {"error": "method not allowed"}, {"Allow": "GET"})
        if "token" in query:  # the first load: trade the URL's token for a cookie and a clean URL
            if not self.valid(query["token"][0]):
                return self.send_text(403, "Wrong token: open the URL planocr review printed.")
            cookie = f"{self.server.cookie_name}={self.server.token}; HttpOnly; SameSite=Strict; Path=/"
            return self.send_bytes(303, b"", "text/plain; charset=utf-8", {"Location": "/", "Set-Cookie": cookie})
        if not self.valid(self.cookie_token()):
            return self.send_text(401, "A token is needed: open the URL planocr review printed (…/?token=…).")
        html = self.server.static["index.html"][0].replace(b"{{TOKEN}}", self.server.token.encode())
        return self.send_bytes(200, html, CONTENT_TYPES[".html"], {"Cache-Control": "no-store"})

    # --- API ----------------------------------------------------------------------------------------------

    def list_documents(self) -> None:
        store = self.server.store
        rows = []
        for name, entry in sorted(store.entries().items()):
            path = store.outdir / entry.output
            try:
                stat = path.stat()
                stamp = (stat.st_mtime_ns, stat.st_size)
                with self.server.rows_lock:
                    cached = self.server.rows.get(name)
                if cached and cached[0] == stamp:
                    rows.append(cached[1])
                    continue
                doc, _version = store.read(entry)
                row = queue_row(name, doc)
            except (OSError, ValidationError) as err:
                row = {
                    "name": name,
                    "error": f"record not readable ({type(err).__name__})",
                    "reviewed": False,
                    "score": 0,
                }
                stamp = (0, 0)
            with self.server.rows_lock:
                self.server.rows[name] = (stamp, row)
            rows.append(row)
        self.send_json(200, queue(rows))

    def get_document(self, entry) -> None:
        try:
            doc, version = self.server.store.read(entry)
        except (OSError, ValidationError) as err:
            return self.send_json(500, {"error": f"the record cannot be read ({type(err).__name__})"})
        images = {p.number: doc.source.kind != "text" for p in doc.pages}
        payload = document_payload(entry.name, doc, version, images=images)
        return self.send_json(200, payload, {"ETag": f'"{version}"'})

    def get_image(self, entry, number: int) -> None:
        store = self.server.store
        try:
            doc, _version = store.read(entry)
            data = page_image(store.outdir, entry.source, doc, number)
        except NoImage as why:
            return self.send_json(404, {"error": str(why)})
        except (OSError, ValidationError) as err:
            return self.send_json(404, {"error": f"no image ({type(err).__name__})"})
        except Exception as err:  # the load stage's PlanocrError (damaged source, missing poppler)
            return self.send_json(404, {"error": f"the page could not be drawn: {err}"})
        return self.send_bytes(200, data, "image/jpeg", {"Cache-Control": "private, max-age=3600"})

    def post_edit(self, entry) -> None:
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return self.send_json(415, {"error": "send the edit as application/json"})
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
            return self.send_json(411, {"error": "Content-Length is needed"})
        length = int(length_header)
        if length > MAX_BODY:
            self.close_connection = True  # the body is not read
            return self.send_json(413, {"error": f"an edit is at most {MAX_BODY} bytes"})
        try:
            edit = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self.send_json(400, {"error": "the body is not JSON"})
        version = (self.headers.get("If-Match") or "").removeprefix("W/").strip('" ')
        if not version and isinstance(edit, dict) and isinstance(edit.get("version"), str):
            version = edit["version"]
        if not version:
            return self.send_json(428, {"error": 'say which version you edit: If-Match header or "version"'})
        try:
            doc, new_version, added = self.server.store.edit(entry, edit, version)
        except Conflict as conflict:
            return self.send_json(
                409,
                {"error": "the record changed since you read it (another tab?): reload", "version": conflict.version},
            )
        except Busy:
            return self.send_json(
                503, {"error": "a planocr run is writing this folder; edits wait until it ends"}, {"Retry-After": "10"}
            )
        except EditError as err:
            return self.send_json(err.status, {"error": err.message})
        images = {p.number: doc.source.kind != "text" for p in doc.pages}
        payload = {
            "document": document_payload(entry.name, doc, new_version, images=images),
            "entries": [e.model_dump(mode="json") for e in added],
        }
        return self.send_json(200, payload, {"ETag": f'"{new_version}"'})

    # --- responses ----------------------------------------------------------------------------------------

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_bytes(
            status, data, "application/json; charset=utf-8", {"Cache-Control": "no-store", **(headers or {})}
        )

    def send_text(self, status: int, text: str) -> None:
        self.send_bytes(
            status, (text + "\n").encode("utf-8"), "text/plain; charset=utf-8", {"Cache-Control": "no-store"}
        )

    def send_bytes(self, status: int, data: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def reviewer_name(given: str | None) -> str:
    if given and given.strip():
        return given.strip()
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return "unknown"


def make_server(outdir: Path, host: str = "127.0.0.1", port: int = 8765, reviewer: str | None = None) -> ReviewServer:
    store = Store(outdir, reviewer_name(reviewer))
    return ReviewServer((host, port), store, secrets.token_urlsafe(32))


def serve(server: ReviewServer, out: TextIO | None = None) -> None:
    """Serve until interrupted; the URL with its token is the first line of ``out`` (stdout)."""
    out = out or sys.stdout
    print(server.url, file=out, flush=True)
    store = server.store
    print(
        f"planocr review: {len(store.entries())} record(s) of {store.outdir} for {store.who}; "
        "open the URL above; Ctrl-C stops",
        file=sys.stderr,
        flush=True,
    )
    if not server.check_host:
        print("planocr review: listening on every interface; anyone with the token can read and edit", file=sys.stderr)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
