"""What the log keeps of a body: cut at the cap, secret values replaced, as `threadline proxy --redact` does."""

from __future__ import annotations

import json
import os
import re
from typing import Any, Iterable

REDACTED = "[REDACTED]"
_MAX_NESTED_JSON = 3
_MAX_NESTED_JSON_LENGTH = 256 * 1024

# The secret-name patterns of src/capture/secret-names.ts (the proxy's), one alternation.
_SECRET_NAME = re.compile(
    r"PASS|PWD|(?:^|[^a-z0-9])PAT(?:$|[^a-z0-9])|TOKEN(?!S|IZ)|SECRET|KEY|CREDENTIAL|WEBHOOK|"
    r"(?:^|[^a-z0-9])DSN(?:$|[^a-z0-9])|AUTH(?!OR(?!I[SZ]))|PRIVATE|COOKIE|CONN(?:ECTION)?_?STR|"
    r"(?:^|[^a-z0-9])SAS(?:$|[^a-z0-9])",
    re.IGNORECASE,
)
_NOT_SECRET = {"PWD", "OLDPWD"}
# Secrets recognised by shape anywhere in the text: URL user-info and common token prefixes.
_SHAPES = re.compile(
    r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"
    r"|\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
    r"|(?<=Bearer )[A-Za-z0-9._~+/-]{16,}=*"
)
_KEY_IN_TEXT = re.compile(r'(\\*")([^"\\]{1,128})\\*"\s*:\s*')
_VALUE_IN_TEXT = re.compile(r'\\*"(?:[^"\\]|\\+[^"\\])*(?:\\*")?|[^,}\]\s]*')
_QUERY_PAIR = re.compile(r"(^|[?&;])([^=&;#]{1,128})=([^&;#]*)")


def is_secret_name(name: str) -> bool:
    bare = name.lstrip("-")
    return bare.upper() not in _NOT_SECRET and _SECRET_NAME.search(bare) is not None


class Redactor:
    """Values of the named keys (any case) and of secret-named keys, at any depth; nothing when no keys are named."""

    def __init__(self, fields: Iterable[str] = ()) -> None:
        self.fields = frozenset(f.lower() for f in fields if f)
        self.active = len(self.fields) > 0

    @classmethod
    def from_env(cls) -> "Redactor":
        return cls(f.strip() for f in os.environ.get("THREADLINE_REDACT", "").split(","))

    def is_redacted(self, key: str) -> bool:
        return key.lower() in self.fields or is_secret_name(key)

    def text(self, text: str) -> str:
        if not self.active:
            return text
        try:
            return json.dumps(self._value(json.loads(text), 0), ensure_ascii=False, separators=(",", ":"))
        except ValueError:
            return _SHAPES.sub("***", self._query(self._key_values(text)))

    def path(self, path: str) -> str:
        if not self.active or "?" not in path:
            return path
        q = path.index("?")
        return path[:q] + _SHAPES.sub("***", self._query(path[q:]))

    def _key_values(self, text: str) -> str:
        out, pos = [], 0
        search_at = 0
        while True:
            m = _KEY_IN_TEXT.search(text, search_at)
            if m is None:
                break
            search_at = m.end()
            if not self.is_redacted(m.group(2)):
                continue
            value = _VALUE_IN_TEXT.match(text, m.end())
            end = value.end() if value else m.end()
            out.append(text[pos : m.end()] + m.group(1) + REDACTED + m.group(1))
            pos = search_at = end
        out.append(text[pos:])
        return "".join(out)

    def _query(self, text: str) -> str:
        def pair(m: re.Match[str]) -> str:
            from urllib.parse import unquote_plus

            return f"{m.group(1)}{m.group(2)}={REDACTED}" if self.is_redacted(unquote_plus(m.group(2))) else m.group(0)

        return _QUERY_PAIR.sub(pair, text)

    def _value(self, value: Any, nesting: int) -> Any:
        if isinstance(value, str):
            return self._string(value, nesting)
        if isinstance(value, list):
            return [self._value(v, nesting) for v in value]
        if isinstance(value, dict):
            return {k: REDACTED if self.is_redacted(k) else self._value(v, nesting) for k, v in value.items()}
        return value

    def _string(self, text: str, nesting: int) -> str:
        trimmed = text.strip()
        if nesting < _MAX_NESTED_JSON and len(text) <= _MAX_NESTED_JSON_LENGTH and trimmed[:1] in "{[" and trimmed[-1:] in "}]" and trimmed:
            try:
                return json.dumps(self._value(json.loads(trimmed), nesting + 1), ensure_ascii=False, separators=(",", ":"))
            except ValueError:
                pass
        return _SHAPES.sub("***", self._query(text))


class BodyCapture:
    """Keeps the first `cap` bytes of a body while all of it passes on."""

    __slots__ = ("cap", "chunks", "size", "truncated")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.chunks: list[bytes] = []
        self.size = 0
        self.truncated = False

    def add(self, chunk: bytes) -> None:
        if not chunk:
            return
        room = self.cap - self.size
        if room <= 0:
            self.truncated = True
            return
        part = chunk if len(chunk) <= room else chunk[:room]
        if len(part) < len(chunk):
            self.truncated = True
        self.chunks.append(part)
        self.size += len(part)

    def text(self, redactor: Redactor) -> str | None:
        if self.size == 0:
            return None
        raw = self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)
        return redactor.text(raw.decode("utf-8", errors="replace"))
