"""JSON decoding and compact encoding on the hot paths (pages of replies, jsonl lines).

orjson when it is installed (it is a dependency: 5-10x faster than the stdlib on large
replies, ~1 ms to import); the stdlib otherwise, and as the fallback for what orjson refuses
(integers beyond 64 bits, non-string keys) so behaviour never depends on which one ran.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a declared dependency
    _orjson = None
else:
    # Dates, dataclasses and subclasses go through `default=str` as they do with the stdlib.
    _PASSTHROUGH = (_orjson.OPT_PASSTHROUGH_DATETIME | _orjson.OPT_PASSTHROUGH_DATACLASS
                    | _orjson.OPT_PASSTHROUGH_SUBCLASS)


def loads(data: bytes | str) -> Any:
    """Like json.loads (raises ValueError on bad input)."""
    if _orjson is not None:
        try:
            return _orjson.loads(data)
        except _orjson.JSONDecodeError:
            pass  # the stdlib decides: big integers are fine there, and its error wording is the one we show
    return json.loads(data)


def dumps_compact(obj: Any) -> str:
    """One compact line, exactly json.dumps(obj, separators=(",", ":"), default=str).

    Non-ASCII text is escaped as the stdlib does (a raw U+2028 or U+0085 would split the
    line for many readers), so such a line is left to the stdlib.
    """
    if _orjson is not None:
        try:
            text = _orjson.dumps(obj, default=str, option=_PASSTHROUGH).decode()
        except TypeError:
            pass
        else:
            if text.isascii():
                return text
    return json.dumps(obj, separators=(",", ":"), default=str)


def dumps_lines(items: list[Any]) -> str:
    """The jsonl lines of a page, each exactly `dumps_compact(item) + "\\n"` (one encode and one
    decode for the page instead of one per line)."""
    if _orjson is not None:
        try:
            text = b"".join([_orjson.dumps(item, default=str, option=_PASSTHROUGH | _orjson.OPT_APPEND_NEWLINE)
                             for item in items]).decode()
        except TypeError:
            pass
        else:
            if text.isascii():
                return text
    return "".join(dumps_compact(item) + "\n" for item in items)
