"""``clinical-sft report``: a subgroup fairness report from a predictions CSV."""

from __future__ import annotations

from pathlib import Path

import typer


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    items = [v.strip() for v in value.split(",") if v.strip()]
    return items or None


def _reference(value: str | None) -> dict[str, str] | str | None:
    """``sex=F,race=White`` -> per-attribute mapping; a bare ``F`` applies to every attribute."""
    if value is None:
        return None
    if "=" not in value:
        return value
    out: dict[str, str] = {}
    for item in _split(value) or []:
        if "=" not in item:
            from clinical_sft.errors import ConfigError

            raise ConfigError(f"--reference entries must read attribute=group; got {item!r}")
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def report(
    predictions: Path = typer.Option(
        ...,
        "--predictions",
        help="CSV: id, y_true, y_score[, y_pred] | id, tp, fp, fn | id, dice[, dice_<class>...].",
    ),
    demographics: Path = typer.Option(..., "--demographics", help="CSV: id plus one column per attribute."),
    task: str = typer.Option("classification", "--task", help="classification | ner | segmentation | deid."),
    out: Path = typer.Option(..., "--out", help="Output folder for report.json, report.md, report.html."),
    attributes: str | None = typer.Option(
        None, "--attributes", help="Comma-separated attribute columns (default: all)."
    ),
    intersections: str | None = typer.Option(
        None, "--intersections", help="Comma-separated combinations, e.g. sex*race."
    ),
    reference: str | None = typer.Option(
        None, "--reference", help="Reference groups, e.g. sex=F,race=White (default: largest)."
    ),
    min_cell_size: int = typer.Option(11, "--min-cell-size", help="Suppress groups with fewer records."),
    n_boot: int = typer.Option(1000, "--n-boot", help="Bootstrap resamples (0: no intervals)."),
    threshold: float = typer.Option(
        0.5, "--threshold", help="Score threshold when there is no y_pred column."
    ),
    random_state: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
) -> None:
    """Write report.html, report.json and report.md: metrics by group with intervals, gaps and flags."""
    from clinical_sft.fairness import SubgroupReport
    from clinical_sft.fairness.report import read_table

    preds = read_table(predictions, "predictions")
    demo = read_table(demographics, "demographics")
    rep = SubgroupReport(
        task=task,
        attributes=_split(attributes),
        reference=_reference(reference),
        intersections=_split(intersections),
        threshold=threshold,
        min_cell_size=min_cell_size,
        n_boot=n_boot,
        random_state=random_state,
    ).fit(preds, demo)
    paths = rep.save(out)
    flags = rep.to_dict()["flags"]
    typer.echo(f"wrote {paths['json']}, {paths['markdown']}, {paths['html']}")
    typer.echo(f"{len(flags)} flagged gap(s)" + (":" if flags else ""))
    for f in flags:
        typer.echo(f"  {f}")
