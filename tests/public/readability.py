"""Turn a rendered page into the text a reader sees, for readability scores."""

from __future__ import annotations

from html.parser import HTMLParser

BLOCKS = {"p", "li", "h1", "h2", "h3", "label", "legend", "button", "td", "th", "dt", "dd"}
SKIPPED = {"script", "style", "title", "head", "svg"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "main":
            self.in_main = True
        if (
            self.skip_depth
            or tag in SKIPPED
            or attr.get("data-readability") == "skip"
            or attr.get("aria-hidden") == "true"
        ):
            if tag not in {"input", "br", "img", "meta", "link"}:
                self.skip_depth += 1
            return
        if tag in BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._flush()
            self.in_main = False
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skip_depth:
            self.current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        self.current = []
        if text:
            # A heading, list item or label is read as one unit: end it like a sentence.
            self.parts.append(text if text[-1] in ".?!:" else text + ".")


def reader_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)
