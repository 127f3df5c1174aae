"""Subgroup performance reports built on fairlearn's MetricFrame.

fairlearn computes the metrics per group (``MetricFrame.by_group``) and its fairness measures
(``equalized_odds_difference``, ``demographic_parity_difference``). This module adds what a clinical
report needs around it: per-task metric sets, gaps and ratios against a reference group with
bootstrap intervals, flags only where a gap's interval excludes zero (and stays significant after a
max-t correction over all gaps of the report), small-cell suppression with complementary suppression,
and renderings (JSON, Markdown, self-contained HTML, notebook HTML, matplotlib plots).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clinical_sft.errors import ConfigError, InputError
from clinical_sft.fairness import _bootstrap as vb
from clinical_sft.fairness._metrics import TASKS, MetricSpec, metric_specs, reliability_curve

__all__ = ["ReportConfig", "SubgroupReport", "read_table"]

logger = logging.getLogger(__name__)

MISSING_GROUP = "(missing)"
INTERSECTION_SEP = " & "
_BOOTSTRAP_METHODS = ("vectorized", "fairlearn")
_ADJUSTMENTS = ("max-t", "none")


@dataclass(frozen=True)
class ReportConfig:
    """Settings of a :class:`SubgroupReport` (validated on construction).

    Attributes
    ----------
    task
        ``"classification"``, ``"ner"``, ``"segmentation"`` or ``"deid"``.
    attributes
        Demographic columns to report on; ``None`` = every column of the demographics table but ``id``.
    reference
        Reference group per attribute (``{"sex": "F"}``); attributes not named use their largest
        unsuppressed group.
    intersections
        Attribute combinations reported as groups of their own, e.g. ``[("sex", "race")]``.
    threshold
        Score threshold for the thresholded classification metrics (when ``y_pred`` is absent).
    min_cell_size
        Groups with fewer records are suppressed: shown as ``"<min_cell_size"``, never their metrics.
    n_boot
        Bootstrap resamples (0 = no intervals, nothing flagged).
    random_state
        Seed of the resampling.
    ci_level
        Coverage of the reported intervals.
    bootstrap
        ``"vectorized"`` (weighted closed forms, the default) or ``"fairlearn"`` (MetricFrame's
        own bootstrap; slow, gap intervals then use a normal approximation).
    flag_adjustment
        ``"max-t"``: a gap is flagged only if its interval excludes zero *and* it stays significant
        under simultaneous max-t intervals over all gaps of the report (controls the family-wise
        error of many comparisons); ``"none"``: the per-gap interval alone decides.
    min_flag_support
        A gap is flagged only when both groups have at least this many records behind the metric
        (records for rates over everyone, positives for sensitivity, negatives for specificity,
        predicted positives for PPV, min(positives, negatives) for AUROC/AUPRC, entities for NER
        and de-identification). Below it the percentile bootstrap degenerates (a group of 12 with a
        perfect score resamples to a perfect score every time) and would flag noise.
    """

    task: str = "classification"
    attributes: tuple[str, ...] | None = None
    reference: Mapping[str, str] = field(default_factory=dict)
    intersections: tuple[tuple[str, ...], ...] = ()
    threshold: float = 0.5
    min_cell_size: int = 11
    n_boot: int = 1000
    random_state: int = 0
    ci_level: float = 0.95
    bootstrap: str = "vectorized"
    flag_adjustment: str = "max-t"
    min_flag_support: int = 30

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ConfigError(f"task must be one of {', '.join(TASKS)}; got {self.task!r}")
        if not (isinstance(self.min_cell_size, int | np.integer) and self.min_cell_size >= 1):
            raise ConfigError(f"min_cell_size must be an integer >= 1; got {self.min_cell_size!r}")
        if not (isinstance(self.n_boot, int | np.integer) and self.n_boot >= 0):
            raise ConfigError(f"n_boot must be an integer >= 0; got {self.n_boot!r}")
        if self.n_boot and self.n_boot < 20:
            raise ConfigError(f"n_boot must be 0 or at least 20 for percentile intervals; got {self.n_boot}")
        if not (isinstance(self.min_flag_support, int | np.integer) and self.min_flag_support >= 0):
            raise ConfigError(f"min_flag_support must be an integer >= 0; got {self.min_flag_support!r}")
        if not (0.0 < float(self.ci_level) < 1.0):
            raise ConfigError(f"ci_level must be in (0, 1); got {self.ci_level!r}")
        if not math.isfinite(float(self.threshold)):
            raise ConfigError(f"threshold must be a finite number; got {self.threshold!r}")
        if self.bootstrap not in _BOOTSTRAP_METHODS:
            raise ConfigError(
                f"bootstrap must be one of {', '.join(_BOOTSTRAP_METHODS)}; got {self.bootstrap!r}"
            )
        if self.flag_adjustment not in _ADJUSTMENTS:
            raise ConfigError(
                f"flag_adjustment must be one of {', '.join(_ADJUSTMENTS)}; got {self.flag_adjustment!r}"
            )
        for combo in self.intersections:
            if len(combo) < 2:
                raise ConfigError(f"intersections entries need at least two attributes; got {combo!r}")


def _parse_intersections(value: Any) -> tuple[tuple[str, ...], ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    out = []
    for item in value:
        if isinstance(item, str):
            parts = tuple(p.strip() for p in item.replace(" x ", "*").split("*") if p.strip())
        else:
            parts = tuple(str(p) for p in item)
        out.append(parts)
    return tuple(out)


def _num(x: Any) -> float | None:
    """A JSON-safe float (``None`` for nan/inf)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _metric_entry(value: float, ci: tuple[float, float] | None) -> dict[str, Any]:
    lo, hi = ci if ci is not None else (float("nan"), float("nan"))
    return {"value": _num(value), "ci": [_num(lo), _num(hi)]}


