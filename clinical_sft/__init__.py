"""clinical-sft: responsible fine-tuning on clinical data.

Subpackages: ``data`` (schemas, readers, synthetic cohort), ``privacy`` (de-identification of text
and DICOM, keyed pseudonyms, differential privacy), ``training`` (the one training engine),
``ehr`` and ``imaging`` (tasks), ``fairness`` (subgroup reports, model cards).
"""

import os as _os

# No network at run time: presidio's e-mail recognizer imports tldextract, which otherwise tries to download
# the Public Suffix List on first use (and may hang behind a hospital firewall); with no URL it uses the
# snapshot it ships. Set the variable yourself to choose other sources.
_os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

__version__ = "0.1.0"
