"""The ASGI middleware: prediction ids, trace headers and fields, and a log record per request."""

from __future__ import annotations

import json
import os
import random
import re
import time
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, Awaitable, Callable, MutableMapping

from .client import IngestClient
from .identity import Identity, identity_from_env
from .ids import uuid7
from .redact import Redactor
from .shipper import Shipper
from .spool import Spool

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_TRACE_KEYS = ("prediction_id", "model_version", "run_id", "git_sha")
# JSON responses larger than this pass through as they are, not rewritten (the proxy's limit).
_MAX_INJECT_BYTES = 8 * 1024 * 1024
_JSON_TYPE = re.compile(rb"\bjson\b", re.IGNORECASE)
_QUOTED_TRACE_KEY = re.compile(rb'"(?:prediction_id|model_version|run_id|git_sha)"')
# JSON's whitespace (not Python's: \x0b and \x0c are no part of it).
_SPACE = re.compile(rb"[ \t\r\n]*")
_ID_HEADER = b"x-threadline-prediction-id"


def _default_spool_dir() -> Path:
    home = os.environ.get("THREADLINE_HOME") or ".threadline"
    deployment = re.sub(r"[^A-Za-z0-9_.-]", "_", os.environ.get("THREADLINE_DEPLOYMENT") or "unlinked")
    return Path(os.environ.get("THREADLINE_SPOOL_DIR") or Path(home) / "spool" / deployment)


