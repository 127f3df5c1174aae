"""Model cards (Mitchell et al. 2019) assembled from a training run and a subgroup report.

The sections follow "Model Cards for Model Reporting" (FAT* 2019): model details, intended use,
factors, metrics, evaluation data, training data, quantitative analyses (disaggregated by group
and intersectionally), ethical considerations, caveats and recommendations. Facts come from the
run's ``run.json`` (backbone, data fingerprint, de-identification settings, privacy block) and
from the report (metrics, groups, gaps, flags); prose a run cannot know is passed as overrides.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from clinical_sft.errors import ConfigError, InputError

__all__ = ["ModelCard", "write_report_and_card"]

_SECTIONS = (
    ("model_details", "Model details"),
    ("intended_use", "Intended use"),
    ("factors", "Factors"),
    ("metrics", "Metrics"),
    ("evaluation_data", "Evaluation data"),
    ("training_data", "Training data"),
    ("quantitative_analyses", "Quantitative analyses"),
    ("ethical_considerations", "Ethical considerations"),
    ("caveats", "Caveats and recommendations"),
)

_DEFAULT_INTENDED = (
    "Research use on de-identified clinical data by the team that trained it, to study the task "
    "named above. Not validated for clinical decision-making; not a medical device."
)
_DEFAULT_OUT_OF_SCOPE = (
    "Decisions about individual patients; populations, sites or note/image types unlike the "
    "evaluation data; any use on identifiable data outside the governance of the data source."
)


def _load_json(obj: Mapping[str, Any] | str | Path, what: str) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        return dict(obj)
    p = Path(obj)
    if p.is_dir():
        p = p / ("run.json" if what == "run" else "report.json")
    if not p.is_file():
        raise InputError(f"{what} file not found: {p}")
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(f"{what} file {p} is not valid JSON ({type(e).__name__})") from None


def _find(d: Any, *keys: str) -> Any:
    """First value found under any of ``keys``, searching nested dicts breadth-first."""
    queue = [d]
    while queue:
        cur = queue.pop(0)
        if isinstance(cur, Mapping):
            for k in keys:
                if k in cur and cur[k] not in (None, "", {}):
                    return cur[k]
            queue.extend(v for v in cur.values() if isinstance(v, Mapping))
    return None


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, Mapping):
        return ", ".join(f"{k}={_fmt(x)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        return ", ".join(_fmt(x) for x in v)
    return str(v)


@dataclass(frozen=True)
class ModelCard:
    """A model card: facts from a run and a subgroup report, prose from the caller.

    Build it with :meth:`from_run`; every field can be overridden there by keyword.

    Examples
    --------
    >>> card = ModelCard.from_run("runs/ner/run.json", report=report,
    ...                           intended_use="Research on PHI detection in ICU notes.")  # doctest: +SKIP
    >>> card.save("runs/ner")  # model_card.md, model_card.html  # doctest: +SKIP
    """

    name: str = "clinical-sft model"
    version: str = ""
    date: str = ""
    task: str = ""
    model_details: dict[str, Any] = field(default_factory=dict)
    intended_use: str = _DEFAULT_INTENDED
    out_of_scope: str = _DEFAULT_OUT_OF_SCOPE
    factors: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    evaluation_data: str = ""
    training_data: dict[str, Any] = field(default_factory=dict)
    deidentification: dict[str, Any] = field(default_factory=dict)
    privacy: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] | None = None
    ethical_considerations: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)

    @classmethod
    def from_run(
        cls,
        run_json: Mapping[str, Any] | str | Path,
        report: Any = None,
        **overrides: Any,
    ) -> ModelCard:
        """Fill a card from ``run.json`` (dict, file or run folder) and a subgroup report.

        Parameters
        ----------
        run_json
            The run's ``run.json`` content or path.
        report
            A fitted :class:`~clinical_sft.fairness.SubgroupReport`, its ``to_dict()``, or a path to
            ``report.json``.
        **overrides
            Any field of the card (``name``, ``intended_use``, ``evaluation_data``, ...).
        """
        run = _load_json(run_json, "run")
        rep: dict[str, Any] | None
        if report is None:
            rep = None
        elif hasattr(report, "to_dict"):
            rep = report.to_dict()
        else:
            rep = _load_json(report, "report")

        model = run.get("model")
        cfg = run.get("config") or {}
        details: dict[str, Any] = {}
        backbone = _find(model, "backbone", "name", "name_or_path") if isinstance(model, Mapping) else model
        backbone = backbone or _find(cfg, "backbone", "model_name", "model")
        if backbone:
            details["Backbone"] = backbone
        if isinstance(model, Mapping):
            for k, v in model.items():
                if k not in ("backbone",) and isinstance(v, str | int | float | bool):
                    details[k.replace("_", " ").capitalize()] = v
        task = str(run.get("task") or (rep or {}).get("task") or "")
        if task:
            details["Task"] = task
        for k in ("epochs", "learning_rate", "lr", "batch_size", "max_length", "lora_r", "peft", "seed"):
            if isinstance(cfg, Mapping) and k in cfg:
                details[f"Training {k.replace('_', ' ')}"] = cfg[k]
        versions = run.get("versions")
        if isinstance(versions, Mapping):
            details["Software"] = ", ".join(f"{k} {v}" for k, v in versions.items())
        if run.get("wall_time_s") is not None:
            details["Training wall time (s)"] = run["wall_time_s"]

        training: dict[str, Any] = {}
        fp = run.get("data_fingerprint")
        if fp:
            training["Data fingerprint"] = fp
        for k in ("train_size", "n_train", "train_records", "dataset", "data"):
            v = _find(run, k)
            if v is not None and isinstance(v, str | int | float):
                training[k.replace("_", " ").capitalize()] = v

        deid = run.get("deid") or run.get("deidentification") or _find(cfg, "deid", "deidentification") or {}
        privacy = dict(run.get("privacy") or {})

        metrics: dict[str, Any] = {}
        if isinstance(run.get("metrics"), Mapping):
            metrics = {k: v for k, v in run["metrics"].items() if isinstance(v, int | float | str)}

        factors: list[str] = []
        if rep is not None:
            attrs = rep.get("config", {}).get("attributes") or sorted({g["attribute"] for g in rep["groups"]})
            factors = list(attrs) + [
                a for a in rep.get("config", {}).get("intersections", []) if a not in attrs
            ]

        caveats = _default_caveats(rep, privacy)
        ethics = _default_ethics(privacy, deid)
        date = _dt.date.today().isoformat()
        card = cls(
            name=str(overrides.pop("name", None) or (f"{task} model" if task else cls.name)),
            date=date,
            task=task,
            model_details=details,
            factors=factors,
            metrics=metrics,
            evaluation_data=(
                f"{rep.get('n_records')} records with demographics; groups and suppression as in the "
                "quantitative analyses."
                if rep
                else ""
            ),
            training_data=training,
            deidentification=dict(deid) if isinstance(deid, Mapping) else {"settings": deid},
            privacy=privacy,
            report=rep,
            ethical_considerations=ethics,
            caveats=caveats,
        )
        valid = {f.name for f in fields(cls)}
        bad = sorted(set(overrides) - valid)
        if bad:
            raise ConfigError(
                f"unknown ModelCard field(s): {', '.join(bad)}; allowed: {', '.join(sorted(valid))}"
            )
        return replace(card, **overrides)

    # ------------------------------------------------------------------ rendering
    def _privacy_lines(self) -> list[str]:
        p = self.privacy
        if not p:
            return ["No differential-privacy record in the run."]
        if not p.get("enabled", False):
            return [
                "Trained without differential privacy (no formal privacy guarantee for the training records)."
            ]
        lines = [
            f"Differentially private training (DP-SGD): epsilon = {_fmt(p.get('epsilon'))}, delta = {_fmt(p.get('delta'))}"
            + (
                f" (target epsilon {_fmt(p['target_epsilon'])})"
                if p.get("target_epsilon") is not None
                else ""
            )
            + (f", accountant {p['accountant']}" if p.get("accountant") else "")
            + "."
        ]
        extra = {
            k: p[k]
            for k in ("noise_multiplier", "sample_rate", "steps", "max_grad_norm", "clipping")
            if k in p
        }
        if extra:
            lines.append("DP settings: " + _fmt(extra) + ".")
        audit = p.get("audit")
        if audit:
            lines.append(
                "Privacy audit: " + (_fmt(audit) if isinstance(audit, Mapping) else str(audit)) + "."
            )
        else:
            lines.append("No empirical privacy audit recorded.")
        return lines

    def _sections(self) -> dict[str, list[tuple[str, Any]]]:
        """Section -> list of (kind, content); kinds: 'p' paragraph, 'kv' mapping, 'ul' list, 'report'."""
        s: dict[str, list[tuple[str, Any]]] = {}
        details = {
            "Name": self.name,
            "Date": self.date,
            **({"Version": self.version} if self.version else {}),
            **self.model_details,
        }
        s["model_details"] = [("kv", details)]
        s["intended_use"] = [
            ("p", "Primary intended use: " + self.intended_use),
            ("p", "Out of scope: " + self.out_of_scope),
        ]
        if self.factors:
            s["factors"] = [
                ("p", "Performance is reported for groups defined by: " + ", ".join(self.factors) + "."),
                (
                    "p",
                    "Groups come from the demographics table supplied at evaluation; they are "
                    "self-reported or recorded attributes, not causal factors.",
                ),
            ]
        else:
            s["factors"] = [("p", "No subgroup report was supplied: performance across groups is unknown.")]
        mets: list[tuple[str, Any]] = []
        if self.report:
            labels = self.report.get("metric_labels", {})
            names = [labels.get(m, m) for m in self.report.get("overall", {})]
            b = self.report.get("bootstrap", {})
            mets.append(("p", "Reported per group: " + ", ".join(names) + "."))
            if b.get("n_boot"):
                mets.append(
                    (
                        "p",
                        f"Uncertainty: {int(round(100 * b.get('ci_level', 0.95)))}% percentile bootstrap "
                        f"intervals ({b['n_boot']} resamples); gaps against a reference group are flagged only "
                        "where their interval excludes zero.",
                    )
                )
        if self.metrics:
            mets.append(("kv", {f"Validation {k}": v for k, v in self.metrics.items()}))
        s["metrics"] = mets or [("p", "No metrics recorded.")]
        s["evaluation_data"] = [("p", self.evaluation_data or "Not described.")]
        train: list[tuple[str, Any]] = []
        if self.training_data:
            train.append(("kv", self.training_data))
        if self.deidentification:
            train.append(("p", "De-identification applied before training:"))
            train.append(("kv", self.deidentification))
        train += [("p", line) for line in self._privacy_lines()]
        s["training_data"] = train
        if self.report:
            s["quantitative_analyses"] = [("report", self.report)]
        else:
            s["quantitative_analyses"] = [("p", "No disaggregated evaluation was supplied.")]
        s["ethical_considerations"] = [("ul", self.ethical_considerations)]
        s["caveats"] = [("ul", self.caveats)]
        return s

    def to_markdown(self) -> str:
        """The card as Markdown (the quantitative analyses embed the report's tables)."""
        from clinical_sft.fairness._render import report_markdown

        out = [f"# Model card: {self.name}", ""]
        for key, title in _SECTIONS:
            out += [f"## {title}", ""]
            for kind, content in self._sections()[key]:
                if kind == "p":
                    out += [content, ""]
                elif kind == "kv":
                    out += [f"- **{k}**: {_fmt(v)}" for k, v in content.items()] + [""]
                elif kind == "ul":
                    out += [f"- {x}" for x in content] + [""]
                elif kind == "report":
                    body = report_markdown(content)
                    # demote the report's headings under this section
                    body = "\n".join(
                        ("##" + line) if line.startswith("#") else line for line in body.splitlines()
                    )
                    out += [body, ""]
        return "\n".join(out).rstrip() + "\n"

    def to_html(self, plots: bool = True) -> str:
        """The card as one self-contained HTML page (inline CSS, the report's plots as base64 PNG)."""
        from clinical_sft.fairness._render import _CSS, report_html_body

        e = html.escape
        parts = [f"<h1>Model card: {e(self.name)}</h1>"]
        for key, title in _SECTIONS:
            parts.append(f"<h2>{e(title)}</h2>")
            for kind, content in self._sections()[key]:
                if kind == "p":
                    parts.append(f"<p>{e(content)}</p>")
                elif kind == "kv":
                    parts.append(
                        "<ul>"
                        + "".join(f"<li><b>{e(str(k))}</b>: {e(_fmt(v))}</li>" for k, v in content.items())
                        + "</ul>"
                    )
                elif kind == "ul":
                    parts.append("<ul>" + "".join(f"<li>{e(str(x))}</li>" for x in content) + "</ul>")
                elif kind == "report":
                    parts.append(report_html_body(content, plots=plots, heading="h3"))
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Model card: {e(self.name)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(parts)
            + "</body></html>\n"
        )

    def to_dict(self) -> dict[str, Any]:
        """The card's fields as JSON-able data."""
        return json.loads(json.dumps({f.name: getattr(self, f.name) for f in fields(self)}, default=str))

    def save(self, out_dir: str | Path, plots: bool = True) -> dict[str, Path]:
        """Write ``model_card.md`` and ``model_card.html`` into ``out_dir`` (atomically)."""
        from clinical_sft.privacy.corpus import atomic_write_text

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {"markdown": out / "model_card.md", "html": out / "model_card.html"}
        atomic_write_text(paths["markdown"], self.to_markdown())
        atomic_write_text(paths["html"], self.to_html(plots=plots))
        return paths

    def _repr_html_(self) -> str:
        return self.to_html(plots=False)


def _default_caveats(rep: dict[str, Any] | None, privacy: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    if rep is None:
        out.append(
            "Performance was not disaggregated by demographic group; evaluate before any use across groups."
        )
        return out
    flags = rep.get("flags") or []
    if flags:
        out.append(f"{len(flags)} performance gap(s) between groups have intervals that exclude zero:")
        out.extend(f"Flagged: {f}" for f in flags)
        out.append(
            "Investigate flagged gaps (data quality, label noise, representation) before deployment in those groups."
        )
    else:
        out.append(
            "No gap between groups was flagged; with few records in a group, absence of a flag is not "
            "evidence of equal performance (see the interval widths)."
        )
    sup = [g for g in rep.get("groups", []) if g.get("suppressed")]
    if sup:
        attrs = sorted({g["attribute"] for g in sup})
        out.append(
            f"{len(sup)} group(s) were too small to report ({', '.join(attrs)}): performance there is unknown."
        )
    if privacy and privacy.get("enabled") and privacy.get("epsilon") is not None:
        out.append(
            "Differential privacy bounds what the weights reveal about any one training record; it also "
            "tends to cost most accuracy on small groups, so check the disaggregated results."
        )
    return out


def _default_ethics(privacy: Mapping[str, Any], deid: Any) -> list[str]:
    out = ["Trained on clinical data: the training records are sensitive health information."]
    if deid:
        out.append(
            "Records were de-identified before training; de-identification lowers but does not remove "
            "re-identification risk, and its recall may differ between groups (e.g. names of some origins)."
        )
    else:
        out.append("No de-identification settings were recorded for the training data.")
    if not (privacy and privacy.get("enabled")):
        out.append("Without differential privacy, model outputs may memorise and reveal training text.")
    out.append(
        "Demographic attributes can be mis-recorded; small groups are suppressed in reports to protect privacy."
    )
    return out


def write_report_and_card(
    predictions: Any,
    demographics: Any,
    run_json: Mapping[str, Any] | str | Path,
    out_dir: str | Path,
    task: str,
    card_overrides: Mapping[str, Any] | None = None,
    **report_options: Any,
) -> tuple[Any, ModelCard]:
    """Evaluate by subgroup and document: what a training command runs after every evaluation.

    Fits a :class:`~clinical_sft.fairness.SubgroupReport` on ``predictions`` (DataFrame or list of
    per-record dicts) and ``demographics`` (DataFrame), writes ``report.json``, ``report.md`` and
    ``report.html``, then ``model_card.md`` and ``model_card.html`` from ``run_json`` and the report,
    all into ``out_dir``.

    Parameters
    ----------
    predictions, demographics
        The predictions table (columns per task, see ``SubgroupReport``) and ``id`` + attributes.
    run_json
        The run's ``run.json`` (dict or path).
    out_dir
        Output folder.
    task
        ``"classification"``, ``"ner"``, ``"segmentation"`` or ``"deid"``.
    card_overrides
        Fields of the :class:`ModelCard` (``name``, ``intended_use``...).
    **report_options
        Arguments of ``SubgroupReport`` (``attributes``, ``intersections``, ``n_boot``...).

    Returns
    -------
    (SubgroupReport, ModelCard)
    """
    import pandas as pd

    from clinical_sft.fairness.report import SubgroupReport

    preds = predictions if isinstance(predictions, pd.DataFrame) else pd.DataFrame(list(predictions))
    report = SubgroupReport(task=task, **report_options).fit(preds, demographics)
    report.save(out_dir)
    card = ModelCard.from_run(run_json, report=report, **dict(card_overrides or {}))
    card.save(out_dir)
    return report, card
