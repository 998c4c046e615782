"""Text folding and tokens shared by the drug knowledge base and the recognisers.

`fold` lower-cases and strips accents one character for one character, so an
index into the folded text is an index into the original line: the recogniser
can quote the patient's own words back ("matched") without re-finding them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

# Characters whose accent-stripped form is not one ASCII letter but which
# patients type in medicine lists (micro sign in "µg", typographic quotes).
_SPECIAL_FOLDS = {
    "µ": "u",
    "μ": "u",
    "ß": "s",
    "’": "'",
    "‘": "'",
    "´": "'",
    "`": "'",
    "–": "-",
    "—": "-",
    "‐": "-",
    "−": "-",
    "×": "x",
    "½": " ",
    "¼": " ",
    "®": " ",
    "™": " ",
    "©": " ",
}


@cache
def _fold_char(char: str) -> str:
    if char in _SPECIAL_FOLDS:
        return _SPECIAL_FOLDS[char]
    lowered = char.lower()
    if len(lowered) != 1:
        return char
    if lowered.isascii():
        return lowered
    base = "".join(part for part in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(part))
    return base if len(base) == 1 else lowered


def fold(text: str) -> str:
    """Lower case without accents, exactly as long as `text`."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(char) for char in text)


# A number (with decimal or thousands separators, and "/"-joined strengths such
# as "50/1000" or "70/30", spaces around the slash allowed) or a word.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?:\s*/\s*\d+(?:[.,]\d+)*)*|[a-z]+(?:'[a-z]+)*")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Token:
    text: str  # folded, spaces removed inside "50 / 1000"
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()


def tokenize(folded: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(folded):
        text = match.group()
        if "/" in text:  # only "50 / 1000" can hold spaces
            text = _SPACES.sub("", text)
        tokens.append(Token(text, match.start(), match.end()))
    return tokens


def alias_key(alias: str) -> tuple[str, ...]:
    """The token sequence an alias is indexed under ("Tylenol #3" -> ("tylenol", "3"))."""
    return tuple(token.text for token in tokenize(fold(alias)))


def blank(folded: str, spans: list[tuple[int, int]]) -> str:
    """`folded` with the given spans replaced by spaces (indices stay valid)."""
    if not spans:
        return folded
    chars = list(folded)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
