"""Write ``curated_cases.jsonl``: the hand-written PHI-in-context and no-PHI cases of the de-identification
tests as gold notes, one of the PHI tagger's training files (``make tagger``).

A no-PHI case has no gold span. A PHI case's gold is every whole-word occurrence of its PHI string plus
what the rules find in it (the cases mark one PHI string each; the rest of their PHI is the rules').
Each case carries ``"weight": 5`` (a few hundred short cases beside ten thousand notes).

Run from the repository root: ``python tests/data/icu_notes/curated_from_tests.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from clinical_sft.privacy import DeidConfig, Deidentifier
from tests.privacy import test_text_icu, test_text_icu_sets

WEIGHT = 5


def _cases(fn) -> list:
    return [m.args[1] for m in fn.pytestmark if m.name == "parametrize"][0]


def _union(spans: list[dict]) -> list[dict]:
    out: list[dict] = []
    for s in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        if out and s["start"] < out[-1]["end"]:
            out[-1]["end"] = max(out[-1]["end"], s["end"])
        else:
            out.append(dict(s))
    return out


def main() -> None:
    rules = Deidentifier(DeidConfig(tagger=False)).load()
    rows = []
    for k, text in enumerate(_cases(test_text_icu_sets.test_no_phi_in_clinical_vocabulary)):
        rows.append({"id": f"curated_nophi_{k}", "text": text, "spans": [], "weight": WEIGHT})
    phi_cases = (_cases(test_text_icu_sets.test_phi_in_context) + _cases(test_text_icu.test_icu_phi_found))
    for k, (text, phi) in enumerate(phi_cases):
        spans = [{"start": s.start, "end": s.end, "label": s.label} for s in rules.analyze(text)]
        spans += [{"start": m.start(), "end": m.end(), "label": "NAME"}
                  for m in re.finditer(rf"(?<!\w){re.escape(phi)}(?!\w)", text)]
        rows.append({"id": f"curated_phi_{k}", "text": text, "spans": _union(spans), "weight": WEIGHT})
    out = Path(__file__).with_name("curated_cases.jsonl")
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} cases -> {out}")


if __name__ == "__main__":
    main()
