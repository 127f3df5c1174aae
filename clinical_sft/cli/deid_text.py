"""``clinical-sft deid text``: de-identify a corpus of clinical notes (a thin shell over
:func:`clinical_sft.privacy.deidentify_corpus`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import typer


def text(
    inputs: list[str] = typer.Argument(..., help="A folder of .txt files, a .jsonl, a .csv/.tsv, or '-' for stdin."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (de-identified files, audit, quarantine, manifest)."),
    operator: str = typer.Option("tag", "--operator", help="tag | redact | mask | hash | surrogate."),
    date_mode: str = typer.Option(
        "operator", "--date-mode",
        help="operator (dates like other spans; with surrogate, a keyed shift) | shift | tag | redact | mask | hash."),
    key_file: Path | None = typer.Option(
        None, "--key-file", help="Secret key file (else $CLINICAL_SFT_KEY); needed for hash, surrogate, shift."),
    text_column: str = typer.Option("text", "--text-column", help="Field/column holding the note."),
    id_column: str = typer.Option("id", "--id-column", help="Field/column holding the record id."),
    patient_column: str = typer.Option("patient_id", "--patient-column",
                                       help="Field/column holding the patient id (keys surrogates and shifts)."),
    workers: int = typer.Option(1, "--workers", "-j", min=1, help="Worker processes."),
    resume: bool = typer.Option(False, "--resume", help="Continue a killed run in --out without redoing finished records."),
    engine: str = typer.Option("local", "--engine", help="local | dask."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="dask.distributed scheduler address (--engine dask)."),
    ner_model: Path | None = typer.Option(None, "--ner-model", help="Folder of a fine-tuned PHI NER model to add."),
    spacy_ner: bool = typer.Option(False, "--spacy-ner/--no-spacy-ner", help="Also use spaCy's statistical NER."),
    min_score: float = typer.Option(0.4, "--min-score", min=0.0, max=1.0, help="Drop spans scoring below this."),
    tagger: bool = typer.Option(True, "--tagger/--no-tagger", help="After the rules, add the tokens the PHI tagger "
                                "scores as PHI."),
    tagger_weights: Path | None = typer.Option(None, "--tagger-weights", help="Tagger weights from "
                                               "`deid train-tagger` (default: the shipped ones)."),
    tagger_min_prob: float | None = typer.Option(None, "--tagger-min-prob", min=0.001, max=1.0,
                                                 help="PHI probability from which the tagger adds a token "
                                                 "(default: DeidConfig.tagger_min_prob, chosen on validation notes)."),
    shard_size: int = typer.Option(32, "--shard-size", min=1, help="Records per shard (the unit of resume)."),
    timeout_s: float = typer.Option(120.0, "--timeout", help="Per-record time limit in seconds (then quarantined)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """De-identify clinical notes: find PHI and replace it, writing the same format to --out.

    Beside the output: audit.jsonl (id, start, end, label, score, recognizer per span: no PHI),
    quarantine.jsonl (records that could not be processed, with the reason) and manifest.json.
    """
    from rich.console import Console
    from rich.table import Table

    from clinical_sft.errors import KeyMissingError
    from clinical_sft.privacy import DeidConfig, SecretKey, deidentify_corpus

    cfg = DeidConfig(operator=operator, date_mode=date_mode, ner_model=str(ner_model) if ner_model else None,
                     spacy_ner=spacy_ner, min_score=min_score,
                     tagger=(str(tagger_weights) if tagger_weights else True) if tagger else False)
    if tagger_min_prob is not None:
        cfg = dataclasses.replace(cfg, tagger_min_prob=tagger_min_prob)
    key = None
    if cfg.needs_key:
        key = SecretKey.load(key_file)
    elif key_file is not None:
        key = SecretKey.from_file(key_file)
    else:
        try:  # a key in the environment still pseudonymises patient ids
            key = SecretKey.from_env()
        except KeyMissingError:
            key = None
    summary = deidentify_corpus(inputs, out, config=cfg, key=key, text_field=text_column, id_field=id_column,
                                patient_field=patient_column, workers=workers, engine=engine, scheduler=scheduler,
                                resume=resume, shard_size=shard_size, timeout_s=timeout_s, progress=progress)
    d = summary.to_dict()
    table = Table(title="deid text", show_header=False)
    for k in ("records", "written", "quarantined", "shards_resumed", "elapsed_s", "records_per_s"):
        table.add_row(k, str(d.get(k)))
    table.add_row("output", str(out))
    Console(stderr=True).print(table)
    if summary.n_ok == 0 and summary.n_records > 0:
        raise typer.Exit(1)
