"""Secrets out of everything avictl logs or shows: headers, bodies, texts (used by the transport's
-v/--debug logging, the journal and error messages)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-csrftoken", "proxy-authorization",
                            "x-auth-token", "x-avi-authtoken"})
SECRET_KEYS = re.compile(r"pass(word|wd)?|secret|token|csrf|session|cookie|credential|private|jwt|authorization",
                         re.IGNORECASE)
REDACTED = "***"
BODY_LOG_LIMIT = 4096


class Redactor:
    """Removes secrets from anything that is about to be logged or shown."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._secrets: set[str] = set()
        for s in secrets:
            self.add(s)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 3:
            self._secrets.add(secret)

    def text(self, text: str) -> str:
        for s in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(s, REDACTED)
        return text

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(k, REDACTED if k.lower() in SECRET_HEADERS else self.text(v)) for k, v in headers]

    def body(self, raw: bytes | str | None, content_type: str = "") -> str:
        if not raw:
            return ""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        if "json" in content_type or text[:1] in "{[":
            try:
                text = json.dumps(redact_data(json.loads(text)), indent=None)
            except ValueError:
                pass
        elif "x-www-form-urlencoded" in content_type:
            text = re.sub(r"((?:^|&)[^=&]*(?:pass|token|secret)[^=&]*=)[^&]*", r"\1" + REDACTED, text, flags=re.I)
        text = self.text(text)
        return text if len(text) <= BODY_LOG_LIMIT else text[:BODY_LOG_LIMIT] + f"… ({len(text)} chars)"


def redact_data(data: Any) -> Any:
    """A copy of JSON-like data with the values of secret-looking keys replaced."""
    if isinstance(data, dict):
        return {k: (REDACTED if isinstance(k, str) and SECRET_KEYS.search(k) and v not in (None, "", [], {})
                    and not isinstance(v, (bool, dict, list)) else redact_data(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [redact_data(v) for v in data]
    return data
