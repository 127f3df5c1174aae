"""clinical-sft: responsible fine-tuning on clinical data.

Subpackages: ``data`` (schemas, readers, synthetic cohort), ``privacy`` (de-identification of text
and DICOM, keyed pseudonyms, differential privacy), ``training`` (the one training engine),
``ehr`` and ``imaging`` (tasks), ``fairness`` (subgroup reports, model cards).
"""

__version__ = "0.1.0"