class ThreadlineMiddleware:
    """
    `app.add_middleware(ThreadlineMiddleware)`: every HTTP response gets `x-threadline-prediction-id`
    (a UUIDv7), `x-threadline-run-id` and `x-threadline-git-sha`; a JSON object response with a
    Content-Length also gets `prediction_id`, `model_version`, `run_id` and `git_sha`, as
    `threadline proxy` adds them. Each request becomes one record, shipped to THREADLINE_URL's
    `POST /api/predictions:batch` from a background thread.

    Options (keyword, or the environment): `server_url` (THREADLINE_URL), `token`
    (THREADLINE_TOKEN), `inject`, `max_body` (THREADLINE_MAX_BODY, default 64 KiB), `sample`
    (THREADLINE_SAMPLE, 0-1: the share of requests whose bodies are logged), `redact`
    (THREADLINE_REDACT, comma-separated keys), `spool_dir` (THREADLINE_SPOOL_DIR), `identity`,
    `untraced` (GET paths passed through unlogged, default `/health`), `retry_interval` and
    `max_retry_interval` (how often an unreachable server is retried, and the most a refusing one
    is backed off to), and `shipper` (to share one between apps, or for tests). `health()` says
    where the records stand (Shipper.health).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        server_url: str | None = None,
        token: str | None = None,
        inject: bool = True,
        max_body: int | None = None,
        sample: float | None = None,
        redact: list[str] | tuple[str, ...] | None = None,
        spool_dir: str | os.PathLike[str] | None = None,
        identity: Identity | None = None,
        shipper: Shipper | None = None,
        flush_interval: float = 0.05,
        queue_capacity: int = 10_000,
        retry_interval: float = 1.0,
        max_retry_interval: float = 60.0,
        untraced: tuple[str, ...] = ("/health",),
    ) -> None:
        self.app = app
        self.untraced = frozenset(untraced)
        self.identity = identity or identity_from_env()
        self.inject = inject
        self.cap = int(os.environ.get("THREADLINE_MAX_BODY", 64 * 1024)) if max_body is None else max_body
        self.sample = float(os.environ.get("THREADLINE_SAMPLE", 1)) if sample is None else sample
        if not 0 <= self.sample <= 1:
            raise ValueError(f"sample must be 0-1, got {self.sample}")
        self.redactor = Redactor(redact) if redact is not None else Redactor.from_env()
        ident = self.identity
        self._stamp: list[tuple[bytes, bytes]] = []
        if ident.run_id:
            self._stamp.append((b"x-threadline-run-id", ident.run_id.encode("latin-1")))
        if ident.git_sha:
            self._stamp.append((b"x-threadline-git-sha", ident.git_sha.encode("latin-1")))
        dump = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731 - JSON.stringify's output
        self._trace_tail = f',"model_version":{dump(ident.model_version)},"run_id":{dump(ident.run_id)},"git_sha":{dump(ident.git_sha)}}}'.encode()
        # The identity's part of every log record, serialised once.
        self._record_tail = (
            f',"deployment_id":{dump(ident.deployment_id)},"model_name":{dump(ident.model_name)},"model_version":{dump(ident.model_version)},'
            f'"run_id":{dump(ident.run_id)},"git_sha":{dump(ident.git_sha)}}}'
        )
        if shipper is None:
            url = server_url or os.environ.get("THREADLINE_URL")
            if not url:
                raise ValueError("ThreadlineMiddleware needs the Threadline server: set THREADLINE_URL or pass server_url=")
            client = IngestClient(url, token or os.environ.get("THREADLINE_TOKEN"))
            shipper = Shipper(client.send, Spool(spool_dir or _default_spool_dir()), self.encode, queue_capacity, flush_interval, retry_interval, max_retry_interval)
        self.shipper = shipper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Health probes are not predictions (the proxy answers /health itself, unlogged).
        if scope["type"] != "http" or (scope["path"] in self.untraced and scope.get("method") == "GET"):
            await self.app(scope, receive, send)
            return
        exchange = _Exchange(self, scope, receive, send)
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except BaseException as error:
            exchange.failed(error)
            raise
        finally:
            exchange.log()

    def health(self) -> dict[str, Any]:
        """`ok`, `degraded` or `refused` (a bad token, a wrong URL), with the last error and the counters: Shipper.health."""
        return self.shipper.health()

    def injected(self, body: bytes, prediction_id: str) -> bytes:
        """
        The body with the trace fields when it is a JSON object, spliced in before the last brace;
        else the same bytes. The body is the app's JSON (its Content-Type says so), so it is not
        parsed: an object is a body that starts with `{` and ends with `}` (JSON whitespace
        around them), as the Fastify plugin reads its payload; only one that may already hold a
        trace key is parsed, and rebuilt with the traced values.
        """
        if body[:1] == b"{" and body[-1:] == b"}":
            # What json.dumps (FastAPI, Starlette) writes: no whitespace around the object.
            start, close = 0, len(body) - 1
        else:
            close = body.rfind(b"}")
            start = _SPACE.match(body).end()  # type: ignore[union-attr] - `*` always matches
            if close < 0 or start >= close or body[start] != 0x7B or _SPACE.match(body, close + 1).end() != len(body):  # type: ignore[union-attr]
                return body
        if _QUOTED_TRACE_KEY.search(body) is not None:
            return self._rebuilt(body, prediction_id)
        empty = close == start + 1 or _SPACE.match(body, start + 1).end() == close  # type: ignore[union-attr]
        return body[:close] + (b'"prediction_id":"' if empty else b',"prediction_id":"') + prediction_id.encode() + b'"' + self._trace_tail

    def _rebuilt(self, body: bytes, prediction_id: str) -> bytes:
        try:
            value = json.loads(body)
        except ValueError:
            return body
        if not isinstance(value, dict):
            return body
        ident = self.identity
        merged = {**value, "prediction_id": prediction_id, "model_version": ident.model_version, "run_id": ident.run_id, "git_sha": ident.git_sha}
        return json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode()

    def encode(self, record: tuple[Any, ...]) -> bytes:
        """
        Run on the shipper thread: one exchange's record as its NDJSON line, body bytes decoded
        and redacted, the identity's fields appended as serialised once (json.dumps's output).
        """
        prediction_id, at, method, path, status, latency, request, request_cut, response, response_cut, error = record
        redactor = self.redactor
        request_text = _text(request, redactor)
        response_text = _text(response, redactor)
        return (
            f'{{"prediction_id":"{prediction_id}","time":{at},"method":{encode_basestring(method)},"path":{encode_basestring(redactor.path(path))},'
            f'"status":{status},"latency_ms":{latency!r},"request_body":{"null" if request_text is None else encode_basestring(request_text)},'
            f'"response_body":{"null" if response_text is None else encode_basestring(response_text)},"truncated":{"true" if request_cut or response_cut else "false"},'
            f'"error":{"null" if error is None else encode_basestring(error)}{self._record_tail}'
        ).encode()


def _text(body: bytes | None, redactor: Redactor) -> str | None:
    """What the log keeps of a captured body: its text (a character cut at the cap replaced), redacted; None when empty."""
    if not body:
        return None
    return redactor.text(body.decode("utf-8", errors="replace"))


class _Exchange:
    """One request through the middleware: what it needs of the request, its captures, and the one record it becomes."""

    __slots__ = ("m", "scope", "_receive", "_send", "id", "started", "time", "status", "error", "sampled", "request", "request_room", "request_cut", "response", "response_cut", "held", "collected", "done")

    def __init__(self, middleware: ThreadlineMiddleware, scope: Scope, receive: Receive, send: Send) -> None:
        self.m = middleware
        self.scope = scope
        self._receive = receive
        self._send = send
        self.id = uuid7()
        self.started = time.perf_counter()
        self.time = time.time_ns() // 1_000_000
        self.status = 0
        self.error: str | None = None
        # The bodies kept for the log, up to the cap, when this request is sampled.
        sample = middleware.sample
        self.sampled = sample >= 1 or random.random() < sample
        self.request_room = middleware.cap
        self.request: bytes | None = None
        self.request_cut = False
        self.response: bytes | None = None
        self.response_cut = False
        self.held: Message | None = None
        self.collected: list[bytes] | None = None
        self.done = False

    async def receive(self) -> Message:
        message = await self._receive()
        kind = message["type"]
        if kind == "http.request":
            if self.sampled:
                room = self.request_room
                body = message.get("body", b"")
                if body:
                    if len(body) > room:
                        body = body[:room]
                        self.request_cut = True
                    if body:
                        self.request = body if self.request is None else self.request + body
                        self.request_room = room - len(body)
        elif kind == "http.disconnect" and not self.done and self.error is None:
            self.error = "client closed the connection before the response ended"
        return message

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            if self._injectable(message.get("headers", ())):
                # The headers are written with the body, once its new length is known.
                self.held = message
                self.collected = []
                return
            await self._send({**message, "headers": [*message.get("headers", ()), (_ID_HEADER, self.id.encode()), *self.m._stamp]})
        elif kind == "http.response.body":
            more = message.get("more_body", False)
            if self.collected is not None:
                self.collected.append(message.get("body", b""))
                if more:
                    return
                await self._send_injected()
                return
            if self.sampled:
                self._keep_response(message.get("body", b""))
            await self._send(message)
            if not more:
                self.done = True
        else:
            await self._send(message)

    def _keep_response(self, body: bytes) -> None:
        if not body:
            return
        kept = self.response
        room = self.m.cap - (0 if kept is None else len(kept))
        if len(body) > room:
            self.response_cut = True
            body = body[: max(room, 0)]
            if not body:
                return
        self.response = body if kept is None else kept + body

    def _injectable(self, headers: Any) -> bool:
        if not self.m.inject or self.scope.get("method") == "HEAD":
            return False
        length = kind = encoding = None
        for name, value in headers:
            lower = name.lower()
            if lower == b"content-length":
                length = value
            elif lower == b"content-type":
                kind = value
            elif lower == b"content-encoding":
                encoding = value
        return length is not None and length.strip().isdigit() and int(length) <= _MAX_INJECT_BYTES and (not encoding or encoding == b"identity") and kind is not None and _JSON_TYPE.search(kind) is not None

    async def _send_injected(self) -> None:
        chunks = self.collected or []
        original = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        out = self.m.injected(original, self.id)
        held = self.held or {}
        headers = held.get("headers", ())
        if out is not original:
            length = str(len(out)).encode()
            headers = [(n, length) if n.lower() == b"content-length" else (n, v) for n, v in headers]
        start = {**held, "headers": [*headers, (_ID_HEADER, self.id.encode()), *self.m._stamp]}
        if self.sampled:
            self._keep_response(out)
        self.collected = None
        await self._send(start)
        await self._send({"type": "http.response.body", "body": out, "more_body": False})
        self.done = True

    def failed(self, error: BaseException) -> None:
        self.error = f"the app raised {type(error).__name__}: {error}"[:4096]
        if self.status == 0 or not self.done:
            self.status = self.status or 500

    def log(self) -> None:
        scope = self.scope
        query = scope.get("query_string")
        path = scope.get("path", "/")
        if query:
            path = f"{path}?{query.decode('latin-1')}"
        if not self.done and self.error is None:
            self.error = "the response did not end"
        self.m.shipper.log(
            (self.id, self.time, scope.get("method", "GET"), path[:2048], self.status, round((time.perf_counter() - self.started) * 1000, 3),
             self.request, self.request_cut, self.response, self.response_cut, self.error)
        )
