"""The bulk ingest endpoint of a Threadline server, over one kept-alive connection."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit


class IngestRefused(Exception):
    """The server answered, and will not take this batch as it is (4xx other than 408/429)."""


class IngestClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 5.0) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"THREADLINE_URL must be an http(s) URL, got {base_url!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = f"{parts.path}/api/predictions:batch"
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
            raise IngestRefused(f"{response.status} {body[:300].decode('utf-8', 'replace')}")
        raise OSError(f"ingest answered {response.status}")

    def _connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        self._connection = kind(self._host, self._port, timeout=self._timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
