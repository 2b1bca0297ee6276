"""An HTML parser for the report tests: every table cell's attributes and text."""

from __future__ import annotations

from html.parser import HTMLParser


class CellParser(HTMLParser):
    """Collects ``cells``: ``(attributes, stripped text)`` of every ``<td>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[tuple[dict[str, str | None], str]] = []
        self._cell: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "td":
            self._cell, self._text = dict(attrs), []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.cells.append((self._cell, "".join(self._text).strip()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._text.append(data)