@dataclass
class _Attr:
    name: str
    labels: list[str]  # group label per code
    codes: np.ndarray
    n: np.ndarray
    suppressed: np.ndarray  # bool per group
    suppression: list[str | None]
    components: tuple[str, ...]


class SubgroupReport:
    """Metrics overall and per demographic group, with gaps, intervals, flags and suppression.

    Parameters
    ----------
    task
        ``"classification"`` (columns ``id, y_true, y_score[, y_pred]``), ``"ner"`` or ``"deid"``
        (``id, tp, fp, fn`` entity counts per record; group metrics from summed counts) or
        ``"segmentation"`` (``id, dice[, dice_<class>...]``).
    attributes
        Demographic columns to report on (default: all but ``id``).
    reference
        Reference group, per attribute (``{"race": "White"}``) or one value for every attribute.
        Default: each attribute's largest unsuppressed group.
    intersections
        Attribute combinations reported as groups of their own: ``["sex*race"]`` or
        ``[("sex", "race")]``.
    threshold
        Score threshold for sensitivity, specificity, PPV, F1 and selection rate when the
        predictions carry no ``y_pred``.
    min_cell_size
        Groups with fewer records are shown as ``"<11"`` and never with a metric. When suppressing one
        group would let its metrics be recovered from the totals, the next smallest group of the same
        table is suppressed too (complementary suppression; its ``n`` reads ``"suppressed"``).
    n_boot
        Bootstrap resamples for the 95% intervals (0 disables intervals and flags).
    random_state
        Seed of the resampling.
    **options
        Further :class:`ReportConfig` fields (``ci_level``, ``bootstrap``, ``flag_adjustment``).

    Examples
    --------
    >>> report = SubgroupReport(task="classification", intersections=["sex*race"]).fit(preds, demo)
    >>> report.by_group            # doctest: +SKIP
    >>> report.save("out/")        # report.json, report.md, report.html  # doctest: +SKIP
    """

    def __init__(
        self,
        task: str = "classification",
        attributes: Sequence[str] | None = None,
        reference: Mapping[str, str] | str | None = None,
        intersections: Sequence[str] | Sequence[Sequence[str]] | None = None,
        threshold: float = 0.5,
        min_cell_size: int = 11,
        n_boot: int = 1000,
        random_state: int = 0,
        **options: Any,
    ) -> None:
        known = {f for f in ReportConfig.__dataclass_fields__}
        unknown = set(options) - known
        if unknown:
            raise ConfigError(f"unknown SubgroupReport option(s): {', '.join(sorted(unknown))}")
        self._reference_all = reference if isinstance(reference, str) else None
        self.config = ReportConfig(
            task=task,
            attributes=tuple(attributes) if attributes is not None else None,
            reference=dict(reference) if isinstance(reference, Mapping) else {},
            intersections=_parse_intersections(intersections),
            threshold=float(threshold),
            min_cell_size=int(min_cell_size),
            n_boot=int(n_boot),
            random_state=int(random_state),
            **options,
        )
        self._result: dict[str, Any] | None = None
        self._plot_data: dict[str, Any] = {}

    # ------------------------------------------------------------------ fitting
    def fit(self, predictions: pd.DataFrame, demographics: pd.DataFrame) -> SubgroupReport:
        """Compute the report from a predictions table and a demographics table joined on ``id``.

        Parameters
        ----------
        predictions
            One row per record; columns depend on ``task`` (see the class docstring).
        demographics
            ``id`` plus one column per attribute. Records without a demographics row, and missing
            values, form the group ``"(missing)"``.

        Returns
        -------
        SubgroupReport
            ``self``, fitted.
        """
        t0 = time.perf_counter()
        cfg = self.config
        frame, attrs_cols = self._join(predictions, demographics)
        data, specs, calibration = self._task_data(frame)
        attrs = [self._make_attr(frame, (a,)) for a in attrs_cols]
        for combo in cfg.intersections:
            attrs.append(self._make_attr(frame, combo))
        _complementary_suppression(attrs, cfg.min_cell_size)
        names = [s.name for s in specs]
        point_overall, point_groups = self._point_estimates(frame, data, specs, attrs)
        samples_overall, samples_groups, ci_overall, ci_groups, boot_s = self._bootstrap(
            frame, data, specs, attrs
        )
        result: dict[str, Any] = {
            "task": cfg.task,
            "overall": {},
            "groups": [],
            "disparities": [],
        }
        alpha = 1.0 - cfg.ci_level
        q = (alpha / 2, 1 - alpha / 2)
        for m in names:
            ci = ci_overall.get(m) if ci_overall is not None else None
            result["overall"][m] = _metric_entry(point_overall[m], ci)

        disparities: list[dict[str, Any]] = []
        disp_samples: list[np.ndarray | None] = []
        worst: list[dict[str, Any]] = []
        attr_metrics: list[dict[str, Any]] = []
        for ai, at in enumerate(attrs):
            pg = point_groups[ai]
            visible = [g for g in range(len(at.labels)) if not at.suppressed[g]]
            for g, label in enumerate(at.labels):
                entry: dict[str, Any] = {"attribute": at.name, "group": label}
                if at.suppressed[g]:
                    entry["n"] = f"<{cfg.min_cell_size}" if at.suppression[g] == "primary" else "suppressed"
                    entry["suppressed"] = True
                    entry["suppression"] = at.suppression[g]
                else:
                    entry["n"] = int(at.n[g])
                    entry["suppressed"] = False
                    entry["metrics"] = {
                        m: _metric_entry(pg[m][g], ci_groups[ai][m][g] if ci_groups is not None else None)
                        for m in names
                    }
                result["groups"].append(entry)
            if not visible:
                continue
            ref = self._reference_for(at, visible)
            sg = samples_groups[ai] if samples_groups is not None else None
            support = _support(data, at)
            for spec in specs:
                m = spec.name
                # worst group among the unsuppressed
                vals = np.array([pg[m][g] for g in visible], dtype=float)
                if np.isfinite(vals).any():
                    pick = int(np.nanargmax(vals) if not spec.higher_is_better else np.nanargmin(vals))
                    wg = visible[pick]
                    wci = None
                    if sg is not None:
                        block = sg[m][:, visible]
                        with np.errstate(all="ignore"), _quiet():
                            ws = (
                                np.nanmin(block, axis=1)
                                if spec.higher_is_better
                                else np.nanmax(block, axis=1)
                            )
                        wci = _quantiles(ws, q)
                    elif ci_groups is not None:
                        wci = ci_groups[ai][m][wg]
                    worst.append(
                        {
                            "attribute": at.name,
                            "metric": m,
                            "group": at.labels[wg],
                            **_metric_entry(pg[m][wg], wci),
                        }
                    )
                if ref is None:
                    continue
                for g in visible:
                    if g == ref:
                        continue
                    diff = pg[m][g] - pg[m][ref]
                    ratio = pg[m][g] / pg[m][ref] if pg[m][ref] not in (0.0,) else float("nan")
                    d_samp = None
                    if sg is not None:
                        d_samp = sg[m][:, g] - sg[m][:, ref]
                        dci = _quantiles(d_samp, q)
                        with np.errstate(all="ignore"):
                            rci = _quantiles(sg[m][:, g] / sg[m][:, ref], q)
                    elif ci_groups is not None:
                        dci = _normal_diff_ci(diff, ci_groups[ai][m][g], ci_groups[ai][m][ref], cfg.ci_level)
                        rci = (float("nan"), float("nan"))
                    else:
                        dci = rci = (float("nan"), float("nan"))
                    disparities.append(
                        {
                            "attribute": at.name,
                            "group": at.labels[g],
                            "reference": at.labels[ref],
                            "metric": m,
                            "value": _num(pg[m][g]),
                            "reference_value": _num(pg[m][ref]),
                            "difference": _num(diff),
                            "ci": [_num(dci[0]), _num(dci[1])],
                            "ratio": _num(ratio),
                            "ratio_ci": [_num(rci[0]), _num(rci[1])],
                            "higher_is_better": spec.higher_is_better,
                            "flag_eligible": bool(
                                min(support[m][g], support[m][ref]) >= cfg.min_flag_support
                            ),
                            "flagged": False,
                        }
                    )
                    disp_samples.append(d_samp)
            if cfg.task == "classification" and len(visible) >= 2:
                attr_metrics.extend(self._fairness_measures(at, pg, visible, sg, q))

        self._flag(disparities, disp_samples)
        result["disparities"] = disparities
        result["worst_group"] = worst
        result["flags"] = [_flag_text(d) for d in disparities if d["flagged"]]
        if attr_metrics:
            result["attribute_metrics"] = attr_metrics
        if cfg.task == "classification" and calibration:
            result["calibration"] = self._calibration(data, attrs)
        result["n_records"] = int(len(frame))
        result["config"] = self._config_dict(attrs)
        result["bootstrap"] = {
            "method": ("vectorized multinomial" if cfg.bootstrap == "vectorized" else "fairlearn MetricFrame")
            if cfg.n_boot
            else None,
            "n_boot": cfg.n_boot,
            "ci_level": cfg.ci_level,
            "interval": "percentile",
            "flag_adjustment": cfg.flag_adjustment,
            "seconds": round(boot_s, 3),
        }
        result["metric_labels"] = {s.name: s.label for s in specs}
        self._result = result
        self._specs = specs
        logger.info(
            "subgroup report: %d records, %d attributes, %.1fs",
            len(frame),
            len(attrs),
            time.perf_counter() - t0,
        )
        return self

    # ---- steps of fit
    def _join(self, predictions: pd.DataFrame, demographics: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
        cfg = self.config
        for name, df in (("predictions", predictions), ("demographics", demographics)):
            if not isinstance(df, pd.DataFrame):
                raise InputError(f"{name} must be a pandas DataFrame")
            if "id" not in df.columns:
                raise InputError(f"{name} table has no 'id' column")
            if df["id"].duplicated().any():
                raise InputError(f"{name} table has duplicate ids ({int(df['id'].duplicated().sum())} rows)")
        if len(predictions) == 0:
            raise InputError("predictions table is empty")
        pred = predictions.copy()
        demo = demographics.copy()
        pred["id"] = pred["id"].astype(str)
        demo["id"] = demo["id"].astype(str)
        attrs = list(cfg.attributes) if cfg.attributes is not None else [c for c in demo.columns if c != "id"]
        needed = set(attrs) | {a for combo in cfg.intersections for a in combo}
        missing = sorted(needed - set(demo.columns))
        if missing:
            raise InputError(f"demographics table has no column(s) {', '.join(missing)}")
        if not attrs and not cfg.intersections:
            raise InputError("demographics table has no attribute columns besides 'id'")
        clash = (set(demo.columns) - {"id"}) & set(pred.columns)
        if clash:
            pred = pred.drop(columns=sorted(clash))
        frame = pred.merge(demo[["id", *sorted(needed)]], on="id", how="left")
        unmatched = int((~pred["id"].isin(demo["id"])).sum())
        if unmatched:
            logger.warning(
                "%d prediction rows have no demographics row; they form the group %r",
                unmatched,
                MISSING_GROUP,
            )
        for a in needed:
            col = frame[a]
            frame[a] = col.map(
                lambda v: MISSING_GROUP if (v is None or (isinstance(v, float) and math.isnan(v))) else str(v)
            )
        return frame, attrs

    def _task_data(self, frame: pd.DataFrame) -> tuple[vb.TaskData, list[MetricSpec], bool]:
        cfg = self.config
        cols: dict[str, np.ndarray] = {}

        def need(*names: str) -> None:
            miss = [c for c in names if c not in frame.columns]
            if miss:
                raise InputError(
                    f"predictions table for task {cfg.task!r} has no column(s) {', '.join(miss)}"
                )

        calibration = False
        if cfg.task == "classification":
            need("y_true", "y_score")
            y = pd.to_numeric(frame["y_true"], errors="coerce").to_numpy(dtype=float)
            if np.isnan(y).any() or not np.isin(y, (0.0, 1.0)).all():
                raise InputError("predictions column 'y_true' must be 0/1 for task 'classification'")
            s = pd.to_numeric(frame["y_score"], errors="coerce").to_numpy(dtype=float)
            if not np.isfinite(s).all():
                raise InputError("predictions column 'y_score' must be finite numbers")
            if "y_pred" in frame.columns:
                p = pd.to_numeric(frame["y_pred"], errors="coerce").to_numpy(dtype=float)
                if np.isnan(p).any() or not np.isin(p, (0.0, 1.0)).all():
                    raise InputError("predictions column 'y_pred' must be 0/1")
            else:
                p = (s >= cfg.threshold).astype(float)
            calibration = bool(s.min() >= 0.0 and s.max() <= 1.0)
            if not calibration:
                logger.warning("y_score outside [0, 1]: ECE and reliability curves are left out")
            cols = {"y_true": y.astype(np.int64), "y_hat": p.astype(np.int64), "y_score": s}
            specs = metric_specs("classification", calibration=calibration)
        elif cfg.task in ("ner", "deid"):
            need("tp", "fp", "fn")
            for k in ("tp", "fp", "fn"):
                v = pd.to_numeric(frame[k], errors="coerce").to_numpy(dtype=float)
                if np.isnan(v).any() or (v < 0).any():
                    raise InputError(f"predictions column {k!r} must be non-negative counts")
                cols[k] = v
            specs = metric_specs(cfg.task)
        else:
            need("dice")
            dice_cols = ["dice"] + sorted(c for c in frame.columns if c.startswith("dice_"))
            for c in dice_cols:
                v = pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
                cols[c] = v
            specs = metric_specs("segmentation", dice_columns=tuple(dice_cols))
        return vb.TaskData(cfg.task, cols, tuple(s.name for s in specs)), specs, calibration

    def _make_attr(self, frame: pd.DataFrame, combo: tuple[str, ...]) -> _Attr:
        if len(combo) == 1:
            values = frame[combo[0]]
        else:
            values = frame[list(combo)].agg(INTERSECTION_SEP.join, axis=1)
        codes, uniques = pd.factorize(values, sort=True)
        n = np.bincount(codes, minlength=len(uniques))
        suppressed = n < self.config.min_cell_size
        return _Attr(
            name="*".join(combo),
            labels=[str(u) for u in uniques],
            codes=codes.astype(np.int64),
            n=n,
            suppressed=suppressed,
            suppression=["primary" if s else None for s in suppressed],
            components=combo,
        )

    def _sample_params(
        self, data: vb.TaskData, specs: list[MetricSpec], rows: np.ndarray | None = None
    ) -> dict:
        out = {}
        for s in specs:
            out[s.name] = {p: (data.columns[p] if rows is None else data.columns[p][rows]) for p in s.params}
        return out

    def _y(self, data: vb.TaskData) -> tuple[np.ndarray, np.ndarray]:
        if data.task == "classification":
            return data.columns["y_true"], data.columns["y_hat"]
        n = len(next(iter(data.columns.values())))
        return np.zeros(n), np.zeros(n)

    def _point_estimates(
        self, frame: pd.DataFrame, data: vb.TaskData, specs: list[MetricSpec], attrs: list[_Attr]
    ) -> tuple[dict[str, float], list[dict[str, np.ndarray]]]:
        """Overall and per-group values from one ``MetricFrame`` per attribute.

        MetricFrame does the grouping; its single metric evaluates every metric function of the task
        on a group's rows, addressed by row index. (fairlearn converts each argument of each metric
        element by element, so eight separate metric functions on 100k rows cost eight times as much;
        tests check the result against one MetricFrame per metric.)
        """
        from fairlearn.metrics import MetricFrame

        y_true, y_pred = self._y(data)
        cols = data.columns

        def bundle(rows_t: np.ndarray, rows_p: np.ndarray) -> tuple[float, ...]:
            r = np.asarray(rows_t, dtype=np.int64)
            return tuple(
                float(sp.fn(y_true[r], y_pred[r], **{p: cols[p][r] for p in sp.params})) for sp in specs
            )

        rows = np.arange(len(frame), dtype=np.int64)
        names = [sp.name for sp in specs]
        overall: dict[str, float] = {}
        groups: list[dict[str, np.ndarray]] = []
        for at in attrs:
            with _quiet():  # fairlearn's group_min/max of tuple cells warn about nan; unused here
                mf = MetricFrame(
                    metrics={"metrics": bundle}, y_true=rows, y_pred=rows, sensitive_features=at.codes
                )
            if not overall:
                overall = dict(zip(names, mf.overall["metrics"]))
            vals = {m: np.full(len(at.labels), np.nan) for m in names}
            for code, tup in mf.by_group["metrics"].items():
                if at.suppressed[int(code)]:
                    continue  # suppressed values are never kept
                for m, v in zip(names, tup):
                    vals[m][int(code)] = v
            groups.append(vals)
        return overall, groups

    def _bootstrap(
        self, frame: pd.DataFrame, data: vb.TaskData, specs: list[MetricSpec], attrs: list[_Attr]
    ) -> tuple[Any, Any, Any, Any, float]:
        cfg = self.config
        if cfg.n_boot == 0:
            return None, None, None, None, 0.0
        alpha = 1.0 - cfg.ci_level
        q = (alpha / 2, 1 - alpha / 2)
        names = [s.name for s in specs]
        t0 = time.perf_counter()
        if cfg.bootstrap == "fairlearn":
            from fairlearn.metrics import MetricFrame

            y_true, y_pred = self._y(data)
            metrics = {s.name: s.fn for s in specs}
            params = self._sample_params(data, specs)
            ci_overall: dict[str, tuple[float, float]] = {}
            ci_groups = []
            for at in attrs:
                mf = MetricFrame(
                    metrics=metrics,
                    y_true=y_true,
                    y_pred=y_pred,
                    sensitive_features=at.codes,
                    sample_params=params,
                    n_boot=cfg.n_boot,
                    ci_quantiles=list(q),
                    random_state=cfg.random_state,
                )
                lo, hi = mf.overall_ci
                if not ci_overall:
                    ci_overall = {m: (float(lo[m]), float(hi[m])) for m in names}
                blo, bhi = mf.by_group_ci
                per: dict[str, list[tuple[float, float] | None]] = {m: [None] * len(at.labels) for m in names}
                for m in names:
                    for code in blo.index:
                        if not at.suppressed[int(code)]:
                            per[m][int(code)] = (float(blo.loc[code, m]), float(bhi.loc[code, m]))
                ci_groups.append(per)
            return None, None, ci_overall, ci_groups, time.perf_counter() - t0

        rng = np.random.default_rng(cfg.random_state)
        n = len(frame)
        parts = [vb.prepare(data, np.zeros(n, dtype=np.int64), 1)]
        parts += [vb.prepare(data, at.codes, len(at.labels)) for at in attrs]
        samples = vb.bootstrap_metrics(data, parts, cfg.n_boot, rng)
        elapsed = time.perf_counter() - t0
        ci_overall = {m: _quantiles(samples[0][m][:, 0], q) for m in names}
        samples_groups = []
        ci_groups = []
        for at, smp in zip(attrs, samples[1:]):
            # drop suppressed groups' resampled values at once: nothing downstream may see them
            kept = {
                k: np.where(at.suppressed[None, :], np.nan, v)
                for k, v in smp.items()
                if not k.startswith("_")
            }
            samples_groups.append(kept)
            ci_groups.append(
                {
                    m: [
                        None if at.suppressed[g] else _quantiles(kept[m][:, g], q)
                        for g in range(len(at.labels))
                    ]
                    for m in names
                }
            )
        return samples[0], samples_groups, ci_overall, ci_groups, elapsed

    def _reference_for(self, at: _Attr, visible: list[int]) -> int | None:
        cfg = self.config
        want = cfg.reference.get(at.name, self._reference_all)
        if want is not None:
            if str(want) in at.labels:
                g = at.labels.index(str(want))
                if not at.suppressed[g]:
                    return g
                logger.warning("reference group of %r is suppressed; using its largest group", at.name)
            else:
                logger.warning("reference group for %r not found; using its largest group", at.name)
        if len(visible) < 2:
            return None if len(visible) == 0 else visible[0]
        return max(visible, key=lambda g: (at.n[g], -g))

    def _fairness_measures(
        self,
        at: _Attr,
        pg: dict[str, np.ndarray],
        visible: list[int],
        sg: dict[str, np.ndarray] | None,
        q: tuple[float, float],
    ) -> list[dict[str, Any]]:
        """fairlearn's equalized-odds and demographic-parity differences over the unsuppressed groups.

        Same definitions as ``fairlearn.metrics.equalized_odds_difference`` (largest between-group
        gap in TPR or FPR) and ``demographic_parity_difference`` (in selection rate), taken from the
        MetricFrame values already computed per group (tests check equality with fairlearn).
        """
        with np.errstate(all="ignore"), _quiet():
            tpr = pg["sensitivity"][visible]
            fpr = 1.0 - pg["specificity"][visible]
            sel = pg["selection_rate"][visible]
            eo = float(max(np.nanmax(tpr) - np.nanmin(tpr), np.nanmax(fpr) - np.nanmin(fpr)))
            dp = float(np.nanmax(sel) - np.nanmin(sel))
        eo_ci = dp_ci = None
        if sg is not None:
            with np.errstate(all="ignore"), _quiet():
                tpr_s = sg["sensitivity"][:, visible]
                fpr_s = 1.0 - sg["specificity"][:, visible]
                sel_s = sg["selection_rate"][:, visible]
                eo_s = np.fmax(
                    np.nanmax(tpr_s, 1) - np.nanmin(tpr_s, 1), np.nanmax(fpr_s, 1) - np.nanmin(fpr_s, 1)
                )
                dp_s = np.nanmax(sel_s, 1) - np.nanmin(sel_s, 1)
            eo_ci, dp_ci = _quantiles(eo_s, q), _quantiles(dp_s, q)
        return [
            {"attribute": at.name, "metric": "equalized_odds_difference", **_metric_entry(eo, eo_ci)},
            {"attribute": at.name, "metric": "demographic_parity_difference", **_metric_entry(dp, dp_ci)},
        ]

    def _flag(self, disparities: list[dict[str, Any]], samples: list[np.ndarray | None]) -> None:
        cfg = self.config
        crit = None
        ses: list[float] = []
        if cfg.flag_adjustment == "max-t" and samples and all(s is not None for s in samples):
            mat = np.column_stack([s for s in samples if s is not None])  # (B, K)
            point = np.array([np.nan if d["difference"] is None else d["difference"] for d in disparities])
            with np.errstate(all="ignore"), _quiet():
                se = np.nanstd(mat, axis=0, ddof=1)
                z = np.abs(mat - point[None, :]) / np.where(se > 0, se, np.nan)[None, :]
                zmax = np.nanmax(z, axis=1)
            zmax = zmax[np.isfinite(zmax)]
            if zmax.size:
                crit = float(np.quantile(zmax, cfg.ci_level))
            ses = [float(x) for x in se]
        for k, d in enumerate(disparities):
            lo, hi = d["ci"]
            if d["difference"] is None or lo is None or hi is None:
                continue
            excl = lo > 0 or hi < 0
            if cfg.flag_adjustment == "max-t" and crit is not None:
                se_k = ses[k]
                if math.isfinite(se_k) and se_k > 0:
                    slo, shi = d["difference"] - crit * se_k, d["difference"] + crit * se_k
                    d["ci_simultaneous"] = [_num(slo), _num(shi)]
                    excl = excl and (slo > 0 or shi < 0)
                else:
                    excl = False
            d["flagged"] = bool(excl and d["flag_eligible"])

    def _calibration(self, data: vb.TaskData, attrs: list[_Attr]) -> dict[str, Any]:
        y, s = data.columns["y_true"], data.columns["y_score"]
        m = self.config.min_cell_size
        out: dict[str, Any] = {"overall": _hide_small_bins(reliability_curve(y, s), m), "groups": []}
        for at in attrs:
            for g, label in enumerate(at.labels):
                if at.suppressed[g]:
                    continue
                rows = at.codes == g
                out["groups"].append(
                    {
                        "attribute": at.name,
                        "group": label,
                        "bins": _hide_small_bins(reliability_curve(y[rows], s[rows]), m),
                    }
                )
        return out

    def _config_dict(self, attrs: list[_Attr]) -> dict[str, Any]:
        d = asdict(self.config)
        d["attributes"] = [a.name for a in attrs if len(a.components) == 1]
        d["intersections"] = ["*".join(c) for c in self.config.intersections]
        d["reference"] = dict(self.config.reference) or self._reference_all
        return d

    # ------------------------------------------------------------------ views
    def _check(self) -> dict[str, Any]:
        if self._result is None:
            raise ConfigError("SubgroupReport is not fitted; call .fit(predictions, demographics) first")
        return self._result

    @property
    def metric_names(self) -> list[str]:
        """Names of the reported metrics, in report order."""
        return list(self._check()["overall"])

    @property
    def overall(self) -> pd.DataFrame:
        """Overall metrics: index metric, columns ``value``, ``ci_low``, ``ci_high``."""
        r = self._check()
        rows = [
            {"metric": m, "value": e["value"], "ci_low": e["ci"][0], "ci_high": e["ci"][1]}
            for m, e in r["overall"].items()
        ]
        return pd.DataFrame(rows).set_index("metric").astype(float)

    @property
    def by_group(self) -> pd.DataFrame:
        """Per-group metrics (suppressed groups: ``n`` as ``"<11"``, metrics empty).

        Index (attribute, group); columns ``n``, ``suppressed`` and one column per metric.
        """
        r = self._check()
        rows = []
        for g in r["groups"]:
            row: dict[str, Any] = {
                "attribute": g["attribute"],
                "group": g["group"],
                "n": g["n"],
                "suppressed": g["suppressed"],
            }
            for m in r["overall"]:
                row[m] = g["metrics"][m]["value"] if "metrics" in g else None
            rows.append(row)
        df = pd.DataFrame(rows).set_index(["attribute", "group"])
        for m in r["overall"]:
            df[m] = df[m].astype(float)
        return df

    @property
    def by_group_ci(self) -> pd.DataFrame:
        """Per-group interval bounds: columns ``(metric, "ci_low" | "ci_high")``."""
        r = self._check()
        rows, index = [], []
        for g in r["groups"]:
            index.append((g["attribute"], g["group"]))
            row = {}
            for m in r["overall"]:
                ci = g["metrics"][m]["ci"] if "metrics" in g else [None, None]
                row[(m, "ci_low")], row[(m, "ci_high")] = ci
            rows.append(row)
        df = pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["attribute", "group"]))
        df.columns = pd.MultiIndex.from_tuples(df.columns)
        return df.astype(float)

    @property
    def disparities(self) -> pd.DataFrame:
        """Gaps against the reference group: one row per (attribute, group, metric)."""
        r = self._check()
        cols = [
            "attribute",
            "group",
            "reference",
            "metric",
            "value",
            "reference_value",
            "difference",
            "ci_low",
            "ci_high",
            "ratio",
            "flagged",
        ]
        rows = [
            {**{k: d.get(k) for k in cols}, "ci_low": d["ci"][0], "ci_high": d["ci"][1]}
            for d in r["disparities"]
        ]
        return pd.DataFrame(rows, columns=cols)

    @property
    def flags(self) -> pd.DataFrame:
        """The flagged gaps only (interval excludes zero)."""
        df = self.disparities
        return df[df["flagged"].astype(bool)].reset_index(drop=True)

    @property
    def worst_group(self) -> pd.DataFrame:
        """Worst unsuppressed group per (attribute, metric)."""
        r = self._check()
        rows = [
            {
                "attribute": w["attribute"],
                "metric": w["metric"],
                "group": w["group"],
                "value": w["value"],
                "ci_low": w["ci"][0],
                "ci_high": w["ci"][1],
            }
            for w in r["worst_group"]
        ]
        return pd.DataFrame(rows, columns=["attribute", "metric", "group", "value", "ci_low", "ci_high"])

    # ------------------------------------------------------------------ outputs
    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-able data (the ``report.json`` contract)."""
        return json.loads(json.dumps(self._check()))

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text (``nan`` written as ``null``)."""
        return json.dumps(self._check(), indent=indent, allow_nan=False)

    def to_markdown(self) -> str:
        """The report as a Markdown document."""
        from clinical_sft.fairness._render import report_markdown

        return report_markdown(self._check())

    def to_html(self, plots: bool = True) -> str:
        """The report as one self-contained HTML page (inline CSS, plots as base64 PNG)."""
        from clinical_sft.fairness._render import report_html

        return report_html(self._check(), plots=plots)

    def _repr_html_(self) -> str:
        from clinical_sft.fairness._render import report_html

        if self._result is None:
            return f"<p>SubgroupReport(task={self.config.task!r}) &mdash; not fitted</p>"
        return report_html(self._result, plots=False, fragment=True)

    def __repr__(self) -> str:
        state = "fitted" if self._result is not None else "not fitted"
        return f"SubgroupReport(task={self.config.task!r}, n_boot={self.config.n_boot}, {state})"

    def save(self, out_dir: str | Path, plots: bool = True) -> dict[str, Path]:
        """Write ``report.json``, ``report.md`` and ``report.html`` into ``out_dir`` (atomically).

        Parameters
        ----------
        out_dir
            Folder to write into (created if needed).
        plots
            Embed the plots in ``report.html`` (the slow part on large reports).

        Returns
        -------
        dict
            ``{"json": path, "markdown": path, "html": path}``.
        """
        from clinical_sft.privacy.corpus import atomic_write_text

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {"json": out / "report.json", "markdown": out / "report.md", "html": out / "report.html"}
        atomic_write_text(paths["json"], self.to_json() + "\n")
        atomic_write_text(paths["markdown"], self.to_markdown())
        atomic_write_text(paths["html"], self.to_html(plots=plots))
        return paths

    def plot_metric(self, metric: str, attribute: str | None = None):  # noqa: ANN201
        """Metric by group with intervals (one panel per attribute); suppressed groups carry no point.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from clinical_sft.fairness._render import plot_metric_by_group

        return plot_metric_by_group(self._check(), metric, attribute)

    def plot_calibration(self, attribute: str | None = None):  # noqa: ANN201
        """Reliability curves per group (classification with probability scores).

        Returns
        -------
        matplotlib.figure.Figure
        """
        from clinical_sft.fairness._render import plot_calibration

        return plot_calibration(self._check(), attribute)


# ---------------------------------------------------------------------- helpers
class _quiet:
    """Silence numpy's RuntimeWarnings about all-nan slices inside a block."""

    def __enter__(self) -> None:
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc: Any) -> None:
        self._cm.__exit__(*exc)


