"""Lexicons shared by the clinical recognizers, built once per process (lazily).

Names come from the 1990 US Census lists shipped by the ``names`` package and from the name lists
of every Latin-script ``faker`` locale (names of many origins). The safe-list is the union of common
English words (``data/common_en.txt``), the lower-case words of the SCOWL English word list
(``data/english_lower.txt``), ``wordfreq``, the clinical safe-list written for this project
(``data/clinical_safe.txt``) and drug names (``data/drugs.txt``). Places come from GeoNames
(``data/places_major.txt``, ``data/countries.txt``; ``data/places_minor.txt`` and ``data/places_postal.txt``,
small towns that are places only in a place context) and a hand list (``data/cities.txt``); the
sources and licences of every list are in ``data/README.md``.

A name-lexicon word is *pure* when it is not also a common word (``MARY``, ``GARCIA``),
*ambiguous* when it is (``BROWN``, ``MAY``), or when it is a rare surname that is also an English,
clinical or drug word (``STENT``, ``BOLUS``, ``LEATHERS``): ambiguous words are names only with
context. Tokens are compared upper-cased and with accents folded (``SZÖLLÖSY`` matches ``SZOLLOSY``).
"""

from __future__ import annotations

import importlib
import logging
import math
import pkgutil
import string
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = ["EPONYM_NEXT", "Lexicons", "fold", "get_lexicons", "medical_shape"]

