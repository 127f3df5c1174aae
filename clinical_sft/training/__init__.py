"""The training engine: one loop for every modality, with optional differential privacy.

>>> from clinical_sft.training import Trainer, TrainConfig, DPConfig  # doctest: +SKIP
>>> result = Trainer(task, TrainConfig(out_dir="runs/x"), dp=DPConfig(target_epsilon=8)).fit(train, val)
... # doctest: +SKIP
"""

from clinical_sft.privacy.dp import DPConfig
from clinical_sft.training.audit import audit_run
from clinical_sft.training.config import TrainConfig, TrainResult
from clinical_sft.training.engine import Trainer, library_versions
from clinical_sft.training.fingerprint import fingerprint_dataset
from clinical_sft.training.registry import available_tasks, load_trained, register_task
from clinical_sft.training.task import Task

__all__ = [
    "audit_run",
    "DPConfig",
    "Task",
    "TrainConfig",
    "TrainResult",
    "Trainer",
    "available_tasks",
    "fingerprint_dataset",
    "library_versions",
    "load_trained",
    "register_task",
]
