"""Benchmark: subgroup report with 1,000 bootstrap resamples on 100k records and 5 attributes.

Ours: ``SubgroupReport(n_boot=1000).fit`` (fairlearn MetricFrame for the point estimates, the
vectorised multinomial bootstrap for every interval). Baseline: fairlearn's own
``MetricFrame(n_boot=..., ci_quantiles=..., random_state=...)`` with the same metrics, one frame per
attribute. The baseline is far too slow to run 1,000 resamples here, so it is timed on a few
resamples per attribute and extrapolated linearly (the JSON says so: ``"extrapolated": true``).

Also checks that our point estimates equal MetricFrame's and that both bootstraps give intervals
of similar width on the same data.

Usage: ``python benchmarks/fairness.py [--quick]``; writes ``benchmarks/results/fairness.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from clinical_sft.fairness import SubgroupReport, metric_specs  # noqa: E402

ATTRS = {
    "sex": (["F", "M"], [0.52, 0.48]),
    "age_band": (["18-44", "45-64", "65-79", "80+"], [0.3, 0.35, 0.25, 0.1]),
    "race_ethnicity": (["White", "Black", "Hispanic", "Asian", "Other"], [0.55, 0.18, 0.15, 0.08, 0.04]),
    "payer": (["Medicare", "Medicaid", "Commercial", "Self-pay", "VA"], [0.35, 0.2, 0.35, 0.06, 0.04]),
    "site": (["A", "B", "C", "D"], [0.35, 0.25, 0.25, 0.15]),
}


def make_data(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    demo = pd.DataFrame({"id": np.arange(n).astype(str)})
    for a, (vals, p) in ATTRS.items():
        demo[a] = rng.choice(vals, n, p=p)
    y = (rng.random(n) < 0.25).astype(int)
    logit = -1.2 + 2.0 * y + rng.normal(0, 1, n) - 0.5 * (demo["site"] == "C").to_numpy() * y
    score = np.round(1 / (1 + np.exp(-logit)), 4)
    preds = pd.DataFrame({"id": demo["id"], "y_true": y, "y_score": score})
    return preds, demo


def run_ours(preds: pd.DataFrame, demo: pd.DataFrame, n_boot: int) -> dict:
    from clinical_sft.fairness import _bootstrap as vb
    from clinical_sft.fairness.report import SubgroupReport as _SR

    t0 = time.perf_counter()
    rep = SubgroupReport(task="classification", n_boot=n_boot, random_state=0).fit(preds, demo)
    fit_s = time.perf_counter() - t0
    d = rep.to_dict()
    # peak memory of the bootstrap: it works in fixed-size chunks of resamples, so a run of two
    # chunks shows the same peak as 1,000 resamples
    sr = _SR(task="classification")
    frame, _ = sr._join(preds, demo)
    data, _, _ = sr._task_data(frame)
    codes = [pd.factorize(frame[a], sort=True)[0].astype(np.int64) for a in ATTRS]
    tracemalloc.start()
    parts = [vb.prepare(data, np.zeros(len(frame), dtype=np.int64), 1)]
    parts += [vb.prepare(data, c, int(c.max()) + 1) for c in codes]
    chunk = max(1, 4_000_000 // len(frame))
    vb.bootstrap_metrics(data, parts, 2 * chunk, np.random.default_rng(0))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "fit_seconds": round(fit_s, 2),
        "bootstrap_seconds": d["bootstrap"]["seconds"],
        "point_estimate_seconds": round(fit_s - d["bootstrap"]["seconds"], 2),
        "peak_traced_mem_mb_bootstrap": round(peak / 2**20, 1),
        "n_flags": len(d["flags"]),
        "report": rep,
    }


def run_baseline(preds: pd.DataFrame, demo: pd.DataFrame, k: int, attrs: list[str]) -> dict:
    from fairlearn.metrics import MetricFrame

    specs = metric_specs("classification")
    y = preds["y_true"].to_numpy()
    s = preds["y_score"].to_numpy()
    p = (s >= 0.5).astype(int)
    cols = {"y_score": s}
    metrics = {sp.name: sp.fn for sp in specs}
    params = {sp.name: {c: cols[c] for c in sp.params} for sp in specs}
    per_attr = {}
    point_s = 0.0
    frames = {}
    tracemalloc.start()
    peak = 0
    for a in attrs:
        t0 = time.perf_counter()
        frames[a] = MetricFrame(
            metrics=metrics, y_true=y, y_pred=p, sensitive_features=demo[a], sample_params=params
        )
        t_point = time.perf_counter() - t0
        tracemalloc.reset_peak()
        t0 = time.perf_counter()
        MetricFrame(
            metrics=metrics,
            y_true=y,
            y_pred=p,
            sensitive_features=demo[a],
            sample_params=params,
            n_boot=k,
            ci_quantiles=[0.025, 0.975],
            random_state=0,
        )
        t_boot = time.perf_counter() - t0
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        per_attr[a] = max(t_boot - t_point, 1e-9) / k
        point_s += t_point
    tracemalloc.stop()
    per_resample = float(np.mean(list(per_attr.values())))
    return {
        "per_resample_seconds_by_attribute": {a: round(v, 3) for a, v in per_attr.items()},
        "point_estimate_seconds": round(point_s, 2),
        "frames": frames,
        "peak_traced_mem_mb_with_k_resamples": round(peak / 2**20, 1),
        "seconds_per_resample_per_attribute": round(per_resample, 3),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10k records, 200 resamples, 1 baseline resample")
    ap.add_argument("--out", default=str(HERE / "results" / "fairness.json"))
    args = ap.parse_args(argv)
    n, n_boot, k = (10_000, 200, 1) if args.quick else (100_000, 1000, 2)
    # the baseline is timed on one attribute (5 groups; its cost per resample barely depends on the
    # number of groups) and extrapolated to all five attributes
    base_attrs = ["race_ethnicity"]
    preds, demo = make_data(n)
    print(f"fairness benchmark: {n} records, {len(ATTRS)} attributes, {n_boot} resamples", flush=True)

    ours = run_ours(preds, demo, n_boot)
    print(f"  ours: fit {ours['fit_seconds']} s (bootstrap {ours['bootstrap_seconds']} s)", flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = {k: v for k, v in ours.items() if k != "report"}
    out.write_text(
        json.dumps(
            {"name": "fairness", "partial": True, "n_records": n, "n_boot": n_boot, "ours": partial}, indent=2
        )
        + "\n"
    )
    base = run_baseline(preds, demo, k, base_attrs)
    point_all = base["point_estimate_seconds"] / len(base_attrs) * len(ATTRS)
    extrap = base["seconds_per_resample_per_attribute"] * n_boot * len(ATTRS) + point_all
    print(
        f"  fairlearn: {base['seconds_per_resample_per_attribute']} s per resample per attribute", flush=True
    )

    # equality of point estimates with MetricFrame
    rep = ours.pop("report")
    bg = rep.by_group
    max_diff = 0.0
    for a, mf in base.pop("frames").items():
        ours_a = bg.loc[a]
        for m in mf.by_group.columns:
            diff = np.nanmax(
                np.abs(
                    ours_a.loc[mf.by_group.index.astype(str), m].to_numpy(float)
                    - mf.by_group[m].to_numpy(float)
                )
            )
            max_diff = max(max_diff, float(diff))

    # interval widths on a small slice where both bootstraps can run in full
    m_small, b_small = 1000, 20
    ps, ds = preds.iloc[:m_small], demo.iloc[:m_small]
    fl = SubgroupReport(n_boot=b_small, attributes=["site"], bootstrap="fairlearn").fit(ps, ds).by_group_ci
    vz = SubgroupReport(n_boot=b_small, attributes=["site"]).fit(ps, ds).by_group_ci
    w_fl = (fl.xs("ci_high", axis=1, level=1) - fl.xs("ci_low", axis=1, level=1)).to_numpy()
    w_vz = (vz.xs("ci_high", axis=1, level=1) - vz.xs("ci_low", axis=1, level=1)).to_numpy()
    width_ratio = float(np.nanmedian(w_vz / w_fl))

    result = {
        "name": "fairness",
        "quick": args.quick,
        "n_records": n,
        "n_attributes": len(ATTRS),
        "n_groups": int(sum(len(v[0]) for v in ATTRS.values())),
        "n_boot": n_boot,
        "metrics": [s.name for s in metric_specs("classification")],
        "ours": {
            **ours,
            "method": "vectorised multinomial bootstrap (weighted closed forms), shared resamples across attributes",
        },
        "baseline": {
            **base,
            "method": "fairlearn 0.15 MetricFrame(n_boot, ci_quantiles, random_state), one frame per attribute",
            "resamples_timed_per_attribute": k,
            "attributes_timed": base_attrs,
            "extrapolated": True,
            "extrapolated_seconds": round(extrap, 1),
            "note": f"timed {k} resample(s) on each of {', '.join(base_attrs)} (minus the same frame without "
            f"bootstrap), mean per resample scaled linearly to {n_boot} resamples x {len(ATTRS)} "
            "attributes, plus the point estimates",
        },
        "speedup_bootstrap": round(
            base["seconds_per_resample_per_attribute"]
            * n_boot
            * len(ATTRS)
            / max(ours["bootstrap_seconds"], 1e-9),
            1,
        ),
        "speedup_total": round(extrap / max(ours["fit_seconds"], 1e-9), 1),
        "point_estimates_max_abs_diff_vs_metricframe": max_diff,
        "ci_width_ratio_ours_over_fairlearn": {
            "median": round(width_ratio, 3),
            "n_records": m_small,
            "n_boot": b_small,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
        },
    }
    out.write_text(json.dumps(result, indent=2) + "\n")

    rows = [
        ("", "ours", "fairlearn MetricFrame"),
        (
            "bootstrap time (s)",
            f"{ours['bootstrap_seconds']:.1f}",
            f"{extrap - point_all:.0f} (extrapolated)",
        ),
        ("total time (s)", f"{ours['fit_seconds']:.1f}", f"{extrap:.0f} (extrapolated)"),
        (
            "peak traced memory (MB)",
            f"{ours['peak_traced_mem_mb_bootstrap']}",
            f"{base['peak_traced_mem_mb_with_k_resamples']} ({k} resamples)",
        ),
        (
            "s / resample / attribute",
            f"{ours['bootstrap_seconds'] / n_boot / len(ATTRS):.4f}",
            f"{base['seconds_per_resample_per_attribute']:.2f}",
        ),
    ]
    for r in rows:
        print(f"  {r[0]:<26}{r[1]:>14}  {r[2]}")
    print(
        f"  speedup (bootstrap): {result['speedup_bootstrap']}x; total: {result['speedup_total']}x; "
        f"point estimates max |diff| vs MetricFrame: {max_diff:.2e}; CI width ratio {width_ratio:.2f}"
    )
    print(f"  wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
