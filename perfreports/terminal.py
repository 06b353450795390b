"""Text for the person at the terminal: counts in words, document text made safe to print; and
how a run is stopped from it."""
from __future__ import annotations

import signal
import unicodedata

# Control and format characters (escape sequences, bidirectional overrides, line separators) a
# document may carry: printed as \uXXXX so that they cannot move the cursor or reorder a line.
_UNPRINTABLE = ("Cc", "Cf", "Co", "Cs", "Zl", "Zp")


def plural(n: int, word: str, words: str | None = None) -> str:
    """`1 file`, `2 files`; `words` when the plural is not `word` + s."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def printable(text: str) -> str:
    """Document text safe for a terminal: a line break as ⏎, other control characters as \\uXXXX."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("⏎")
        elif unicodedata.category(ch) in _UNPRINTABLE:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


class Interrupted(KeyboardInterrupt):
    """The program was stopped by SIGINT or SIGTERM (`signal`); an ingest stops between two
    documents (`batch.Interrupts`)."""

    def __init__(self, signal_number: int):
        super().__init__(signal.Signals(signal_number).name)
        self.signal = signal_number


RECEIVED: list[int] = []  # the signals `stop_on_signals` turned into Interrupted


def stop_on_signals() -> None:
    """SIGINT and SIGTERM raise `Interrupted` (the command line exits 130 or 143, without a
    traceback). They are remembered in RECEIVED too: a library that catches the exception (DuckDB
    makes "Query interrupted" of it) still leaves the program knowing it was interrupted."""
    def stop(number, frame):
        RECEIVED.append(number)
        raise Interrupted(number)
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, stop)
