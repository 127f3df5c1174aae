"""Fine-tune the real MiniLM backbone (slow): a PHI tagger on synthetic notes learns its entities."""

from __future__ import annotations

import pandas as pd
import pytest

from clinical_sft.ehr import EhrConfig, EhrModel, fine_tune
from clinical_sft.training import TrainConfig


@pytest.mark.slow
def test_minilm_phi_tagger_fine_tunes_for_real(tmp_path):
    from clinical_sft.data.synthetic import generate_cohort

    notes = pd.DataFrame(generate_cohort(n_patients=40, seed=3).notes)
    run = fine_tune(notes, config=EhrConfig(task="ner", backbone="minilm", max_length=256, sentence_splitter="scispacy"),
                    train_config=TrainConfig(out_dir=tmp_path / "phi", epochs=8, batch_size=8, learning_rate=2e-4,
                                             warmup_ratio=0.1, progress=False, deterministic=False))
    # measured (2 CPU threads, ~4 min): F1 0.62, NAME recall 0.94, DATE F1 0.83 over 16 PHI types, most of
    # them rare in 40 patients; a tagger that learned nothing scores ~0
    assert run.metrics["f1"] > 0.45, run.metrics
    assert run.metrics["NAME_recall"] > 0.8, run.metrics
    again = EhrModel.from_pretrained(run.out_dir)
    text = notes["text"][0]
    assert again.predict([text]) == run.model.predict([text])
