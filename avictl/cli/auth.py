"""`avictl login`, `logout` and `status`: controller credentials and a health check of every system."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import typer

from .. import errors
from ._common import state


def register(root: typer.Typer) -> None:
    root.command("login")(login)
    root.command("logout")(logout)
    root.command("status")(status)


def login(
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
    token_hours: int = typer.Option(None, "--token-hours", min=1, max=8760, metavar="N",
                                    help="Also obtain a controller user token valid N hours; print it."),
    no_store: bool = typer.Option(False, "--no-store", help="Verify only; do not keep it in the keyring."),
) -> None:
    """Check the controller password and keep it in the OS keyring.

    The password comes from --password-stdin, AVI_PASSWORD, the profile's password_command,
    or a prompt on a terminal; it is never taken from the command line.

    Examples:

    \b
      avictl login
      pass show avi/admin | avictl login --password-stdin
      avictl login --token-hours 8 --no-store
    """
    from ..credentials import controller_password, store_password

    st = state()
    s = st.settings
    if not s.controller:
        raise errors.UsageError("no controller configured for profile " + repr(s.profile),
                                "avictl config set controller https://... (or AVI_CONTROLLER)")
    if not s.username:
        raise errors.UsageError("no controller user name configured",
                                "avictl config set username NAME (or AVI_USERNAME)")
    if password_stdin:
        line = st.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise errors.UsageError("--password-stdin: nothing was read from stdin")
    else:
        password = controller_password(s, interactive=True, warn=st.warn, use_keyring=False)
    st.redactor.add(password)
    client = st.avi()
    client.login(password=password)
    version = getattr(client, "version", None)
    st.info(f"logged in to {s.controller} as {s.username}" + (f" (controller {version})" if version else ""))
    if token_hours:
        token = client.user_token(hours=token_hours)
        st.out.value(token)
    if not no_store:
        try:
            store_password(s, password)
        except errors.AuthError as exc:
            # The login itself worked: not an authentication failure, just nowhere safe to keep it.
            st.warn(f"{exc.message}; the password was verified but not stored")
            st.info("hint: use AVI_PASSWORD or password_command, or --no-store to skip this")
            return
        st.info(f"password stored in the OS keyring (service avictl, key {s.profile}:{s.username})")


def logout() -> None:
    """End the controller session and forget the stored password and session.

    Examples:

    \b
      avictl logout
      avictl --profile prod logout
    """
    from ..credentials import delete_password

    st = state()
    s = st.settings
    if s.controller:
        try:
            st.avi().logout()
        except errors.AvictlError as exc:
            st.warn(f"could not end the controller session: {exc.message}")
    removed = delete_password(s) if s.username else False
    st.info(f"logged out of {s.controller or 'the controller'}" + ("; password removed from the keyring"
                                                                    if removed else ""))


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
