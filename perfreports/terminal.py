"""Text for the person at the terminal: counts in words, and document text made safe to print."""
from __future__ import annotations

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
