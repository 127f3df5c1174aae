"""``clinical-sft deid train-tagger``: train the PHI token tagger on gold notes (a thin shell over
:func:`clinical_sft.privacy.recognizers.train_tagger`)."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from clinical_sft.privacy.recognizers._tagger import DEFAULT_HIDDEN

_DEID = None


def _rule_spans(text: str) -> list[tuple[int, int, str, float]]:
    """The rules' spans of one note (the tagger's input), in a worker process."""
    global _DEID
    if _DEID is None:
        from clinical_sft.privacy import DeidConfig, Deidentifier

        _DEID = Deidentifier(DeidConfig(tagger=False)).load()
    return [(s.start, s.end, s.label, s.score) for s in _DEID.analyze(text)]


def train_tagger_cmd(
    gold: list[Path] = typer.Argument(..., help="Gold files (project JSONL or presidio-research JSON) or folders of .jsonl."),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the weights (.safetensors)."),
    exclude: str | None = typer.Option(None, "--exclude", help="Skip gold files whose name matches this regex "
                                       "(held-out sets)."),
    workers: int = typer.Option(1, "--workers", "-j", min=1, help="Processes running the rules over the notes."),
    hidden: int = typer.Option(DEFAULT_HIDDEN, "--hidden", min=0,
                               help="Units of the hidden layer; 0 trains the linear model alone."),
    epochs: int = typer.Option(3, "--epochs", min=1, help="Passes over the notes (with a hidden layer)."),
    alpha: float = typer.Option(2e-6, "--alpha", min=0.0, help="L2 regularisation of the linear model alone."),
    max_iter: int = typer.Option(15, "--max-iter", min=1, help="Passes over the tokens (the linear model alone)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """Train the PHI token tagger that runs after the rules, on notes with gold PHI spans.

    The rules run over every note first (their spans are one of the tagger's features); the
    weights are written as safetensors. Use them with `deid text --tagger-weights FILE` or
    DeidConfig(tagger=FILE). Nothing of the notes is printed.
    """
    from concurrent.futures import ProcessPoolExecutor

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from clinical_sft.errors import ConfigError
    from clinical_sft.privacy.evaluate import read_gold
    from clinical_sft.privacy.recognizers import train_tagger

    skip = re.compile(exclude) if exclude else None
    files: list[Path] = []
    for g in gold:
        files += sorted(g.glob("*.jsonl")) if g.is_dir() else [g]
    files = [f for f in files if skip is None or not skip.search(f.name)]
    if not files:
        raise ConfigError("deid train-tagger: no gold file left to train on")
    docs = [d for f in files for d in read_gold(f)]
    texts = [d["text"] for d in docs]
    console = Console(stderr=True)
    with Progress(TextColumn("rules"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console,
                  disable=not progress) as bar:
        task = bar.add_task("rules", total=len(texts))
        found = []
        if workers == 1:
            for t in texts:
                found.append(_rule_spans(t))
                bar.advance(task)
        else:
            with ProcessPoolExecutor(workers) as pool:
                for f in pool.map(_rule_spans, texts, chunksize=16):
                    found.append(f)
                    bar.advance(task)
    for d, f in zip(docs, found, strict=True):
        d["found"] = f
    tagger = train_tagger(docs, hidden=hidden, epochs=epochs, alpha=alpha, max_iter=max_iter,
                          info={"gold_files": [f.name for f in files]})
    tagger.save(out)
    console.print(f"trained on {tagger.info['notes']} notes ({tagger.info['tokens']} tokens, "
                  f"{tagger.info['phi_tokens']} PHI) from {len(files)} files -> {out}")
