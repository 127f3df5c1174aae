"""Sub-word alignment, windowing on sentence boundaries, window merging and span decoding."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinical_sft.ehr._text import (
    bio_labels,
    decode_bio,
    encode_note,
    make_windows,
    merge_window_logits,
    sentence_starts,
    spans_to_token_tags,
)
from clinical_sft.errors import ConfigError


@st.composite
def _window_case(draw):
    n = draw(st.integers(0, 400))
    bounds = draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=40))
    max_tokens = draw(st.integers(2, 64))
    overlap = draw(st.integers(0, max_tokens - 1))
    return n, bounds, max_tokens, overlap


@given(_window_case())
@settings(max_examples=200, deadline=None)
def test_windows_cover_every_token_within_the_limit_and_progress(case):
    n, bounds, max_tokens, overlap = case
    ws = make_windows(n, bounds, max_tokens, overlap)
    if n == 0:
        assert [(w.start, w.end) for w in ws] == [(0, 0)]
        return
    assert ws[0].start == 0 and ws[-1].end == n
    covered = np.zeros(n, dtype=bool)
    for i, w in enumerate(ws):
        assert w.index == i
        assert 0 < w.end - w.start <= max_tokens
        covered[w.start:w.end] = True
        if i:
            prev = ws[i - 1]
            assert prev.start < w.start <= prev.end  # strictly forward, no gap
            assert prev.end - w.start <= overlap
    assert covered.all()


@given(_window_case())
@settings(max_examples=200, deadline=None)
def test_windows_break_on_sentence_starts_when_a_sentence_fits(case):
    n, bounds, max_tokens, overlap = case
    ws = make_windows(n, bounds, max_tokens, overlap)
    inner = sorted({b for b in bounds if 0 < b < n})
    for w in ws[:-1]:
        # a window ends on a sentence start whenever one lies inside it
        if any(w.start < b <= w.start + max_tokens for b in inner):
            assert w.end in inner


def test_windows_overlap_by_whole_sentences():
    # sentences of 10 tokens; 25-token windows with up to 12 tokens of overlap
    ws = make_windows(60, [0, 10, 20, 30, 40, 50], 25, 12)
    assert [(w.start, w.end) for w in ws] == [(0, 20), (10, 30), (20, 40), (30, 50), (40, 60)]
    with pytest.raises(ConfigError, match="stride"):
        make_windows(10, [0], 5, 5)


@given(st.integers(1, 200), st.lists(st.integers(0, 199), max_size=10), st.integers(3, 40), st.integers(0, 2))
@settings(max_examples=150, deadline=None)
def test_merging_windows_reproduces_per_token_logits(n, bounds, max_tokens, overlap):
    overlap = min(overlap, max_tokens - 1)
    truth = np.random.default_rng(n).normal(size=(n, 3)).astype(np.float32)
    ws = make_windows(n, bounds, max_tokens, overlap)
    merged = merge_window_logits(n, [(w.start, truth[w.start:w.end]) for w in ws])
    np.testing.assert_array_equal(merged, truth)


def test_merging_prefers_the_window_with_more_context():
    n = 10
    a = np.zeros((6, 2), dtype=np.float32)
    a[:, 0] = 1  # window 0..6 says class 0
    b = np.zeros((6, 2), dtype=np.float32)
    b[:, 1] = 1  # window 4..10 says class 1
    merged = merge_window_logits(n, [(0, a), (4, b)])
    # token 4: one token from a's cut edge, zero from b's; token 5: a's last token, one into b
    assert merged[5].argmax() == 1 and merged[4].argmax() == 0
    assert merged[:4].argmax(1).tolist() == [0] * 4 and merged[6:].argmax(1).tolist() == [1] * 4


_WORDS = st.sampled_from(["Dr.", "Smith", "seen", "on", "03/04/2021", "BP", "120/80", "Alvarez-Nguyen", "pt's",
                          "ICU", "hx", "CHF;", "O'Brien", "e-mail", "john.doe@x.org", "überweisung", "5mg"])


@given(st.lists(st.tuples(_WORDS, st.booleans(), st.sampled_from(["NAME", "DATE"])), min_size=1, max_size=25),
       st.sampled_from([" ", "  ", "\n", " \n "]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_word_aligned_spans_survive_tagging_and_decoding(tokenizer, words, sep):
    text, spans, pos = "", [], 0
    for k, (w, is_ent, lab) in enumerate(words):
        if k:
            text += sep
            pos += len(sep)
        if is_ent:
            spans.append({"start": pos, "end": pos + len(w), "label": lab})
        text += w
        pos += len(w)
    enc = encode_note(text, tokenizer, "none")
    tags = spans_to_token_tags(enc.offsets, spans)
    got = decode_bio(tags, enc.offsets, text)
    assert [(s["start"], s["end"], s["label"]) for s in got] == [(s["start"], s["end"], s["label"]) for s in spans]


def test_subword_alignment_labels_every_piece(tokenizer):
    text = "Seen by Dr. Kowalczykowski today"
    s = text.index("Kowalczykowski")
    enc = encode_note(text, tokenizer, "none")
    tags = spans_to_token_tags(enc.offsets, [{"start": s, "end": s + 14, "label": "NAME"}])
    inside = [t for t, (a, b) in zip(tags, enc.offsets) if a >= s and b <= s + 14]
    assert len(inside) > 1  # split into word pieces
    assert inside[0] == "B-NAME" and set(inside[1:]) == {"I-NAME"}
    assert tags.count("B-NAME") == 1


def test_decode_grows_partial_words_and_fixes_dangling_inside_tags():
    text = "Dr Kowalski seen"
    offsets = np.array([[0, 2], [3, 6], [6, 11], [12, 16]])
    got = decode_bio(["O", "O", "I-NAME", "O"], offsets, text)  # only the second piece tagged, as I-
    assert [(g["start"], g["end"], g["label"]) for g in got] == [(3, 11, "NAME")]
    raw = decode_bio(["O", "O", "I-NAME", "O"], offsets, text, expand_to_words=False)
    assert [(g["start"], g["end"]) for g in raw] == [(6, 11)]


def test_bio_labels_and_sentence_starts():
    assert bio_labels(["NAME", "DATE", "NAME"]) == ["O", "B-DATE", "I-DATE", "B-NAME", "I-NAME"]
    text = "Pt seen. BP ok; HR 72.\n\nPlan: home."
    starts = sentence_starts(text, "simple")
    assert starts[0] == 0 and text[starts[1]:].startswith("BP") and text[starts[-1]:].startswith("Plan")
    assert sentence_starts(text, "none") == [0]
    with pytest.raises(ConfigError, match="sentence_splitter"):
        sentence_starts(text, "bogus")


def test_scispacy_sentences_respect_clinical_abbreviations():
    text = "Pt is a 65 y.o. male w/ hx of CHF. Seen by Dr. Smith today. BP 120/80."
    starts = sentence_starts(text, "scispacy")
    sents = [text[a:b].strip() for a, b in zip(starts, starts[1:] + [len(text)])]
    assert sents == ["Pt is a 65 y.o. male w/ hx of CHF.", "Seen by Dr. Smith today.", "BP 120/80."]


def test_long_note_windows_map_back_to_original_offsets(tokenizer):
    sentence = "Seen by Dr. Smith on 03/04/2021. "
    text = sentence * 30
    spans = []
    for k in range(30):
        base = k * len(sentence)
        spans.append({"start": base + 12, "end": base + 17, "label": "NAME"})
    enc = encode_note(text, tokenizer, "simple")
    ws = make_windows(len(enc), enc.sentence_token_starts, 30, 10)
    assert len(ws) > 5
    tags = spans_to_token_tags(enc.offsets, spans)
    label_ids = {"O": 0, "B-NAME": 1, "I-NAME": 2}
    onehot = np.eye(3, dtype=np.float32)[[label_ids[t] for t in tags]]
    merged = merge_window_logits(len(enc), [(w.start, onehot[w.start:w.end]) for w in ws])
    back = decode_bio([["O", "B-NAME", "I-NAME"][i] for i in merged.argmax(1)], enc.offsets, text)
    assert [(s["start"], s["end"]) for s in back] == [(s["start"], s["end"]) for s in spans]
    assert all(text[s["start"]:s["end"]] == "Smith" for s in back)
