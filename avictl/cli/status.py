"""`avictl status`: reach and authenticate every configured system."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import typer

from .. import errors
from ._common import state


def register(root: typer.Typer) -> None:
    root.command("status")(status)


def status() -> None:
    """Reach and authenticate every configured system; exit 1 if any fails.

    Examples:

    \b
      avictl status
      avictl --profile lab status -o json
    """
    from ..output import Column

    st = state()
    s = st.settings
    checks: list[tuple[str, str | None, Callable[[], str | None]]] = [
        ("marathon", s.marathon, lambda: st.marathon().info().get("version")),
        ("avi", s.controller, _avi_version),
        ("aws", s.aws_region or s.aws_endpoint_url or s.aws_profile, lambda: st.aws().whoami()),
    ]
    if not any(where for _, where, _ in checks):
        raise errors.UsageError(f"nothing is configured for profile {s.profile!r}",
                                "run `avictl config init`, or `avictl lab up` to try the local lab")
    rows = [_check(name, where, probe) for name, where, probe in checks]
    st.out.list(rows, [
        Column("SYSTEM", "system"),
        Column("URL", "url"),
        Column("REACHABLE", "reachable", color=_yes_no),
        Column("AUTHENTICATED", "authenticated", color=_yes_no),
        Column("VERSION", "version"),
        Column("LATENCY", lambda r: f"{r['latency_ms']} ms" if r.get("latency_ms") is not None else None),
        Column("ERROR", "error", wide=True),
    ], name="system")
    failed = [r["system"] for r in rows if r["configured"] and r["error"]]
    if failed:
        raise errors.AvictlError(f"{', '.join(failed)}: not healthy", "see the ERROR column with -o wide")


def _avi_version() -> str | None:
    client = state().avi()
    client.login()
    return getattr(client, "version", None)


def _check(name: str, where: str | None, probe: Callable[[], Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"system": name, "url": where, "configured": bool(where), "reachable": None,
                           "authenticated": None, "version": None, "latency_ms": None, "error": None}
    if not where:
        row["error"] = None
        row["url"] = "(not configured)"
        return row
    start = time.monotonic()
    try:
        row["version"] = probe()
        row["reachable"] = row["authenticated"] = True
    except ModuleNotFoundError:
        row["error"] = "not available in this build"
    except errors.AuthError as exc:
        row["reachable"], row["authenticated"], row["error"] = True, False, exc.message
    except errors.ConnectError as exc:
        row["reachable"], row["error"] = False, exc.message
    except errors.AvictlError as exc:
        row["reachable"], row["error"] = True, exc.message
    row["latency_ms"] = round((time.monotonic() - start) * 1000)
    return row


def _yes_no(value: Any) -> str | None:
    return {True: "green", False: "red"}.get(value)
