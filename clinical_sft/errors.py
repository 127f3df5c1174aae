"""Exception hierarchy of clinical-sft.

Every message says what failed and where (file, record id, field) and how to fix it,
never the content of a record: exceptions end up in logs and terminals.
"""

from __future__ import annotations

__all__ = [
    "ClinicalSFTError",
    "ConfigError",
    "InputError",
    "KeyMissingError",
    "ModelNotFoundError",
    "PrivacyBudgetExceeded",
    "RecordError",
]


class ClinicalSFTError(Exception):
    """Base class of every error raised by clinical-sft."""


class ConfigError(ClinicalSFTError, ValueError):
    """A configuration value is invalid (the message names the field and allowed values)."""


class InputError(ClinicalSFTError):
    """An input file cannot be read (the message names the file, never its content)."""


class RecordError(InputError):
    """One record of an input cannot be processed; it goes to quarantine.

    Parameters
    ----------
    reason
        A short machine-readable reason (``"malformed_json"``, ``"encoding"``, ...).
    source
        The file the record came from.
    record
        A locator of the record in that file (line number, row, id), never its content.
    """

    def __init__(self, reason: str, source: str = "", record: str = "", detail: str = "") -> None:
        self.reason = reason
        self.source = source
        self.record = record
        self.detail = detail
        where = ", ".join(p for p in (f"file {source}" if source else "", f"record {record}" if record else "") if p)
        msg = f"{reason}" + (f" ({where})" if where else "") + (f": {detail}" if detail else "")
        super().__init__(msg)


class KeyMissingError(ClinicalSFTError):
    """No secret key was provided for keyed pseudonyms, surrogates or date shifts."""


class ModelNotFoundError(ClinicalSFTError, FileNotFoundError):
    """A pretrained model was asked for but is not on disk (no hub is reachable)."""


class PrivacyBudgetExceeded(ClinicalSFTError):
    """Differentially private training would spend more than its target epsilon."""
