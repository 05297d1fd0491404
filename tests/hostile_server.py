"""A hostile HTTP server for tests: one loopback port per way a server can try to hang golive,
flood its memory or fool it.

Plain asyncio in a thread of its own. Every behaviour listens on its own port; `url(name)` is the
base URL to point a session at. The server is bounded: a trickle ends after `TRICKLE_LIMIT_S`, a
flood after `FLOOD_BYTES`, and the whole server stops by itself after `lifetime_s` even if a test
forgets to close it.

Behaviours (`BEHAVIOURS`):
- no_tls: accepts TCP and never says a word (point an https:// URL at it);
- trickle_headers: a status line, then the headers a byte every half second;
- trickle_body: whole headers announcing a body, then the body a byte every half second;
- gzip_bomb: a small gzip body that decompresses to `BOMB_BYTES` of zeros;
- huge_body: a 50 MB answer with no Content-Length (chunked), so only counting stops it;
- huge_declared: a Content-Length of 50 MB announced up front;
- deep_json: JSON nested 100 000 levels deep;
- redirect: 302 to a login page;
- garbage: bytes that are not JSON, with terminal escapes and a bidi override among them;
- nan_token: a sane /ping, then a token answer whose expires_in is NaN;
- hostile_errors: 403 with an error body whose code and message carry escapes and bidi overrides.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import zlib
from collections.abc import Awaitable, Callable
from types import TracebackType

TRICKLE_INTERVAL_S = 0.5
TRICKLE_LIMIT_S = 60.0
FLOOD_BYTES = 50 * 1024 * 1024
BOMB_BYTES = 200 * 1024 * 1024
DEEP_LEVELS = 100_000
HOSTILE_TEXT = "\x1b[2J\x1b]0;pwned\x07\u202egnp.exe\u2066\r"

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, str], Awaitable[None]]


def _gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(BOMB_BYTES // len(zeros))]
    parts.append(packer.flush())
    return b"".join(parts)


def _head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode("latin-1")


async def _answer(
    writer: asyncio.StreamWriter, status: str, body: bytes, content_type: str = "application/json"
) -> None:
    writer.write(
        _head(
            status,
            {
                "Content-Type": content_type,
                "Content-Length": str(len(body)),
                "Connection": "close",
            },
        )
        + body
    )
    await writer.drain()


async def _trickle(writer: asyncio.StreamWriter, data: bytes) -> None:
    loop = asyncio.get_running_loop()
    ends = loop.time() + TRICKLE_LIMIT_S
    for index in range(len(data)):
        if loop.time() > ends:
            return
        writer.write(data[index : index + 1])
        await writer.drain()
        await asyncio.sleep(TRICKLE_INTERVAL_S)


class HostileServer:
    """Every behaviour on a loopback port of its own, served from a background thread."""

    def __init__(self, *, lifetime_s: float = 300.0) -> None:
        self.lifetime_s = lifetime_s
        self.ports: dict[str, int] = {}
        self.requests: dict[str, int] = {}
        self._bomb = _gzip_bomb()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="hostile-server", daemon=True)
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._handlers: dict[str, Handler] = {
            "no_tls": self._no_tls,
            "trickle_headers": self._trickle_headers,
            "trickle_body": self._trickle_body,
            "gzip_bomb": self._gzip_bomb,
            "huge_body": self._huge_body,
            "huge_declared": self._huge_declared,
            "deep_json": self._deep_json,
            "redirect": self._redirect,
            "garbage": self._garbage,
            "nan_token": self._nan_token,
            "hostile_errors": self._hostile_errors,
        }

    @property
    def bomb_size(self) -> int:
        return len(self._bomb)

    def url(self, behaviour: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.ports[behaviour]}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the hostile server did not start")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        stop = self._stop
        if stop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(stop.set)
        self._thread.join(30)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        servers = []
        for name, handler in self._handlers.items():
            server = await asyncio.start_server(self._connection(name, handler), "127.0.0.1", 0)
            self.ports[name] = server.sockets[0].getsockname()[1]
            servers.append(server)
        self._ready.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.lifetime_s):
                await self._stop.wait()
        for server in servers:
            server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _connection(
        self, name: str, handler: Handler
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                path = "" if name == "no_tls" else await self._request_path(reader)
                self.requests[name] = self.requests.get(name, 0) + 1
                await handler(reader, writer, path)
            except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                pass
            except asyncio.CancelledError:
                pass  # the server is stopping: end quietly
            finally:
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()

        return serve

    @staticmethod
    async def _request_path(reader: asyncio.StreamReader) -> str:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        length = 0
        for line in lines[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == "content-length" and value.strip().isdigit():
                length = min(int(value.strip()), 1024 * 1024)
        if length:
            await reader.readexactly(length)
        parts = lines[0].split(" ")
        return parts[1] if len(parts) > 1 else "/"

    # --- the behaviours -------------------------------------------------------------------------

    async def _no_tls(
        self, reader: asyncio.StreamReader, _w: asyncio.StreamWriter, _p: str
    ) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(TRICKLE_LIMIT_S):
                while await reader.read(4096):
                    pass  # swallow the ClientHello, say nothing

    async def _trickle_headers(
        self, _r: asyncio.StreamReader, w: asyncio.StreamWriter, _p: str
    ) -> None:
        w.write(b"HTTP/1.1 200 OK\r\n")
        await _trickle(w, b"Content-Type: application/json\r\n" + b"X-Slow: " + b"a" * 4000)

    async def _trickle_body(
        self, _r: asyncio.StreamReader, w: asyncio.StreamWriter, _p: str
    ) -> None:
        body = b'{"status": "' + b"a" * 4000 + b'"}'
        w.write(
            _head("200 OK", {"Content-Type": "application/json", "Content-Length": str(len(body))})
        )
        await _trickle(w, body)

    async def _gzip_bomb(self, _r: asyncio.StreamReader, w: asyncio.StreamWriter, _p: str) -> None:
        w.write(
            _head(
                "200 OK",
                {
                    "Content-Type": "application/json",
                    "Content-Encoding": "gzip",
                    "Content-Length": str(len(self._bomb)),
                    "Connection": "close",
                },
            )
        )
        for start in range(0, len(self._bomb), 64 * 1024):
            w.write(self._bomb[start : start + 64 * 1024])
            await w.drain()

    async def _huge_body(self, _r: asyncio.StreamReader, w: asyncio.StreamWriter, _p: str) -> None:
        w.write(
            _head(
                "200 OK",
                {
                    "Content-Type": "application/json",
                    "Transfer-Encoding": "chunked",
                    "Connection": "close",
                },
            )
        )
        chunk = b" " * (64 * 1024)
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        for _ in range(FLOOD_BYTES // len(chunk)):
            w.write(framed)
            await w.drain()
        w.write(b"0\r\n\r\n")
        await w.drain()

    async def _huge_declared(
        self, _r: asyncio.StreamReader, w: asyncio.StreamWriter, _p: str
    ) -> None:
        w.write(
            _head(
                "200 OK",
                {
                    "Content-Type": "application/json",
                    "Content-Length": str(FLOOD_BYTES),
                    "Connection": "close",
                },
            )
        )
        chunk = b" " * (64 * 1024)
        for _ in range(FLOOD_BYTES // len(chunk)):
            w.write(chunk)
            await w.drain()

    async def _deep_json(self, _r: asyncio.StreamReader, w: asyncio.StreamWriter, _p: str) -> None:
        await _answer(w, "200 OK", b"[" * DEEP_LEVELS + b"]" * DEEP_LEVELS)

    async def _redirect(self, _r: asyncio.StreamReader, w: asyncio.StreamWriter, _p: str) -> None:
        w.write(
            _head(
                "302 Found",
                {
                    "Location": "https://login.example.com/sso?next=%2Foauth2",
                    "Content-Length": "0",
                    "Connection": "close",
                },
            )
        )
        await w.drain()

    async def _garbage(self, _r: asyncio.StreamReader, w: asyncio.StreamWriter, _p: str) -> None:
        body = b"\x00\xff<html>" + HOSTILE_TEXT.encode() + b"\x9b31m not json at all"
        await _answer(w, "200 OK", body, content_type="application/json")

    async def _nan_token(
        self, _r: asyncio.StreamReader, w: asyncio.StreamWriter, path: str
    ) -> None:
        if "token" in path:
            body = b'{"access_token": "tok-nan-1", "token_type": "Bearer", "expires_in": NaN}'
        else:
            body = b'{"status": "ok"}'
        await _answer(w, "200 OK", body)

    async def _hostile_errors(
        self, _r: asyncio.StreamReader, w: asyncio.StreamWriter, path: str
    ) -> None:
        if "ping" in path:
            await _answer(w, "200 OK", b'{"status": "ok"}')
            return
        body = json.dumps(
            {"errors": [{"code": "DENIED" + HOSTILE_TEXT, "message": "no" + HOSTILE_TEXT}]}
        ).encode()
        await _answer(w, "403 Forbidden", body)
