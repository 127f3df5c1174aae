"""Clinical PHI recognizers for presidio's analyzer, and the registry that names them.

Each recognizer is a presidio :class:`~presidio_analyzer.EntityRecognizer` that wraps one plain
finder function ``find_x(text) -> [(start, end, label, score)]`` (pattern, lexicon and context
rules, linear-time). They share one token scan of the note. Register more (for example a fine-tuned
PHI NER) with :func:`register_recognizer`; :class:`~clinical_sft.privacy.DeidConfig` names the ones
to use.

Examples
--------
>>> from clinical_sft.privacy.recognizers import find_dates
>>> [(s, e, label) for s, e, label, _ in find_dates("SEEN ON 7/22; BP 120/80")]
[(8, 12, 'DATE')]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from clinical_sft.privacy.recognizers._lexicons import Lexicons, get_lexicons
from clinical_sft.privacy.recognizers._tagger import PhiTagger, train_tagger
from clinical_sft.privacy.recognizers.locations import find_addresses, find_facilities, find_places
from clinical_sft.privacy.recognizers.names import find_names
from clinical_sft.privacy.recognizers.patterns import find_ages, find_contacts, find_dates, find_ids

__all__ = [
    "LABELS",
    "ClinicalRecognizer",
    "Lexicons",
    "PhiTagger",
    "available_recognizers",
    "build_recognizer",
    "find_addresses",
    "find_ages",
    "find_contacts",
    "find_dates",
    "find_facilities",
    "find_ids",
    "find_names",
    "find_places",
    "get_lexicons",
    "register_recognizer",
    "train_tagger",
]

#: The PHI labels the clinical recognizers emit (tags of the ``tag`` operator).
LABELS = ("NAME", "DATE", "AGE", "PHONE", "EMAIL", "URL", "IP_ADDRESS", "SSN", "ID", "ADDRESS", "LOCATION",
          "ZIP", "HOSPITAL")

Finder = Callable[[str], list[tuple[int, int, str, float]]]


class ClinicalRecognizer(EntityRecognizer):
    """A presidio recognizer around a finder function.

    Parameters
    ----------
    finder
        ``finder(text) -> [(start, end, label, score), ...]``.
    entities
        The labels it can emit.
    name
        The recognizer name (written to the audit trail).
    """

    def __init__(self, finder: Finder, entities: list[str], name: str) -> None:
        self._finder = finder
        self._label = name
        super().__init__(supported_entities=list(entities), name=name, supported_language="en")

    def load(self) -> None:  # lexicons load lazily on first use (shared by all recognizers)
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        wanted = set(entities) if entities else None
        out = []
        for s, e, label, score in self._finder(text):
            if e <= s or (wanted is not None and label not in wanted):
                continue
            out.append(RecognizerResult(label, s, e, score,
                                        recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self._label,
                                                              RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return out


_REGISTRY: dict[str, Callable[..., EntityRecognizer]] = {}


def register_recognizer(name: str, factory: Callable[..., EntityRecognizer], *, replace: bool = False) -> None:
    """Register a recognizer factory under ``name`` (``factory(**options) -> EntityRecognizer``).

    A fine-tuned PHI NER, for instance, registers a factory that loads its model from a directory;
    ``DeidConfig(recognizers=(..., name))`` or ``DeidConfig(ner_model=DIR)`` then selects it.
    """
    if name in _REGISTRY and not replace:
        raise ValueError(f"a recognizer named {name!r} is already registered (pass replace=True)")
    _REGISTRY[name] = factory


def available_recognizers() -> list[str]:
    """Names accepted in ``DeidConfig.recognizers``."""
    return sorted(_REGISTRY)


def build_recognizer(name: str, **options: Any) -> EntityRecognizer:
    """Instantiate the registered recognizer ``name``."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown recognizer {name!r}; available: {', '.join(available_recognizers())}") from None
    return factory(**options)


def _builtin(finder: Finder, entities: list[str], name: str) -> Callable[..., EntityRecognizer]:
    def factory(**_: Any) -> EntityRecognizer:
        return ClinicalRecognizer(finder, entities, name)

    return factory


register_recognizer("names", _builtin(find_names, ["NAME"], "ClinicalNameRecognizer"))
register_recognizer("dates", _builtin(find_dates, ["DATE"], "ClinicalDateRecognizer"))
register_recognizer("ages", _builtin(find_ages, ["AGE"], "AgeOver89Recognizer"))
register_recognizer("contacts", _builtin(find_contacts, ["PHONE", "EMAIL", "URL", "IP_ADDRESS", "SSN"],
                                         "ContactRecognizer"))
register_recognizer("ids", _builtin(find_ids, ["ID", "DATE"], "ClinicalIdRecognizer"))
register_recognizer("places", _builtin(find_places, ["LOCATION", "ZIP", "HOSPITAL"], "PlaceRecognizer"))
register_recognizer("addresses", _builtin(find_addresses, ["ADDRESS"], "StreetAddressRecognizer"))
register_recognizer("facilities", _builtin(find_facilities, ["HOSPITAL"], "FacilityRecognizer"))


def _phi_ner(**options: Any) -> EntityRecognizer:
    from clinical_sft.privacy.ner_recognizer import phi_ner_factory

    return phi_ner_factory(**options)


# the fine-tuned PHI tagger (`clinical-sft ehr train --task ner`), selected with DeidConfig(ner_model=DIR)
register_recognizer("phi_ner", _phi_ner)


def _presidio_predefined(cls_name: str) -> Callable[..., EntityRecognizer]:
    def factory(**_: Any) -> EntityRecognizer:
        import presidio_analyzer.predefined_recognizers as pr

        return getattr(pr, cls_name)()

    return factory


# checksum-validated presidio recognizers (precise, cheap)
register_recognizer("credit_card", _presidio_predefined("CreditCardRecognizer"))
register_recognizer("iban", _presidio_predefined("IbanRecognizer"))
