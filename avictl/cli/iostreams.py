"""The streams of one invocation and every decision that depends on them (like gh's iostreams).

stdin, stdout and stderr, whether each is a terminal, whether to colour, and every question
asked of the person at the terminal (prompts, confirmations, the password) live here: no
other module of avictl checks a TTY, reads stdin or prompts.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any

from .. import errors


def isatty(stream: Any) -> bool:
    """True for a stream on a terminal; False for files, pipes, closed or fake streams."""
    try:
        return bool(stream) and stream.isatty()
    except (AttributeError, ValueError):
        return False


class IOStreams:
    """stdin/stdout/stderr of one invocation, their terminals, colour, prompts and live displays."""

    def __init__(self, stdin: IO[str] | None = None, stdout: IO[str] | None = None,
                 stderr: IO[str] | None = None, *, no_color: bool = False):
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.stdin_tty = isatty(self.stdin)
        self.stdout_tty = isatty(self.stdout)
        self.stderr_tty = isatty(self.stderr)
        self.no_color = no_color  # --no-color; set by the root command
        self._live = 0  # live displays (spinners) drawing on stderr now

    # -- decisions --------------------------------------------------------------------------

    def _color_allowed(self) -> bool:
        return not (self.no_color or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb")

    @property
    def color_stdout(self) -> bool:
        """Colour on stdout: only on a terminal, never with --no-color, NO_COLOR or TERM=dumb."""
        return self.stdout_tty and self._color_allowed()

    @property
    def color_stderr(self) -> bool:
        return self.stderr_tty and self._color_allowed()

    @property
    def can_prompt(self) -> bool:
        """A person can answer: stdin and stderr are terminals."""
        return self.stdin_tty and self.stderr_tty

    @property
    def progress_enabled(self) -> bool:
        """Spinners and live progress only when a person watches stderr."""
        return self.stderr_tty

    def live_started(self) -> None:
        """A live display (spinner) began drawing on stderr: no prompt may be shown until it stops."""
        self._live += 1

    def live_stopped(self) -> None:
        self._live = max(0, self._live - 1)

    @property
    def live_shown(self) -> bool:
        return self._live > 0

    # -- writing ----------------------------------------------------------------------------

    def err(self, line: str) -> None:
        """One line on stderr, flushed."""
        self.stderr.write(line + "\n")
        self.stderr.flush()

    # -- asking -----------------------------------------------------------------------------

    def ask(self, question: str) -> str | None:
        """Ask on stderr and read one line from stdin; None at end of input."""
        self._before_prompt()
        self.stderr.write(question)
        self.stderr.flush()
        line = self.stdin.readline()
        return line.rstrip("\r\n") if line else None

    def confirm(self, question: str, yes: bool) -> bool:
        """True to go ahead. Asks on a terminal; without one, --yes is required (exit 2)."""
        if yes:
            return True
        if not self.can_prompt:
            raise errors.UsageError(f"{question.rstrip('?')}: refusing to go ahead without --yes "
                                    "(stdin is not a terminal)", "pass --yes to confirm")
        answer = (self.ask(f"{question} [y/N]: ") or "").strip().lower()
        if answer not in ("y", "yes"):
            raise errors.Declined()
        return True

    def password(self, question: str) -> str:
        """Read a secret from the terminal without echoing it ("" when nothing was typed)."""
        self._before_prompt()
        try:
            fd = self.stdin.fileno()
        except (AttributeError, ValueError, OSError):
            fd = None
        if fd is None or not os.isatty(fd):
            self.stderr.write(question)
            self.stderr.flush()
            line = self.stdin.readline()
        else:
            line = _read_without_echo(self.stdin, fd, self.stderr, question)
        return line.rstrip("\r\n")

    def _before_prompt(self) -> None:
        if self._live:
            # A prompt drawn under a spinner is overwritten by it: callers ask before progress starts.
            raise errors.UsageError("cannot ask a question while progress is shown",
                                    "run the command again with the answer given up front")

    # -- input files ------------------------------------------------------------------------

    def read_input(self, path: str, *, limit: int = 16 * 1024 * 1024) -> tuple[bytes, str]:
        """The bytes of FILE or of stdin for "-", and a name for messages; exit 2 when unreadable."""
        if path == "-":
            buffer = getattr(self.stdin, "buffer", None)
            data = buffer.read(limit + 1) if buffer is not None else self.stdin.read(limit + 1).encode()
            name = "<stdin>"
        else:
            try:
                with open(path, "rb") as fh:
                    data = fh.read(limit + 1)
            except FileNotFoundError:
                raise errors.UsageError(f"{path}: no such file") from None
            except IsADirectoryError:
                raise errors.UsageError(f"{path}: is a directory") from None
            except OSError as exc:
                raise errors.UsageError(f"{path}: cannot read: {exc.strerror}") from None
            name = path
        if len(data) > limit:
            raise errors.UsageError(f"{name}: larger than {limit // (1024 * 1024)} MiB; refusing to read it")
        return data, name


def _read_without_echo(stream: IO[str], fd: int, prompt_to: IO[str], question: str) -> str:
    """Like getpass: echo is off before the question is shown, so an answer typed at once is
    neither shown nor discarded."""
    import termios

    old = termios.tcgetattr(fd)
    new = termios.tcgetattr(fd)
    new[3] &= ~termios.ECHO
    try:
        termios.tcsetattr(fd, termios.TCSAFLUSH, new)
        prompt_to.write(question)
        prompt_to.flush()
        return stream.readline()
    finally:
        termios.tcsetattr(fd, termios.TCSAFLUSH, old)
        prompt_to.write("\n")
        prompt_to.flush()
