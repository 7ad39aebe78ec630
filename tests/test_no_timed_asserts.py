"""No timed asserts in the test suite (issue #20): performance is measured by the bench/ scripts.

A test asserts on behaviour: requests counted in a stand-in's log, what was printed, the exit
code, a limit made observable (a wait's limit beyond pytest's own timeout, a server that holds
or refuses a request). Durations flake under load, so an `assert` may not compare them.

The heuristic, over every tests/**/*.py with `ast`, flags an `assert` whose expression
1. mentions a clock or a measured duration by name: `elapsed`, `monotonic`, `perf_counter`,
   `process_time`, `time.time` (a call or an attribute), or
2. mentions a reading: a clock call, a stand-in's logged request time (`entry["time"]`), a name
   assigned anywhere in the module from a reading (`start = time.monotonic()`, `took =
   time.monotonic() - start`), or a call of a module function that returns one (a helper giving
   the gaps between logged times); followed through assignments, arithmetic, slices,
   comprehensions and min/max/sorted/zip. A call that merely takes a reading as an argument is
   not followed: a wait given a deadline returns what it saw, not a time.
Waiting for something with a deadline (`while ... and time.monotonic() < deadline`) is not an
assert and is fine; so is a clock read outside asserts (a stand-in holding a request).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CLOCK_WORDS = {"elapsed", "monotonic", "perf_counter", "process_time", "monotonic_ns", "perf_counter_ns", "time_ns"}


def _is_clock(node: ast.AST) -> bool:
    """A clock word by name or attribute, or `time.time` (the bare name `time` is the module)."""
    if isinstance(node, ast.Name):
        return node.id in CLOCK_WORDS
    if isinstance(node, ast.Attribute):
        if node.attr in CLOCK_WORDS:
            return True
        return node.attr == "time" and isinstance(node.value, ast.Name) and node.value.id == "time"
    return False


AGGREGATES = {"abs", "list", "max", "min", "sorted", "sum", "tuple", "zip"}  # keep a reading a reading


def _mentions(node: ast.AST, timed: set[str], funcs: set[str]) -> bool:
    return any(_is_clock(n) or (isinstance(n, ast.Name) and n.id in timed) or _reading(n, timed, funcs)
               for n in ast.walk(node))


def _reading(node: ast.AST, timed: set[str], funcs: set[str]) -> bool:
    """A clock reading (`time.monotonic()`), a stand-in's log time (`entry["time"]`), a timed name, a
    call of a timed function, or arithmetic, slices, comprehensions and min/max/sorted/zip... of
    them. A call taking one as an argument is not (`wait_for(deadline=time.monotonic() + 30)`
    returns what it saw, not a time)."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in AGGREGATES:
            return any(_reading(a, timed, funcs) for a in node.args)
        return _is_clock(node.func) or (isinstance(node.func, ast.Name) and node.func.id in funcs)
    if isinstance(node, ast.Name):
        return node.id in timed
    if isinstance(node, ast.Subscript):
        key = node.slice
        return (isinstance(key, ast.Constant) and key.value == "time") or _reading(node.value, timed, funcs)
    if isinstance(node, ast.BinOp):
        return _reading(node.left, timed, funcs) or _reading(node.right, timed, funcs)
    if isinstance(node, ast.UnaryOp):
        return _reading(node.operand, timed, funcs)
    if isinstance(node, (ast.Tuple, ast.List)):
        return any(_reading(e, timed, funcs) for e in node.elts)
    if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
        local = set(timed)
        for gen in node.generators:  # `for a, b in zip(times, times[1:])`: a and b are readings
            if _reading(gen.iter, local, funcs):
                local |= {n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
        return _reading(node.elt, local, funcs)
    return False


def _targets(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
        targets = [node.target]
    else:
        return []
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def timed_asserts(source: str, filename: str = "<test>") -> list[str]:
    """`file:line: source` of every assert the heuristic above flags."""
    tree = ast.parse(source, filename)
    assigns = [n for n in ast.walk(tree) if _targets(n) and getattr(n, "value", None) is not None]
    defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    timed: set[str] = set()  # names holding readings (module-wide), followed through assignments
    funcs: set[str] = set()  # functions that return a reading (a helper computing gaps between times)
    while True:
        names = {name for n in assigns if _reading(n.value, timed, funcs) for name in _targets(n)}
        returning = {d.name for d in defs for r in ast.walk(d)
                     if isinstance(r, ast.Return) and r.value is not None and _reading(r.value, timed, funcs)}
        if names <= timed and returning <= funcs:
            break
        timed |= names
        funcs |= returning
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and _mentions(node.test, timed, funcs):
            found.append(f"{filename}:{node.lineno}: {ast.get_source_segment(source, node)}")
    return found


def test_the_heuristic_catches_timed_asserts_and_spares_others() -> None:
    flagged = timed_asserts(
        "import time\n"
        "start = time.monotonic()\n"
        "took = time.monotonic() - start\n"
        "assert took < 3\n"                                   # 4: a name from clock arithmetic
        "assert 1.0 <= elapsed < 1.6\n"                       # 5: by name
        "assert time.perf_counter() - start < 20\n"           # 6: a clock in the assert
        "t0 = time.time()\n"
        "assert time.time() - t0 < 5\n"                       # 8
        "deadline = time.monotonic() + 30\n"
        "while time.monotonic() < deadline and not done():\n"
        "    pass\n"
        "assert r.exit_code == 7 and 'timed out after 1.5s' in r.stderr\n"
        "assert len(lab.sent('GET')) == 3\n"
        "assert all(0.125 <= s <= 0.25 for s in slept)\n"
        "reached = wait_for(lines, time.monotonic() + 30)\n"
        "assert reached\n"
        "def gaps(entries):\n"
        "    times = [e['time'] for e in entries]\n"
        "    return [b - a for a, b in zip(times, times[1:])]\n"
        "first, second = gaps(server.sent('GET'))\n"
        "assert 0.1 <= first < 1.5\n"                       # 21: a helper's gaps between logged times
        "assert 0.9 <= gaps(sent)[0] < 3.0\n"                # 22
        "def wait_until(ok, limit):\n"
        "    deadline = time.monotonic() + limit\n"
        "    while not ok() and time.monotonic() < deadline:\n"
        "        time.sleep(0.1)\n"
        "    return ok()\n"
        "assert wait_until(done, 30)\n")
    assert [f.split(":")[1] for f in flagged] == ["4", "5", "6", "8", "21", "22"], flagged


def test_no_assert_in_the_suite_compares_durations() -> None:
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == Path(__file__).name:
            continue
        found += timed_asserts(path.read_text(encoding="utf-8"), str(path.relative_to(TESTS.parent)))
    assert not found, ("timed asserts (issue #20: assert on behaviour, measure speed in bench/):\n"
                       + "\n".join(found))
