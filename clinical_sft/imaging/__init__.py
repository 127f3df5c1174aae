"""Medical imaging fine-tuning on MONAI and pydicom: segmentation and classification of CT/MR volumes.

Read DICOM series and NIfTI into MONAI MetaTensors, describe datasets like the Medical Segmentation
Decathlon (``dataset.json``), build MONAI networks by name, start from a local checkpoint (or one
pretrained here, self-supervised, on unlabelled volumes), train through the shared engine (with or
without differential privacy), predict with a sliding window, write NIfTI and DICOM SEG masks (or
class probabilities per volume), and report Dice (or AUROC, accuracy) per demographic subgroup.

>>> from clinical_sft.imaging import train_segmentation, train_classification, segment_files  # doctest: +SKIP
>>> run = train_segmentation("cohort/dataset.json", "runs/seg", net="unet")  # doctest: +SKIP
>>> segment_files("runs/seg", ["cohort/dicom/case_000"], "masks", fmt="dicom-seg")  # doctest: +SKIP
>>> cls = train_classification("cohort/classification.json", "runs/cls", net="resnet18")  # doctest: +SKIP
"""

from clinical_sft.imaging.api import (
    ClassificationRun,
    ImagingRun,
    SegmentationRun,
    default_settings,
    evaluate_classification,
    evaluate_segmentation,
    subgroup_report,
    train_classification,
    train_segmentation,
)
from clinical_sft.imaging.classification import (
    ClassificationConfig,
    ClassificationTask,
    classification_metrics,
    encode_labels,
)
from clinical_sft.imaging.data import (
    TransformConfig,
    classification_transforms,
    demographics_table,
    infer_transforms,
    load_dataset,
    make_dataset,
    read_dataset_json,
    train_transforms,
    val_transforms,
)
from clinical_sft.imaging.inference import (
    SegmentedFile,
    classify_files,
    load_classifier,
    load_segmenter,
    model_kind,
    output_name,
    segment_files,
    segment_image,
)
from clinical_sft.imaging.io import (
    DicomSeries,
    DicomSeriesReader,
    is_dicom_series,
    load_series,
    read_dicom_series,
    read_image,
    write_dicom_seg,
    write_nifti,
)
from clinical_sft.imaging.networks import (
    NETWORKS,
    PretrainedReport,
    UnfreezeSchedule,
    available_networks,
    build_network,
    default_learning_rate,
    encoder_parameters,
    load_pretrained,
    load_state_dict_file,
    register_network,
    set_encoder_trainable,
)
from clinical_sft.imaging.pretrain import (
    PretrainConfig,
    ReconstructionTask,
    find_volumes,
    pretrain,
    pretrain_transforms,
)
from clinical_sft.imaging.task import SegmentationConfig, SegmentationTask, predict_volume

__all__ = [
    "NETWORKS",
    "ClassificationConfig",
    "ClassificationRun",
    "ClassificationTask",
    "ImagingRun",
    "classification_metrics",
    "classification_transforms",
    "classify_files",
    "default_learning_rate",
    "encode_labels",
    "evaluate_classification",
    "load_classifier",
    "model_kind",
    "train_classification",
    "DicomSeries",
    "DicomSeriesReader",
    "PretrainConfig",
    "PretrainedReport",
    "ReconstructionTask",
    "SegmentationConfig",
    "SegmentationRun",
    "SegmentationTask",
    "SegmentedFile",
    "TransformConfig",
    "UnfreezeSchedule",
    "available_networks",
    "build_network",
    "default_settings",
    "demographics_table",
    "encoder_parameters",
    "evaluate_segmentation",
    "find_volumes",
    "infer_transforms",
    "is_dicom_series",
    "load_dataset",
    "load_pretrained",
    "load_segmenter",
    "load_series",
    "load_state_dict_file",
    "make_dataset",
    "output_name",
    "predict_volume",
    "pretrain",
    "pretrain_transforms",
    "read_dataset_json",
    "read_dicom_series",
    "read_image",
    "register_network",
    "segment_files",
    "segment_image",
    "set_encoder_trainable",
    "subgroup_report",
    "train_segmentation",
    "train_transforms",
    "val_transforms",
    "write_dicom_seg",
    "write_nifti",
]
