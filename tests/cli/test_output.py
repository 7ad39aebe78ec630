"""The printer (avictl/output.py) and the colour decision of the CLI's IOStreams."""

from __future__ import annotations

import io

import pytest

from avictl.cli.iostreams import IOStreams
from avictl.output import Column, Printer


class TTY(io.StringIO):
    def isatty(self):
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert IOStreams(stdout=TTY()).color_stdout
    assert not IOStreams(stdout=io.StringIO()).color_stdout
    assert not IOStreams(stdout=TTY(), no_color=True).color_stdout
    monkeypatch.setenv("TERM", "dumb")
    assert not IOStreams(stdout=TTY()).color_stdout
    monkeypatch.delenv("TERM")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not IOStreams(stdout=TTY()).color_stdout


def test_table_colour_only_on_tty_and_not_with_no_color(cli):
    rows = [{"s": "OPER_UP"}]
    cols = [Column("STATE", "s", color=lambda v: "green")]
    out = TTY()
    Printer(None, stream=out, tty=True, color=True).list(rows, cols)
    assert "\x1b[32m" in out.getvalue()
    out = TTY()
    Printer(None, stream=out, tty=True, color=False).list(rows, cols)
    assert "\x1b[" not in out.getvalue() and "STATE" in out.getvalue()
    out = TTY()
    Printer("tsv", stream=out, tty=True, color=True).list(rows, cols)
    assert "\x1b[" not in out.getvalue()  # colour only in tables


def test_structured_is_json_jsonl_yaml_or_a_query() -> None:
    assert [Printer(f).structured for f in ("json", "jsonl", "yaml", "table", "wide", "tsv", "name")] == [
        True, True, True, False, False, False, False]
    assert Printer("table", query="[0]").structured


def test_name_of_one_object_is_the_key_the_command_names() -> None:
    out = io.StringIO()
    Printer("name", stream=out).show({"StackName": "avi-mesos", "id": "arn:x"}, name="StackName")
    Printer("name", stream=out).show({"id": "/web"})
    assert out.getvalue() == "avi-mesos\n/web\n"
