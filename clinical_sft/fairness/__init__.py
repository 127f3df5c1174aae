"""Subgroup fairness reports and model cards.

Takes a predictions table (no model, no modality) and a demographics table; built on fairlearn's
``MetricFrame``.

>>> from clinical_sft.fairness import SubgroupReport, ModelCard
"""

from clinical_sft.fairness._metrics import TASKS, MetricSpec, metric_specs
from clinical_sft.fairness.model_card import ModelCard, write_report_and_card
from clinical_sft.fairness.report import ReportConfig, SubgroupReport, read_table

__all__ = [
    "TASKS",
    "MetricSpec",
    "ModelCard",
    "ReportConfig",
    "SubgroupReport",
    "metric_specs",
    "read_table",
    "write_report_and_card",
]