def _support(data: vb.TaskData, at: _Attr) -> dict[str, np.ndarray]:
    """Records (or entities) behind each metric, per group: used only to decide flag eligibility."""
    g, k = at.codes, len(at.labels)
    n = np.bincount(g, minlength=k).astype(float)
    c = data.columns
    if data.task == "classification":
        pos = np.bincount(g, weights=c["y_true"].astype(float), minlength=k)
        pred = np.bincount(g, weights=c["y_hat"].astype(float), minlength=k)
        neg = n - pos
        return {
            "auroc": np.minimum(pos, neg),
            "auprc": np.minimum(pos, neg),
            "sensitivity": pos,
            "specificity": neg,
            "ppv": pred,
            "f1": np.minimum(pos, pred),
            "selection_rate": n,
            "ece": n,
        }
    if data.task in ("ner", "deid"):
        tp, fp, fn = (np.bincount(g, weights=c[x], minlength=k) for x in ("tp", "fp", "fn"))
        p = "phi_" if data.task == "deid" else ""
        return {f"{p}recall": tp + fn, f"{p}precision": tp + fp, f"{p}f1": np.minimum(tp + fn, tp + fp)}
    return {
        m: np.bincount(g, weights=(~np.isnan(c[m])).astype(float), minlength=k) for m in data.metric_names
    }


