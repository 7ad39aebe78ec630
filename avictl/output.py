"""Every way avictl prints data (SPEC.md §4): table, wide, json, jsonl, tsv, name, yaml, and --query.

Commands hand in plain dicts (the JSON form of each object) plus the columns to show;
this module alone decides how they look. One naming convention: keys are lower_snake
(`service_port`) in json, yaml and tsv; key/value views for people show the same keys as
Title Case labels (`Service Port:`) made by `label()`; list tables keep kubectl's upper-case
headers, and tsv headers are those headers in lower_snake. Objects that come straight from a
product's API (a Marathon app, a CloudFormation stack) keep the product's own keys in json
and yaml. Data goes to stdout; the only word for people on
stderr is "No resources found." for an empty table at a terminal. Whether stdout is a terminal and whether to colour are decided by the caller (the
CLI's IOStreams). tabulate and jmespath are imported only when a table or a query needs them.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from .errors import OutputClosed
from .paging import pages_of

FORMATS = ("table", "wide", "json", "jsonl", "tsv", "name", "yaml")

_ANSI = {"green": "32", "red": "31", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36",
         "dim": "2", "bold": "1"}


@dataclass(frozen=True)
class Column:
    """One column of a listing: a dotted key path into the item, or a function of the item."""

    header: str
    value: str | Callable[[dict], Any]
    wide: bool = False  # shown only with -o wide
    color: Callable[[Any], str | None] | None = None
    # 0: always shown; higher numbers are dropped first when a table is wider than the terminal.
    priority: int = 0

    def get(self, item: dict) -> Any:
        if callable(self.value):
            return self.value(item)
        return dig(item, self.value)


def dig(item: Any, path: str) -> Any:
    """item["a"]["b"] for "a.b"; None when any step is missing."""
    for part in path.split("."):
        if isinstance(item, dict):
            item = item.get(part)
        elif isinstance(item, list) and part.isdigit() and int(part) < len(item):
            item = item[int(part)]
        else:
            return None
    return item


# Words that read as abbreviations in a label: `vips` → `VIPs`, not `Vips`.
_ACRONYMS = {"id": "ID", "ids": "IDs", "uuid": "UUID", "ip": "IP", "ips": "IPs", "vip": "VIP", "vips": "VIPs",
             "url": "URL", "urls": "URLs", "dns": "DNS", "elb": "ELB", "se": "SE", "ses": "SEs", "vs": "VS",
             "vss": "VSs", "vpc": "VPC", "aws": "AWS", "api": "API", "ca": "CA", "cpu": "CPU", "cpus": "CPUs",
             "http": "HTTP", "https": "HTTPS", "tcp": "TCP", "tls": "TLS", "ssl": "SSL", "arn": "ARN",
             "pid": "PID", "mb": "MB", "sg": "SG", "az": "AZ", "lb": "LB"}
_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "per", "the", "to"})


def snake(text: str) -> str:
    """A key in lower_snake: `service_port` from `SERVICE PORT`, `Service Port`, `servicePort` or
    `MesosMasterURL` (`mesos_master_url`)."""
    if not text.isupper():
        text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text))
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def label(key: str) -> str:
    """The Title Case label of a key in views for people: `service_port` → `Service Port`,
    `vips` → `VIPs`, `use_bridge_ip_as_vip` → `Use Bridge IP as VIP`."""
    words = [w for w in snake(key).split("_") if w]
    return " ".join(_ACRONYMS.get(w) or (w if i and w in _SMALL_WORDS else w.capitalize())
                    for i, w in enumerate(words))


def cell_text(value: Any) -> str:
    """How one value looks in a table or tsv cell."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(cell_text(v) for v in value) or "-"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