# name-lexicon classes
NOT_NAME, AMBIGUOUS, PURE = 0, 1, 2


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Upper-case ``word`` and strip accents (``"Szöllösy"`` -> ``"SZOLLOSY"``)."""
    if word.isascii():
        return word.upper()
    nfkd = unicodedata.normalize("NFKD", word)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).upper()


def _data_lines(name: str) -> list[str]:
    text = resources.files("clinical_sft.privacy.recognizers").joinpath("data", name).read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def _data_words(name: str) -> set[str]:
    return {w.upper() for ln in _data_lines(name) for w in ln.split()}


def _census(name: str) -> list[tuple[str, float]]:
    import names as names_pkg

    path = Path(names_pkg.__file__).parent / name
    out = []
    with path.open(encoding="ascii", errors="ignore") as fh:
        for ln in fh:
            parts = ln.split()
            if len(parts) >= 2:
                out.append((parts[0].upper(), float(parts[1])))
    return out


def _faker_names() -> tuple[set[str], set[str]]:
    """First and last names of every faker locale whose names fold to Latin letters."""
    import faker.providers.person as person

    firsts: set[str] = set()
    lasts: set[str] = set()
    for mod in pkgutil.iter_modules(person.__path__):
        try:
            prov = importlib.import_module(f"faker.providers.person.{mod.name}").Provider
        except Exception:  # a locale that fails to import is simply skipped
            continue
        for attr, target in (("first_names", firsts), ("first_names_female", firsts), ("first_names_male", firsts),
                             ("last_names", lasts)):
            values = getattr(prov, attr, None)
            if not isinstance(values, dict | list | tuple) or not values:
                continue
            for v in values:
                for part in str(v).replace("-", " ").split():
                    f = fold(part)
                    if len(f) >= 2 and f.isascii() and f.replace("'", "").isalpha():
                        target.add(f)
    return firsts, lasts


@dataclass
class Lexicons:
    """Word lists used by the recognizers (all upper-case, accent-folded)."""

    first: set[str] = field(default_factory=set)
    last: set[str] = field(default_factory=set)
    first_pct: dict[str, float] = field(default_factory=dict)
    last_pct: dict[str, float] = field(default_factory=dict)
    common: set[str] = field(default_factory=set)
    english: set[str] = field(default_factory=set)
    clinical: set[str] = field(default_factory=set)
    drugs_only: set[str] = field(default_factory=set)  # drug names that are no clinical abbreviation or word
    cities: set[str] = field(default_factory=set)
    minor_places: set[str] = field(default_factory=set)
    postal_places: set[str] = field(default_factory=set)  # US post-office towns in no list above (place context only)
    neighborhoods: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    facilities: list[str] = field(default_factory=list)
    employers: list[str] = field(default_factory=list)
    facilities_ctx: set[str] = field(default_factory=set)  # one-word short names that are also words
    name_class: dict[str, int] = field(default_factory=dict)
    freq: dict[str, float] = field(default_factory=dict)
    _typos: dict[str, bool] = field(default_factory=dict, repr=False)

    def zipf(self, word: str) -> float:
        """wordfreq Zipf frequency of an upper-cased ``word`` in English (0 when unknown)."""
        f = self.freq.get(word.lower())
        return math.log10(f) + 9.0 if f else 0.0

    def is_safe(self, word: str) -> bool:
        """A common English or clinical word (not a name without context)."""
        return word in self.common or word in self.clinical

    def _known(self, word: str) -> bool:
        return self.is_safe(word) or self.zipf(word) >= 3.5 or (word in self.english and word not in self.name_class) \
            or self.is_typo(word)

    def is_typo(self, word: str) -> bool:
        """An unknown word of six letters or more one slip (a dropped or swapped letter) from a
        frequent English word (``TRANSFERED``, ``RECIEVED``, ``MOBILZE``): a misspelling, not a name or a place. Words
        of the name and place lists, and slips of a name or a place (``CHICGO``), are never typos."""
        if len(word) < 6 or not word.isalpha() or not word.isascii() or word in self.name_class \
                or word in self.cities or word in self.minor_places or word in self.postal_places \
                or word in self.countries or self.zipf(word) >= 3.0:
            return False  # the cheap tests first; only the candidate search below is cached
        hit = self._typos.get(word)
        if hit is None:
            if len(self._typos) >= _TYPO_CACHE_MAX:
                self._typos.clear()  # bounded memory over a corpus of any size
            hit = self._typos[word] = any(self.zipf(c) >= 4.0 and c not in self.name_class and c not in self.cities
                                          and c not in self.countries for c in _one_slip(word))
        return hit

    def is_known_word(self, word: str) -> bool:
        """Safe, frequent enough in English (wordfreq Zipf >= 3.5) or a dictionary word that is no name
        (``TEARFUL``): a word, not a name (GERI-CHAIR: each part)."""
        if self._known(word):
            return True
        if "-" in word:
            parts = [p for p in word.split("-") if p]
            return bool(parts) and all(self._known(p) for p in parts)
        return False

    def klass(self, word: str) -> int:
        """``PURE``, ``AMBIGUOUS`` or ``NOT_NAME`` for an upper-cased, folded word."""
        k = self.name_class.get(word)
        if k is not None:
            return k
        if word in self.clinical:
            return NOT_NAME  # HUNT-HESS, CHEYNE-STOKES: clinical words written with a hyphen
        if word.endswith("'S") or word.endswith("’S"):
            return self.name_class.get(word[:-2], NOT_NAME)
        if len(word) >= 5 and word[1] in "'’" and word[0] in "ODL" and word[2:].isalpha() and word != "O'CLOCK":
            return PURE  # O'BRIEN, D'ANGELO, L'HEUREUX
        if "-" in word:
            parts = [p for p in word.split("-") if p]
            ks = [self.name_class.get(p, NOT_NAME) for p in parts]
            if parts and all(k != NOT_NAME for k in ks):
                return PURE if any(k == PURE for k in ks) else AMBIGUOUS
        return NOT_NAME


# "Sex: M  Age: 50", "Phalen test", "Murphy's sign": words before these are not names
EPONYM_NEXT = frozenset(
    "SIGN SIGNS TEST TESTS LINE LINES SCORE SCALE DISEASE SYNDROME MANEUVER MANOEUVRE CATHETER CRITERIA "
    "CLASSIFICATION PROCEDURE OPERATION REFLEX PHENOMENON RESPIRATION TUBE DRAIN DRAINS FALL PALSY ULCER "
    "NODES NODE CELL CELLS FRACTURE ANEURYSM TRIAD POINT STAGE GRADE TYPE BOOTS BOOT BAG STRAPS STRAP TRACTION "
    "BOLT MONITOR LOTION CREAM OINTMENT POWDER SPRAY PUMP DRESSING VAC VALVE MECHANICAL PROSTHESIS CLAMP COLLAR "
    "BRACE SPLINT MATTRESS LIFT STOCKINGS PAD PADS TAPE KIT DEVICE SYSTEM FORMULA MALFORMATION ORDER REPAIR "
    "ANASTOMOSIS FUNDOPLICATION POUCH SHUNT FILTER STITCH SUTURE SHEATH BLOCK MALFORMATIONS LINE LINES HOLE PIN PINS "
    "PILLOW LENS BED BEDS VENT SEAL LESION LESIONS GUIDE WAND PROTOCOL NEEDLE GRAFT BLADE CANNULA J CATHOLIC CYST DUAL "
    "CHAMBER WARMER WARMERS BLANKET MACHINE TEAR TEARS WAVE WAVES GANGRENE ANGINA FX CARDIOMYOPATHY CARDITIS "
    "ENCEPHALOPATHY NEUROPATHY HERNIA DEFORMITY CONTRACTURE LYMPHOMA SARCOMA TUMOR TUMOUR".split())  # "MIAMI J" (a collar), "ROMAN CATHOLIC"
# suffixes of medical words: an unknown word ending so is no name (HEPATOLOGY, MYASTHENIA, CALAZIME)
_MEDICAL_SUFFIX = ("OLOGY", "OLOGIST", "ECTOMY", "OTOMY", "OSTOMY", "PLASTY", "OSCOPY", "OGRAPHY", "OGRAM", "ITIS",
                   "OSIS", "EMIA", "AEMIA", "OPATHY", "ALGIA", "PENIA", "PNEA", "PNOEA", "URIA", "CARDIA", "PLEGIA",
                   "PARESIS", "TROPHY", "IASIS", "CILLIN", "MYCIN", "FLOXACIN", "AZOLE", "STATIN", "SARTAN", "OLOL",
                   "DIPINE", "PRAZOLE", "TIDINE", "PARIN", "THENIA", "ECTASIS", "OMEGALY", "OTOMIES", "ECTOMIES",
                   "GENIC", "LYTIC", "PHAGIA", "RRHEA", "RRHAGIA", "ASIA", "OMA", "OMAS", "ZIME", "AMINE", "IDINE",
                   "EPAM", "AZEPAM", "OXACIN", "TEROL", "SONIDE", "OPRIL", "ASONE", "OLONE",
                   # derived nouns of procedures and states ("INTUBATION", "SEDATION", "OCCLUSION")
                   "ATION", "ATIONS", "ITION", "UTION", "ECTION", "ESSION", "USION", "ULATION", "ESIS", "YSIS")


_TYPO_CACHE_MAX = 100_000


def _one_slip(word: str) -> set[str]:
    """Words ``word`` may be a slip of: one letter left out of them, or two neighbours swapped (not an extra letter
    in ``word``: "KMURPHY", "AIRMED" and "CLINICA" are no slips of MURPHY, AIRED and CLINIC)."""
    out = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    out |= {word[:i] + c + word[i:] for i in range(len(word)) for c in string.ascii_uppercase}  # not at the end: "CLINICA"
    out.discard(word)
    return out


def medical_shape(base: str) -> bool:
    """An unknown word shaped like a medical term (``HEPATOLOGY``, ``MYASTHENIA``, ``CALAZIME``)."""
    return len(base) >= 6 and base.endswith(_MEDICAL_SUFFIX) and (base.endswith(("OMA", "OMAS")) is False
                                                                   or len(base) >= 7)
# dictionary words whose everyday use is as a name (kept as names without context)
# names that a frequency or an old dictionary sense would make ambiguous (JAMES, MARY: among the most common US
# first names, and no word of clinical prose)
_FORCE_NAMES = frozenset("PATEL SHAH SINGH KHAN ALI WONG CHAN CHEN NGUYEN GARCIA LOPEZ GONZALEZ SMITH JONES JAMES MARY "
                         "HENRY JOE FRANCES LESTER FRANKLIN ELMER JARED NELSON".split())

def _stem_common(w: str, common: set[str]) -> bool:
    for suf, add in (("IES", "Y"), ("ES", ""), ("S", ""), ("ED", ""), ("ED", "E"), ("ING", ""), ("ING", "E"),
                     ("ER", ""), ("ERS", ""), ("LY", "")):
        if w.endswith(suf) and len(w) - len(suf) >= 3 and (w[: -len(suf)] + add) in common:
            return True
    return False


_LOCK = threading.Lock()
_LEX: Lexicons | None = None


def get_lexicons() -> Lexicons:
    """The process-wide lexicons (built on first use, about a second)."""
    global _LEX
    if _LEX is None:
        with _LOCK:
            if _LEX is None:
                _LEX = _build()
    return _LEX


def _build() -> Lexicons:
    from wordfreq import get_frequency_dict

    lex = Lexicons()
    lex.freq = get_frequency_dict("en", wordlist="large")
    lex.common = _data_words("common_en.txt")
    lex.english = _data_words("english_lower.txt")
    safe = _data_words("clinical_safe.txt")
    lex.clinical = safe | _data_words("drugs.txt")
    lex.drugs_only = lex.clinical - safe
    lex.cities = {fold(c) for f in ("cities.txt", "places_major.txt") for c in _data_lines(f)}
    lex.minor_places = {fold(c) for f in ("places_minor.txt", "neighborhoods.txt") for c in _data_lines(f)} - lex.cities
    lex.neighborhoods = {fold(c) for c in _data_lines("neighborhoods.txt")}
    lex.countries = {fold(c) for c in _data_lines("countries.txt")}
    lex.cities |= lex.minor_places
    lex.postal_places = {fold(c) for c in _data_lines("places_postal.txt")} - lex.cities - lex.clinical
    lex.facilities = _data_lines("facilities.txt")
    lex.employers = _data_lines("employers.txt")
    lex.facilities_ctx = {fold(f).upper().removesuffix("'S") for f in _data_lines("facilities_ctx.txt")}
    fem = _census("dist.female.first")
    male = _census("dist.male.first")
    for n, pct in fem + male:
        lex.first_pct[n] = max(pct, lex.first_pct.get(n, 0.0))
    lex.first = set(lex.first_pct)
    lex.last_pct = dict(_census("dist.all.last"))
    lex.last = set(lex.last_pct)
    ff, fl = _faker_names()
    lex.first |= ff
    lex.last |= fl
    for w in lex.first | lex.last:
        if len(w) < 2:
            continue
        if w in lex.clinical:
            cls = AMBIGUOUS
        elif w in _FORCE_NAMES:
            cls = PURE
        elif w in lex.common:
            z = lex.zipf(w)
            pct = lex.first_pct.get(w, 0.0)
            cls = PURE if (pct >= 0.1 and z < 4.5) or (pct >= 0.005 and z < 4.2) else AMBIGUOUS
        elif _stem_common(w, lex.common) and lex.zipf(w) >= 3.0:
            cls = AMBIGUOUS  # ROUNDS, TESTED, CALLING: inflections of common words
        elif w in lex.english and lex.last_pct.get(w, 0.0) <= 0.002 and lex.first_pct.get(w, 0.0) < 0.01 \
                and w not in ff:
            cls = AMBIGUOUS  # STENT, BOLUS, MITTS: rare surnames that are dictionary words
        elif w not in lex.first and w not in fl and lex.last_pct.get(w, 0.0) < 0.0005:
            cls = AMBIGUOUS  # KERLEY, OSLER, MELENA: surnames of fewer than 1 in 200,000 Americans
        elif lex.zipf(w) >= 4.6 and lex.first_pct.get(w, 0.0) < 0.1:
            # very frequent words outside the dictionary list (inflections, slang): need context
            cls = AMBIGUOUS
        else:
            cls = PURE
        lex.name_class[w] = cls
    log.debug("lexicons: %d first, %d last, %d common, %d clinical", len(lex.first), len(lex.last),
              len(lex.common), len(lex.clinical))
    return lex
