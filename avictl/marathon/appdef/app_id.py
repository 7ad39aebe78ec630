"""Marathon app ids: the rule for a valid id, and `AppId`, an id checked once where it enters.

Marathon app ids are paths of segments (`/group/app`): lowercase letters, digits, `-` and
`.`: dot-separated labels, none starting or ending with `-` (PathId.scala); `app` and `/app` name the same app. An `AppId` is
validated and absolute ('/web' for 'web'); it is made where an id enters avictl (an argument,
a definition's "id") and passed down as is, so the clients and ops below never check it again.
"""

from __future__ import annotations

import re
from typing import Any

from ...errors import UsageError
from .types import type_name

# PathId.scala's ID_PATH_SEGMENT_PATTERN (1.x; the same regex as 0.9.2's idErrors): each segment
# is dot-separated DNS labels, so `a..b`, `a.-b` and `a-.b` are refused
_LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
ID_SEGMENT = re.compile(rf"^{_LABEL}(\.{_LABEL})*$")


def check_app_id(app_id: Any) -> str | None:
    """Why `app_id` is not a valid Marathon app id, or None when it is."""
    if not isinstance(app_id, str):
        return f"must be a string, not {type_name(app_id)}"
    if not app_id or app_id == "/":
        return "must not be empty"
    body = app_id[1:] if app_id.startswith("/") else app_id
    for seg in body.split("/"):
        if seg == "":
            return f"{app_id!r}: empty path segment (double or trailing '/')"
        if seg in (".", ".."):
            return f"{app_id!r}: relative segment {seg!r} is not allowed in an app id"
        if not ID_SEGMENT.match(seg):
            if seg.lower() != seg and ID_SEGMENT.match(seg.lower()):
                return f"{app_id!r}: upper-case letters are not allowed (use {app_id.lower()!r})"
            return (f"{app_id!r}: segment {seg!r} must be dot-separated labels of lowercase letters, digits "
                    "and '-' (no label starts or ends with '-', no empty label)")
    return None



class AppId(str):
    """A valid Marathon app id in absolute form; `AppId("web") == "/web"`.

    `AppId(text)` raises UsageError (exit 2) for an invalid id; `AppId(app_id)` of an AppId is
    that same object, so a function may accept either without validating twice.
    """

    __slots__ = ()

    def __new__(cls, text: Any) -> AppId:
        if type(text) is cls:
            return text
        problem = check_app_id(text)
        if problem:
            raise UsageError(f"invalid app id: {problem}")
        return super().__new__(cls, text if text.startswith("/") else "/" + text)

    def __repr__(self) -> str:
        return f"AppId({str(self)!r})"
