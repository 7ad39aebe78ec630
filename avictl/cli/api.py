"""`avictl api [METHOD] PATH`: an authenticated controller call, the JSON reply printed (like `gh api`)."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from ._options import TENANT
from .context import Context

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def register(root: typer.Typer) -> None:
    root.command("api")(api)


def api(
    ctx: typer.Context,
    first: str = typer.Argument(..., metavar="[METHOD] PATH",
                                help="PATH (/api/virtualservice, virtualservice?name=x, ...), or METHOD then PATH."),
    second: str = typer.Argument(None, hidden=True),
    method: str = typer.Option(None, "--method", "-X", metavar="METHOD",
                               help="GET (default), or POST when fields or --input are given; PUT, PATCH, DELETE."),
    raw_fields: list[str] = typer.Option(None, "--raw-field", "-f", metavar="KEY=VALUE",
                                         help="A string field (query parameter for GET, else in the JSON body)."),
    fields: list[str] = typer.Option(None, "--field", "-F", metavar="KEY=VALUE",
                                     help="A typed field: numbers, true/false, null as JSON; @FILE reads a file."),
    input_file: str = typer.Option(None, "--input", "--data", "-d", metavar="FILE|-",
                                   help="The JSON request body from FILE (- for stdin)."),
    paginate: bool = typer.Option(False, "--paginate", help="GET every page, following the controller's `next`."),
    tenant: str = TENANT,
) -> None:
    """Make an authenticated controller call and print the JSON reply (like `gh api`).

    The session, X-Avi-Version, tenant and CSRF headers are handled; PATH may carry a query.
    METHOD may come first (`avictl api PUT /api/...`) or as -X; without it the call is a GET, or a
    POST when fields or --input are given. --paginate prints every page's results as one list
    (-o jsonl: one object per line, as pages arrive).

    Examples:

    \b
      avictl api /api/cluster
      avictl api -X GET virtualservice -f name=webapp1 --query "results[].uuid"
      avictl api /api/virtualservice --paginate -o jsonl
      avictl api -X POST /api/user-token -F hours=1
      echo '{"hours": 1}' | avictl api POST /api/user-token --input -
    """
    from urllib.parse import parse_qsl, urlsplit

    cx: Context = ctx.obj
    verb, path = _method_and_path(first, second, method)
    data = _fields(cx, raw_fields or [], fields or [])
    body = _read_body(cx, input_file) if input_file is not None else None
    if verb is None:
        verb = "POST" if data or input_file is not None else "GET"
    parts = urlsplit(path)
    params: list[tuple[str, str]] = parse_qsl(parts.query, keep_blank_values=True)
    if data and verb == "GET":
        params += [(k, v if isinstance(v, str) else _query_text(v)) for k, v in data.items()]
    elif data:
        if body is not None and not isinstance(body, dict):
            raise errors.UsageError("fields need a JSON object body; --input holds something else")
        body = {**(body or {}), **data}
    if paginate and verb != "GET":
        raise errors.UsageError("--paginate is for GET requests")
    client = cx.avi()
    if paginate:
        from ..paging import Paged

        def pages() -> Any:
            for reply in client.request_pages(parts.path, params=params or None, tenant=tenant or None):
                if not isinstance(reply, dict) or not isinstance(reply.get("results"), list):
                    raise errors.RemoteError(f"GET {parts.path}: --paginate needs a collection (a reply with results)")
                yield reply["results"]

        if cx.out.format in ("jsonl", "name"):
            cx.out.list(Paged(pages()), [], name="name")  # streamed, page by page
        else:
            cx.out.json([item for page in pages() for item in page])
        return
    reply = client.request(verb, parts.path, params=params or None, json_body=body, tenant=tenant or None)
    for warning in reply.warnings:
        cx.warn(warning)
    if reply.value is not None:
        cx.out.json(reply.value)


def _method_and_path(first: str, second: str | None, method: str | None) -> tuple[str | None, str]:
    if second is not None:
        if first.upper() not in METHODS:
            raise errors.UsageError(f"unknown method {first!r}", "use one of " + ", ".join(METHODS))
        if method is not None and method.upper() != first.upper():
            raise errors.UsageError(f"two methods: {first} and -X {method}")
        return first.upper(), second
    if first.upper() in METHODS:
        raise errors.UsageError(f"{first.upper()} needs a PATH", f"e.g. avictl api {first.upper()} /api/cluster")
    if method is not None and method.upper() not in METHODS:
        raise errors.UsageError(f"unknown method {method!r}", "use one of " + ", ".join(METHODS))
    return (method.upper() if method else None), first


def _fields(cx: Context, raw: list[str], typed: list[str]) -> dict[str, Any]:
    import json

    out: dict[str, Any] = {}
    for flag, items in (("-f", raw), ("-F", typed)):
        for item in items:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise errors.UsageError(f"{flag} {item!r}: expected KEY=VALUE")
            if flag == "-F":
                if value.startswith("@"):
                    data, _ = cx.io.read_input(value[1:])
                    value = data.decode("utf-8", "replace")
                else:
                    try:
                        value = json.loads(value) if value in ("true", "false", "null") or _number(value) else value
                    except ValueError:
                        pass
            out[key] = value
    return out


def _number(text: str) -> bool:
    import re

    return bool(re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text))


def _query_text(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return "" if value is None else str(value)


def _read_body(cx: Context, source_name: str) -> Any:
    import json

    raw, source = cx.io.read_input(source_name)
    try:
        return json.loads(raw.decode("utf-8")) if raw.strip() else None
    except UnicodeDecodeError:
        raise errors.UsageError(f"{source}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise errors.UsageError(f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") \
            from None
