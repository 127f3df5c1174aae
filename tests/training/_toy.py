"""A tiny task for the engine tests: an MLP (optionally with BatchNorm) on random data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F


class ToyDataset(torch.utils.data.Dataset):
    def __init__(self, n: int, dim: int = 8, seed: int = 0, n_classes: int = 2) -> None:
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randn(n, dim, generator=g)
        w = torch.randn(dim, n_classes, generator=torch.Generator().manual_seed(1234))
        self.y = (self.x @ w).argmax(1)
        self.ids = [f"r{seed}-{i}" for i in range(n)]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return {"id": self.ids[i], "x": self.x[i], "y": self.y[i]}


class ToyTask:
    name = "toy"
    monitor = "accuracy"
    monitor_mode = "max"

    def __init__(self, dim: int = 8, hidden: int = 16, batchnorm: bool = False, n_classes: int = 2) -> None:
        self.dim, self.hidden, self.batchnorm, self.n_classes = dim, hidden, batchnorm, n_classes

    def build_model(self) -> nn.Module:
        if self.batchnorm:
            return nn.Sequential(nn.Linear(self.dim, self.hidden), nn.BatchNorm1d(self.hidden), nn.ReLU(),
                                 nn.Linear(self.hidden, self.n_classes))
        return nn.Sequential(nn.Linear(self.dim, self.hidden), nn.ReLU(), nn.Linear(self.hidden, self.n_classes))

    def collate(self, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return {"ids": [it["id"] for it in items],
                "x": torch.stack([it["x"] for it in items]) if items else torch.zeros(0, self.dim),
                "y": torch.stack([it["y"] for it in items]) if items else torch.zeros(0, dtype=torch.long)}

    def per_record_loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        return F.cross_entropy(model(batch["x"]), batch["y"], reduction="none")

    def loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        return F.cross_entropy(model(batch["x"]), batch["y"])

    def predict_batch(self, model: nn.Module, batch: dict[str, Any]) -> list[dict[str, Any]]:
        prob = model(batch["x"]).softmax(-1)
        return [{"id": i, "y_true": int(t), "y_score": float(p[1]), "y_pred": int(p.argmax())}
                for i, t, p in zip(batch["ids"], batch["y"], prob)]

    def compute_metrics(self, predictions: list[dict[str, Any]]) -> dict[str, float]:
        if not predictions:
            return {"accuracy": 0.0}
        return {"accuracy": sum(p["y_true"] == p["y_pred"] for p in predictions) / len(predictions)}

    def predictions_table(self, predictions: list[dict[str, Any]]) -> Any:
        import pandas as pd

        return pd.DataFrame(predictions)


class ToyTaskNoPRL(ToyTask):
    """Without per_record_loss: ghost clipping falls back to hooks."""

    per_record_loss = None  # type: ignore[assignment]
