"""``clinical-sft deid``: de-identification of clinical text and DICOM, and its evaluation."""

from __future__ import annotations

import typer

from clinical_sft.cli import deid_dicom, deid_eval, deid_tagger, deid_text

app = typer.Typer(help="De-identify clinical text and DICOM files; evaluate a de-identifier.", no_args_is_help=True)
app.command("text")(deid_text.text)
app.command("dicom")(deid_dicom.dicom)
app.command("eval")(deid_eval.eval_)
app.command("train-tagger")(deid_tagger.train_tagger_cmd)
