"""The bulk ingest endpoint of a Threadline server, over one kept-alive connection."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit


class IngestRefused(Exception):
    """
    The server answered, and will not take batches as things are configured (a 4xx other than
    408/429: 401 a bad token, 403 a token without write access, 404 a wrong URL). The message names
    the URL, the status and the server's error, never the token.
    """

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class IngestClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 5.0) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"THREADLINE_URL must be an http(s) URL, got {base_url!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = f"{parts.path}/api/predictions:batch"
        # What a log line may name: no user info, no query.
        port = f":{parts.port}" if parts.port else ""
        self.where = f"{parts.scheme}://{parts.hostname}{port}{self._path}"
        self._token = token
        self._timeout = timeout
        self._headers = {"content-type": "application/x-ndjson"}
        if token:
            self._headers["authorization"] = f"Bearer {token}"
        self._connection: http.client.HTTPConnection | None = None

    def send(self, ndjson: bytes) -> dict[str, object]:
        """Posts one batch; raises OSError (or http.client errors) when the server cannot be reached or fails."""
        connection = self._connection or self._connect()
        try:
            connection.request("POST", self._path, body=ndjson, headers=self._headers)
            response = connection.getresponse()
            body = response.read()
        except Exception:
            self.close()
            raise
        if response.status == 202:
            return json.loads(body)
        if 400 <= response.status < 500 and response.status not in (408, 429):
            hint = " (check the token: THREADLINE_TOKEN)" if response.status in (401, 403) else " (check the server URL: THREADLINE_URL)" if response.status == 404 else ""
            raise IngestRefused(f"{self.where} answered {response.status}{self._reason(body)}{hint}", response.status)
        raise OSError(f"ingest answered {response.status}{self._reason(body)}")

    def _reason(self, body: bytes) -> str:
        """The server's `{error_code, message}` as `: CODE: message`, short, and never with the token in it."""
        said = body[:300].decode("utf-8", "replace")
        try:
            value = json.loads(body)
            if isinstance(value, dict) and (isinstance(value.get("error_code"), str) or isinstance(value.get("message"), str)):
                said = ": ".join(v for v in (value.get("error_code"), value.get("message")) if isinstance(v, str))
        except ValueError:
            pass
        if self._token:
            said = said.replace(self._token, "[REDACTED]")
        said = " ".join(said.split())[:300]
        return f": {said}" if said else ""

    def _connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        self._connection = kind(self._host, self._port, timeout=self._timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
