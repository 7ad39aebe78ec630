"""`avictl api METHOD PATH`: an authenticated controller call, the JSON reply printed (like `gh api`)."""

from __future__ import annotations

import typer

from .. import errors
from ._common import read_input, state
from ._options import TENANT

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def register(root: typer.Typer) -> None:
    root.command("api")(api)


def api(
    method: str = typer.Argument(..., metavar="METHOD", help="GET, POST, PUT, PATCH or DELETE."),
    path: str = typer.Argument(..., metavar="PATH", help="/api/virtualservice, virtualservice?name=x, ..."),
    data: str = typer.Option(None, "--data", "-d", metavar="FILE|-", help="JSON request body from FILE or stdin."),
    tenant: str = TENANT,
) -> None:
    """Make an authenticated controller call and print the JSON reply (like `gh api`).

    The session, X-Avi-Version, tenant and CSRF headers are handled; PATH may carry a query.

    Examples:

    \b
      avictl api GET /api/virtualservice?name=webapp1
      avictl api GET cloud --query 'results[].name'
      echo '{"hours": 1}' | avictl api POST /api/user-token --data -
    """
    import json
    from urllib.parse import parse_qsl, urlsplit

    st = state()
    verb = method.upper()
    if verb not in METHODS:
        raise errors.UsageError(f"unknown method {method!r}", "use one of " + ", ".join(METHODS))
    body = None
    if data is not None:
        raw, source = read_input(data)
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else None
        except UnicodeDecodeError:
            raise errors.UsageError(f"{source}: not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise errors.UsageError(f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") \
                from None
    parts = urlsplit(path)
    params = parse_qsl(parts.query, keep_blank_values=True) or None
    reply = st.avi().request(verb, parts.path, params=params, json_body=body, tenant=tenant or None)
    for warning in reply.warnings:
        st.warn(warning)
    if reply.value is not None:
        st.out.json(reply.value)
