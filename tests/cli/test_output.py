"""The printer (avictl/output.py): colour only on a terminal and never with --no-color / NO_COLOR."""

from __future__ import annotations

import os


def test_table_colour_only_on_tty_and_not_with_no_color():
    import io

    from avictl.output import Column, Printer

    class TTY(io.StringIO):
        def isatty(self):
            return True

    rows = [{"s": "OPER_UP"}]
    cols = [Column("STATE", "s", color=lambda v: "green")]
    out = TTY()
    os.environ.pop("NO_COLOR", None)
    Printer(None, stream=out).list(rows, cols)
    assert "\x1b[32m" in out.getvalue()
    out = TTY()
    Printer(None, stream=out, no_color=True).list(rows, cols)
    assert "\x1b[" not in out.getvalue() and "STATE" in out.getvalue()
    os.environ["NO_COLOR"] = "1"
    try:
        out = TTY()
        Printer(None, stream=out).list(rows, cols)
        assert "\x1b[" not in out.getvalue()
    finally:
        del os.environ["NO_COLOR"]
