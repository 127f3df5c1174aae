import os

import pytest

from clinical_sft.errors import KeyMissingError
from clinical_sft.privacy.key import SecretKey


def test_same_key_same_derivations_and_other_key_differs(tmp_path):
    p = SecretKey.generate(tmp_path / "k")
    a, b = SecretKey.from_file(p), SecretKey.from_file(p)
    other = SecretKey.from_bytes(os.urandom(32))
    for f in ("pseudonym", "date_shift_days", "uid"):
        assert getattr(a, f)("1.2.840.1") == getattr(b, f)("1.2.840.1")
    assert a.pseudonym("MRN1") != other.pseudonym("MRN1")
    assert a.uid("1.2.3") != other.uid("1.2.3")


def test_key_never_in_repr(tmp_path):
    k = SecretKey.from_bytes(b"supersecretvalue-0123456789")
    assert "supersecret" not in repr(k) and "supersecret" not in str(k)


def test_uid_is_valid_dicom_uid():
    k = SecretKey.from_bytes(b"k" * 32)
    u = k.uid("1.2.840.113619.2.55.3")
    assert u.startswith("2.25.") and len(u) <= 64 and all(c.isdigit() or c == "." for c in u)


def test_date_shift_nonzero_and_bounded():
    k = SecretKey.from_bytes(b"k" * 32)
    shifts = [k.date_shift_days(f"p{i}") for i in range(200)]
    assert all(1 <= abs(s) <= 365 for s in shifts)
    assert any(s < 0 for s in shifts) and any(s > 0 for s in shifts)


def test_missing_key_is_clear(monkeypatch, tmp_path):
    monkeypatch.delenv("CLINICAL_SFT_KEY", raising=False)
    with pytest.raises(KeyMissingError, match="CLINICAL_SFT_KEY"):
        SecretKey.load()
    with pytest.raises(KeyMissingError, match="does not exist"):
        SecretKey.load(tmp_path / "nope")
