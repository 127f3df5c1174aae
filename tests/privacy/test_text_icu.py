"""ICU nursing-note style (ALL CAPS, terse) de-identification: a hand-written held-out set.

``tests/data/icu_heldout_notes.jsonl`` holds 50 notes written for this project (no public corpus
copied) with gold PHI spans: icu00-icu29 (first batch), icu30-icu41 and icu42-icu49 (later batches, each
written after a round of fixes and measured before it was tuned on). Tuned on now, all are regression sets.
Most names there are in no lexicon context the synthetic generator uses: first names alone after
relatives, names of many origins, unit names, OSH names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinical_sft.privacy import DeidConfig, Deidentifier
from clinical_sft.privacy.evaluate import evaluate_spans

DATA = Path(__file__).resolve().parents[1] / "data" / "icu_heldout_notes.jsonl"


@pytest.fixture(scope="module")
def deid() -> Deidentifier:
    return Deidentifier(DeidConfig()).load()


def _found(deid: Deidentifier, text: str) -> list[str]:
    return [text[s.start:s.end] for s in deid.analyze(text)]


def test_heldout_icu_notes_recall_and_precision(deid: Deidentifier) -> None:
    gold = [json.loads(ln) for ln in DATA.read_text("utf-8").splitlines() if ln.strip()]
    assert len(gold) >= 50
    preds = {g["id"]: [{"start": s.start, "end": s.end, "label": s.label} for s in deid.analyze(g["text"])]
             for g in gold}
    tok = evaluate_spans(gold, preds).levels["token"]["ALL"]
    # measured 0.987 / 1.0 (first batch 0.928 / 0.924 before the ICU-context rules)
    assert tok.recall >= 0.975, tok
    assert tok.precision >= 0.95, tok


@pytest.mark.parametrize("text, phi", [
    ("DAUGHTER LUCY CALLED, UPDATED.", "LUCY"),
    ("CASE MGR PRIYANKA PAGED.", "PRIYANKA"),
    ("PT CALLS HIMSELF \"BUDDY\".", "BUDDY"),
    ("SON HUNG AWARE. HUNG'S WIFE CALLED.", "HUNG"),
    ("S/P CABG X3 2/12. AFEBRILE.", "2/12"),
    ("HX CVA 2009 W/ L HEMIPARESIS.", "2009"),
    ("TRANSFERRED FROM MERCY VALLEY OSH ON 3/4.", "MERCY VALLEY"),
    ("REC'D PT FROM BAKER 7 AT 1600.", "BAKER 7"),
    ("PT USED TO WORK AT RAYTHEON.", "RAYTHEON"),
    ("TX TO OR 10/28 W/ ORTHO (DR. D'ANGELO).", "D'ANGELO"),
    ("CALL DR. SMITH X4471 WITH CHANGES.", "4471"),
    ("NIGHT RN TRUC GAVE REPORT.", "TRUC"),
    ("PER DUC, PT TAKES HERBAL MEDS.", "DUC"),
    ("PT TRANSFERRED FROM ST. ELSEWHERE ON JAN 3 FOR CATH.", "ST. ELSEWHERE"),
    ("FOLLOW UP AT WESTWOOD SURGICAL ASSOC.", "WESTWOOD SURGICAL ASSOC"),
    ("FOLLOWS W/ DR. MCCRACKEN AT CAPE COD HOSPITAL.", "CAPE COD HOSPITAL"),
])
def test_icu_phi_found(deid: Deidentifier, text: str, phi: str) -> None:
    found = _found(deid, text)
    assert any(phi in f for f in found), (phi, found)


def test_icu_ratios_and_shorthand_not_flagged(deid: Deidentifier) -> None:
    text = ("NPN 7-3: BP 120/80, HR 88. STRENGTH 4/5 BIL UE, 5/5 LE. PAIN 7/10 -> NOW 3/10 AFTER MSO4. "
            "ABG 7.38/42/88. I/O 1200/800. 2/2 SEPSIS. D5 1/2 NS @ 75CC/HR. JP W/ 40CC SEROSANG. "
            "NGT 200CC BILIOUS. TRANSFER TO FLOOR 4 WHEN BED AVAIL. TO BE SEEN IN ED. CM TO CALL REHAB RE: "
            "PLACEMENT. BIL LE EDEMA. GCS 3T. RASS -2. PA 40/22. BIPAP 12/5. PT FROM HOME TO ED BY EMS. "
            "READ AT WORKSTATION 10.2.3.4. RIB FX 4-7 ON L. EPIDURAL. ASKED ABOUT WORKERS COMP.")
    found = [f for f in _found(deid, text) if f != "10.2.3.4"]
    assert found == [], found


def test_icu_name_spans_stop_at_roles_and_verbs(deid: Deidentifier) -> None:
    text = "NIGHT RN TRUC GAVE REPORT. CASE MGR PRIYANKA PAGED. FRIEND DESHAWN BROUGHT IN MEDS. EP NP ROXANNE HERE."
    assert sorted(_found(deid, text)) == ["DESHAWN", "PRIYANKA", "ROXANNE", "TRUC"]
