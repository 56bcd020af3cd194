"""The preview server: serves a build folder the way a static host would, plus live reload.

Stdlib only. Every HTML response gets the live-reload script injected before `</head>` (files on
disk stay clean). The builder talks to it through `committing()` (requests wait while a build
writes, so nobody sees half a build) and the `notify_*` methods, which push server-sent events
to every open page at `/_aloud/events`.

`root` holds the site as deployed at `base_path`: `root/posts/x/index.html` is served at
`<base_path>posts/x/`. Typical use from the CLI and the builder::

    server = PreviewServer(Path(".aloud/preview"), base_path="/blog/", banner="Draft preview")
    server.start()                          # daemon thread; returns at once
    ...                                     # in the builder thread, after each build:
    with server.committing():               # requests wait while files are written
        write_outputs()
    server.notify_reload(changed_urls)      # or notify_error("file:line: message")
    ...
    server.serve_forever_until_interrupt()  # main thread: blocks until Ctrl-C, then shuts down
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import socket
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, unquote, urlsplit

from .served_files import HTML, PLAIN, PRIVATE, content_type, inject
from .server_sync import CommitGate, sse

log = logging.getLogger(__name__)

CLIENT_JS = (Path(__file__).with_name("livereload.js")).read_bytes()
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # never wait for SSE threads on close; shutdown() ends them itself

    def __init__(self, address: tuple[str, int], preview: PreviewServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.preview = preview
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser closing a tab mid-response is normal, not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class PreviewServer:
    """Serves `root` at `base_path` with live reload; see the module docstring."""

    heartbeat_seconds = 15.0  # SSE comment interval, so dead connections are noticed

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        base_path: str = "/",
        banner: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        base = unquote(base_path).strip("/")
        self.base_path = quote(f"/{base}/" if base else "/")  # as it appears in request lines
        self.banner = banner
        self._root = Path(root).absolute()  # resolved per request: it may be a swapped symlink
        self._gate = CommitGate()
        self._lock = threading.Lock()  # guards the fields below
        self._clients: set[queue.Queue[bytes | None]] = set()
        self._connections: set[socket.socket] = set()
        self._last_error: str | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Bind (port 0 picks a free port, readable afterwards as `.port`) and serve in a thread."""
        self._httpd = httpd = _HTTPServer((self.host, self.port), self)
        self.port = httpd.server_address[1]
        self._stopped.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def shutdown(self) -> None:
        """Stop accepting, end SSE streams and open connections, release the port."""
        if self._httpd is None:
            return
        httpd, self._httpd = self._httpd, None
        with self._lock:
            clients, connections = list(self._clients), list(self._connections)
        for client in clients:
            client.put(None)
        for conn in connections:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._stopped.set()

    def serve_forever_until_interrupt(self) -> None:
        """Block the calling (main) thread until Ctrl-C or shutdown(), then shut down cleanly.

        Ctrl-C raises KeyboardInterrupt in the main thread only, so the CLI calls this there
        (after starting its watcher) and stops the watcher once it returns.
        """
        if self._httpd is None:
            self.start()
        try:
            with suppress(KeyboardInterrupt):
                while not self._stopped.wait(0.5):  # short waits keep Ctrl-C responsive
                    pass
        finally:
            self.shutdown()

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    @property
    def url(self) -> str:
        """The site's address, e.g. for printing "Serving at ..."."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.base_path}"

    # -- what the builder calls --------------------------------------------------------------

    def set_root(self, root: Path) -> None:
        """Serve another folder from the next request on (e.g. a freshly swapped-in build)."""
        self._root = Path(root).absolute()

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Hold incoming requests (and wait for running ones) while a build writes files."""
        with self._gate.writing():
            yield

    def notify_reload(self, changed_urls: Iterable[str]) -> None:
        """Pages whose URL is listed (or all, for "*") reload themselves."""
        self._broadcast("reload", json.dumps(sorted(set(changed_urls))))

    def notify_css(self, changed_css_urls: Iterable[str]) -> None:
        """Pages swap these stylesheets in place, without a reload."""
        self._broadcast("css", json.dumps(sorted(set(changed_css_urls))))

    def notify_error(self, message: str) -> None:
        """The build failed: pages show an overlay; new pages get it on connect."""
        with self._lock:
            self._last_error = message
        self._broadcast("error", message)

    def notify_ok(self) -> None:
        """A build succeeded again: overlays go away."""
        with self._lock:
            self._last_error = None
        self._broadcast("ok", "")

    def _broadcast(self, event: str, data: str) -> None:
        message = sse(event, data)
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.put(message)


_Reply = tuple[int, str, bytes | BinaryIO, dict[str, str]]  # status, type, body, headers


