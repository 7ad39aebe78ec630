"""A controller write (`avictl api POST|PUT|PATCH|DELETE`) as one journal entry (SPEC.md §12).

The object is read first (its `before`), the write sent under an open entry, and the reply
kept as its `after`; the transport refuses the write without that entry.
"""

from __future__ import annotations

import re
from typing import Any

from ..http import json_or_none
from ..results import Result


def journaled_write(client: Any, method: str, path: str, params: Any, json_body: Any, content: bytes | None,
                    tenant: str | None) -> Result[Any]:
    """A write as one journal entry: the object as it was (read first) and as the reply says it is."""
    from ..journal import unjournaled

    journal = client.session.opts.journal
    if journal is None:
        raise unjournaled("avi", f"{method} {path}")
    body = json_body
    if body is None and content:
        try:
            import json

            body = json.loads(content)
        except ValueError:
            body = None
    before = None
    if method in ("PUT", "PATCH", "DELETE") and re.fullmatch(r"/api/[a-z0-9-]+/[^/]+", path):
        response = client.session.send("GET", path, tenant=tenant)
        if response.status_code < 400 and response.content:
            before = json_or_none(response)
        response.close()
    action = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(method, method.lower())
    with journal.change("avi", avi_object(path, body, before), action, before=before,
                        after=None if method == "DELETE" else body,
                        target={"path": path, "tenant": tenant or client.session.tenant,
                                "method": method}) as entry:
        result = client._raw(method, path, params, json_body, content, tenant)
        if method != "DELETE":
            entry.after = result.value if isinstance(result.value, (dict, list)) else body
        return result


def avi_object(path: str, body: Any, before: Any) -> str:
    """`avi pool web-pool`: the journal's name for the object at `path` (by name when known)."""
    m = re.fullmatch(r"/api/([a-z0-9-]+)(?:/([^/?]+))?(/.*)?", path)
    if not m:
        return f"avi {path}"
    collection, uuid, rest = m.groups()
    name = next((d.get("name") for d in (before, body) if isinstance(d, dict) and isinstance(d.get("name"), str)),
                None)
    text = f"avi {collection} {name or uuid or ''}".rstrip()
    return text + (rest or "")