class Printer:
    """Renders objects in the chosen format; one per invocation."""

    def __init__(self, fmt: str | None = None, *, query: str | None = None, no_headers: bool = False,
                 stream: IO[str] | None = None, err: IO[str] | None = None, tty: bool = False,
                 color: bool = False):
        """`tty`: the stream is a terminal (tables fit its width, tsv gets headers); `color`: may colour;
        `err`: where "No resources found." goes on a terminal."""
        self.stream = stream or sys.stdout
        self.err = err
        self.tty = tty
        self.format = fmt or ("table" if self.tty else "tsv")
        self.query = query
        self.headers = not no_headers
        self.color = color and self.format in ("table", "wide")

    @property
    def structured(self) -> bool:
        """The output is data for programs (json, jsonl, yaml, or --query), not text for people."""
        return self.format in ("json", "jsonl", "yaml") or bool(self.query)

    # -- public -----------------------------------------------------------------------------

    def list(self, items: Iterable[dict], columns: list[Column], name: str | Callable[[dict], Any] = "name") -> int:
        """Print a collection; streams for jsonl, tsv, name and json. Returns the number of items."""
        if self.query:
            items = list(items)
            self._print_query(items)
            return len(items)
        fmt = self.format
        count = 0
        if fmt in ("json", "jsonl", "name", "tsv"):
            # One write and one flush per page: the output streams as pages arrive, without a
            # system call per line (PYTHONUNBUFFERED=1 makes every write one).
            line = self._line_maker(fmt, columns, name)
            if fmt == "json":
                self._write("[")
            for page in pages_of(items):
                if not page:
                    continue
                if fmt == "json":
                    text = "".join(("," if count + i else "") + "\n" + line(item) for i, item in enumerate(page))
                elif fmt == "jsonl":
                    from .fastjson import dumps_lines

                    text = dumps_lines(page)
                else:
                    text = "".join(line(item) for item in page)
                count += len(page)
                self._write(text)
                self._flush()
            if fmt == "json":
                self._write("\n]\n" if count else "]\n")
        elif fmt == "yaml":
            for item in items:
                self._write(to_yaml([item]))
                count += 1
        else:
            rows = list(items)
            count = len(rows)
            cols = [c for c in columns if fmt == "wide" or not c.wide]
            self._write_table(rows, cols)
        return count

    def show(self, obj: dict, fields: list[str | tuple[str, str | Callable[[dict], Any]]] | None = None, *,
             name: str | Callable[[dict], Any] | None = None) -> None:
        """Print one object: key/value lines for people, the object itself for json/jsonl/yaml.

        `fields` are the lines of the key/value views (table, wide, tsv): a key (a dotted path
        into the object), or (key, path or function of the object). Keys are lower_snake: tsv
        prints them as they are, table and wide as their Title Case `label()`. Without
        `fields`, every key of the object in its order. `name` is what `-o name` prints (a key
        or a function of the object); by default the object's "name", else its "id".
        """
        if self.query:
            self._print_query(obj)
            return
        fmt = self.format
        if fmt == "json":
            self._write(json.dumps(obj, indent=2, default=str) + "\n")
        elif fmt == "jsonl":
            self._write(json.dumps(obj, separators=(",", ":"), default=str) + "\n")
        elif fmt == "yaml":
            self._write(to_yaml(obj))
        elif fmt == "name":
            if name is None:
                value = obj.get("name") or obj.get("id")
            else:
                value = name(obj) if callable(name) else dig(obj, name)
            self._write(f"{cell_text(value)}\n")
        else:
            pairs = [(snake(f if isinstance(f, str) else f[0]),
                      dig(obj, f) if isinstance(f, str) else Column(f[0], f[1]).get(obj)) for f in fields] \
                if fields else [(snake(str(k)), v) for k, v in obj.items()]
            if fmt == "tsv":
                self._write("".join(f"{key}\t{cell_text(value)}\n" for key, value in pairs))
                return
            labels = [label(key) + ":" for key, _ in pairs]
            width = max((len(text) for text in labels), default=0)
            self._write("".join(f"{text.ljust(width)} {cell_text(value)}\n" for text, (_, value) in zip(labels, pairs)))

    def value(self, value: Any) -> None:
        """A bare value (a port, a URL) for `$(avictl ...)`; JSON with -o json/jsonl."""
        if self.format in ("json", "jsonl"):
            self._write(json.dumps(value, default=str) + "\n")
        else:
            self._write(f"{'' if value is None else value}\n")

    def json(self, obj: Any) -> None:
        """Always JSON (for `api`), after --query."""
        if self.query:
            obj = self.search(obj)
        compact = self.format == "jsonl"
        self._write(json.dumps(obj, indent=None if compact else 2, separators=(",", ":") if compact else None,
                               default=str) + "\n")

    def search(self, data: Any) -> Any:
        import jmespath
        from jmespath.exceptions import JMESPathError

        from .errors import UsageError

        try:
            return jmespath.search(self.query, data)
        except JMESPathError as exc:
            raise UsageError(f"invalid --query expression: {' '.join(str(exc).split())}") from None

    # -- rendering --------------------------------------------------------------------------

    def _print_query(self, data: Any) -> None:
        result = self.search(data)
        fmt = self.format
        if fmt in ("json", "yaml") or isinstance(result, dict) or (
                isinstance(result, list) and any(isinstance(r, (dict, list)) for r in result)):
            if fmt == "jsonl" and isinstance(result, list):
                for r in result:
                    self._write(json.dumps(r, separators=(",", ":"), default=str) + "\n")
            elif fmt == "yaml":
                self._write(to_yaml(result))
            else:
                self._write(json.dumps(result, indent=2, default=str) + "\n")
        elif isinstance(result, list):
            for r in result:
                self._write(f"{cell_text(r)}\n")
        elif result is not None:
            self._write(f"{cell_text(result)}\n")

    def _write_table(self, rows: list[dict], cols: list[Column]) -> None:
        if not rows:
            if self.tty:  # like kubectl: nothing on stdout, a word on stderr for the person watching
                err = self.err or sys.stderr
                err.write("No resources found.\n")
                err.flush()
            return
        raw = [[c.get(item) for c in cols] for item in rows]
        width = shutil.get_terminal_size((120, 24)).columns if self.tty else None
        keep, text = fit_table([[cell_text(v) for v in r] for r in raw], cols, width)
        cols = [cols[i] for i in keep]
        from tabulate import tabulate

        widths = [max(len(line) for line in cell.split("\n")) for cell in text[0]]
        physical = [[c.header.ljust(w) for c, w in zip(cols, widths)]] if self.headers else []
        for r_raw, cells in zip(raw, text):
            parts = [cell.split("\n") for cell in cells]
            styles = [c.color(r_raw[i]) if self.color and c.color else None for c, i in zip(cols, keep)]
            for n in range(max(len(p) for p in parts)):
                row = []
                for p, w, style in zip(parts, widths, styles):
                    cell = p[n] if n < len(p) else " " * w
                    if style in _ANSI and cell.strip():
                        cell = f"\x1b[{_ANSI[style]}m{cell}\x1b[0m"
                    row.append(cell)
                physical.append(row)
        # Cells come padded to their column's width: tabulate lays them out as they are (the
        # header is a row of its own, so --no-headers leaves the spacing as it was).
        table = tabulate(physical, tablefmt="plain", disable_numparse=True, preserve_whitespace=True)
        self._write("\n".join(line.rstrip() for line in table.split("\n")) + "\n")

    def _line_maker(self, fmt: str, columns: list[Column], name: str | Callable[[dict], Any]) -> Callable[[Any], str]:
        if fmt == "json":
            return lambda item: _indent(json.dumps(item, indent=2, default=str))
        if fmt == "jsonl":
            from .fastjson import dumps_compact

            return lambda item: dumps_compact(item) + "\n"
        if fmt == "name":
            return lambda item: f"{cell_text(name(item) if callable(name) else dig(item, name))}\n"
        cols = [c for c in columns if not c.wide]
        if self.headers and self.tty:
            self._write("\t".join(snake(c.header) for c in cols) + "\n")
        return lambda item: "\t".join(cell_text(c.get(item)).replace("\t", " ") for c in cols) + "\n"

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
        except BrokenPipeError:
            raise OutputClosed() from None

    def _flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise OutputClosed() from None


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


