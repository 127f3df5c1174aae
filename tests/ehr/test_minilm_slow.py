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
                    train_config=TrainConfig(out_dir=tmp_path / "phi", epochs=3, batch_size=8, learning_rate=2e-4,
                                             progress=False, deterministic=False))
    assert run.metrics["f1"] > 0.5, run.metrics  # pretrained weights: far above a random tagger
    assert run.metrics["NAME_recall"] > 0.5
    again = EhrModel.from_pretrained(run.out_dir)
    text = notes["text"][0]
    assert again.predict([text]) == run.model.predict([text])
