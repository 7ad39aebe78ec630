"""Command-line parameters shared by several commands (typer declarations only)."""

from __future__ import annotations

import typer

DEFAULT_WAIT = 600.0

APP_ARG = typer.Argument(..., metavar="APP", help="Marathon app id, e.g. /webapp1 (the leading / is optional).")
WAIT_TIMEOUT = typer.Option(DEFAULT_WAIT, "--timeout", metavar="SECONDS", help="How long to wait (exit 7 after).")
YES = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
TENANT = typer.Option(None, "--tenant", metavar="NAME", help="Tenant to read (default: the profile's, else admin).")
ALL_TENANTS = typer.Option(False, "--all-tenants", "-A", help="Read every tenant (X-Avi-Tenant: *).")
