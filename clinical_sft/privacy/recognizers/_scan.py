"""One tokenisation of a note, shared by every recognizer that needs words in context.

The token pattern has no nested quantifier (linear time on any input). Apostrophes and hyphens
inside a word (``O'BRIEN``, ``SMITH-JONES``) are joined after the scan.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from clinical_sft.privacy.recognizers._lexicons import fold

__all__ = ["Token", "Scan", "scan"]

_TOKEN = re.compile(r"[^\W\d_]+|\d+|\S")
_JOINERS = frozenset("'’-")
_LOWER = re.compile(r"[a-z\u00df-\u00ff]")
_UPPER = re.compile(r"[A-Z\u00c0-\u00de]")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    kind: str  # "w" word, "n" number, "p" punctuation
    up: str  # upper-cased, accent-folded (words), else the text

    @property
    def is_title(self) -> bool:
        t = self.text
        return t[:1].isupper() and t[1:2].islower()

    @property
    def is_upper(self) -> bool:
        return self.text.isupper()

    @property
    def is_lower(self) -> bool:
        return self.text.islower()


_TITLED = re.compile(r"(?<![\w'’])[A-Z][a-z]")


class Scan:
    """Tokens of a text, whether the text is mixed-case, and helpers to look around a token."""

    __slots__ = ("text", "tokens", "mixed_case", "words", "starts")

    def __init__(self, text: str) -> None:
        self.text = text
        raw = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        toks: list[Token] = []
        i = 0
        n = len(raw)
        while i < n:
            s, e, t = raw[i]
            if t[0].isalpha():
                # join O'BRIEN, SMITH-JONES, MARY-ANN (no spaces around the joiner)
                while (i + 2 < n and raw[i + 1][2] in _JOINERS and raw[i + 1][0] == e
                       and raw[i + 2][0] == raw[i + 1][1] and raw[i + 2][2][0].isalpha()):
                    e = raw[i + 2][1]
                    i += 2
                txt = text[s:e]
                toks.append(Token(s, e, txt, "w", fold(txt)))
            elif t[0].isdigit():
                toks.append(Token(s, e, t, "n", t))
            else:
                toks.append(Token(s, e, t, "p", t))
            i += 1
        self.tokens = toks
        self.words = [i for i, t in enumerate(toks) if t.kind == "w"]
        self.starts = [t.start for t in toks]
        sample = text[:20000]
        lower = len(_LOWER.findall(sample))
        upper = len(_UPPER.findall(sample))
        total = lower + upper
        # capitals carry information only in mixed-case prose (not in ALL-CAPS or all-lower notes)
        self.mixed_case = total > 0 and lower / total > 0.3 and upper / total > 0.025
        if self.mixed_case:
            # a lower-case note with acronyms ("pt w/ R frontal ICH, stable on repeat CT"): no capitalised words,
            # so capitals carry no information either
            words = [t for t in toks[:4000] if t.kind == "w" and len(t.text) >= 2]
            titled = sum(1 for t in words if t.is_title)
            self.mixed_case = titled >= 0.02 * len(words) and titled > 0

    def index_from(self, pos: int) -> int:
        """Index of the first token that starts at or after character ``pos`` (``len(tokens)`` if none)."""
        return bisect_left(self.starts, pos)

    def index_at(self, pos: int) -> int | None:
        """Index of the token that starts at character ``pos``, or ``None``."""
        k = bisect_left(self.starts, pos)
        return k if k < len(self.starts) and self.starts[k] == pos else None

    def prev_word(self, i: int, skip: str = ".,:;") -> int:
        """Index of the word before token ``i``, skipping punctuation in ``skip``; -1 if none."""
        j = i - 1
        while j >= 0:
            t = self.tokens[j]
            if t.kind == "w":
                return j
            if t.kind == "p" and t.text in skip:
                j -= 1
                continue
            return -1
        return -1

    def next_word(self, i: int, skip: str = ".,:;") -> int:
        j = i + 1
        n = len(self.tokens)
        while j < n:
            t = self.tokens[j]
            if t.kind == "w":
                return j
            if t.kind == "p" and t.text in skip:
                j += 1
                continue
            return -1
        return -1

    def gap(self, i: int, j: int) -> str:
        """The raw text between tokens ``i`` and ``j`` (``i < j``)."""
        return self.text[self.tokens[i].end:self.tokens[j].start]

    def lower_line(self, i: int) -> bool:
        """Whether token ``i``'s line has no capitalised word: a lower-case line in a mixed-case note
        ("SOCIAL: dtr sue called"), where capitals carry no information either."""
        return self.lower_at(self.tokens[i].start)

    def lower_at(self, pos: int) -> bool:
        """Whether the line holding character ``pos`` has no capitalised word (see :meth:`lower_line`)."""
        a = self.text.rfind("\n", 0, pos) + 1
        b = self.text.find("\n", pos)
        return _TITLED.search(self.text, a, b if b >= 0 else len(self.text)) is None

    def sentence_initial(self, i: int) -> bool:
        """Whether token ``i`` starts a sentence, a line or a field."""
        if i == 0:
            return True
        prev = self.tokens[i - 1]
        if "\n" in self.text[prev.end:self.tokens[i].start]:
            return True
        return prev.kind == "p" and prev.text in ".!?:;-*•>\"([)#"


@lru_cache(maxsize=8)
def scan(text: str) -> Scan:
    """The (cached) scan of ``text``: recognizers of one analysis share it."""
    return Scan(text)
