"""Issue 9, item 2: "fetch a URL" cannot be turned against the desk's own network.

Only a local server on 127.0.0.1 is ever contacted: once to prove it is refused, and through the
test-only ``allow_addresses`` hook to exercise the time, size and redirect limits. Refused
addresses are refused before any connection is made.
"""

from __future__ import annotations

import gzip
import http.server
import ipaddress
import threading
import time
from collections.abc import Iterator

import pytest

from claims.fetch import FetchError, _connect, _Deadline, _PinnedHTTP, fetch, is_public
from claims.inputs import page_text

PAGE = b"<html><head><title>Budget</title></head><body><article><p>Mayor Ana Ruiz said taxes would not rise.</p>"
PAGE += b"<p>Officials said the bridge was safe.</p></article></body></html>"
LOCAL = ("127.0.0.1",)


class Handler(http.server.BaseHTTPRequestHandler):
    hits: list[tuple[str, str]] = []

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        self.hits.append((self.path, self.headers.get("Host", "")))
        path = self.path
        if path == "/page":
            self._send(PAGE, Content_Length=str(len(PAGE)))
        elif path.startswith("/loop/"):
            n = int(path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", f"/loop/{n + 1}")
            self.end_headers()
        elif path == "/to-page":
            self.send_response(301)
            self.send_header("Location", "/page")
            self.end_headers()
        elif path == "/to-other-loopback":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.2:{self.server.server_address[1]}/page")
            self.end_headers()
        elif path == "/drip":  # headers, then a byte every half second, for ever
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self._drip()
        elif path == "/drip-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self._drip()
        elif path == "/big":
            self._send(b"<p>" + b"x" * 2_000_000 + b"</p>")
        elif path == "/bomb":
            self._send(gzip.compress(b"\0" * 50_000_000), Content_Encoding="gzip")
        elif path == "/cp1251":
            body = "<html><body><article><p>Министр сказал, что дорога будет построена.</p></article></body></html>"
            self._send(body.encode("cp1251"), ctype="text/html; charset=x-unknown")
        else:
            self.send_error(404)

    def _drip(self) -> None:
        try:
            for _ in range(600):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass


@pytest.fixture
def server() -> Iterator[str]:
    Handler.hits = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert is_public(ipaddress.ip_address(address))  # a pure check: nothing is contacted


def test_loopback_is_refused_in_every_spelling_and_never_contacted(server):
    port = server.rsplit(":", 1)[1]
    for url in (
        f"{server}/page",
        f"http://localhost:{port}/page",
        f"http://2130706433:{port}/page",  # 127.0.0.1 as one number
        f"http://0x7f.1:{port}/page",
        f"http://[::ffff:127.0.0.1]:{port}/page",
        f"http://127.1:{port}/page",
    ):
        with pytest.raises(FetchError) as e:
            fetch(url)
        assert str(e.value) == "could not fetch", url  # nothing about ports or connections
    assert Handler.hits == []


def test_redirect_to_a_refused_address_is_refused_at_that_hop(server):
    with pytest.raises(FetchError, match="could not fetch") as e:
        fetch(f"{server}/to-other-loopback", allow_addresses=LOCAL)
    assert "127.0.0.2" in e.value.detail
    assert [p for p, _ in Handler.hits] == ["/to-other-loopback"]  # the second hop was never requested


def test_allowed_fetch_follows_redirects_and_reads_the_page(server):
    hops: list[str] = []
    page = fetch(f"{server}/to-page", allow_addresses=LOCAL, on_hop=hops.append)
    assert page.url.endswith("/page") and page.data == PAGE and page.charset == "utf-8"
    assert hops == [f"{server}/to-page", f"{server}/page"]
    text, meta = page_text(page.data, page.content_type, page.charset)
    assert "Ana Ruiz" in text and meta["title"] == "Budget"


def test_redirects_are_capped(server):
    with pytest.raises(FetchError) as e:
        fetch(f"{server}/loop/0", allow_addresses=LOCAL, max_redirects=3)
    assert "redirects" in e.value.detail and len(Handler.hits) == 4


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_dripping_server_is_cut_off_at_the_time_limit(server, path):
    # the server sends a byte every 0.5 s for 5 minutes; the fetch must end at its 2 s budget
    t = time.monotonic()
    with pytest.raises(FetchError) as e:
        fetch(f"{server}{path}", allow_addresses=LOCAL, seconds=2)
    elapsed = time.monotonic() - t
    assert elapsed < 3, f"held for {elapsed:.1f} s"
    assert "time" in e.value.detail or "timed out" in e.value.detail or "Error" in e.value.detail


def test_size_is_capped_plain_and_compressed(server):
    with pytest.raises(FetchError, match="could not fetch") as e:
        fetch(f"{server}/big", allow_addresses=LOCAL, max_bytes=1_000_000)
    assert "limit" in e.value.detail
    with pytest.raises(FetchError) as e:
        fetch(f"{server}/bomb", allow_addresses=LOCAL, max_bytes=1_000_000)
    assert "limit" in e.value.detail


def test_unknown_declared_charset_falls_back_to_the_page(server):
    page = fetch(f"{server}/cp1251", allow_addresses=LOCAL)
    text, _ = page_text(page.data, page.content_type, page.charset)
    assert "Министр сказал" in text


def test_connection_goes_to_the_checked_address_not_a_new_lookup(server):
    """DNS rebinding: the name is resolved once, checked, and the socket opened to that address;
    the name only travels in the Host header (here a name that resolves nowhere)."""
    port = int(server.rsplit(":", 1)[1])
    deadline = _Deadline(5)
    conn = _PinnedHTTP("rebind.invalid", port, [ipaddress.ip_address("127.0.0.1")], deadline)
    try:
        conn.request("GET", "/page")
        assert conn.getresponse().status == 200
    finally:
        conn.close()
        deadline.cancel()
    assert Handler.hits == [("/page", f"rebind.invalid:{port}")]


def test_other_schemes_and_credentials_are_refused():
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1:6379/_", "http://user:pw@example.org/"):
        with pytest.raises(FetchError):
            fetch(url)


def test_the_next_checked_address_is_tried_when_one_does_not_answer(server):
    """A name with an IPv6 address first must still be fetched on a host without IPv6."""
    port = int(server.rsplit(":", 1)[1])
    deadline = _Deadline(5)
    try:
        sock = _connect([ipaddress.ip_address("::1"), ipaddress.ip_address("127.0.0.1")], port, deadline)
        assert sock.getpeername()[:2] == ("127.0.0.1", port)  # the server listens on IPv4 only
        sock.close()
    finally:
        deadline.cancel()
