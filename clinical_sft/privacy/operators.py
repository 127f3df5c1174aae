"""Operators that replace PHI spans: tag, redact, mask, keyed hash, keyed surrogate, date shift.

Operators run through presidio-anonymizer's :class:`~presidio_anonymizer.AnonymizerEngine`
(``replace``, ``redact``, ``mask`` and ``custom`` operators). Keyed operators derive everything
from the :class:`~clinical_sft.privacy.key.SecretKey` with a purpose label, so the same value of
the same patient always gets the same replacement and nothing is ever stored in a table:

* ``surrogate``: realistic fake values. A name maps word by word (``key.choose`` over faker name
  lists keyed by patient and word), so ``MARY SMITH`` and a later ``SMITH`` stay consistent.
  Dates are shifted by ``key.date_shift_days(patient_id)`` keeping their format (``7/22`` stays
  month/day, ``July 22nd`` keeps its style). Ages over 89 become ``90+``.
* ``hash``: ``[LABEL:hex]`` from a keyed HMAC of the value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from clinical_sft.data.records import Span
from clinical_sft.errors import ConfigError, KeyMissingError
from clinical_sft.privacy.key import SecretKey

__all__ = [
    "DATE_MODES",
    "OPERATORS",
    "KEYED_OPERATORS",
    "OutputSpan",
    "apply_operator",
    "shift_date",
    "surrogate",
]

OPERATORS = ("tag", "redact", "mask", "hash", "surrogate")
KEYED_OPERATORS = frozenset({"hash", "surrogate", "shift"})
#: how dates are treated: ``"operator"`` = like every other span; ``"shift"`` = keyed shift
DATE_MODES = ("operator", "shift", "tag", "redact", "mask", "hash")


@dataclass(frozen=True)
class OutputSpan:
    """Where a replacement sits in the de-identified text (0-based, end-exclusive)."""

    start: int
    end: int
    label: str
    operator: str


# ---------------------------------------------------------------------------------------------
# surrogate lists (faker; deterministic order)
@lru_cache(maxsize=1)
def _name_lists() -> tuple[tuple[str, ...], tuple[str, ...]]:
    import importlib

    firsts: set[str] = set()
    lasts: set[str] = set()
    for loc in ("en_US", "en_GB", "es_MX", "it_IT", "de_DE", "fr_FR", "pl_PL", "pt_BR", "vi_VN", "en_IN", "tr_TR",
                "nl_NL", "sv_SE", "ro_RO", "fil_PH", "yo_NG", "ga_IE"):
        try:
            prov = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except Exception:
            continue
        for attr, target in (("first_names", firsts), ("last_names", lasts)):
            vals = getattr(prov, attr, None)
            if isinstance(vals, dict | list | tuple):
                for v in vals:
                    v = str(v)
                    if v.isascii() and v.replace("'", "").replace("-", "").isalpha() and len(v) >= 3:
                        target.add(v)
    return tuple(sorted(firsts)), tuple(sorted(lasts))


def _case_like(src: str, out: str) -> str:
    if src.isupper() and len(src) > 1:
        return out.upper()
    if src.islower():
        return out.lower()
    if src[:1].isupper():
        return out[:1].upper() + out[1:]
    return out


def _norm(value: str) -> str:
    return " ".join(value.split()).upper()


#: Draws of a keyed surrogate until it differs from the real value (the first draw almost always does).
_ATTEMPTS = 8


def _surrogate_name(value: str, key: SecretKey, pid: str) -> str:
    from clinical_sft.privacy.recognizers._lexicons import fold, get_lexicons

    firsts, lasts = _name_lists()
    lex = get_lexicons()
    words = list(re.finditer(r"[^\W\d_]+(?:['’][^\W\d_]+)?", value))
    out = []
    pos = 0
    for i, m in enumerate(words):
        w = m.group()
        out.append(value[pos:m.start()])
        f = fold(w)
        is_first = f in lex.first and (i < len(words) - 1 or f not in lex.last or lex.first_pct.get(f, 0.0) >= 0.01)
        for attempt in range(_ATTEMPTS):  # never the real name back ("MARY" drawn for MARY would leak it)
            salt = f"|{attempt}" if attempt else ""
            if len(w) == 1:
                rep = key.choose("surrogate-initial", f"{pid}|{f}{salt}", "ABCDEFGHJKLMNPRSTVW")
            else:
                rep = key.choose("surrogate-name", f"{pid}|{f}{salt}", firsts if is_first else lasts)
            if fold(rep) != f:
                break
        out.append(_case_like(w, rep))
        pos = m.end()
    out.append(value[pos:])
    return "".join(out)


def _keyed_chars(value: str, key: SecretKey, purpose: str, pid: str) -> str:
    """Replace digits with digits and letters with letters, keyed; keep separators and shape."""
    stream = b""
    counter = 0
    out = []
    for c in value:
        if c.isdigit() or c.isalpha():
            if not stream:
                stream = key.digest(purpose, f"{pid}|{_norm(value)}|{counter}")
                counter += 1
            b, stream = stream[0], stream[1:]
            if c.isdigit():
                out.append(str(b % 10))
            else:
                ch = chr(ord("A") + b % 26)
                out.append(ch if c.isupper() else ch.lower())
        else:
            out.append(c)
    return "".join(out)


def _seeded_faker(key: SecretKey, purpose: str, pid: str, value: str):
    from faker import Faker

    fk = Faker("en_US")
    fk.seed_instance(key.integer(purpose, f"{pid}|{_norm(value)}") % (2**32))
    return fk


def surrogate(label: str, value: str, key: SecretKey, patient_id: str | None = None,
              shift_days: int | None = None) -> str:
    """A realistic, keyed, consistent fake for ``value`` of type ``label``.

    Examples
    --------
    >>> k = SecretKey.from_bytes(b"k" * 32)
    >>> surrogate("NAME", "MARY SMITH", k, "p1") == surrogate("NAME", "MARY SMITH", k, "p1")
    True
    >>> surrogate("AGE", "92", k)
    '90+'
    """
    pid = _norm(patient_id or "")
    if label == "AGE":
        return "90+"
    if label == "NAME":
        return _surrogate_name(value, key, pid)
    if label == "DATE":
        days = key.date_shift_days(pid) if shift_days is None else shift_days
        shifted = shift_date(value, days)
        return shifted if shifted is not None else "[DATE]"
    out = value
    for attempt in range(_ATTEMPTS):  # a fake that happens to equal the real value would leak it: draw again
        out = _keyed_surrogate(label, value, key, pid, f"#{attempt}" if attempt else "")
        if _norm(out) != _norm(value):
            break
    return out


def _keyed_surrogate(label: str, value: str, key: SecretKey, pid: str, salt: str) -> str:
    """One keyed draw of a surrogate for the labels but NAME, AGE and DATE; ``salt`` changes the draw."""
    if label in ("PHONE", "SSN", "ID", "ZIP", "CREDIT_CARD", "IBAN_CODE"):
        return _keyed_chars(value, key, f"surrogate-{label.lower()}{salt}", pid)
    if label == "IP_ADDRESS":
        d = key.digest(f"surrogate-ip{salt}", f"{pid}|{value}")
        return f"10.{d[0]}.{d[1]}.{max(1, d[2] % 255)}"
    if label == "EMAIL":
        firsts, lasts = _name_lists()
        local = key.choose(f"surrogate-name{salt}", f"{pid}|EMAIL|{_norm(value)}", firsts)
        last = key.choose(f"surrogate-name{salt}", f"{pid}|EMAIL2|{_norm(value)}", lasts)
        return f"{local}.{last}@example.org".lower()
    if label == "URL":
        return f"https://www.example.org/{key.digest(f'surrogate-url{salt}', f'{pid}|{value}').hex()[:8]}"
    if label == "ADDRESS":
        return _case_like(value, _seeded_faker(key, f"surrogate-address{salt}", pid, value).street_address())
    if label == "LOCATION":
        from clinical_sft.privacy.recognizers.locations import STATE_ABBR, STATES

        fk = _seeded_faker(key, f"surrogate-location{salt}", pid, value)
        up = _norm(value)
        if up in STATES:
            return _case_like(value, fk.state())
        if up in STATE_ABBR:
            return fk.state_abbr()
        return _case_like(value, fk.city())
    if label == "HOSPITAL":
        fk = _seeded_faker(key, f"surrogate-hospital{salt}", pid, value)
        kind = fk.random_element(("Hospital", "Medical Center", "Community Hospital", "Clinic", "Health Center"))
        return _case_like(value, f"{fk.last_name()} {kind}")
    return f"[{label}]"


# ---------------------------------------------------------------------------------------------
# date shifting that keeps the format
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_MON_IDX = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)} | {"sept": 9}
_RX_ISO = re.compile(r"^((?:19|20)\d\d)([/\-.])(\d{1,2})\2(\d{1,2})$")
_RX_NUM = re.compile(r"^(\d{1,2})([/\-.])(\d{1,2})(?:\2(\d{4}|\d{2}))?$")
_RX_COMPACT = re.compile(r"^((?:19|20)\d\d)(\d\d)(\d\d)$")
_RX_MONTH_FIRST = re.compile(r"^([A-Za-z]+)(\.?)(\s*)(\d{1,2})([A-Za-z]{2})?(?:(,?\s*)(\d{4}|'\d\d))?$")
_RX_DAY_FIRST = re.compile(r"^(\d{1,2})([A-Za-z]{2})?(\s+of\s+|[\s\-]+)([A-Za-z]+)(\.?)(?:([\s\-,]+)(\d{4}|\d{2}))?$",
                           re.IGNORECASE)
_RX_MONTH_YEAR = re.compile(r"^([A-Za-z]+)(\.?)(,?\s*)(\d{4})$")
_RX_YEAR = re.compile(r"^((?:19|20)\d\d)('?s)?$")
_RX_MONTH = re.compile(r"^([A-Za-z]+)(\.?)$")


def _month(word: str) -> int | None:
    w = word.lower()
    if w in _MONTHS:
        return _MONTHS.index(w) + 1
    return _MON_IDX.get(w[:4] if w.startswith("sept") else w[:3]) if (len(w) in (3, 4) or w in ("sept",)) else None


def _month_name(n: int, like: str) -> str:
    full = _MONTHS[n - 1]
    if len(like) <= 3:
        w = full[:3]
    elif like.lower() == "sept":
        w = "sept" if n == 9 else full[:3]
    else:
        w = full if len(like) > 4 or like.lower() in _MONTHS else full[:3]
    return _case_like(like, w) if not like.isupper() else w.upper()


def _ordinal(day: int, like: str) -> str:
    if not like:
        return ""
    suf = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return suf.upper() if like.isupper() else suf


def _pad(n: int, like: str) -> str:
    return str(n).zfill(len(like)) if like.startswith("0") else str(n)


def _year_out(y: int, like: str) -> str:
    if like.startswith("'"):
        return f"'{y % 100:02d}"
    return f"{y % 100:02d}" if len(like) == 2 else str(y)


def _year_in(like: str) -> int:
    s = like.lstrip("'")
    y = int(s)
    if len(s) == 2:
        y += 2000 if y < 50 else 1900
    return y


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _shift_named(y: str | None, month: int, day: str, delta: dt.timedelta) -> dt.date | None:
    """The shifted date of a month-name date form (in the leap year 2000 when none is written, as numeric forms)."""
    d0 = _safe_date(_year_in(y) if y else 2000, month, int(day))
    return None if d0 is None else d0 + delta


def shift_date(value: str, days: int) -> str | None:
    """``value`` shifted by ``days`` in the same format, or ``None`` when it cannot be parsed.

    Examples
    --------
    >>> shift_date("7/22", 10), shift_date("07/22/2019", -30), shift_date("July 22nd", 12)
    ('8/1', '06/22/2019', 'August 3rd')
    >>> shift_date("22-JUL-2019", 1), shift_date("2019-07-22", 365)
    ('23-JUL-2019', '2020-07-21')
    """
    v = value.strip()
    delta = dt.timedelta(days=days)
    m = _RX_ISO.match(v)
    if m:
        d0 = _safe_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if d0 is None:
            return None
        d1 = d0 + delta
        sep = m.group(2)
        lm = "00" if len(m.group(3)) == 2 else m.group(3)
        ld = "00" if len(m.group(4)) == 2 else m.group(4)
        return f"{d1.year}{sep}{_pad(d1.month, lm)}{sep}{_pad(d1.day, ld)}"
    m = _RX_COMPACT.match(v)
    if m:
        d0 = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d0 is None:
            return None
        d1 = d0 + delta
        return f"{d1.year}{d1.month:02d}{d1.day:02d}"
    m = _RX_NUM.match(v)
    if m:
        a, sep, b, y = m.group(1), m.group(2), m.group(3), m.group(4)
        us = int(a) <= 12
        mo, da = (int(a), int(b)) if us else (int(b), int(a))
        # a date without a year is shifted in one leap year, so every day (2/29 too) has its place and a shift
        # and its inverse always meet again
        year = _year_in(y) if y else 2000
        d0 = _safe_date(year, mo, da)
        if d0 is None:
            return None
        d1 = d0 + delta
        if a.startswith("0") or b.startswith("0"):
            a = b = "00"  # zero-padded fields stay zero-padded
        if us:
            out = f"{_pad(d1.month, a)}{sep}{_pad(d1.day, b)}"
        else:
            out = f"{_pad(d1.day, a)}{sep}{_pad(d1.month, b)}"
        return out + (f"{sep}{_year_out(d1.year, y)}" if y else "")
    m = _RX_MONTH_FIRST.match(v)
    if m and _month(m.group(1)):
        y = m.group(7)
        shifted = _shift_named(y, _month(m.group(1)) or 1, m.group(4), delta)
        if shifted is None:
            return None
        d1 = shifted
        out = f"{_month_name(d1.month, m.group(1))}{m.group(2)}{m.group(3)}{_pad(d1.day, m.group(4))}"
        out += _ordinal(d1.day, m.group(5) or "")
        if y:
            out += f"{m.group(6)}{_year_out(d1.year, y)}"
        return out
    m = _RX_DAY_FIRST.match(v)
    if m and _month(m.group(4)):
        y = m.group(7)
        shifted = _shift_named(y, _month(m.group(4)) or 1, m.group(1), delta)
        if shifted is None:
            return None
        d1 = shifted
        out = f"{_pad(d1.day, m.group(1))}{_ordinal(d1.day, m.group(2) or '')}{m.group(3)}"
        out += f"{_month_name(d1.month, m.group(4))}{m.group(5)}"
        if y:
            out += f"{m.group(6)}{_year_out(d1.year, y)}"
        return out
    m = _RX_MONTH_YEAR.match(v)
    if m and _month(m.group(1)):
        d1 = dt.date(int(m.group(4)), _month(m.group(1)), 15) + delta  # type: ignore[arg-type]
        return f"{_month_name(d1.month, m.group(1))}{m.group(2)}{m.group(3)}{d1.year}"
    m = _RX_YEAR.match(v)
    if m:
        d1 = dt.date(int(m.group(1)), 7, 1) + delta
        return f"{d1.year}{m.group(2) or ''}"
    if re.fullmatch(r"'\d\d", v):
        d1 = dt.date(_year_in(v), 7, 1) + delta
        return f"'{d1.year % 100:02d}"
    m = _RX_MONTH.match(v)
    if m and _month(m.group(1)) and len(m.group(1)) >= 3:
        d1 = dt.date(2001, _month(m.group(1)), 15) + delta  # type: ignore[arg-type]
        return f"{_month_name(d1.month, m.group(1))}{m.group(2)}"
    return None


# ---------------------------------------------------------------------------------------------
def _value_fn(op: str, label: str, key: SecretKey | None, patient_id: str | None) -> Callable[[str], str]:
    if op == "tag":
        return lambda _v: f"[{label}]"
    if op == "redact":
        return lambda _v: ""
    if op == "mask":
        return lambda v: "".join("*" if not c.isspace() else c for c in v)
    if key is None:
        raise KeyMissingError(
            f"The '{op}' operator needs a secret key: pass --key-file FILE or set CLINICAL_SFT_KEY "
            "(create one with: clinical-sft key new FILE)."
        )
    if op == "hash":
        return lambda v: f"[{label}:{key.digest('hash', f'{label}|{_norm(v)}').hex()[:12]}]"
    if op == "shift":
        days = key.date_shift_days(_norm(patient_id or ""))
        return lambda v: shift_date(v, days) or "[DATE]"
    if op == "surrogate":
        return lambda v: surrogate(label, v, key, patient_id)
    raise ConfigError(f"operator must be one of {', '.join(OPERATORS)}, got {op!r}")


def _operator_for(label: str, operator: str, date_mode: str) -> str:
    if label == "DATE" and date_mode != "operator":
        return date_mode
    if label == "AGE" and operator in ("surrogate",):
        return "surrogate"  # 90+
    return operator


def apply_operator(text: str, spans: Sequence[Span], operator: str = "tag", *, key: SecretKey | None = None,
                   patient_id: str | None = None, date_mode: str = "operator") -> tuple[str, list[OutputSpan]]:
    """Replace ``spans`` (non-overlapping) of ``text``; return the new text and where each replacement sits.

    Built on presidio-anonymizer: ``tag`` is its ``replace`` operator, ``redact`` and ``mask`` its own,
    and the keyed operators are ``custom`` operators.
    """
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    if operator not in OPERATORS:
        raise ConfigError(f"operator must be one of {', '.join(OPERATORS)}, got {operator!r}")
    if date_mode not in DATE_MODES:
        raise ConfigError(f"date_mode must be one of {', '.join(DATE_MODES)}, got {date_mode!r}")
    if not spans:
        return text, []
    ops: dict[str, OperatorConfig] = {}
    labels = {s.label for s in spans}
    used: dict[str, str] = {}
    for label in labels:
        op = _operator_for(label, operator, date_mode)
        used[label] = op
        if op == "tag":
            ops[label] = OperatorConfig("replace", {"new_value": f"[{label}]"})
        elif op == "redact":
            ops[label] = OperatorConfig("redact", {})
        else:
            ops[label] = OperatorConfig("custom", {"lambda": _value_fn(op, label, key, patient_id)})
    results = [RecognizerResult(s.label, s.start, s.end, float(s.score)) for s in spans]
    res = _engine().anonymize(text=text, analyzer_results=results, operators=ops)
    out = sorted((OutputSpan(it.start, it.end, it.entity_type, used.get(it.entity_type, operator))
                  for it in res.items), key=lambda o: o.start)
    return res.text, out


@lru_cache(maxsize=1)
def _engine():
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()