class _Refused(Exception):
    """A request path that tries to leave the served folder."""


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    timeout = 60  # idle keep-alive connections close instead of holding a thread forever
    server_version = "AloudPreview"

    def setup(self) -> None:
        super().setup()
        with self.server.preview._lock:
            self.server.preview._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.preview._lock:
            self.server.preview._connections.discard(self.connection)
        with suppress(OSError):
            super().finish()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).startswith(("4", "5")):
            log.info("%s %s -> %s", self.command, self.path, code)

    def log_message(self, format: str, *args: object) -> None:
        log.debug(format, *args)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        preview, base = self.server.preview, self.server.preview.base_path
        if not self._host_allowed():
            return self._send(403, PLAIN, b"Forbidden: unexpected Host header\n")
        target = self.path
        if not target.startswith("/"):  # absolute-form ("GET http://host/path") or garbage
            target = urlsplit(target).path or "?"
        raw_path, _, query = target.partition("#")[0].partition("?")
        if not raw_path.startswith("/"):
            return self._send(400, PLAIN, b"Bad request\n")
        for prefix in ("/", base):
            if raw_path.startswith(prefix + PRIVATE):
                return self._private(raw_path[len(prefix + PRIVATE) :])
        if base != "/" and raw_path in ("/", base[:-1]):
            return self._send(302, PLAIN, b"", {"Location": base})
        with preview._gate.reading():  # look up and read under the gate; send after it
            reply = self._lookup(preview._root.resolve(), raw_path, query)
        status, ctype, body, headers = reply
        if isinstance(body, bytes):
            return self._send(status, ctype, body, headers)
        with body:
            self._send_file(body, ctype)

    def _host_allowed(self) -> bool:
        """Refuse DNS-rebinding tricks: a loopback-bound server only answers loopback names."""
        if self.server.preview.host not in {"127.0.0.1", "::1", "localhost"}:
            return True
        host = (self.headers.get("Host") or "localhost").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOOPBACK_NAMES or name.endswith(".localhost")

    def _lookup(self, root: Path, raw_path: str, query: str) -> _Reply:
        """Decide the response like a static host would: pretty URLs, slash redirects, 404s."""
        base = self.server.preview.base_path
        if not raw_path.startswith(base):
            return self._not_found(root, [])
        try:
            parts = _safe_parts(raw_path[len(base) :])
            path = _inside(root, parts)
        except _Refused:
            return 403, PLAIN, b"Forbidden\n", {}
        if path.is_dir():
            if not raw_path.endswith("/"):
                location = raw_path + "/" + (f"?{query}" if query else "")
                return 301, PLAIN, b"", {"Location": location}
            path = path / "index.html"
        if not path.is_file():
            return self._not_found(root, parts)
        ctype = content_type(path)
        if ctype.startswith("text/html"):
            return (
                200,
                ctype,
                inject(
                    path.read_bytes(), self.server.preview.base_path, self.server.preview.banner
                ),
                {},
            )
        return 200, ctype, path.open("rb"), {}  # an open file survives the next build's replace

    def _injected(self, path: Path) -> bytes:
        preview = self.server.preview
        return inject(path.read_bytes(), preview.base_path, preview.banner)

    def _not_found(self, root: Path, parts: list[str]) -> _Reply:
        """The language's 404.html (`/sv/404.html` for `/sv/...`), else the site's, else text."""
        candidates = ([parts[0], "404.html"], ["404.html"]) if len(parts) > 1 else (["404.html"],)
        for candidate in candidates:
            with suppress(_Refused):
                page = _inside(root, candidate)
                if page.is_file():
                    return (
                        404,
                        HTML,
                        inject(
                            page.read_bytes(),
                            self.server.preview.base_path,
                            self.server.preview.banner,
                        ),
                        {},
                    )
        return 404, PLAIN, b"Not found\n", {}

    def _send_file(self, file: BinaryIO, ctype: str) -> None:
        """Stream a file, honouring a single byte range (browsers need it to seek in media)."""
        size = os.fstat(file.fileno()).st_size
        start, end, status = 0, size - 1, 200
        headers = {"Accept-Ranges": "bytes"}
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        if wanted and (wanted[1] or wanted[2]):
            if wanted[1]:
                start, end = int(wanted[1]), min(int(wanted[2] or size - 1), size - 1)
            else:
                start = max(size - int(wanted[2]), 0)
            if start > end:
                return self._send(416, ctype, b"", {"Content-Range": f"bytes */{size}"})
            status, headers["Content-Range"] = 206, f"bytes {start}-{end}/{size}"
        self._send(status, ctype, None, headers, length=end - start + 1)
        if self.command == "HEAD":
            return
        file.seek(start)
        remaining = end - start + 1
        while remaining > 0 and (chunk := file.read(min(remaining, 1 << 16))):
            self.wfile.write(chunk)
            remaining -= len(chunk)

    def _private(self, name: str) -> None:
        if name == "livereload.js":
            self._send(200, "text/javascript; charset=utf-8", CLIENT_JS)
        elif name == "events" and self.command == "GET":
            self._events()
        else:
            self._send(404, PLAIN, b"Not found\n")

    def _events(self) -> None:
        """One server-sent event stream; ends on shutdown or when the page goes away."""
        preview = self.server.preview
        inbox: queue.Queue[bytes | None] = queue.Queue()
        with preview._lock:  # subscribe before the preamble, so nothing sent after it is missed
            preview._clients.add(inbox)
            error = preview._last_error
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n" + (sse("error", error) if error else b""))
            while True:
                try:
                    message = inbox.get(timeout=preview.heartbeat_seconds)
                except queue.Empty:
                    message = b": heartbeat\n\n"
                if message is None:
                    return
                self.wfile.write(message)
        except OSError:
            return
        finally:
            with preview._lock:
                preview._clients.discard(inbox)

    def _send(
        self,
        status: int,
        ctype: str,
        body: bytes | None,
        headers: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        """Status and headers, then the body unless this is HEAD (or the caller streams it)."""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if body is not None else length))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)


def _safe_parts(rel: str) -> list[str]:
    """Decoded path segments; refuses `..`, NULs, backslashes and absolute-looking paths."""
    try:
        decoded = unquote(rel, errors="strict")
    except UnicodeDecodeError as error:
        raise _Refused(rel) from error
    if decoded.startswith("/") or "//" in decoded or "\x00" in decoded or "\\" in decoded:
        raise _Refused(rel)
    parts = [p for p in decoded.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise _Refused(rel)
    return parts


def _inside(root: Path, parts: list[str]) -> Path:
    """`root/parts` with symlinks resolved, refused if it ends up outside `root`."""
    path = root.joinpath(*parts).resolve()
    if not path.is_relative_to(root):
        raise _Refused(str(path))
    return path
