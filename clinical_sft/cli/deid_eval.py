"""``clinical-sft deid eval``: score a de-identifier against gold PHI spans."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer


def _fmt(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.4f}" if isinstance(x, float) else str(x)


def _load_default_deidentifier(tagger_weights: Path | None = None) -> Any:
    try:
        from clinical_sft.privacy import DeidConfig, Deidentifier  # type: ignore[attr-defined]
    except ImportError:
        from clinical_sft.privacy.text import DeidConfig, Deidentifier
    return Deidentifier(DeidConfig(tagger=str(tagger_weights) if tagger_weights else True)).load()


def eval_(
    gold: Path = typer.Option(..., "--gold", help="Gold spans: the project's JSONL ({id, text, spans}) or presidio-research JSON.",
                              exists=True, dir_okay=False, readable=True),
    pred: Path | None = typer.Option(None, "--pred", help="Predicted spans: audit.jsonl of a `deid text` run. "
                                     "Without it, the default de-identifier runs on the gold texts.",
                                     exists=True, dir_okay=False, readable=True),
    format: str = typer.Option("auto", "--format", help="Gold format: auto, gold or presidio-research."),
    out: Path | None = typer.Option(None, "--out", help="Write the full evaluation as JSON here."),
    level: str = typer.Option("token", "--level", help="Level of the per-label table: token, span_overlap or span_exact."),
    per_record: Path | None = typer.Option(None, "--per-record", help="Write per-record counts (id, tp, fp, fn) as CSV, "
                                           "category-blind at --level, for a subgroup report."),
    drop_label: list[str] = typer.Option([], "--drop-label", help="Ignore gold and predicted spans of this label "
                                         "(repeatable; e.g. STATE, which Safe Harbor does not require removing)."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Evaluate only the first N gold records."),
    by: list[str] = typer.Option([], "--by", help="Also print gold-span recall grouped by this key of the gold spans "
                                 "(repeatable; the synthetic cohort has subtype and, for names, origin)."),
    tagger_sweep: list[float] = typer.Option([], "--tagger-sweep", min=0.001, max=1.0,
                                             help="Score the default de-identifier at this PHI-tagger threshold "
                                             "(--tagger-min-prob of `deid text`; repeatable): the recall/precision "
                                             "curve to choose it on your own notes. The rules run once a record."),
    tagger_weights: Path | None = typer.Option(None, "--tagger-weights", exists=True, dir_okay=False,
                                               help="Tagger weights from `deid train-tagger` for the default "
                                               "de-identifier (default: the shipped ones)."),
    coarse: bool = typer.Option(False, "--coarse", help="Score per label on coarse categories (LOCATION, CONTACT, ID, "
                                "NAME, DATE, AGE) for de-identifiers that do not tell a city from a street."),
) -> None:
    """Recall, precision and F1 of de-identification: category-blind and per label, span and token level.

    Category-blind token recall (a missed name is a leak whatever label it got) is the privacy
    number; precision says how much of the text survives.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from clinical_sft.errors import ConfigError
    from clinical_sft.privacy.corpus import atomic_write_text
    from clinical_sft.privacy.evaluate import (
        COARSE_LABELS,
        LEVELS,
        evaluate_deidentifier,
        evaluate_spans,
        evaluate_tagger_thresholds,
        read_audit,
        read_gold,
    )

    if level not in LEVELS:
        raise ConfigError(f"--level must be one of {', '.join(LEVELS)}; got {level!r}.")
    console = Console(stderr=False)
    labels_map: dict[str, str | None] = dict(COARSE_LABELS) if coarse else {}
    labels_map.update({lab.upper(): None for lab in drop_label})
    golds = read_gold(gold, format=format)
    if limit is not None:
        golds = golds[:limit]
    if tagger_sweep:
        if pred is not None:
            raise ConfigError("--tagger-sweep runs the default de-identifier: it cannot score --pred.")
        deid = _load_default_deidentifier(tagger_weights)
        with Progress(TextColumn("de-identifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("deid", total=len(golds))
            evs = evaluate_tagger_thresholds(deid, golds, sorted(set(tagger_sweep)), labels_map=labels_map,
                                             on_progress=lambda n: progress.update(task, completed=n))
        sweep = Table(title=f"De-identification of {gold.name} ({len(golds)} records) by PHI-tagger threshold: "
                            "category-blind")
        for col in ("tagger_min_prob", "token recall", "token prec.", "token F1", "span recall (overlap)"):
            sweep.add_column(col, justify="right", no_wrap=True)
        for p, ev_p in evs.items():
            tok_prf, ovl_prf = ev_p.levels["token"]["ALL"], ev_p.levels["span_overlap"]["ALL"]
            sweep.add_row(f"{p:g}", _fmt(tok_prf.recall), _fmt(tok_prf.precision), _fmt(tok_prf.f1),
                          _fmt(ovl_prf.recall))
        console.print(sweep)
        if out is not None:
            atomic_write_text(out, json.dumps({f"{p:g}": ev_p.to_dict() for p, ev_p in evs.items()}, indent=2) + "\n")
            console.print(f"wrote {out}")
        return
    if pred is not None:
        ev = evaluate_spans(golds, read_audit(pred), labels_map=labels_map)
        source = pred.name
    else:
        deid = _load_default_deidentifier()
        with Progress(TextColumn("de-identifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("deid", total=len(golds))
            ev = evaluate_deidentifier(deid, golds, labels_map=labels_map,
                                       on_progress=lambda n: progress.update(task, completed=n))
        source = "default de-identifier"

    summary = Table(title=f"De-identification of {gold.name} ({ev.n_docs} records) by {source}: category-blind")
    for col in ("level", "gold", "pred", "TP", "FP", "FN", "prec.", "recall", "F1"):
        summary.add_column(col, justify="left" if col == "level" else "right", no_wrap=True)
    for lvl in [x for x in LEVELS if x in ev.levels]:
        prf = ev.levels[lvl]["ALL"]
        summary.add_row(lvl, str(prf.n_gold), str(prf.n_pred), str(prf.tp), str(prf.fp), str(prf.fn),
                        _fmt(prf.precision), _fmt(prf.recall), _fmt(prf.f1))
    console.print(summary)

    lvl_used = level if level in ev.levels else ev.headline_level
    per_label = Table(title=f"Per label ({lvl_used}; precision/recall/F1 need the label to agree, blind recall does not)")
    for col in ("label", "gold", "pred", "prec.", "recall", "F1", "blind recall"):
        per_label.add_column(col, justify="left" if col == "label" else "right", no_wrap=True)
    labs = ev.levels[lvl_used]
    for lab in [x for x in sorted(labs) if x not in ("ALL", "ALL_STRICT")] + ["ALL_STRICT", "ALL"]:
        prf = labs[lab]
        per_label.add_row(lab, str(prf.n_gold), str(prf.n_pred), _fmt(prf.precision), _fmt(prf.recall),
                          _fmt(prf.f1), _fmt(prf.blind_recall))
    console.print(per_label)
    if by:
        spans = ev.span_table()
        for key in by:
            if spans.empty or key not in spans.columns:
                console.print(f"no gold span carries the key {key!r}; skipped")
                continue
            sub = spans[spans[key].notna()]
            grouped = sub.groupby(key, sort=True)
            t = Table(title=f"Gold spans by {key}")
            for col in (key, "spans", "found (overlap)", "exact", "token recall"):
                t.add_column(col, justify="left" if col == key else "right", no_wrap=True)
            for val, grp in grouped:
                tok = grp["token_recall"].mean() if "token_recall" in grp else float("nan")
                t.add_row(str(val), str(len(grp)), _fmt(float(grp["found"].mean())), _fmt(float(grp["exact"].mean())), _fmt(float(tok)))
            console.print(t)
    if ev.n_missing_pred or ev.n_extra_pred:
        console.print(f"{ev.n_missing_pred} gold records had no predicted spans; "
                      f"{ev.n_extra_pred} prediction ids were not in the gold (ignored).")
    if ev.docs_per_s:
        console.print(f"{ev.docs_per_s:.1f} records/s ({ev.elapsed_s:.1f} s in the de-identifier)")
    if out is not None:
        ev.to_json(out)
        console.print(f"wrote {out}")
    if per_record is not None:
        per_record.parent.mkdir(parents=True, exist_ok=True)
        tmp = per_record.with_name(f".{per_record.name}.tmp")
        ev.per_record(lvl_used).to_csv(tmp, index=False)
        tmp.replace(per_record)
        console.print(f"wrote {per_record}")