def _quantiles(x: np.ndarray, q: tuple[float, float]) -> tuple[float, float]:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 10:
        return (float("nan"), float("nan"))
    lo, hi = np.quantile(x, q)
    return float(lo), float(hi)


def _normal_diff_ci(
    diff: float, ci_g: tuple[float, float] | None, ci_r: tuple[float, float] | None, level: float
) -> tuple[float, float]:
    from statistics import NormalDist

    if ci_g is None or ci_r is None:
        return (float("nan"), float("nan"))
    z = NormalDist().inv_cdf(0.5 + level / 2)
    se_g = (ci_g[1] - ci_g[0]) / (2 * z)
    se_r = (ci_r[1] - ci_r[0]) / (2 * z)
    se = math.sqrt(se_g**2 + se_r**2)
    return (diff - z * se, diff + z * se)


def _hide_small_bins(bins: list[dict[str, Any]], min_cell: int) -> list[dict[str, Any]]:
    out = []
    for b in bins:
        if b["n"] < min_cell:
            out.append(
                {"bin_low": b["bin_low"], "bin_high": b["bin_high"], "n": f"<{min_cell}", "suppressed": True}
            )
        else:
            out.append({**b, "suppressed": False})
    return out


def _flag_text(d: dict[str, Any]) -> str:
    lo, hi = d["ci"]
    return (
        f"{d['attribute']}={d['group']}: {d['metric']} differs from {d['reference']} by "
        f"{d['difference']:+.3f} (95% CI {lo:+.3f} to {hi:+.3f})"
    )


