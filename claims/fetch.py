"""Fetching an article page for the desk without letting the desk be used against its own network.

The desk fetches URLs that users type, from inside the network it runs in, so every hop is checked:

* the host is resolved here and **every** address it resolves to must be public (not loopback,
  private, link-local, shared, reserved, multicast or unspecified); the connection then goes to
  the checked address itself (with the name kept for the Host header and TLS), so a DNS answer
  that changes between the check and the connection (rebinding) cannot swap in another address;
* redirects are followed here, one hop at a time, each hop checked the same way, at most
  ``max_redirects`` of them;
* the whole fetch (DNS, connect, headers, body, all hops) has one wall-clock budget, enforced by
  a watchdog that shuts the socket down: a server that sends one byte every few seconds cannot
  hold a session longer than the budget;
* the body is capped at ``max_bytes`` (compressed bodies are never asked for, and decompressed
  with the same cap when a server sends one anyway).

Errors raised to callers are :class:`FetchError`; its ``str`` is only "could not fetch" so a user
cannot learn which ports or hosts answer. The reason is kept in ``detail`` for logs and tests.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

MAX_FETCH_BYTES = 10_000_000
FETCH_SECONDS = 20.0
MAX_REDIRECTS = 5
USER_AGENT = "claims-desk/0.1 (+https://github.com/; article fetcher)"
_CHUNK = 65536

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A fetch that failed or was refused. ``str()`` says only "could not fetch"."""

    def __init__(self, detail: str):
        super().__init__("could not fetch")
        self.detail = detail


@dataclass
class Fetched:
    url: str  # the final URL, after redirects
    data: bytes
    content_type: str  # e.g. "text/html"
    charset: str  # as declared in Content-Type, "" when none


