"""``clinical-sft deid dicom``: a thin shell over :func:`clinical_sft.privacy.dicom.deidentify_dicom_corpus`."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def dicom(
    inputs: list[Path] = typer.Argument(..., help="DICOM files or folders (walked recursively)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (de-identified files, audit, quarantine, manifest)."),
    key_file: Path | None = typer.Option(None, "--key-file", help="Secret key file (else $CLINICAL_SFT_KEY)."),
    profile: str = typer.Option("basic", "--profile", help="Preset: basic (PS3.15 Basic Profile) or tcia."),
    retain_full_dates: bool = typer.Option(False, "--retain-full-dates",
                                           help="Retain Longitudinal Temporal Information, Full Dates."),
    retain_modified_dates: bool = typer.Option(False, "--retain-modified-dates",
                                               help="Retain Longitudinal Temporal Information, Modified Dates "
                                                    "(shifted per patient, as in text)."),
    retain_patient_characteristics: bool = typer.Option(False, "--retain-patient-characteristics"),
    retain_device_identity: bool = typer.Option(False, "--retain-device-identity"),
    retain_institution_identity: bool = typer.Option(False, "--retain-institution-identity"),
    retain_uids: bool = typer.Option(False, "--retain-uids"),
    retain_safe_private: bool = typer.Option(False, "--retain-safe-private"),
    clean_descriptors: bool = typer.Option(False, "--clean-descriptors",
                                           help="Descriptions through the text de-identifier instead of removed."),
    clean_structured_content: bool = typer.Option(False, "--clean-structured-content",
                                                  help="SR content text through the text de-identifier."),
    clean_graphics: bool = typer.Option(False, "--clean-graphics"),
    clean_pixels: bool = typer.Option(False, "--clean-pixels",
                                      help="OCR burned-in text and black it out (needs tesseract) instead of "
                                           "quarantining the file."),
    layout: str = typer.Option("relative", "--layout", help="relative (input layout) or patient "
                                                            "(PSEUDONYM/STUDY/SERIES/SOP.dcm)."),
    workers: int = typer.Option(1, "--workers", "-j", min=1, help="Worker processes."),
    engine: str = typer.Option("local", "--engine", help="local or dask."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="dask.distributed scheduler address."),
    resume: bool = typer.Option(False, "--resume", help="Continue a run in --out, skipping finished shards."),
    verify: bool = typer.Option(False, "--verify", help="Re-read every output and check it against the profile "
                                                        "with independent code; failures are removed and quarantined."),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
) -> None:
    """De-identify DICOM files with the PS3.15 Annex E Basic Profile and its options."""
    from clinical_sft.privacy.dicom import DicomProfile, deidentify_dicom_corpus
    from clinical_sft.privacy.key import SecretKey

    key = SecretKey.load(key_file)
    overrides: dict[str, bool | str] = {name: True for name, on in (
        ("retain_long_full_dates", retain_full_dates), ("retain_long_modified_dates", retain_modified_dates),
        ("retain_patient_characteristics", retain_patient_characteristics),
        ("retain_device_identity", retain_device_identity),
        ("retain_institution_identity", retain_institution_identity), ("retain_uids", retain_uids),
        ("retain_safe_private", retain_safe_private), ("clean_descriptors", clean_descriptors),
        ("clean_structured_content", clean_structured_content), ("clean_graphics", clean_graphics)) if on}
    if retain_full_dates:
        overrides["retain_long_modified_dates"] = False
    if clean_pixels:
        overrides["burned_in"] = "clean"
    prof = DicomProfile.preset(profile, **overrides)
    res = deidentify_dicom_corpus(inputs, out, key, prof, layout=layout, workers=workers, engine=engine,
                                  scheduler=scheduler, resume=resume, verify=verify, progress=progress)
    d = res.to_dict()
    typer.echo(json.dumps({k: d[k] for k in ("records", "written", "quarantined", "quarantine_reasons",
                                             "verified", "verify_failures", "elapsed_s")}))
    if res.verify_failures:
        typer.secho(f"{len(res.verify_failures)} output(s) failed verification (see {out}/quarantine.jsonl)",
                    err=True, fg=typer.colors.RED)
        raise typer.Exit(3)
