"""The one secret key of a de-identification project.

Everything keyed derives from it with a *purpose* label: HMAC-SHA256(key, purpose || value).
Text and DICOM de-identification call the same functions here, which is what keeps one
patient's pseudonym, surrogates, date shift and UIDs identical across notes and images.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from clinical_sft.errors import KeyMissingError

__all__ = ["DEFAULT_KEY_ENV", "SecretKey"]

DEFAULT_KEY_ENV = "CLINICAL_SFT_KEY"
T = TypeVar("T")


class SecretKey:
    """A secret key for keyed pseudonymisation. Never logged, never repr'd.

    Build one with :meth:`from_file`, :meth:`from_env` or :meth:`load`; tests may use
    :meth:`from_bytes`. Two runs with the same key give the same pseudonyms, surrogates,
    date shifts and UIDs; a different key gives different ones.

    Examples
    --------
    >>> key = SecretKey.from_bytes(b"0" * 32)
    >>> key.pseudonym("MRN123") == key.pseudonym("MRN123")
    True
    """

    __slots__ = ("_key", "_fingerprint")

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes | bytearray) or len(key) < 16:
            raise KeyMissingError("The secret key must be at least 16 bytes (32 random bytes recommended).")
        self._key = bytes(key)
        # A fingerprint identifies the key in manifests without revealing it.
        self._fingerprint = hashlib.sha256(b"clinical-sft/key-fingerprint" + self._key).hexdigest()[:16]

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_bytes(cls, key: bytes) -> SecretKey:
        return cls(key)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> SecretKey:
        """Read a key file (raw bytes, or hex/base64 text; trailing whitespace ignored)."""
        p = Path(path)
        if not p.is_file():
            raise KeyMissingError(f"Key file {p} does not exist. Create one with: clinical-sft key new {p}")
        raw = p.read_bytes().strip()
        return cls(_decode_key_text(raw))

    @classmethod
    def from_env(cls, name: str = DEFAULT_KEY_ENV) -> SecretKey:
        value = os.environ.get(name)
        if not value:
            raise KeyMissingError(
                f"Environment variable {name} is not set. Set it to a secret of 32+ hex characters "
                f"or pass --key-file (create one with: clinical-sft key new KEYFILE)."
            )
        return cls(_decode_key_text(value.strip().encode()))

    @classmethod
    def load(cls, key_file: str | os.PathLike[str] | None = None, env: str = DEFAULT_KEY_ENV) -> SecretKey:
        """The key from ``key_file`` if given, else from the environment variable ``env``."""
        if key_file is not None:
            return cls.from_file(key_file)
        return cls.from_env(env)

    @staticmethod
    def generate(path: str | os.PathLike[str]) -> Path:
        """Write a new random 32-byte key as hex to ``path`` (mode 0600) and return the path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
        return p

    # -- never reveal -------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"SecretKey(fingerprint={self._fingerprint})"

    __str__ = __repr__

    def __reduce__(self):  # picklable for worker processes, as bytes only
        return (SecretKey, (self._key,))

    @property
    def fingerprint(self) -> str:
        """A short non-secret identifier of the key, for manifests and run records."""
        return self._fingerprint

    # -- derivations --------------------------------------------------------------------
    def digest(self, purpose: str, value: str) -> bytes:
        """HMAC-SHA256 of ``value`` under ``purpose`` (domain separation between uses)."""
        msg = purpose.encode("utf-8") + b"\x00" + value.encode("utf-8")
        return hmac.new(self._key, msg, hashlib.sha256).digest()

    def integer(self, purpose: str, value: str) -> int:
        return int.from_bytes(self.digest(purpose, value), "big")

    def choose(self, purpose: str, value: str, options: Sequence[T]) -> T:
        """A keyed, deterministic choice among ``options``."""
        if not options:
            raise ValueError("choose() needs at least one option")
        return options[self.integer(purpose, value) % len(options)]

    def pseudonym(self, patient_id: str, prefix: str = "PT") -> str:
        """The patient's pseudonymous identifier, shared by notes and DICOM (PatientID)."""
        return f"{prefix}{self.digest('patient-pseudonym', _norm(patient_id)).hex()[:12].upper()}"

    def date_shift_days(self, patient_id: str, max_days: int = 365, min_days: int = 1) -> int:
        """A per-patient date offset in days, in ``[-max_days, -min_days] U [min_days, max_days]``.

        Shifting every date of a patient by the same offset keeps intervals between events.
        """
        span = max_days - min_days + 1
        n = self.integer("date-shift", _norm(patient_id))
        mag = min_days + (n >> 1) % span
        return -mag if n & 1 else mag

    def uid(self, uid: str) -> str:
        """A DICOM UID derived from ``uid``: ``2.25.<decimal of 128 keyed bits>`` (PS3.5 B.2)."""
        n = int.from_bytes(self.digest("dicom-uid", uid.strip().rstrip("\x00"))[:16], "big")
        return f"2.25.{n}"


def _norm(value: str) -> str:
    return " ".join(str(value).split()).upper()


def _decode_key_text(raw: bytes) -> bytes:
    text = raw.decode("ascii", errors="ignore").strip() if raw else ""
    if text and all(c in "0123456789abcdefABCDEF" for c in text) and len(text) % 2 == 0 and len(text) >= 32:
        return bytes.fromhex(text)
    return raw