def is_public(ip: IPAddress) -> bool:
    """Whether ``ip`` is an ordinary public unicast address (IPv4 inside IPv6 judged as IPv4)."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public(mapped)
        if ip.teredo is not None:
            return False
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified
    )


class _Deadline:
    """The fetch's wall-clock budget; a watchdog shuts down whichever socket is open when it ends."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0 or self._expired:
            raise FetchError("time limit reached")
        return remaining

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self._expired and sock is not None:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            if self._sock is not None:
                _shutdown(self._sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for TLS sockets: SSLSocket.shutdown would drop the TLS
    # state under the thread still reading from it
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _resolve(host: str, port: int, deadline: _Deadline) -> list[tuple[int, IPAddress]]:
    """getaddrinfo in a helper thread, so a slow resolver also counts against the budget."""
    result: list = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as e:
            error.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(deadline.left())
    if t.is_alive():
        raise FetchError(f"resolving {host} took too long")
    if error or not result:
        raise FetchError(f"cannot resolve {host}: {error[0] if error else 'no address'}")
    out = []
    for family, _, _, _, sockaddr in result:
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        out.append((family, ip))
    return out


def _pick(host: str, port: int, deadline: _Deadline, allow: Collection[str]) -> list[IPAddress]:
    """Every address of ``host``, in the resolver's order, once all of them passed the check."""
    addrs = _resolve(host, port, deadline)
    # every address must pass: otherwise a name with one public and one private address could
    # reach the private one through a retry or another client library's choice
    for _, ip in addrs:
        if not is_public(ip) and str(ip) not in allow:
            raise FetchError(f"{host} resolves to a non-public address ({ip})")
    return list(dict.fromkeys(ip for _, ip in addrs))


def _connect(ips: list[IPAddress], port: int, deadline: _Deadline) -> socket.socket:
    """A connection to the first checked address that answers (an IPv6 address first in the
    list must not fail the fetch on a host without IPv6)."""
    error: OSError | None = None
    for ip in ips:
        try:
            sock = socket.create_connection((str(ip), port), timeout=deadline.left())
        except OSError as e:
            error = e
            continue
        deadline.watch(sock)
        return sock
    raise error or FetchError("no address to connect to")


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to an already-checked address; Host header stays the name in the URL."""

    pinned: socket.socket

    def __init__(self, host: str, port: int, ips: list[IPAddress], deadline: _Deadline):
        super().__init__(host, port, timeout=deadline.left())
        self._ips, self._deadline = ips, deadline

    def connect(self) -> None:
        self.sock = self.pinned = _connect(self._ips, self.port, self._deadline)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an already-checked address; SNI and certificate checked against the URL's name."""

    pinned: socket.socket

    def __init__(self, host: str, port: int, ips: list[IPAddress], deadline: _Deadline):
        super().__init__(host, port, timeout=deadline.left(), context=ssl.create_default_context())
        self._ips, self._deadline = ips, deadline

    def connect(self) -> None:
        raw = _connect(self._ips, self.port, self._deadline)
        # the handshake comes after the watchdog holds the TLS socket (wrapping detaches ``raw``)
        tls = self._context.wrap_socket(raw, server_hostname=self.host, do_handshake_on_connect=False)  # type: ignore[attr-defined]
        self._deadline.watch(tls)
        tls.do_handshake()
        self.sock = self.pinned = tls


def _content_type(value: str) -> tuple[str, str]:
    msg = Message()
    msg["content-type"] = value or "application/octet-stream"
    return msg.get_content_type(), str(msg.get_param("charset") or "").strip()


def _read_body(resp: http.client.HTTPResponse, max_bytes: int, deadline: _Deadline, sock: socket.socket) -> bytes:
    length = resp.getheader("content-length")
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise FetchError(f"body of {length} bytes is over the {max_bytes} byte limit")
    encoding = (resp.getheader("content-encoding") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(47 if encoding != "deflate" else 15)  # 47: gzip or zlib header
    elif encoding == "identity":
        inflater = None
    else:
        raise FetchError(f"unsupported content encoding {encoding!r}")
    parts: list[bytes] = []
    size = 0
    while True:
        sock.settimeout(deadline.left())
        # read1: at most one read from the socket, so the budget is checked between every chunk
        chunk = resp.read1(_CHUNK)
        if not chunk:
            break
        if inflater is not None:
            chunk = inflater.decompress(chunk, max_bytes + 1 - size)
            if inflater.unconsumed_tail:  # more output than the cap allows: a bomb or just too big
                raise FetchError("decompressed body over the limit")
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"body over the {max_bytes} byte limit")
        parts.append(chunk)
    deadline.left()  # a body that ended because the watchdog shut the socket is not a page
    return b"".join(parts)


def fetch(
    url: str,
    *,
    max_bytes: int = MAX_FETCH_BYTES,
    seconds: float = FETCH_SECONDS,
    max_redirects: int = MAX_REDIRECTS,
    allow_addresses: Collection[str] = (),
    on_hop: Callable[[str], None] | None = None,
) -> Fetched:
    """GET ``url`` under the rules in this module's docstring.

    ``allow_addresses`` is for tests only (a local server on 127.0.0.1 that exercises the time,
    size and redirect limits); the desk never passes it. Raises :class:`FetchError`.
    """
    deadline = _Deadline(seconds)
    try:
        for _ in range(max_redirects + 1):
            if on_hop is not None:
                on_hop(url)
            location, result = _one_hop(url, max_bytes, deadline, allow_addresses)
            if result is not None:
                return result
            url = urljoin(url, location)
        raise FetchError(f"more than {max_redirects} redirects")
    except FetchError:
        raise
    except (OSError, http.client.HTTPException, ValueError, zlib.error) as e:
        raise FetchError(f"{type(e).__name__}: {e}") from None
    finally:
        deadline.cancel()


def _one_hop(url: str, max_bytes: int, deadline: _Deadline, allow: Collection[str]) -> tuple[str, Fetched | None]:
    """One request: (redirect location, None) for a redirect, else ("", the fetched page)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url[:100]!r}")
    if parts.username or parts.password:
        raise FetchError("URLs with a user name or password are not fetched")
    host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    ips = _pick(host, port, deadline, allow)
    conn = (_PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP)(host, port, ips, deadline)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"})
        resp = conn.getresponse()
        if resp.status in (301, 302, 303, 307, 308):
            location = resp.getheader("location") or ""
            if not location:
                raise FetchError(f"redirect {resp.status} without a location")
            return location, None
        if resp.status != 200:
            raise FetchError(f"HTTP status {resp.status}")
        # conn.sock is already None when the server closes after this response; the socket lives on
        data = _read_body(resp, max_bytes, deadline, conn.pinned)
        ctype, charset = _content_type(resp.getheader("content-type") or "")
        return "", Fetched(url, data, ctype, charset)
    finally:
        deadline.watch(None)
        conn.close()
