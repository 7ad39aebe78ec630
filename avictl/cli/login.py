"""`avictl login` and `avictl logout`: controller credentials in the OS keyring."""

from __future__ import annotations

import typer

from .. import errors
from .context import Context


def register(root: typer.Typer) -> None:
    root.command("login")(login)
    root.command("logout")(logout)


def login(
    ctx: typer.Context,
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
    token_hours: int = typer.Option(None, "--token-hours", min=1, max=8760, metavar="N",
                                    help="Also obtain a controller user token valid N hours; print it."),
    no_store: bool = typer.Option(False, "--no-store", help="Verify only; do not keep it in the keyring."),
) -> None:
    """Check the controller password and keep it in the OS keyring.

    The password comes from --password-stdin, AVI_PASSWORD, the profile's password_command,
    or a prompt on a terminal (asked up to 3 times); it is never taken from the command line.

    Examples:

    \b
      avictl login
      pass show avi/admin | avictl login --password-stdin
      avictl login --token-hours 8 --no-store
    """
    from ..credentials import store_password

    cx: Context = ctx.obj
    s = cx.settings
    if not s.controller:
        raise errors.UsageError("no controller configured for profile " + repr(s.profile),
                                "avictl config set controller https://... (or AVI_CONTROLLER)")
    if not s.username:
        raise errors.UsageError("no controller user name configured",
                                "avictl config set username NAME (or AVI_USERNAME)")
    if password_stdin:
        line = cx.io.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise errors.UsageError("--password-stdin: nothing was read from stdin")
    else:
        password = cx.controller_password(use_keyring=False)
    # A password typed at the prompt may be mistyped: ask again, three tries in all (like sudo).
    tries = 3 if cx.password_prompted else 1
    client = cx.avi()
    for attempt in range(1, tries + 1):
        cx.redactor.add(password)
        try:
            client.login(password=password)
            break
        except errors.AuthError as exc:
            if attempt == tries:
                raise
            cx.warn(f"{exc.message} ({tries - attempt} more {'try' if tries - attempt == 1 else 'tries'})")
            cx.forget_password()
            password = cx.controller_password(use_keyring=False)
    version = getattr(client, "version", None)
    cx.info(f"logged in to {s.controller} as {s.username}" + (f" (controller {version})" if version else ""))
    if client.session.uses_factory_default():
        warn_factory_default(cx)
    if token_hours:
        token = client.user_token(hours=token_hours)
        cx.out.value(token)
    if not no_store:
        try:
            store_password(s, password)
        except errors.AuthError as exc:
            # The login itself worked: not an authentication failure, just nowhere safe to keep it.
            cx.warn(f"{exc.message}; the password was verified but not stored")
            cx.info("hint: use AVI_PASSWORD or password_command, or --no-store to skip this")
            return
        cx.info(f"password stored in the OS keyring (service avictl, key {s.profile}:{s.username})")


FACTORY_DEFAULT = ("warning: the controller password in use is the factory default (admin/admin) the seed guide "
                   "logs in with; change it in the controller UI (Administration > Accounts > Users), or with "
                   "`avictl api PUT /api/useraccount --data FILE` (a JSON file with old_password and password), "
                   "then run `avictl login` again")


def warn_factory_default(cx: Context) -> None:
    """SPEC §10: say so when the password in use is admin/admin (avictl never tries it on its own).

    Written as is: the redactor would hide "admin", and this text holds nothing but the
    factory default everyone knows.
    """
    cx.io.err(FACTORY_DEFAULT)


def logout(ctx: typer.Context) -> None:
    """End the controller session and forget the stored password and session.

    Examples:

    \b
      avictl logout
      avictl --profile prod logout
    """
    from ..credentials import delete_password

    cx: Context = ctx.obj
    s = cx.settings
    if s.controller:
        try:
            cx.avi().logout()
        except errors.AvictlError as exc:
            cx.warn(f"could not end the controller session: {exc.message}")
    removed = delete_password(s) if s.username else False
    cx.info(f"logged out of {s.controller or 'the controller'}" + ("; password removed from the keyring"
                                                                    if removed else ""))
