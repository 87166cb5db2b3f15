"""Giving a traditional-character document its own characters back after matching on simplified ones.

The parser reads a traditional copy converted to simplified characters one for one (normalize.simplify),
so a string it returns is, character for character, a piece of the simplified text, except for the
whitespace it dropped or added (titles joined from wrapped lines, names with stray spaces removed).
"""

from __future__ import annotations


class Restorer:
    """Maps strings of the simplified text back to the original's characters, ignoring whitespace."""

    def __init__(self, simplified: str, original: str) -> None:
        self._original = original
        # Position in the text of each non-space character, and those characters in a row.
        self._positions = [i for i, ch in enumerate(simplified) if not ch.isspace()]
        self._dense = "".join(simplified[i] for i in self._positions)

    def back(self, text: str | None) -> str | None:
        """`text` in the original's characters, keeping its own spacing; unchanged if not found."""
        if not text:
            return text
        wanted = "".join(ch for ch in text if not ch.isspace())
        start = self._dense.find(wanted) if wanted else -1
        if start < 0:
            return text
        originals = iter(self._original[self._positions[start + k]] for k in range(len(wanted)))
        return "".join(ch if ch.isspace() else next(originals) for ch in text)