def _complementary_suppression(attrs: list[_Attr], min_cell: int) -> None:
    """Suppress further cells wherever a suppressed cell could be recovered by subtraction.

    A table's published total (the overall metric, or a marginal group of an intersection) minus
    its published cells would reveal a lone suppressed cell, or a pooled suppressed remainder
    smaller than ``min_cell``. Each such table gets its next smallest cell suppressed until the
    suppressed pool holds at least two cells and ``min_cell`` records.
    """
    for at in attrs:
        tables: list[np.ndarray] = [np.arange(len(at.labels))]
        if len(at.components) > 1:
            parts = [label.split(INTERSECTION_SEP) for label in at.labels]
            if all(len(p) == len(at.components) for p in parts):
                for i in range(len(at.components)):
                    keys: dict[tuple[str, ...], list[int]] = {}
                    for g, p in enumerate(parts):
                        keys.setdefault(tuple(p[:i] + p[i + 1 :]), []).append(g)
                    tables.extend(np.array(v) for v in keys.values() if len(v) > 1)
        changed = True
        while changed:
            changed = False
            for cells in tables:
                sup = cells[at.suppressed[cells]]
                if sup.size == 0:
                    continue
                if sup.size >= 2 and at.n[sup].sum() >= min_cell:
                    continue
                open_ = cells[~at.suppressed[cells]]
                if open_.size == 0:
                    continue
                g = int(open_[np.argmin(at.n[open_])])
                at.suppressed[g] = True
                at.suppression[g] = "complementary"
                changed = True


def read_table(path: str | Path, what: str = "table") -> pd.DataFrame:
    """Read a CSV (or ``.parquet``/``.jsonl``) predictions or demographics table; ``id`` read as text.

    Raises
    ------
    InputError
        The file is missing or unreadable (the message names the file, never its content).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{what} file not found: {p}")
    try:
        if p.suffix == ".parquet":
            df = pd.read_parquet(p)
        elif p.suffix in (".jsonl", ".ndjson"):
            df = pd.read_json(p, lines=True, dtype={"id": str})
        else:
            df = pd.read_csv(p, dtype={"id": str}, keep_default_na=True)
    except Exception as e:  # noqa: BLE001 - pandas raises many types; never echo content
        raise InputError(f"{what} file {p} could not be read as a table ({type(e).__name__})") from None
    return df
