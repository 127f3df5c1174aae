"""Shared helpers of the ehr tests: a tiny random BERT config and toy notes."""

from __future__ import annotations

import random

import pandas as pd

TINY = "hidden_size=32,num_hidden_layers=2,num_attention_heads=2,intermediate_size=64"
NAMES = ["Smith", "Jones", "Alvarez", "Nguyen", "Okafor", "Kowalski"]
FILLER = ["BP stable.", "Afebrile overnight.", "Tolerating diet.", "Ambulating with PT.", "Labs reviewed."]


def toy_notes(n: int = 24, seed: int = 0, long: bool = False) -> pd.DataFrame:
    """Notes with NAME and DATE spans, a binary label, patient ids (2 notes each) and a sex column."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        parts: list[str] = []
        spans: list[dict] = []

        def add(text: str, label: str | None = None, parts: list = parts, spans: list = spans) -> None:
            start = sum(len(p) for p in parts)
            if label:
                spans.append({"start": start, "end": start + len(text), "label": label})
            parts.append(text)

        name = rng.choice(NAMES)
        add("Seen by Dr. ")
        add(name, "NAME")
        add(" on ")
        add(f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/2021", "DATE")
        add(". ")
        for _ in range(rng.randint(6, 12) if long else 1):
            add(rng.choice(FILLER) + " ")
        label = int(i % 2 == 0)
        add("Sepsis suspected. " if label else "No acute distress. ")
        add("Call Dr. ")
        add(name, "NAME")
        add(".")
        rows.append({"id": f"n{i}", "patient_id": f"p{i // 2}", "sex": "F" if (i // 2) % 2 else "M",
                     "text": "".join(parts), "spans": spans, "label": label})
    return pd.DataFrame(rows)


def tiny_config(task: str = "ner", **kw):
    from clinical_sft.ehr import EhrConfig

    base = dict(task=task, from_scratch=True, config_overrides=TINY, max_length=24, stride=6,
                sentence_splitter="simple")
    base.update(kw)
    return EhrConfig(**base)