SEPARATOR = 2  # spaces between columns (tabulate's "plain" format)
# Never cut: names, ids, addresses, ports — a cut one would be a wrong one. Such columns wrap
# only as a last resort; the others wrap first.
KEY_HEADER = re.compile(r"\b(NAME|ID|UUID|VIPS?|IPS?|PORTS?|HOST(NAME)?|ADDRESS|URL|DNS|NODE|SE|APP)\b")


def fit_table(rows: list[list[str]], cols: list[Column], width: int | None) -> tuple[list[int], list[list[str]]]:
    """Which columns to show and their cells, padded to their column's width (the header's
    too, shown or not, so --no-headers keeps the spacing), so that no line is wider than
    `width` (None: no limit, as when piped).

    Like kubectl, nothing is cut: first the columns with the highest `priority` number are
    left out, then the widest columns that are not names, ids, addresses or ports wrap onto
    more lines, then such other columns are left out from the right, and only when that is
    not enough do names, ids, addresses and ports wrap too. A wrapped cell holds "\n".
    """
    import textwrap

    keep = list(range(len(cols)))
    head = [c.header for c in cols]
    key = [bool(KEY_HEADER.search(h)) for h in head]
    w = {i: max([len(head[i])] + [len(r[i]) for r in rows]) for i in keep}

    def total() -> int:
        return sum(w.values()) + SEPARATOR * (len(w) - 1)

    def drop(i: int) -> None:
        keep.remove(i)
        del w[i]

    def shrink(candidates: list[int], floor_of: Callable[[int], int]) -> None:
        for i in sorted(candidates, key=lambda k: -w[k]):
            if total() <= width:
                return
            w[i] = max(min(w[i], floor_of(i)), w[i] - (total() - width))

    if width is not None:
        for i in sorted((i for i in keep if cols[i].priority > 0), key=lambda i: (-cols[i].priority, -i)):
            if total() > width:
                drop(i)
        shrink([i for i in keep if not key[i]], lambda i: max(len(head[i]), 8))
        for i in [i for i in reversed(keep) if not key[i] and i != keep[0]]:
            if total() > width:
                drop(i)
        # Then names, ids, addresses and ports wrap: -o wide's extra columns first, then from the
        # right, the first column (the object's name) last.
        order = sorted((i for i in keep if key[i]), key=lambda i: (not cols[i].wide, i == keep[0], -i))
        for floor in (lambda i: max(len(head[i]), 12), lambda i: 1):
            for i in order:
                if total() <= width:
                    break
                w[i] = max(min(w[i], floor(i)), w[i] - (total() - width))
        if total() > width:  # narrower than every floor: share what there is
            share = max(1, (width - SEPARATOR * (len(w) - 1)) // len(w))
            for i in w:
                w[i] = min(w[i], share)
    out = []
    for r in rows:
        cells = []
        for i in keep:
            lines = textwrap.wrap(r[i], w[i], break_long_words=True, break_on_hyphens=False,
                                  drop_whitespace=False) if len(r[i]) > w[i] else [r[i]]
            cells.append("\n".join(line.ljust(w[i]) for line in lines or [""]))
        out.append(cells)
    return keep, out


def to_yaml(data: Any) -> str:
    """YAML by PyYAML's safe dumper (imported here, only for -o yaml): keys in their order,
    block style, every string that could read as another type (a date, a number, `yes`) quoted."""
    import yaml

    return yaml.safe_dump(_plain(data), sort_keys=False, default_flow_style=False, allow_unicode=True,
                          width=1 << 30)


def _plain(value: Any) -> Any:
    """JSON-like data only: what the other formats would print (dates and other objects as text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


