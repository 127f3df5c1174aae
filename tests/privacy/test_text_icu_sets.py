"""De-identification quality on the hand-written ICU note sets of ``tests/data/icu_notes`` (see its README).

PHI-dense sets check recall, PHI-sparse sets check that drugs, devices, eponyms, scores and times are not
redacted. Thresholds sit a little under what the recognizers measure now, so a change that loses recall or
precision across the board fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinical_sft.privacy import DeidConfig, Deidentifier
from clinical_sft.privacy.evaluate import evaluate_spans

DATA = Path(__file__).resolve().parents[1] / "data" / "icu_notes"


@pytest.fixture(scope="module")
def deid() -> Deidentifier:
    return Deidentifier(DeidConfig()).load()


def _token_scores(deid: Deidentifier, names: list[str]):
    gold = [json.loads(ln) for n in names for ln in (DATA / n).read_text("utf-8").splitlines() if ln.strip()]
    preds = {g["id"]: [{"start": s.start, "end": s.end, "label": s.label} for s in deid.analyze(g["text"])]
             for g in gold}
    return evaluate_spans(gold, preds).levels["token"]["ALL"]


@pytest.mark.parametrize("names, min_recall, min_precision", [
    # measured: 0.980 / 0.981
    (["w1_setA.jsonl", "w2_setA.jsonl"], 0.96, 0.96),
    # measured: 0.940 / 0.968 (first measured blind at 0.881 / 0.964)
    (["w1_setB.jsonl", "w2_setB.jsonl"], 0.92, 0.95),
    # measured: 0.970 / 0.994 (blind: 0.933 / 0.991)
    (["w5_setA.jsonl"], 0.95, 0.97),
    # measured: 0.976 / 0.980 (blind: 0.898 / 0.954)
    (["w6_setA.jsonl", "w7_setA.jsonl"], 0.95, 0.96),
    # measured: 0.943 / 0.939 (blind: 0.818 / 0.863) -- multi-part names, organisations
    (["w9_setA.jsonl"], 0.92, 0.92),
    # measured: 0.959 / 0.947 (blind: 0.845 / 0.954 and 0.864 / 0.887)
    (["w10_setA.jsonl", "w11_setA.jsonl"], 0.94, 0.93),
    # measured: 0.940 / 0.991 (blind, and in the benchmark at 9a9f30a: 0.880 / 0.982)
    (["w12_setA.jsonl", "w13_setA.jsonl"], 0.92, 0.97),
    # measured: 0.954 / 0.981 (blind: 0.929 / 0.943)
    (["w14_setA.jsonl", "w15_setA.jsonl"], 0.93, 0.96),
    # measured: 0.952 / 0.970 (blind, held out in the benchmark at 2249c63: 0.918 / 0.964)
    (["w16_setA.jsonl", "w17_setA.jsonl"], 0.93, 0.95),
    # measured: 0.938 / 0.982 (blind: 0.854 / 0.966 and 0.903 / 0.973)
    (["w18_setA.jsonl", "w19_setA.jsonl"], 0.91, 0.96),
    # measured: 0.934 / 0.965 (blind: 0.864 / 0.964 and 0.899 / 0.957; held out until 0.905 / 0.960)
    (["w20_setA.jsonl", "w21_setA.jsonl"], 0.91, 0.94),
    # measured: 0.937 / 0.964 and 0.933 / 0.973 (held out one session at 0.916 / 0.967, then tuned on)
    (["w22_setA.jsonl", "w23_setA.jsonl", "w24_setA.jsonl"], 0.91, 0.94),
    (["w25_setA.jsonl", "w26_setA.jsonl", "w27_setA.jsonl"], 0.91, 0.95),
    # measured: 0.944 / 0.957 together (held out one session: blind 0.907 / 0.951, 0.914 / 0.951 at its end; then
    # tuned on)
    (["w28_setA.jsonl", "w29_setA.jsonl", "w30_setA.jsonl", "w31_setA.jsonl", "w32_setA.jsonl", "w33_setA.jsonl"],
     0.92, 0.93),
    # measured: 0.935 / 0.955 (held out one session: blind 0.901 / 0.949 at ba049f0, 0.908 / 0.951 at its end; then
    # tuned on)
    (["w34_setA.jsonl", "w35_setA.jsonl", "w36_setA.jsonl", "w37_setA.jsonl", "w38_setA.jsonl", "w39_setA.jsonl"],
     0.90, 0.94),
    # measured: 0.970 / 0.961 (held out one session, PHI-sparse: blind 0.914 / 0.951, 0.930 / 0.958 at its end)
    (["w40_setA.jsonl", "w41_setA.jsonl", "w42_setA.jsonl", "w43_setA.jsonl"], 0.94, 0.94),
    # measured: 0.955 / 0.959 (held out one session: blind 0.928 / 0.950 at 73af02e, 0.934 / 0.952 at its end; then
    # tuned on)
    (["w44_setA.jsonl", "w45_setA.jsonl", "w46_setA.jsonl", "w47_setA.jsonl"], 0.93, 0.93),
    # measured: 0.924 / 0.956 (held out one session: blind 0.871 / 0.952 at 73af02e, 0.875 / 0.952 at its end)
    (["w48_setA.jsonl", "w49_setA.jsonl", "w50_setA.jsonl", "w51_setA.jsonl"], 0.90, 0.93),
    # measured: 0.944 / 0.941 (held out one session: blind 0.893 / 0.935 at 0ff7bde, 0.913 / 0.938 at its end; then
    # tuned on)
    (["w52_setA.jsonl", "w53_setA.jsonl", "w54_setA.jsonl", "w55_setA.jsonl"], 0.92, 0.92),
    # measured: 0.960 / 0.944 (held out one session: blind 0.928 / 0.942 at 0ff7bde, 0.931 / 0.942 at its end)
    (["w56_setA.jsonl", "w57_setA.jsonl", "w58_setA.jsonl", "w59_setA.jsonl"], 0.94, 0.92),
    # measured: 0.953 / 0.950 (held out one session: blind 0.951 / 0.950 at e40a9f0; then tuned on)
    (["w60_setA.jsonl", "w61_setA.jsonl", "w62_setA.jsonl", "w63_setA.jsonl"], 0.93, 0.93),
    # measured: 0.935 / 0.957 (held out one session: blind 0.933 / 0.957 at e40a9f0; then tuned on)
    (["w64_setA.jsonl", "w65_setA.jsonl", "w66_setA.jsonl", "w67_setA.jsonl"], 0.91, 0.93),
    # measured: 0.957 / 0.962 (held out one session: blind at 50fcf8f 0.923 / 0.958 (w68 0.982, w69 0.928, w70 0.912,
    # w71 0.908); then tuned on)
    (["w68_setA.jsonl", "w69_setA.jsonl", "w70_setA.jsonl", "w71_setA.jsonl"], 0.93, 0.94),
    # measured: 0.937 / 0.939 (held out one session: blind at 50fcf8f 0.887 / 0.934 (w72 0.847, w73 0.912, w74 0.906,
    # w75 0.867); then tuned on)
    (["w72_setA.jsonl", "w73_setA.jsonl", "w74_setA.jsonl", "w75_setA.jsonl"], 0.91, 0.92),
    # held out one session: blind at be46b11 0.896 / 0.942 (w76 0.888, w77 0.895, w78 0.910, w79 0.892), at its end
    # 0.913 / 0.944; then tuned on: 0.927 / 0.947
    (["w76_setA.jsonl", "w77_setA.jsonl", "w78_setA.jsonl", "w79_setA.jsonl"], 0.91, 0.93),
    # held out one session: blind at be46b11 0.847 / 0.951 (w80 0.915, w81 0.773, w82 0.905, w83 0.857), at its end
    # 0.869 / 0.956; then tuned on: 0.886 / 0.956
    (["w80_setA.jsonl", "w81_setA.jsonl", "w82_setA.jsonl", "w83_setA.jsonl"], 0.87, 0.94),
    # held out (never tuned on; only their scores were read): blind at the thirteenth session's start 80688d2
    # 0.939 / 0.858 (w84 0.977 / 0.896, w85 0.967 / 0.939, w86 0.923 / 0.638, w87 0.924 / 0.936)
    (["w84_setA.jsonl", "w85_setA.jsonl", "w86_setA.jsonl", "w87_setA.jsonl"], 0.92, 0.84),
    # held out as w84-w87: blind at 80688d2 0.884 / 0.921 (w88 0.941 / 0.953, w89 0.887 / 0.948, w90 0.895 / 0.838,
    # w91 0.811 / 0.933)
    (["w88_setA.jsonl", "w89_setA.jsonl", "w90_setA.jsonl", "w91_setA.jsonl"], 0.87, 0.90),
    # held out, PHI-sparse Boston-style, written in the thirteenth session and measured blind at its commit 216bd5e:
    # 0.972 / 0.879 (w92 0.983 / 0.892, w93 0.983 / 0.898, w94 0.939 / 0.898, w95 1.000 / 0.815); not in the PHI
    # tagger's training data; with the tagger (fifteenth session): 0.987 / 0.853
    (["w92_setA.jsonl", "w93_setA.jsonl", "w94_setA.jsonl", "w95_setA.jsonl"], 0.97, 0.84),
    # held out, written at the start of the fourteenth session and measured blind at its start commit 0d8520a:
    # 0.936 / 0.948 (w96 0.967 / 0.990, w97 0.963 / 0.939, w98 0.917 / 0.958, w99 0.930 / 0.928, w100 0.952 / 0.936,
    # w101 0.941 / 0.955, w102 0.934 / 0.954, w103 0.894 / 0.933); at its end 0.937 / 0.948; then tuned on and in
    # the PHI tagger's training data
    ([f"w{k}_setA.jsonl" for k in range(96, 104)], 0.92, 0.93),
    # held out from the rules and from the PHI tagger's training data in the fifteenth session, written at its start;
    # the rules alone at its start commit b31e0bf: 0.926 / 0.956 (w104 0.958 / 0.962, w105 0.949 / 0.939,
    # w106 0.921 / 0.958, w107 0.907 / 0.834, w108 0.912 / 0.976, w109 0.917 / 0.925, w110 0.944 / 0.973,
    # w111 0.911 / 0.953); with the PHI tagger (trained on w1-w103 but w92-w95) at its end: 0.960 / 0.944;
    # in the tagger's training data from the sixteenth session (the rules were not tuned on them)
    ([f"w{k}_setA.jsonl" for k in range(104, 112)], 0.95, 0.93),
    # held out from the rules and from the PHI tagger's training data, written at the start of the sixteenth session
    # and measured at its start commit a9fcb07: rules alone 0.915 / 0.930, rules and tagger 0.965 / 0.915 (w112
    # 0.961 / 0.934, w113 0.952 / 0.876, w114 0.974 / 0.851, w115 0.961 / 0.941, w116 0.977 / 0.937, w117
    # 0.955 / 0.896, w118 0.977 / 0.926, w119 0.993 / 0.820); at its end (tagger retrained with w104-w111): 0.966 / 0.916;
    # their misses read and in the tagger's training data from the seventeenth session
    ([f"w{k}_setA.jsonl" for k in range(112, 120)], 0.95, 0.90),
    # held out from the rules and from the PHI tagger's training data, written near the end of the sixteenth session
    # and measured once at its last code commit 9e0d170: rules alone 0.926 / 0.949, rules and tagger 0.964 / 0.937
    # (w120 0.947 / 0.917, w121 0.955 / 0.942, w122 0.945 / 0.917, w123 0.979 / 0.940, w124 0.988 / 0.898,
    # w125 0.965 / 0.940, w126 0.970 / 0.965, w127 0.917 / 0.867); with the hidden-layer tagger (seventeenth session)
    # 0.973 / 0.937; released to the tagger's training data in the eighteenth session
    ([f"w{k}_setA.jsonl" for k in range(120, 128)], 0.96, 0.92),
    # held out from the rules and from the PHI tagger's training data, written at the start of the seventeenth session
    # and measured at its start commit 3facc6f: rules alone 0.951 / 0.938, rules and tagger 0.978 / 0.924 (w128
    # 0.976 / 0.911, w129 0.994 / 0.916, w130 0.917 / 0.910, w131 0.987 / 0.937, w132 0.966 / 0.938, w133 0.977 / 0.935,
    # w134 0.988 / 0.911, w135 0.984 / 0.918); with the hidden-layer tagger 0.983 / 0.922; released to the tagger's
    # training data in the eighteenth session
    ([f"w{k}_setA.jsonl" for k in range(128, 136)], 0.97, 0.91),
    # lower-case notes written in the seventeenth session as training data, measured once at 7543c90: 0.960 / 0.930
    # (w136 0.984 / 0.862, w137 0.972 / 0.969, w138 0.942 / 0.844, w139 0.979 / 0.942, w140 0.914 / 0.916,
    # w141 0.947 / 0.947, w142 0.946 / 0.853, w143 0.995 / 0.956); then tuned and trained on
    ([f"w{k}_setA.jsonl" for k in range(136, 144)], 0.96, 0.92),
    # held out from the rules and from the PHI tagger's training data, written near the end of the seventeenth session
    # after its last code change and measured once at 7b0824f: 0.984 / 0.949 (w144 0.992 / 0.923, w145 1.000 / 0.961,
    # w146 1.000 / 0.926, w147 0.986 / 0.849, w148 0.974 / 0.962, w149 0.974 / 0.974, w150 0.973 / 0.960,
    # w151 1.000 / 0.975); 0.985 / 0.947 at f79c34b in the nineteenth session, then released to the rules and the
    # tagger's training data
    ([f"w{k}_setA.jsonl" for k in range(144, 152)], 0.97, 0.93),
    # held out from the rules and from the PHI tagger's training data, written at the start of the eighteenth session
    # and measured once at its start commit e0cfde5: rules alone 0.950 / 0.959, rules and tagger 0.978 / 0.951 (w152
    # 0.993 / 0.950, w153 0.944 / 0.900, w154 0.958 / 0.933, w155 0.981 / 0.952, w156 0.994 / 0.960, w157 0.977 / 0.956,
    # w158 1.000 / 0.969, w159 0.985 / 0.973)
    ([f"w{k}_setA.jsonl" for k in range(152, 160)], 0.97, 0.94),
    # written in the eighteenth session as training data (lower-case trauma, neuro and social-work notes, names that
    # are words, ALL CAPS CCU, immigrant families, towns that are words), measured once at e6eb45e: 0.959 / 0.942
    # (w160 0.977 / 0.946, w161 0.964 / 0.951, w162 0.927 / 0.978, w163 0.989 / 0.968, w164 0.939 / 0.916,
    # w165 0.942 / 0.916, w166 0.963 / 0.949, w167 0.997 / 0.946); then tuned and trained on
    ([f"w{k}_setA.jsonl" for k in range(160, 168)], 0.96, 0.93),
    # written in the eighteenth session as training data (lower-case trauma notes without spaces, ALL CAPS CCU,
    # lower-case social lines, organisations in lower case, CSRU sign-offs, family meetings, very short entries,
    # smaller Massachusetts cities), measured once after 7f74a10: 0.979 / 0.956 (w168 0.889 / 0.893, w169
    # 1.000 / 0.957, w170 0.990 / 0.990, w171 0.957 / 0.942, w172 1.000 / 0.971, w173 0.997 / 0.952, w174 1.000 / 0.988,
    # w175 0.981 / 0.967); then tuned and trained on
    ([f"w{k}_setA.jsonl" for k in range(168, 176)], 0.96, 0.93),
    # written in the eighteenth session as training data (lower-case trauma, SICU and neuro notes without spaces,
    # organisations without head words, ALL CAPS MICU, lower-case CCU and social work, immigrant families), measured
    # once after 3d795ec: 0.946 / 0.927 (w176 0.949 / 0.886, w177 0.911 / 0.919, w178 0.943 / 0.919, w179 0.919 / 0.942,
    # w180 0.993 / 0.931, w181 0.990 / 1.000, w182 0.930 / 0.910, w183 0.975 / 0.936); then tuned and trained on
    ([f"w{k}_setA.jsonl" for k in range(176, 184)], 0.96, 0.93),
    # held out from the rules and from the PHI tagger's training data: written near the end of the eighteenth session
    # (lower-case trauma notes, bare surnames that are words, organisations without head words, lower-case social work,
    # neuro ICU, PHI-sparse MICU, ALL CAPS CSRU, families of many origins) and measured once at its last code commit
    # b0d0116: 0.959 / 0.927 (w184 0.965 / 0.851, w185 0.877 / 0.926, w186 0.946 / 0.958, w187 0.947 / 0.889,
    # w188 0.997 / 0.947, w189 0.987 / 0.975, w190 0.977 / 0.970, w191 0.985 / 0.956)
    ([f"w{k}_setA.jsonl" for k in range(184, 192)], 0.95, 0.92),
    # held out from the rules and from the PHI tagger's training data: written at the start of the nineteenth session
    # (Boston MICU, lower-case trauma nights, ALL CAPS CCU/CSRU, social work, neuro ICU dates, PHI-sparse respiratory
    # notes, names that are words, discharge planning) and measured once at its start commit b86cfc8: 0.982 / 0.962
    # (w192 0.995 / 0.984, w193 0.952 / 0.870, w194 0.995 / 0.969, w195 0.982 / 0.963, w196 0.968 / 0.962,
    # w197 0.988 / 0.866, w198 0.988 / 0.974, w199 0.980 / 0.972)
    ([f"w{k}_setA.jsonl" for k in range(192, 200)], 0.97, 0.94),
    # written in the nineteenth session as training data (lower-case surgical notes without spaces and surnames that
    # are words, neuro ICU dates and their look-alikes, lower-case social work with organisations without head words,
    # numeric respiratory notes, names that are words, rural towns that are words, a PHI-sparse Boston MICU,
    # immigrant families), measured once at f79c34b: 0.975 / 0.951 (w200 0.958 / 0.941, w201 0.975 / 0.968,
    # w202 0.949 / 0.918, w203 0.993 / 0.921, w204 0.988 / 0.962, w205 0.984 / 0.975, w206 0.994 / 0.948,
    # w207 0.985 / 0.963); then tuned and trained on
    ([f"w{k}_setA.jsonl" for k in range(200, 208)], 0.96, 0.93),
    # written in the nineteenth session as training data for the weakest styles (lower-case trauma nights, organisations
    # without head words, lower-case names that are words, lower-case social work, dates and look-alikes, ALL CAPS
    # CCU, burn and trauma ICUs across the US, clinicians' names), measured once at 402da38: 0.960 / 0.951 (w208
    # 0.961 / 0.931, w209 0.962 / 0.959, w210 0.892 / 0.922, w211 0.950 / 0.954, w212 0.979 / 0.965, w213 1.000 / 0.885,
    # w214 0.968 / 0.956, w215 0.991 / 0.969); then tuned and trained on
    ([f"w{k}_setA.jsonl" for k in range(208, 216)], 0.95, 0.92),
    # held out from the rules and from the PHI tagger's training data: written near the end of the nineteenth session
    # after its last code change (SICU, lower-case MICU nights, ALL CAPS CSRU, family meetings, neuro ICU, a PHI-sparse
    # Boston MICU, immigrant families, transfers across New England) and measured once at 138f40b: 0.992 / 0.962
    # (w216 1.000 / 0.994, w217 0.994 / 0.887, w218 0.997 / 0.938, w219 0.997 / 0.973, w220 0.991 / 0.939,
    # w221 1.000 / 0.922, w222 0.981 / 0.962, w223 0.989 / 0.978)
    ([f"w{k}_setA.jsonl" for k in range(216, 224)], 0.98, 0.94),
    # written at the start of the twentieth session as training data (Boston MICU, lower-case nights with names that
    # are words, ALL CAPS CCU/CSRU clinicians, dense social work, trauma and burn ICUs, rural Midwest referrals, very
    # old patients, ALL CAPS respiratory notes), measured once, blind, at 1daef8f: 0.968 / 0.957 (w224 0.995 / 0.990,
    # w225 0.906 / 0.949, w226 0.980 / 0.928, w227 0.973 / 0.974, w228 0.963 / 0.940, w229 0.975 / 0.963,
    # w230 0.959 / 0.965, w231 0.994 / 0.900); then tuned and trained on (0.999-1.000 recall a set after)
    ([f"w{k}_setA.jsonl" for k in range(224, 232)], 0.97, 0.93),
    # held out from the rules and from the PHI tagger's training data: written at the start of the twenty-first
    # session (Midwest MICU, ALL CAPS Southwest trauma, lower-case PHI-sparse CCU, Southeast social work, numeric
    # respiratory notes, New York neuro ICU dates and ages, Mountain West transfers, names that are words) and
    # measured once after its last code change: rules alone 0.931 / 0.958, rules and tagger 0.966 / 0.950 (w232
    # 0.988 / 0.970, w233 0.899 / 0.921, w234 0.958 / 0.852, w235 0.981 / 0.939, w236 0.956 / 0.903,
    # w237 0.982 / 0.971, w238 0.971 / 0.970, w239 0.975 / 0.958)
    ([f"w{k}_setA.jsonl" for k in range(232, 240)], 0.95, 0.93),
    # written at the start of the twenty-second session as training data (ALL CAPS Southwest and Mountain West trauma
    # and neuro ICUs, lower-case CCU and Appalachian nights, numeric respiratory and CSRU notes, Gulf Coast burns,
    # Central Valley SICU), measured once, blind, at 41ce809: 0.925 / 0.907 (w240 0.840 / 0.931, w241 0.973 / 0.768,
    # w242 0.993 / 0.918, w243 0.948 / 0.903, w244 0.982 / 0.904, w245 0.892 / 0.923, w246 0.964 / 0.911,
    # w247 0.995 / 0.889); then tuned and trained on (1.000 / 0.931 after)
    ([f"w{k}_setA.jsonl" for k in range(240, 248)], 0.98, 0.90),
    # held out from the rules and from the PHI tagger's training data: written at the start of the twenty-second
    # session (ALL CAPS Great Plains trauma, lower-case Southeast MICU/CCU, Northeast respiratory notes, Pacific coast
    # SICU, Boston end-of-life family meetings, Texas neuro ICU dates, Midwest burns, Mid-Atlantic event notes) and
    # measured after its second round (rules and tagger 0.964 / 0.914) and after its last code change: rules alone
    # 0.919 / 0.938, rules and tagger 0.968 / 0.916 (w248 0.945 / 0.820, w249 0.916 / 0.916, w250 0.977 / 0.880,
    # w251 0.979 / 0.952, w252 0.988 / 0.930, w253 0.932 / 0.927, w254 0.985 / 0.947, w255 0.975 / 0.935)
    ([f"w{k}_setA.jsonl" for k in range(248, 256)], 0.95, 0.89),
    # written in the twenty-second session after its first round, as training data (ALL CAPS Panhandle trauma,
    # lower-case Pennsylvania nights, Alaska, Florida neuro ICU, PHI-sparse Boston MICU, Mid-South social work,
    # Southwest burns, lower-case respiratory notes), measured once, blind, after that round: 0.960 / 0.897 (w256
    # 0.947 / 0.867, w257 0.974 / 0.897, w258 0.941 / 0.863, w259 0.974 / 0.920, w260 0.994 / 0.811, w261 0.972 / 0.950,
    # w262 0.945 / 0.889, w263 0.965 / 0.804); then tuned and trained on
    ([f"w{k}_setA.jsonl" for k in range(256, 264)], 0.98, 0.89),
    # written in the twenty-second session after its second round, as training data (ALL CAPS Plains farm trauma and
    # northern Plains nights, lower-case Deep South MICU and Appalachian CCU, Southwest and Great Lakes neuro ICU
    # dates, ALL CAPS Midwest respiratory notes, Southeast trauma), measured once, blind, after that round:
    # 0.959 / 0.898 (w264 0.967 / 0.840, w265 0.925 / 0.828, w266 0.928 / 0.935, w267 0.947 / 0.893,
    # w268 0.956 / 0.945, w269 0.969 / 0.934, w270 0.985 / 0.936, w271 0.972 / 0.925); then tuned and trained on
    ([f"w{k}_setA.jsonl" for k in range(264, 272)], 0.98, 0.89),
    # written at the start of the twenty-third session as training data (lower-case Southeast nights, Texas neuro ICU
    # with SURNAME, GIVEN headers, ALL CAPS Plains trauma, Boston MICU NPN, Boston CSRU/CCU, Mid-Atlantic MICU,
    # Pacific Northwest families, Upper Midwest hard negatives), measured once, blind, at 65a05f8: 0.967 / 0.936
    # (w272 0.957 / 0.909, w273 0.946 / 0.965, w274 0.953 / 0.838, w275 0.995 / 0.991, w276 0.984 / 0.956,
    # w277 0.966 / 0.972, w278 0.987 / 0.954, w279 1.000 / 0.774); then tuned and trained on (1.000 / 0.955)
    ([f"w{k}_setA.jsonl" for k in range(272, 280)], 0.98, 0.92),
    # written in the twenty-third session after its first commit as training data (rural Appalachia and Ozarks,
    # urban social-work notes with public agencies, Boston PHI-sparse eponyms, Mountain West trauma, Northeast city
    # trauma, lower-case Gulf South), measured once, blind, at ba2468c: 0.949 / 0.935 (w288 0.961 / 0.961,
    # w289 0.926 / 0.932, w290 0.954 / 0.885, w291 0.969 / 0.938, w292 0.973 / 0.955, w293 0.938 / 0.887); then tuned
    # and trained on
    ([f"w{k}_setA.jsonl" for k in range(288, 294)], 0.98, 0.92),
    # held out from the rules and the tagger, written at the start of the twenty-third session: 0.974 / 0.948 at its
    # start commit 65a05f8, 0.978 / 0.946 at ba2468c, 0.978 / 0.943 at 69166fd, 0.977 / 0.944 at 0382703, 0.978 / 0.943
    # at its last code change (rules alone 0.929 / 0.954)
    ([f"w{k}_setA.jsonl" for k in range(280, 288)], 0.96, 0.92),
    # measured: 0.975 / 1.000 and 1.000 / 0.921
    (["sparse_w3.jsonl"], 0.93, 0.96),
    (["sparse_w4.jsonl"], 0.95, 0.87),
    # measured: 0.986 / 1.000 (blind: 0.915 / 0.933)
    (["sparse_w8.jsonl"], 0.95, 0.97),
])
def test_icu_note_sets(deid: Deidentifier, names: list[str], min_recall: float, min_precision: float) -> None:
    tok = _token_scores(deid, names)
    assert tok.recall >= min_recall, tok
    assert tok.precision >= min_precision, tok


@pytest.mark.parametrize("text", [
    "PT ON HALDOL 2MG IV, POSEY VEST, BAIR HUGGER; SALEM SUMP TO LIWS. HUNT-HESS III, FISHER GRADE 3.",
    "LE 2/5, UE 3/5. PAIN 6/10. TOF 1/4. ICP 8-14. RIBS 4-7 FX. GOAL INR 2-3. NS @ 2000.",
    "Skin: Mepilex to sacrum, Prevena vac intact, Hollister pouch; Stryker needle pressure 28.",
    "PT SPANISH-SPEAKING, CANTONESE INTERPRETER USED. FAMILY CATHOLIC, CHAPLAIN AWARE. SEEN MONDAY.",
    "CABG X3 (LIMA-LAD, SVG-OM). MVR (ST JUDE MECHANICAL). AICD IN PLACE. PER PORTLAND PROTOCOL.",
    "Resus per Parkland formula, LR @ 500/hr. C-collar (Aspen) on. Factor V Leiden w/u sent.",
    "pt went home and rehabilitation was arranged; needs long term care eventually. referred to detox.",
    "INTERPRETER (VIDEO) USED. INTERPRETER VIA PHONE (CYRACOM). INTERPRETER USED (SPANISH). interpreter (in person).",
    "PT ON DILT 5. ON LEVO 5, ON NEO 50. TRANSFERRED ON DILT 5 MG/HR. REPORT GIVEN. ON NITRO 5.",
    "(PT, OT) FOLLOWING. (MAE, PERRL). (LASIX, PRN). NEURO, SON) UNCHANGED.",
    "DCF AND PROTECTIVE SERVICES NOTIFIED. SOCIAL SERVICES AWARE. PT RECEIVES SERVICES AT HOME. FEW COLONIES.",
    "PT IS A NURSE W/ HX OF CHF. CO DOWN TO 3.1 ON DOBUTAMINE. LIVE IN AIDE PRESENT. EMPLOYER AWARE.",
    "PMH: CAH, ON HYDROCORTISONE. H/O CAH. PCP AT BEDSIDE; PCP SEEN AT FAMILY MEETING. GENESIS OF PNA UNCLEAR.",
    "WENT FROM SINUS, VT. TO AFIB; IN AFIB, VT. RATE 120S. IN BED, OK. CAME FROM HOME, WENT TO CHAPEL.",
    "SATS AT 92, HR 80. HR IS 96 AND REGULAR. NOT 95% AS BEFORE. THE SOMALI COMMUNITY. ARRIVED VIA MEDFLIGHT @ 1640.",
    "AMR 2+ ON ECHO. NEIGHBOR BROUGHT HER. PARENTS, GIVEN DIRECTIONS. GRANDSON WORKS NIGHTS. SW MADE AWARE.",
    "ON HEPARIN BRIDGE TO COUMADIN. ON THE NASAL BRIDGE. FROM CARPAL TUNNEL. ON LOVENOX BRIDGE. OFF BYPASS.",
    "LIVES ON A DIRT ROAD AND WORKS. WALKS THE STREET AND PT. BY THE ROAD AND HOME.",
    "works as hha for the agency, adm w/ dka + uti. lives at home, adm 3 days ago.",
    "SEEN IN CLINIC. FROM ISCHEMIA. IN ATRIAL. TO SURGERY. IN DIALYSIS. FROM HOSPICE. TO PACU.",
    "TOOK #2-3 BOTTLES. LEVEL #10-12. PAIN #4-5. RN MAY CALL. SW TO F/U. HHA 3X WK. PCA HOURS CUT.",
    "PT GOES TO DIALYSIS ON THE WEEKEND. WENT DOWN THE ROAD HOME. BACK ROAD CLINIC VISIT. TO KIDNEY CTR PRN.",
    "FAMILY SPEAKS SOMALI. CHAPLAIN CAME TO PRAY. WORKING HAY IN FIELD. ARRIVED FROM THE RIG. DROVE HOME FROM JOB.",
    "WIFE MAY CALL TONIGHT. STAFFING AWARE. PACKERS GAME ON TV. UNDER STATE LAW.",
    "2ND ID CONSULT. 3RD DOSE GIVEN. 4TH FLOOR. 1ST GROUP OF LABS. 2 MI WALK. THE SOMALI COMMUNITY.",
    "CONVERTED TO SR 82 AT 1030. REMAINS ON SR 70S. ON CR 1.6 TREND. RT 0415: SUCTIONED. ON RT 2 L NC.",
    "CT FROM OSH CT NEG. HEAD CT IN ER. TRANSFERRED FROM MICU CT SCAN DONE. SEEN IN CLINIC ME AND HIM.",
    "OD VA 20/40. ANESTHESIA: GENERAL. PAST MEDICAL HX: HTN. SEEN BY GENERAL SURGERY; GENERAL MEDICAL TEAM AWARE.",
    "FELL FROM 2ND STORY PORCH. HX CVA W/ RESIDUAL L WEAKNESS. BIPAP 10/5 -> BACK TO PSV 12/5; REGIONAL ANESTHESIA.",
    "on dobutamine 5. Family requests update from team at bedside; teacher (retired), engineer (see above).",
    "LIVES AT HOME, NO STAIRS. WORKS AS TEACHER FOR 30 YRS. PT IS IN HOSP FOR 3 WKS.",
    "C2 FX IN MIAMI J COLLAR; PT IN MOBILE CHAIR; BACK TO READING GLASSES. TET TOX GIVEN.",
    "RESIDUALS 10-30; TF STARTED 2000. SON (POA) AWARE -- DOOR LEFT OPEN. Family asked -- explained plan.",
    "PLT (150) -> 98; STRENGTH (4/5); PEEP (5/10); SEEN BY GENERAL SURGERY W/ RECS; AMYLASE FROM JP'S.",
    "PT IS A DEVOUT ROMAN CATHOLIC; FAMILY SOUTHERN BAPTIST. 6L VIA CHRISTMAS TREE ADAPTER. -- OK PER MD.",
    "CHARGE RN AWARE. RN MAY CALL. RT WELL TOLERATED. BEDSIDE RN (WRITER). PT KNOWN AS \"PAIN\" LOL.",
    "07-19: 44 YO KAREN F, SPEAKS KAREN. PT (OT) EVAL. MOM (HCP) AT BEDSIDE. PAGED @ 0300 FOR K 3.1.",
    "pt seen by neurosurg; per intensivist ok to extubate; discussed by telemedicine. spo2 92, etco2 35.",
    "TRANSFERRED FROM FLOOR FOR HYPOXIA. MOVED TO RM 6 (WINDOW). ALS AMBULANCE ETA 1400. SEEN BY GENERAL SURGERY.",
    "LAST BP 120/80; LAST DOSE 2/5 STRENGTH. MEDS GIVEN AT 9 A.M. PER M.D. TO P.T.; SW AWARE, CM WILL FOLLOW; RN MAY.",
    "Hospital day 3, hospital course uneventful. ROLLOVER ON DIRT RD. Baker's cyst. PERFUSIONIST AT BS. BACK AT HOME ST.",
    "PS 10/5 -> RSBI 62; -> MSO4 2MG. VISIT 1300-1600. SHIFT REPORT 19-07. ON 6 East. HX (R.A.) (Q.D.). RT WELL FOLLOWING.",
    "DISCUSSED INTUBATION W/ PT. DISCUSSED SEDATION, DIURESIS. PLAN: TRANSFER TO STEPDOWN. SEE SW NOTE.",
    "Covering resident paged; seen by derm NP. Sent to Interventional Radiology; to Vascular Surgery.",
    "TRANSFERRED TO FLOOR. TX TO 6 EAST. D/C TO HOME W/ VNA. SENT TO CT. ACCEPTED TO MEDICINE. TO UPDATE CHURCH.",
    "PT IS A RETIRED ICU NURSE. RETIRED ED TECH. IS AN RN EMPLOYEE. WORKS FOR THE VA. DRIVER FOR THE ER.",
    "HOUSE AWARE. TEAM AWARE. NIGHT FLOAT AWARE. STAFF NOTIFIED. SECURITY AWARE. BOTH AWARE.",
    "FLUIDS VIA RANGER WARMER. CHURCH: CATHOLIC. CHILDREN: NONE. VIA PEG. PT IN NORTH WING. IN CENTRAL LINE.",
    "Son owns a nail salon downtown. SEPTIC SHOCK FROM CHOLANGITIS. L TEMPLE PAIN. HEALTH CTR - APPT PENDING.",
    "FELL 25 FT ONTO CONCRETE. PORT FLUSHED. CVP 12, CO 4.5, CI 2.1. CO/CI OK. PT IN THE MORNING; FROM THE FLOOR.",
    "LIVES W/ GIRLFRIEND. C-COLLAR ON. PER HCP. SACRAL DECUB STAGE II. PT AWAKE.",
    "RETURNED TO PS 12. WEANED TO NC 2. DIURESED TO CC 7.5? TO OR 2 AT 1400. TO CT 2. ON 6 EAST. TO 2 LITERS.",
    "ALS TRANSPORT 1500. DOSE 2/3 AND 2000 MG. WORKS AT A FACTORY (3 SHIFTS). GO TO CARDIAC REHAB.",
    "WIFE SAW PT TODAY. SON SAY HE WILL COME. HUSBAND X-RAY REVIEWED. INTERPRETER VIA PHONE. SON B-CELL LYMPHOMA.",
    "NEAR SYNCOPE AT HOME; OUTSIDE HOSPITAL RECORDS. CM AND REHAB AWARE, LEFT MSG.",
    "harsh SEM 2/6 (BASELINE 3/6). S/P AVR (25MM ST. JUDE MECHANICAL). ST JUDE DUAL CHAMBER ICD. APHERESIS RN AWARE.",
    "DAUGHTER MAY CALL TONIGHT. WIFE MAY BE IN LATER. SON WILL FOLLOW UP. WIFE PEG TUBE QUESTIONS ANSWERED.",
    "PT IS 92 ON 2L NC. SAT WAS 95. STRENGTH L ARM 4/5. RETIRED FROM TEACHING. WORKS AT NIGHT.",
    "RN WILL FOLLOW UP. MD WILL CALL BACK. RT WAS CALLED. LAB 3-4 TIMES. IR 2-3 DRAINS.",
    "A-LINE PLACED AT L RADIAL. SEEN AT 0800. PICC PLACED AT BEDSIDE, TIP AT CAJ. CATH DONE AT OSH. FAMILY (GREEK ORTHODOX).",
    "R-CHOP X6. LR PER PARKLAND 4 ML/KG/%TBSA. JPs SEROUS. DE NOVO AFIB.",
    "PT ARRIVED TO UNIT 2030. CAME TO ICU 2100. WORKS AT ICU. SEEN ON 5TH FLOOR.",
    "VIA PHONE LINE (INTERPRETER SVC). HAD 95 CC OUT. PT (RN AWARE). SAT WHO IS 95% ON RA.",
    "LIDOCAINE LOCAL 10 ML. SATS 92 PCT ON 40 PCT FIO2. GIVEN 1/2 AMP, 1/4 TAB. PAIN 4/10, 3/10 LATER.",
    "HEAD CT DONE 2030. VISITING 1900-2000. NGT PLACED 2015. REPORT GIVEN TO FLOOR RN. REPORT TO NIGHT RN.",
    "BACK ON A/C 500 X 12 FOR REST. APS REPORT FILED 0930. MD AT BEDSIDE. PT WENT TO THE GYM.",
    "L NC AFTER SBT 30 MIN ON 5/5. SMALL AIRLEAK 1/7. TIMI 5/7. SAH 2/2 ACOM ANEURYSM. OSBORN WAVES ON EKG.",
    "OSHA NOTIFIED BY EMPLOYER. FMLA FORMS. ROSC AFTER 2 SHOCKS. HEARTMATE II. GPA (WEGENER'S).",
    "DR WILL CALL BACK. DR. PAGED. DR. NOTIFIED. DR. CALLED. DR AT BS. MD MAY ADJUST.",
    "TRANSFERRED FROM NH. PT CAME FROM NH. WEANED BACK TO NC. SEROSANG FROM JP. GOING HOME IN AM. LIVES AT HOME IN BED.",
    "SBP 80S -> GENERAL SURGERY CONSULTED. FIO2 50 -> MEDICAL TEAM AWARE. DRAIN IN SOUTH END OF WOUND.",
    "PT WANTS TO GO HOME. DETECTIVE LEFT CARD. IV X1 PER HOUSE OFFICER. REORIENTED FREQUENTLY. OFFICER PRESENT.",
    "SEEN BY RN (ED) AND NP (ID). RN (NIGHT) AWARE. TEAM (ICU) AWARE. transferred from Internal Medicine.",
    "GIVEN DOSE 1/2 TAB. LICENSE PLATE ON FILE. DL SUSPENDED. EXT 200 MG? HALF 95 AND A HALF PERCENT.",
    "HR 110 SINUS ST, 2 LEADS ST ELEVATION. 2 HEAD CT DONE. 3 PT DR AWARE. PT ON PS 10. HEAD CT & CHEST CT.",
    "STAYING AT PT'S HOUSE. WENT TO HER HOUSE. SOBER HOUSE. GROUP HOME. SEEN BY PULMONARY ASSOCIATES.",
    "SENT FROM ED. TRANSFERRED FROM ED RN TO ICU. SEEN IN ED, RN ED NOTE REVIEWED. RT ED.",
    "PT IS HCP? WIFE IS HCP. WHO IS HCP. SON IS PT'S HCP. CHILDREN (2) AT HOME. CHILDREN (AGES 4 AND 7).",
    "DR DO NOT DISTURB SIGN. DR AND RN AWARE. DR WILL CALL BACK.",
    "MAR TO MAR RECONCILED. ON 2L NC; PEEP 5. ONTARIO BRAND CATHETER NOT USED.",
    "Mallory-Weiss tear noted. NO ELECTRIC BLANKET. I/O 120/800-1000. ID CONSULT 1400. PLAN FOR 2 UNITS.",
    "PT D/C'D HOME ON AUGMENTIN. SEEN BY INTERVENTIONAL CARDIOLOGY. PER GENERAL CARDIOLOGY, EP CARDIOLOGY AWARE.",
    "Pt came from ED at 1900. Ed visit yesterday. PAGED HO AT 2300 RE UO 3500 CC. PT MAE, FOLLOWS COMMANDS.",
    "LIVES AT HOME, ALONE. HX BPD, ON DBT. COVERED BY MEDICARE. FROM BIG TOE WOUND. SON (HCP) CALLED.",
    "OFFICER AT BS (BPD). SITE (JOB) CLOSED.",
    "seen by (General Medical) team. pain (Home Health) follows.",
    "PRAYED TO HOLY SPIRIT. PAIN MED GIVEN. PRN MED. HOME MED LIST. ADMITTED FROM ED. ED BOARDING. ED STAFF.",
    "Pt: alert, oriented, calm. DOB verified. MRN checked.",
    "BOOT CAMP IN THE ARMY. ON A MISSION TO GET HOME. SUMMER CAMP. POLICE AT BEDSIDE. FD ON SCENE.",
    "HX OF BPH. TO ICH PROTOCOL. (SAH) (TSH) SBP 140-160 goal (HHH). SENT VIA CLINIC RADIO. SEEN PER CLINIC.",
    "SISTER MAY BE COMING. BROTHER WILL BE HERE. consent signed by pt. ENTERED BY MISTAKE. orders entered by team.",
    "IDENTIFIED BY MOTHER VIA PHONE. pediatric cardiology consult. seen at cardiology clinic. THE POST ACUTE PERIOD.",
    "VERSED OFF SINCE 2000. LINE PLACED 1/2 WAY THRU SHIFT. SLEPT 2000-2030. ON ROOM AIR. LOW AIR LOSS BED.",
    "I-131 THERAPY. HR 80 IN SR 2 BLOCKS. CO 4.5 CI 2.1. VIA ALS AMBULANCE. BY PLANT EMS. NO VNA.",
    "FAMILY MEETING HELD. STRENGTH 4/5 BUE. PT SEEN BY TECH. VIA AIR AMBULANCE. PT ARRIVED ON UNIT 2015.",
    "Pt attends Eritrean Orthodox church. CT neg for bleed, OR in AM. PT TO OR. FROM HOME, OR REHAB.",
    "S/P MV REPAIR VIA R MINI-THORACOTOMY. D/W DR. (NSGY RES) RE: SBP. RN ON SURGICAL RES SERVICE. PT FROM INNER CITY.",
    "works construction (roofing) for cash. fell from 2 story roof.",
    'PT C/O "PAIN" AND NAUSEA. PT "FEELS" BETTER. DAUGHTER MAY BE COMING. SON WILL BRING CLOTHES.',
    "I/O AT 2000 1500 800. UO AT 100 200 300 400. PT ID 2 3 4 5. PT IN ED FOR 6 HRS.",
    "27 yo F, Yakama, 22 wks. 31 yo F Tsimshian, on HD. 55 yo M, Choctaw, on HD. 68 yo M, Nez Perce, DM2.",
    "0500: PT W/ 12 BEAT RUN OF VT, ASYMPTOMATIC. 8 BEAT RUN NSVT X1.",
    "JP DRAIN CHANGED TO BLAKE 19 AT 1400. STRENGTH IMPROVED HERE 4/5. HR AT 110 SINUS ST. LINE PLACED AT 2245 BY DR.",
    "RN WILL FOLLOW UP. RT WILL WEAN. MD MAY ORDER CT. DAUGHTER IN LAW IS HCP.",
    "BP 120/80 ON TARGET. UPS AND DOWNS OVERNIGHT. SHELL VIAL SENT. GE JUNCTION NOTED. KEEP BUN STABLE.",
    "PT SPEAKS SWEDISH. CHANGED TO SHARP DEBRIDEMENT. DUKE CRITERIA MET. REPORT GIVEN TO RN AT BEDSIDE.",
    "CCU RN NOTE 7-3. PAIN 3/10 AM, 4/10 PM. SLEPT 2-4 AM. LIVES IN TOWN 3/4 OF THE YEAR. NEW YEAR RESOLUTION.",
    "MCI 2 YRS AGO. SCI NEG. MCI SEEN ON ECHO. RR 20S. SO WEANING.",
    "LIVES ALONE, HR 110 SINUS ST, 2 LEADS ST ELEVATION. CALLED FROM HOME 2200.SHE DOES NOT DRIVE AT NIGHT.",
    "WORKS IN CONSTRUCTION. RETIRED IN COMFORT. NURSE IN ICU. CTA NEG FOR PE. CTA HEAD TODAY.",
    "SBP IN THE 90S. HR IN 90S. SATS IN THE HIGH 90S ON 2L.",
    "PT: ALERT, ORIENTED X3. RN: SEDATED, CALM. MD: AWARE, WILL F/U.",
    "NICU NURSING NOTE. INFANT IN ISOLETTE. GA 29 3/7 WKS, CGA 33 1/7, DOL 26. EBM 24 CAL BY GAVAGE.",
    "33 5/7 wk infant, now 35 2/7 CGA. Born at 24 6/7 weeks. Ex-27 weeker, now 36 1/7.",
    "#4 Hyperbili. #5 Parents. On Neoprofen for PDA, s/p Curosurf x1. Similac Special Care 24, Neosure 22 po.",
    "BABY GIRL PRIMARY RN. INFANT SWADDLED IN BUNTING. TRANSFERRED TO SCN. BACK TO NBN WITH MOM.",
    "FLOWN IN BY HELICOPTER. FLOWN FROM SCENE. TRANSPORTED BY AMBULANCE TO CT. FUNERAL HOME TO BE CONTACTED BY SON.",
    "drained via PleurX. placed via PowerPICC to R arm. via BiPAP. via CoughAssist to clear.",
    "PT NEEDS PEDIATRICS F/U. REFERRED TO PEDIATRICS. FOLLOWED BY HOME HEALTH. SEES PEDIATRICS. NEEDS HOSPICE.",
    "Pt needs Pediatrics f/u. Consult Pediatrics. pt on Sinus St. rate 110. Seen on Monday St",
    "PT AGITATED 1930-45, HALDOL GIVEN. 1900-2000 SLEPT. SHIFT 1900-0700. 2000-15 RESTLESS.",
    "WORKS AS HOME HEALTH AIDE FOR COMFORT CARE. SWISS MENNONITE.",
    "JP DRAIN FROM JACKSON PRATT. RASS -2 FROM RICHMOND SCALE. drainage from Jackson-Pratt site. PT FROM HOME.",
    "2 SISTERS OF PT AT BEDSIDE. Sisters of patient called. Pt goes by wheelchair to CT.",
    "3 yo M trach/vent dependent (BPD, ex-24 wk). COPD EXACERBATION. PPD NEG. BPD STABLE ON DIURIL.",
    "EXTRICATED BY VOL FIRE & RESCUE. BY LOCAL FIRE RESCUE. CALLED FIRE & EMS.",
    "STRENGTH 4/5, PR 0.18. SINUS, PR INTERVAL NORMAL. RECTAL TEMP, PR TYLENOL.",
    "HCP FORM SIGNED TODAY, COPY IN CHART. CASE MGMT/DISPO UPDATE. CP 2/10, DOWN FROM 8/10. PAIN AT CT SITE 6/10.",
    "seen by rt-side team, np-led rounds, rn-to-rn report given, sw-consult placed, tech-support called. PS 10/5 ON 40%.",
    "on cpap at ps 10, weaned at PS 15 x 2hrs, back to ps 20 on 40%. pt thinks it is 2100 at night, reoriented to time.",
    "SBP ninety over sixty, gave a bolus",
    "HR ninety-two, sinus, no ectopy",
    "brought by ground ambulance, no fire rescue needed",
    "pt lives with central line in place, no fire hazard",
    "home health visits twice a week, hospice referral declined",
    "for a hundred years, family says",
    "pt flown to the OR emergently, then to ICU",
    "FLOWN FROM SCENE TO ICU, INTUBATED IN FIELD",
    "on CC 5 units of insulin per sliding scale",
    # a floor or a bed by its number; a service in parentheses
    "TO GO TO FLOOR 5 WHEN A TELE BED OPENS. BED 12 CLEANED. UP TO FLOOR 3 IN AM.",
    "pt to floor 7 once off pressors, report called to floor RN",
    "RENAL (NEPHROLOGY) AWARE OF K 5.9; NEURO (EPILEPSY) TO READ EEG; ID (TRANSPLANT) FOLLOWING.",
    # a people or a faith before a word that is no organisation's head; a local anaesthetic; a graft
    "Haitian Creole interpreter at bedside; Catholic, chaplain aware. Somali and Arabic spoken at home.",
    "lido local 2% used for art line. s/p CABG x3 with LIMA-LAD, off pump.",
    "CV: NSR 70s.\nSOCIAL: son will call in am, wife may visit after work.",
    "will call him back in am; called her daughter re: plan. calls her abuelita. known as a heavy drinker.",
    "wound 3 x 4 in square shape, dressing 2 sq cm. pt lives in the square near the church.",
    "pt on the long drive home when sob started, on his way to work. nasal bridge intact, dental bridge in place.",
    "lido local 25 gauge used, local 1% lido at the site. Pt had a target lesion biopsied.",
    # ICU names, mental status; a pager's number without a pager word; a setting over PEEP
    "Transferred to NSICU for q1h neuro checks. eICU RN aware. To CVICU post-op, then TICU.",
    "MS GOOD, MAE. MS BETTER TODAY. ms clear, follows commands.",
    "goal SpO2 88-92%, ABG 7.32/48/88. PEEP 5/5, SBT on 5/0 x 30 min. GA 36 1/7 wks. pain 4/10.",
    "pt will need ct. pt rose from chair, pt mark site before line. pt pat dry after bath.",
    # misspellings, words glued by a missing space, clinics named by what they treat, ordinary words before a hospital
    "tolerated well,will continue to mobilise.pt originally transfered from the floor,recieved 2u prbc.",
    "discussed icd with pt and wife,plan once neuro status clearer. teaching w/ wife:heart failure zone tool.",
    "diuresis goes well.net neg 1.8l today.cr stable. label fixed.trop 0.8",
    "up 12lbs since last clinic visit. staying in hotel near hospital. f/u in hf clinic.",
    # the day of a course, train-of-four, pressure support over PEEP, a pain score after another; palliative care
    "ID: CIPRO D#4/7. TRAIN OF 4: 2/4. on cpap/ps 8/5. PAIN 4/10 AFTER DILAUDID - 4/10 FROM 9/10.",
    "if no improvement pall care to discuss comfort. 44m w/ duchenne md, leak at wye connector.",
    "PT HAS DNR ORDER. MD DNR FORM SIGNED. EYES OPEN TO VOICE, RED EYES, PRETTY TIRED, BRAVE FACE.",
    # an age and a crash before a road, a decade of values, eponyms before a disease, a shift after a unit
    "37 YOM ROLLOVER ON GRAVEL AFTER SWERVING. 25 YOM PICKUP LEFT ROAD AND WENT INTO STOCK POND.",
    "HR 120s, SBP 80s. Fellow paged. SBP 170s. Repeat CT 0300.",
    "MICU Day.\n36 yo M Ludwig's angina. 59 YO M FOURNIER GANGRENE. C1 JEFFERSON FX. Takotsubo cardiomyopathy.",
    "PLAN: WEAN INO, EXTUBATE POD 1-2. HR 80s, P 2-3 PVCs/min.",
    "CALLED THE OFFICE. STATE DEPT OF HEALTH NOTIFIED. pt's family notified the department of health.",
    "FELL INTO THE CREEK. PEAK 35 CMH2O. TO FLOOR IF PEAK FLOW IMPROVES. NO BLEEDING ON REPEAT PASS. fell in the creek",
])
def test_no_phi_in_clinical_vocabulary(deid: Deidentifier, text: str) -> None:
    assert [text[s.start:s.end] for s in deid.analyze(text)] == []


@pytest.mark.parametrize("text, phi", [
    ("RETIRED FROM TEXAS INSTRUMENTS. WIFE DRIVING UP.", "TEXAS INSTRUMENTS"),
    ("WILL NEED REFERRAL BACK TO GIMC. CASE MGR AWARE.", "GIMC"),
    ("TRANSFERRED FROM STURDY MEMORIAL IN ATTLEBORO.", "STURDY MEMORIAL"),
    ("FAMILY FROM CHIHUAHUA, MEXICO. INTERPRETER USED.", "MEXICO"),
    ("FAMILY LIVES 1184 ARCADE ST, ST. PAUL 55106.", "55106"),
    ("interpreter (Hoa, x3-6120) to provide support", "x3-6120"),
    ("slept after. -jbaker3", "jbaker3"),
    ("BROTHERS CHONG AND NENG AT BEDSIDE.", "NENG"),
    ("SICU -> MONTEFIORE 7 PT 66 YO M", "MONTEFIORE 7"),
    ("LAST EGD MARCH '09 - GRADE II VARICES", "MARCH '09"),
    ("TRANSFERRED FROM OUR LADY OF LOURDES HOSPITAL YESTERDAY", "OUR LADY OF LOURDES HOSPITAL"),
    ("Seen at Sisters of Charity Hospital in March.", "Sisters of Charity Hospital"),
    ("recently discharged from Pine Bluff Heart Institute.", "Pine Bluff Heart Institute"),
    ("Home health: Duluth Homeless Shelter. Patient", "Duluth Homeless Shelter"),
    ("d/c to Ross Skilled Nursing Facility, 4769 Main Ave", "Ross Skilled Nursing Facility"),
    ("Seen at Boston Medical Center. cc: E Alvarado, BMC", "BMC"),
    ("PCP: Dr. Tari Swan (317)567-1758", "Tari Swan"),
    ("Thank you for seeing Mr. Day, a 72-year-old man", "Day"),
    ("previously inpt at Brockton VA for detox", "Brockton VA"),
    ("MICU - Nota de enfermería 2/ene/2008, turno 7-3", "2/ene/2008"),
    ("Transferido el 3 de marzo de 2010 por NSTEMI", "3 de marzo de 2010"),
    ("lettre du 12 janvier 2011 jointe", "12 janvier 2011"),
    ("ADMIT 02/JAN/08 FROM ED", "02/JAN/08"),
    ("specimen collected 2008-01-02T10:00 (lab)", "2008-01-02"),
    ("PT IS A PARALEGAL AT ROPES & GRAY.", "ROPES & GRAY"),
    ("TRANSFERRED FROM LANCASTER GENERAL. 8 CHILDREN AT BEDSIDE", "LANCASTER GENERAL"),
    ("MOTHER ELENI (96) STILL AT HOME ALONE", "96"),
    ("Pt is a software engineer at Vertex Pharmaceuticals, married", "Vertex Pharmaceuticals"),
    ("FELL AT WORK (PRICE CHOPPER IN LATHAM) ONTO R HIP", "PRICE CHOPPER"),
    ("RETIRED MACHINIST (RAYTHEON). WIFE AT BEDSIDE", "RAYTHEON"),
    ("WANTS TRANSFER TO PRESBYTERIAN FOR TRANSPLANT EVAL", "PRESBYTERIAN"),
    ("SONS DUKE AND RICH CALLED FOR UPDATE", "RICH"),
    ("ADMITTED FROM CEDAR RIDGE MANOR W/ UTI", "CEDAR RIDGE MANOR"),
    ("REPORT GIVEN TO RN ON GOLDBERG 5 AT 1900", "GOLDBERG 5"),
    ("d/c to Lakeside TCU on 4/2 with PT/OT", "Lakeside TCU"),
    ("works nights for the USPS as a mail sorter; wife aware", "USPS"),
    ("APS INTAKE #09-11234 FILED BY SW", "09-11234"),
    ("LIVES AT 18 ORCHARD RD, APT 2, GLEN BURNIE. NIECE CHECKS IN", "GLEN BURNIE"),
    ("Family lives in Houston (Gulfton) and visits daily", "Gulfton"),
    ("DAUGHTER DROVE UP FROM NORTH MIAMI; SON IN SAN JOSE.", "NORTH MIAMI"),
    ("s/p tPA @ Methodist Sugar Land, then flown here", "Methodist Sugar Land"),
    ("LOST HIS JOB AT DOLLAR TREE. WIFE ON DISABILITY", "DOLLAR TREE"),
    ("MEDICAID PRIOR AUTH # PA-220417 PENDING", "PA-220417"),
    ("S/P R HEMICOLECTOMY 4-19. TOLERATING CLEARS", "4-19"),
    ("TRACH CHANGED, LAST BRONCH (11/2). SX Q2H", "11/2"),
    ("H/O HCV, ENDOCARDITIS (2006), IVDU", "2006"),
    ("SON ED CAME IN AT 2100, UPSET", "ED"),
    ("RN: K. WOJCIK / RT: ADEYEMI", "ADEYEMI"),
    ("CALLED SON AT WORK (DIMITRIOS), WILL COME", "DIMITRIOS"),
    ("paged Dr. Lin (pager 442) re: K 3.1", "442"),
    ("mother lives at 77 N. Birch Rd, Kalispell", "77 N. Birch Rd"),
    ("MAIL TO RR 3 BOX 212, WEST LIBERTY", "RR 3 BOX 212"),
    ("Wife is a greeter at Holy Trinity Armenian Apostolic Church on Sundays", "Holy Trinity Armenian Apostolic Church"),
    ("PASTOR FROM ZION HILL AME AT BEDSIDE", "ZION HILL AME"),
    ("SEEN AT WINDHAM FAMILY PRACTICE LAST WEEK", "WINDHAM FAMILY PRACTICE"),
    ("CRANE OPERATOR AT BAYONNE PIER SERVICES, FELL", "BAYONNE PIER SERVICES"),
    ("SON ALEKSANDR (\"SASHA\") IS HCP", "SASHA"),
    ("PT GOES BY \"BIRDIE\" PER DTR", "BIRDIE"),
    ("CHARGE RN MAUREEN AWARE. RT OKONKWO WEANED TO 40%", "OKONKWO"),
    ("ADMITTED FROM BIG SANDY MERCY W/ SEPSIS", "BIG SANDY MERCY"),
    ("FLOWN FROM ELK VALLEY GENERAL INTUBATED", "ELK VALLEY GENERAL"),
    ("HX DETOX AT HARLAN COUNTY X3", "HARLAN COUNTY"),
    ("EMS ARRIVED FROM HOLLY HILL CORNER AT 0200", "HOLLY HILL CORNER"),
    ("ORDERS WRITTEN UNDER pwisniewski, COSIGNED", "pwisniewski"),
    ("meds reconciled by agarcia4 (pharmacy)", "agarcia4"),
    ("TRANSFER TO 5W TODAY (LINDQUIST 5) WHEN BED READY", "LINDQUIST 5"),
    ("CT SURG FELLOW PAGED AT 5-2210 FOR CT OUTPUT", "5-2210"),
    ("TEAM: DR. ABARA (FELLOW), DEVI (NP), BEDSIDE RN", "DEVI"),
    ("Family lives in North Tulsa; son drives down", "North Tulsa"),
    ("FOUND DOWN AT HOME (2210 S. 31ST ST) BY NEIGHBOR", "2210 S. 31ST ST"),
    ("LIVES AT 118 COUNTY RD 9, HAZEL GREEN W/ SON", "118 COUNTY RD 9"),
    ("ANTIBIOTIC HELD (LAST DOSE 12/2) PER ID", "12/2"),
    ("TEAM: DR. ADU (FELLOW), SW HOPE, CHAPLAIN", "HOPE"),
    ("MR. BIN HAMAD IS 70 YO, SPEAKS ARABIC", "BIN HAMAD"),
    ("Pt seen by K.L. from OT this afternoon", "K.L."),
    ("WEAN AS TOL. R.T. RN", "R.T."),
    ("PRESENTED THERE 2/9 W/ CHEST PAIN", "2/9"),
    ("BPD DET. OLIVEIRA AT BS", "OLIVEIRA"),
    ("HO PRAKASH AWARE OF K 3.0", "PRAKASH"),
    ("FOUND DOWN ON DORCHESTER AVE, EMS CALLED", "DORCHESTER AVE"),
    ("MOBILE HOME AT 88 CALLE DEL SOL LOT 4", "88 CALLE DEL SOL LOT 4"),
    ("PRENATAL CARE AT CLINICA SANTA ROSA IN MESILLA", "CLINICA SANTA ROSA"),
    ("Transferido del Hospital San Rafael por fiebre", "Hospital San Rafael"),
    ("husband Joao dos Santos at bedside", "Joao dos Santos"),
    ("TRANSFERRED FROM RED ROCK IHS W/ DKA", "RED ROCK IHS"),
    ("LIVES NEAR CHINLE, FROM TEEC NOS POS WASH AREA", "CHINLE"),
    ("s/p L AKA 2011, now POD 2 washout", "2011"),
    ("Pt is a ninety-four yo man", "ninety-four"),
    ("DR. OSEI (RENAL), MARISOL FROM SW, PT'S SISTER", "MARISOL"),
    ("RT DEV FOLLOWING, NEBS Q4", "DEV"),
    ("NP HOPE TO WRITE FOR LASIX", "HOPE"),
    ("RENAL FELLOW PAGED (4-2290), NO CALL BACK", "4-2290"),
    ("DAUGHTER AL AT BEDSIDE, UPSET", "AL"),
    ("stridor resolved. RT (K.P.) at bedside", "K.P."),
    ("moved to 77 Wabash Ave #4, 60605. Daughter", "60605"),
    ("Pt sent to Kettleby Regional w/ ambulance", "Kettleby Regional"),
    ("PLAN: TRANSFERRED TO ORMSKILL ACUTE REHAB TOMORROW", "ORMSKILL"),
    ("Pt accepted to WRCH acute rehab, bed 1400", "WRCH"),
    ("Planning: to Cedar Knoll Health & Rehab on Monday", "Cedar Knoll Health"),
    ("LIVES ALONE; PT IS 94, VERY HOH", "94"),
    ("HX CAD S/P CHOLECYSTECTOMY AT SHMC, SMOKER", "SHMC"),
    ("MASS SAID BY FR. OKAFOR FROM SHRINE OF HOPE PARISH", "SHRINE OF HOPE PARISH"),
    ("REHAB SCREENS: PINE HILL INSTITUTE OF OREGON PENDING", "OREGON"),
    ("GRANDSON \"TUCKER\" CALLED, UPSET", "TUCKER"),
    ("THE KIDS CALL HER \"NONNA\"", "NONNA"),
    ("ASKS FOR \"DODIE\" (HER SISTER) OVERNIGHT", "DODIE"),
    ("SPOKE W/ WIFE DOLORES \"LOLA\" OKONJO, HCP", "LOLA"),
    ("CONTACTS: ODETTE CELL 617-555-0188; FERN 617.555.0190", "FERN"),
    ("D/W JT (FELLOW) RE: HEPARIN", "JT"),
    ("CONSENT SIGNED. -B.K.", "B.K."),
    ("VITALS AS ABOVE. K.T./RN", "K.T."),
    ("RN HOPE ASSUMED CARE @ 1900; RT WILL AWARE OF ABG", "WILL"),
    ("(DTR-JOAN VIA SPEAKERPHONE)", "JOAN"),
    ("PT'S BROTHER AL, HCP, AWARE", "AL"),
    ("HUSBAND SAYS SHE ASKED FOR XMAS EVE AT HOME", "XMAS EVE"),
    ("HE VISITS AFTER WORK AT CHRYSLER (STERLING PLANT)", "CHRYSLER"),
    ("dnr. discussed w/ pt and wife dottie, ok w/ plan. ABG 7.31", "dottie"),
    ("MOTHER LIVES IN ROXBURY W/ HIS SISTER", "ROXBURY"),
    ("SON FLYING UP FROM MOBILE, AL TONIGHT", "AL"),
    ("LIVES IN A CABIN OUTSIDE GALLIPOLIS", "GALLIPOLIS"),
    ("LTAC SCREENS: KINDRED AND WESTMERE SPECIALTY PENDING", "WESTMERE SPECIALTY"),
    ("APPLICATIONS TO SPAULDING (SRH) AND HEBREW REHAB", "SRH"),
    ("Referrals sent to Youville and QRH. Son prefers QRH, near home", "QRH"),
    ("WIFE NAW HSER PAW AT BEDSIDE, KAREN INTERPRETER", "HSER"),
    ("interpreter Chue Nhia Thao present for consent", "Chue Nhia Thao"),
    ("son duc anh to visit tmrw. abg 7.38", "duc anh"),
    ("SON J-ROD AND DAUGHTER AT BEDSIDE", "J-ROD"),
    ("PT IS A LINEMAN FOR RED MESA ELECTRIC COOP; WIFE AWARE", "RED MESA"),
    ("RETIRED PIPEFITTER (HARBOR POINT SHIPYARD), LIVES ALONE", "HARBOR POINT SHIPYARD"),
    ("WORKS NIGHTS FOR A BAKERY (KOWALSKI BROS), HERE W/ WIFE", "KOWALSKI BROS"),
    ("RETIRED FROM GRIFFISS AFB IN 1995, VETERAN", "GRIFFISS AFB"),
    ("prior admits (1999, 2003, Nov 2008) for DKA", "1999"),
    ("wants to be home for Orthodox Christmas", "Orthodox Christmas"),
    ("PT CALLED OUT TO CC 5, REPORT TO RN", "CC 5"),
    ("PRESENTED TO ASHBY GEN ED @ 0300 W/ CP", "ASHBY GEN"),
    ("PEDS CONSULT: SIBLINGS SEEN AT CHILDREN'S", "CHILDREN'S"),
    ("sedation held. per dr j. ok to extubate in am", "j."),
    ("SON-IN-LAW AL VISITS DAILY, HCP IS WIFE", "AL"),
    ("weaning as tol. np k.d. aware of abg", "k.d."),
    ("ELDERS PRESENT; MR. NENG YER THAO SPOKE FOR FAMILY", "YER THAO"),
    ("JET SKI ACCIDENT ON LAKE WINNIPESAUKEE 7/4", "LAKE WINNIPESAUKEE"),
    ("SON STATIONED AT FT. BRAGG, FLYING HOME", "FT. BRAGG"),
    ("RETIRED FROM KRASNOW TOOL CO. WIFE AT BEDSIDE", "KRASNOW TOOL CO"),
    ("DTR LIVES IN THE SOUTH END W/ HER KIDS", "SOUTH END"),
    ("CRASH NEAR KEY WEST, FLOWN IN", "KEY WEST"),
    ("MONKS FROM WAT LAO BUDDHAVONG VISITED", "WAT LAO BUDDHAVONG"),
    ("IMAM FROM DAR AL-HIJRAH MASJID CALLED", "DAR AL-HIJRAH MASJID"),
    ("ACCEPTED AT KINDRED HOSPITAL - CANTONSVILLE, BED TMRW", "CANTONSVILLE"),
    ("ORIGINALLY FROM LEON, GUANAJUATO. SISTER HERE", "GUANAJUATO"),
    ("PACEMAKER PLACED AT ST. VINCENT'S 2014, REP CALLED", "2014"),
    ("EMPLOYER (HARBORSIDE MILLWORK) CALLED RE FMLA", "HARBORSIDE MILLWORK"),
    ("GRANDCHILDREN: ODELINE, JEANTY, WILNER. ALL LOCAL", "JEANTY"),
    ("HUSBAND LIU (WEI JUN) AT BEDSIDE", "WEI JUN"),
    ("CHURCH: ST. CASIMIR - PRIEST CALLED", "ST. CASIMIR"),
    ("FAMILY CAME VIA AMMAN 2011, LIVE NEARBY", "AMMAN"),
    ("SHE HOPES TO TURN 100 IN MAY", "100"),
    ("OPO NOTIFIED, REFERRAL # 0915-2231, NOT A CANDIDATE", "0915-2231"),
    ("ORGAN BANK CALLED, REFERRAL # NEO-09-11873", "NEO-09-11873"),
    ("DONOR STATUS ON DRIVER'S LICENSE # 41 226 903", "41 226 903"),
    ("HIS NICKNAME IS \"LITTLE JOE\" PER WIFE", "LITTLE JOE"),
    ("CONTACTS: SON RICH CELL 508-555-0142; PEG HOME (508) 555-0177", "PEG"),
    ("CT READ AS NEGATIVE. WHITE AWARE, NO NEW ORDERS.", "WHITE"),
    ("PT IS A RETIRED RIPTA BUS DRIVER, LIVES ALONE", "RIPTA"),
    ("HUSBAND WORKS AS A CONDUCTOR FOR THE LIRR, ON HIS WAY", "LIRR"),
    ("SOCIAL: SISTER PEG DRIVING IN FROM ERIE", "PEG"),
    ("DAU JUNE & HER HUSBAND AT BS TILL 2100", "JUNE"),
    ("HUSBAND ED ON PHONE W/ SW", "ED"),
    ("dau Ximena at bedside overnight", "Ximena"),
    ("NIGHT RN IVY WILL REASSESS", "IVY"),
    ("SHE SAYS HER 97TH BIRTHDAY IS NEXT WEEK", "97"),
    ("HIS BROTHER IS 101 AND STILL DRIVES", "101"),
    ("DAUGHTER STATES \"HE'S 96, LET HIM REST\"", "96"),
    ("DONOR SITE L LEG 4/19 HEALING, NO DRAINAGE", "4/19"),
    ("SEEN IN CLINIC 2-11, NO CHANGE IN MEDS", "2-11"),
    ("SON WORKS FOR CUMMINS, FLYING IN TONIGHT", "CUMMINS"),
    ("Granddaughter is a sophomore at Creighton; will visit Sat", "Creighton"),
    ("PPM PLACED AT HAYMARKET 2011 PER WIFE", "HAYMARKET"),
    ("s/p AVR 2015 at Riverbend, on coumadin", "Riverbend"),
    ("Deacon from Holy Protection Ukrainian Orthodox called", "Holy Protection Ukrainian Orthodox"),
    ("COLLAPSED AT SHUL (BETH ISRAEL ANSHEI SFARD); EMS CALLED", "ANSHEI SFARD"),
    ("FR. PAUL FROM ST. NICHOLAS SERBIAN ORTHODOX WILL COME", "SERBIAN ORTHODOX"),
    ('nephew Anthony Russo ("Tony B") called; Tony B will drive her', "Tony B"),
    ("SISTERS ROSE AND IRIS AT BS; ROSE SIGNED CONSENT", "ROSE SIGNED"[:4]),
    ("brother Theodore (Teddy) here. Teddy asked about PEG", "Teddy asked"[:5]),
    ("HUSBAND JOSE ANTONIO DE LAS CASAS AT BS", "DE LAS CASAS"),
    ("ACCEPTED AT VIBRA, BED TOMORROW", "VIBRA"),
    ("flown from Sanford Health to here", "Sanford Health"),
    ("DAUGHTER IS A LAB TECHNICIAN AT WPI, ON HER WAY", "WPI"),
    ("LIFELINE OF OHIO COORDINATOR ON UNIT 0300", "LIFELINE OF OHIO"),
    ("ELDERS FROM THE RIVERTON 3RD WARD VISITED", "RIVERTON 3RD WARD"),
    ("FAMILY CAME TO THE US 1994 FROM BOSNIA", "1994"),
    ("CRRT PRIMED BY KAI (CRRT RN) @ 1300", "KAI"),
    ('son Min-jun ("Mike") Cho updated by phone', "Cho"),
    ("PT'S AUNT, WHO IS 99, RAISED HER", "99"),
    ("HER FATHER LIVED TO 104 IN SICILY", "104"),
    ("Travel insurance policy # TRV-8830-2219-04 on file", "TRV-8830-2219-04"),
    ("VA CLAIM # C-28 447 913. VA LIAISON AWARE", "C-28 447 913"),
    ("workers comp forms, claim# WC 09-00413.", "09-00413"),
    ("FROM MAYO SYSTEM (CLINIC # 4-118-902).", "4-118-902"),
    ("MRN (NSRH) NS-116-0453. DOB ON FACESHEET", "NS-116-0453"),
    ("Wife Kelly (cell 520/555-0114) at bedside", "520/555-0114"),
    ("presyncope x3 (12/27, 1/2, and this am)", "1/2"),
    ("S/P TV DEBRIDEMENT/REPAIR 8/20, POD 3", "8/20"),
    ("Navy veteran, served 1958-1978, Tricare", "1978"),
    ("PMH: IMI 1998, CABG x4 2001 at Lahey", "2001"),
    ("Works as a roofer, union Local 33. Sister here", "Local 33"),
    ("BUS OPERATOR FOR SEPTA, TWU LOCAL 234. WIFE AT BS", "TWU LOCAL 234"),
    ("SON IS A COP, NYPD 40TH PCT, CAME IN UNIFORM", "40TH PCT"),
    ("BLESSED BY FR. VINH NGUYEN OF ST. AMBROSE PARISH", "ST. AMBROSE PARISH"),
    ("attends Polish mass at Our Lady of Czestochowa", "Our Lady of Czestochowa"),
    ("body to be released to Borthwick Mortuary; SW aware", "Borthwick Mortuary"),
    ("found by coworker at Polar Beverages loading dock", "Polar Beverages"),
    ("IS 750. --K. PRICE RRT", "K. PRICE"),
    ("NYPD WORKING ON ID. D. KING RN", "D. KING"),
    ("MD AWARE. -SHORT, RRT", "SHORT"),
    ("REPORT GIVEN TO DEB ON FARR 4. PT STABLE", "DEB"),
    ("ORIENTEE: apatel7 / PRECEPTOR: kmcdonough", "kmcdonough"),
    ("Accepted to Youville vent wean unit", "Youville"),
    ("Onc is Dr. Alvarado at TGH, page via operator", "TGH"),
    ("marathon runner from Columbus, Ohio, collapsed near mile 21", "Ohio"),
    ("originally from Sheboygan WI, adm w/ CHB", "WI"),
    ("snowbird from Sherbrooke, Quebec; couple winters here", "Quebec"),
    ("Beach FL 33785 from Nov to April. Primary care there", "Nov"),
    ("Quincy w/ husband Kenny Ng. Family attends church", "Ng"),
    ("Son Wilner St. Fleur is HCP, daughter in Haiti", "Fleur"),
    ("1.9L. ACCEPTED AT BURKE (WHITE PLAINS), BED 214.", "WHITE PLAINS"),
    ("CALLED - PASTOR FRANK MOON, FIRST BAPTIST (480-555-0166)", "FIRST BAPTIST"),
    ("CARDS FELLOW (DR. BISHOP) AWARE OF RUN OF VT", "BISHOP"),
    ("K 3.1, REPLETED. DR. MAY AWARE.", "MAY"),
    ("NEPHEW BUD IS HCP, LIVES IN NH, REACHED BY PHONE", "NH"),
    ("Fiancee here from VT, brought pt's glasses", "VT"),
    ("4 CHILDREN AT HOME IN JP; CHILDREN TO BE SCREENED", "JP"),
    ("PT FROM NORTH END, FAMILY VERY INVOLVED", "NORTH END"),
    ("Pt accepted to Regency Hospital of Portland (LTACH) for vent wean", "Portland"),
    ("OFFER FROM KINDRED PARK VIEW ANTICIPATED.", "PARK VIEW"),
    ("FORKS COMMUNITY HOSPITAL -> OLYMPIC MEDICAL CENTER (PORT ANGELES)", "OLYMPIC"),
    ("RSBI 58. RT (WILL) WILL TRIAL PS IN AM", "WILL"),
    ("OOB TO CHAIR WITH PT/OT (KAI AND BO), TOL 45 MIN.", "BO"),
    ("SON WILL WILL BRING CLOTHES TOMORROW", "WILL"),
    ("BPD DETECTIVE CASH WAS HERE 2100, LEFT CARD", "CASH"),
    ("(DEKALB COUNTY PD, DET. YOUNG) IN TO SPEAK W/ PT", "YOUNG"),
    ("Pt transferred from Holy Redeemer via Medflight", "Holy Redeemer"),
    ("WOULD LIKE PT TO GO TO HRC (HEBREW REHAB) AFTER", "HRC"),
    ("SEE MAR. LAST ZOSYN DOSE 11/18 0600 (COURSE COMPLETE)", "11/18"),
    ("per proxy form signed 2007), brother aware", "2007"),
    ("LAST PFTS 2011 FEV1 32%. ON BIPAP AT NIGHT", "2011"),
    ('ANNOUNCED TO EVERYONE HE\'S "93 AND A HALF" AND WANTS CAKE', "93"),
    ("spoke w/ Andrea at facility, ext 231, who states", "231"),
    ("COMMERCIAL DRIVER LICENSE #WA-DHALIGS512NB - EMPLOYER NEEDS", "WA-DHALIGS512NB"),
    ("HOUSE FIRE ~0300 AT 212 PLEASANT ST, FALL RIVER", "212 PLEASANT ST"),
    ("SOCIAL: LIVES AT 204 COUNTRY MEADOW DR, SMYRNA, TN W/ WIFE", "204 COUNTRY MEADOW DR"),
    ("STRUCK BY BOX TRUCK ON CENTRE ST 8/28; SEVERE TBI", "CENTRE ST"),
    ("LIVES W/ SON ON COUNTY ST, NEW BEDFORD", "COUNTY ST"),
    ("STRUCK BY SUV WHILE CROSSING BLUE HILL AVE AT 2200", "BLUE HILL AVE"),
    ("MBTA BUS AT HANOVER ST & CROSS ST. BIL SUPERIOR RAMI FX", "CROSS ST"),
    ("works at Stop & Shop on Morrissey Blvd; concerned about job", "Morrissey Blvd"),
    ("Pt transferred 1/8/09 from Meadows Regional in Vidalia w/ sepsis", "Meadows Regional"),
    ("STROKE, LKW 0830, ARRIVED SAGE MEMORIAL ED 1015 -> TPA", "SAGE MEMORIAL"),
    ("speaking F from Warren Park Nursing Pavilion, admitted w/ UTI", "Nursing Pavilion"),
    ("Pt is 91 yo F from Covenant Gardens (nursing home)", "Covenant Gardens"),
    ("PT LIVED AT LASELL HOUSE IN NEWTON SINCE 2001", "LASELL HOUSE"),
    ("F/U WITH DR. FRANK AT SPARTANBURG PULMONARY ASSOC, NEXT APPT", "SPARTANBURG PULMONARY ASSOC"),
    ("1030 -> 40% COOL NEB. RT ED FOLLOWING, NEB Q4", "ED"),
    ("TEACHING W/ VAD COORDINATOR ED, WHO CAN BE REACHED", "ED"),
    ("letter to be written by SW Tamika Bell, who will email", "Bell"),
    ("Family: esposa Maritza Colón and son Wilfredo", "Colón"),
    ("HUSBAND VISITED, MAY IS HCP + PRIMARY CONTACT", "MAY"),
    ("THEIR CHILDREN (TY, 9 AND KAI, 6) WITH GRANDMOTHER", "KAI"),
    ("Children (Meron 12, Yonas 9) not allowed to visit", "Yonas"),
    ("Pt is DNR/DNI per d/w Dr. Do and son Minh", "Do"),
    ("PT'S SON ED @ BEDSIDE 1400-1600, UPDATED", "ED"),
    ("TRANSPLANT COORDINATOR ED STOPPED BY W/ PAPERWORK", "ED"),
    ("RT Ed suctioned pt x2 overnight", "Ed"),
    ("DAUGHTER FRANCES UPDATED BY PHONE", "FRANCES"),
    ("GRANDDTR MAI TRANSLATES FOR FAMILY", "MAI"),
    ("PLEASE PAGE NIGHT FLOAT @ 4-5521 W/ QUESTIONS", "4-5521"),
    ("DR. LEE PAGED TO 3388, CAME TO BEDSIDE", "3388"),
    ("DR. AHMED (BPR 4417) AWARE", "4417"),
    ("A-LINE D/C'D 11-19, SITE CLEAN", "11-19"),
    ("FAMILY STAYING AT RIVERBEND FAMILY INN", "RIVERBEND FAMILY INN"),
    ("FOLLOWED BY DR. ORTIZ AT SOUTH COAST CARDIOLOGY", "SOUTH COAST CARDIOLOGY"),
    ("ADMITTED FROM FRESNO ADVENTIST ED W/ SEPSIS", "FRESNO ADVENTIST"),
    ("BIBA FROM BAYVIEW POST ACUTE W/ HYPOXIA", "BAYVIEW POST ACUTE"),
    ("LIVES AT 77 OAK ST, GRAND PRAIRIE, W/ DTR", "GRAND PRAIRIE"),
    ("FAMILY FROM GREEN BAY, DRIVING IN", "GREEN BAY"),
    ("SON ARRIVED FROM NYC LAST NIGHT", "NYC"),
    ("SISTER LIVES IN TEMPLE (TX)", "TX"),
    ("MPD DETECTIVE ROSS CALLED FOR UPDATE", "MPD"),
    ("BREAK COVERED BY GRACE", "GRACE"),
    ("NO ISSUES OVERNIGHT. -JT", "JT"),
    ("WIFE BETTY LOU (70S) AT BEDSIDE", "LOU"),
    ("SON (TAM) ASKING ABOUT PLAN", "TAM"),
    ("BROUGHT FROM ST. JOSEPH'S ED (SPRING HILL) BY AMBULANCE", "SPRING HILL"),
    ("WORKS AT TOYOTA GEORGETOWN PLANT", "GEORGETOWN"),
    ("TRANSFERRED FROM MEMORIAL IN ROCKFORD", "MEMORIAL"),
    ("Padre Anselmo from Holy Ghost parish coming in AM", "Holy Ghost"),
    ("Electronically signed by maria.lopes on 3/2", "maria.lopes"),
    ("Entered by: nguyen_t 07:10", "nguyen_t"),
    ("entered by: KPATEL2 / cosigned jrm", "jrm"),
    ("REPORT FROM NIGHT RN K.L.", "K.L."),
    ("F/U CXR OK. M.ROSSI RN", "M.ROSSI"),
    ("-- K.T. OWENS, RN", "K.T. OWENS"),
    ("HIS PASTOR REV. WILL FOSTER VISITED", "WILL FOSTER"),
    ("COACH TY MORGAN CALLED FOR UPDATE", "TY MORGAN"),
    ("transferred to MICU from WEXLER 6 overnight for hypotension", "WEXLER 6"),
    ("Pt prefers f/u at LGH where PCP is.", "LGH"),
    ("PT'S PCP DR GOLDMAN (NWH). RABBI CALLED", "NWH"),
    ("S/P CABG X3 ('01, CMH), NOW W/ ISCHEMIC CM", "CMH"),
    ("45 YO M FROM THE WIND RIVER RESERVATION, TRANSFERRED", "RIVER RESERVATION"),
    ("SOMALIA, CAME VIA DADAAB CAMP, KENYA.", "DADAAB"),
    ("staying at Pacific Garden Mission intermittently", "Pacific Garden"),
    ("PULLED OUT BY FALL RIVER FD. ~32% TBSA", "FALL RIVER"),
    ("ROSC AFTER 2 SHOCKS BY GLENDALE FD", "GLENDALE"),
    ("PATIENT: OKAFOR, JO  MRN: 5512", "OKAFOR, JO"),
    ("pt: reyes, christian  dob 04/10/1971", "reyes, christian"),
    ("RE: Will Santos   DOB: 3/3/33", "Will Santos"),
    ("Dear Dr. Crane,  Thank you for seeing", "Crane"),
    ("FOLLOW-UP: Miss E. Swan at clinic in 2 weeks", "Swan"),
    ("SOCIAL: SISTER BLESSING AT BEDSIDE", "BLESSING"),
    ("RESP: PSV 12/5 40%. ED STAYING OVERNIGHT IN ROOM.", "ED"),
    ("transferred from Holy Family in Methuen w/ chf", "Holy Family"),
    ("admitted from Maine Med after 10d stay", "Maine Med"),
    ("STAYS AT SHELTER ON 4TH ST NW PRIOR TO ADMIT", "4TH ST NW"),
    ("daughter at bedside, lives on W. 72nd St.", "W. 72nd St."),
    ("they live on n. kedzie ave in chicago. pt", "n. kedzie ave"),
    ("LIVES AT 1210 SW 8TH ST, MIAMI", "1210 SW 8TH ST"),
    ("cath by Dr. Pappas (Saints Memorial), cath there OK", "Saints Memorial"),
    ("PAIN CONTROLLED. HUSBAND CHEN (DONG MING) WORKS NIGHTS", "DONG MING"),
    ("R/O PE.  COMPARISON: 5/10.  TECHNIQUE: SINGLE VIEW", "5/10"),
    ("in a camp as a teen, to Lowell 1984. Transferred from", "1984"),
    ("LIVED IN A CAMP, JORDAN 2013-2016, THEN TO US", "2013"),
    ("resettled Chicago 2010. Adm w/ hepatitis", "2010"),
    ("FAMILY ARRIVED FROM DADAAB, KENYA 2007. COWORKERS SCREENED", "2007"),
    ("PLAN TO MEET W/ TEAM 3/4.", "3/4"),
    ("medevac'd here 4/4 w/ DIC", "4/4"),
    ("PER GRAINGER CO SHERIFF'S OFFICE SUSPECTED METH LAB", "GRAINGER CO SHERIFF'S OFFICE"),
    ("Trapped ~1 hr, Hancock Co FD extrication.", "Hancock Co FD"),
    ("ATV rollover on a job road in Breathitt Co, found by cousin", "Breathitt Co"),
    ("ROLLOVER ON I-24 EB AT MM 152 ~0340", "I-24 EB AT MM 152"),
    ("34M S/P ROLLOVER US 550 MM 112, UNRESTRAINED", "US 550 MM 112"),
    ("SEDAN VS SEMI ON ICY I-84 EB MP 182. RESTRAINED", "I-84 EB MP 182"),
    ("DRIVER IN ROLLOVER HWY 491 N OF TOWN. OB AT BS", "HWY 491"),
    ("MOTORCYCLE VS DEER, NM 4 NEAR JEMEZ SPRINGS. HELMETED", "NM 4"),
    ("PASSENGER IN ROLLOVER BIA ROUTE 15, 4 OCCUPANTS", "BIA ROUTE 15"),
    ("PT BROUGHT BY NAVAJO NATION POLICE TO OUTSIDE ED", "NAVAJO NATION POLICE"),
    ("IDAHO STATE POLICE TROOPER CALLED FOR CONDITION", "IDAHO STATE POLICE"),
    ("NO HELMET. UTAH COUNTY SAR HOIST EXTRACTION", "UTAH COUNTY SAR"),
    ("TICU NOC 1900-0700 PT TOMASITA SANDOVAL 58F. HIT BY PICKUP", "TOMASITA SANDOVAL"),
    ("RN 0200 MANUELITO, 52M, WELDER", "MANUELITO"),
    ("correct label mrn 00748213.trop 0.8 from 1.2", "00748213"),
    ("ROLLED ON US 87 BETWEEN DALHART AND TEXLINE", "US 87"),
    ("f/u at Akron Pediatric Clinic next week", "Akron Pediatric Clinic"),
    ("INR CHECKS AT WESTBROOK ANTICOAG CLINIC", "WESTBROOK ANTICOAG CLINIC"),
    ("MOTHER LORRAINE BRAVE HEART PHONE 605-555-0190.", "LORRAINE BRAVE HEART"),
    ("MOTHER JUDY PRETTY WEASEL ON THE WAY FROM LODGE GRASS", "JUDY PRETTY WEASEL"),
    ("car left the road, per SC Highway Patrol trooper", "SC Highway Patrol"),
    ("AZ DPS on scene. TBI (SDH R 7mm)", "AZ DPS"),
    ("SCDNR officer took a statement for the boating report", "SCDNR"),
    ("MVC ON I-10 E NEAR MM 28, VEHICLE FIRE", "I-10 E NEAR MM 28"),
    ("TRANSFERRED BY SKYHAWK 3, ARRIVED 1650.", "SKYHAWK 3"),
    ("ARRIVED 0140 BY COASTAL AIR 1.", "COASTAL AIR 1"),
    ("PT LEFT VIA LIFELINE AMBULANCE 1200 W/ CHART", "LIFELINE AMBULANCE"),
    ("FARR 7 STROKE UNIT 11P-7A\nPT SLEPT", "FARR 7"),
    ("CT HEAD AT QUABBIN 1650 NEG FOR BLEED", "QUABBIN"),
    ("MRV at Baycrest: superior sagittal thrombus", "Baycrest"),
    ("Referral faxed to Old Colony VNA for INR draw", "Old Colony VNA"),
    ("RESP:RT-DWAYNE PLACED PT ON CPAP 5/5 @0400", "DWAYNE"),
    ("ARRIVED FROM PACU W/ RN-JOSE+ANESTHESIA RES.", "JOSE"),
    ("dsg change done w/ rn-shaniqua, transfer to floor when bed", "shaniqua"),
    ("suctioned x2 by rt-o'malley, sats improved to 95%", "o'malley"),
    ("Plan: son will fly in on 6/19 on a morning flight", "6/19"),
    ("npn days 11/23 pt more awake today, following commands", "11/23"),
    ("s/p ex-lap 4/9 w/ ostomy, abd soft", "4/9"),
    ("heparin started in ED (5/2 @ 2215), ptt pending", "5/2"),
    ("oriented to self only, thinks it is 1961, reoriented", "1961"),
    ("A+O X1, STATES YEAR AS 1989. RESTRAINTS ON.", "1989"),
    ("mom is a crossing guard at P.S. 21, brother teaches at ps 207", "P.S. 21"),
    ("family asks to bring food for Eid tomorrow, ok per team", "Eid"),
    ("TRIBAL CHR DESAUTEL CALLED RE: TRANSPORT", "DESAUTEL"),
    ("SW AMBER CONTACTED PASTORAL CARE.", "AMBER"),
    ("Social: daughter Maria do Carmo Pacheco from out of state", "Maria do Carmo Pacheco"),
    ("Pt ID'd as Abdulla Saleh al-Qadhi by brother at 0500.", "Abdulla Saleh al-Qadhi"),
    ("-- M. dela Cruz, RN", "M. dela Cruz"),
    ("ferred via MedFlight from Exeter Hospital, NH, w/ type A dissection", "NH"),
    ("FROM LA CEIBA, HONDURAS. ESRD, NOT ON HD", "LA CEIBA"),
    ("SOFTWARE ENGINEER (H1B) AT ACCENTURE. PT NAME ON CHART", "ACCENTURE"),
    ("Works as floorhand for Patterson-UTI, 14 days on", "Patterson-UTI"),
    ("WHILE AT WORK AT MARKET BASKET 9/14/2008 @ 1100", "MARKET BASKET"),
    ("48 YO M LOGGER (OLYMPIC CREST TIMBER), STRUCK BY A SNAG", "OLYMPIC CREST TIMBER"),
    ("Family attends Oromo Evangelical Church in Minneapolis", "Oromo Evangelical Church"),
    ("34 YO M DECKHAND ON F/V NORTHERN DAWN, WASHED OVERBOARD", "NORTHERN DAWN"),
    ("PT IS 23 YO M, ACTIVE DUTY AT FORT SILL, ADMITTED", "FORT SILL"),
    ("(SCHOOL BUS DRIVER FOR TOWN OF DRACUT): L FACE DROOP", "TOWN OF DRACUT"),
    ("72 YO F ELDER, LIVES ON LUMMI RES W/ DAUGHTER", "LUMMI RES"),
    ("31 YO M RANCH HAND FROM MILES CITY, CLEANED A BARN", "MILES CITY"),
    ("ENGINE ROOM FIRE IN BRISTOL BAY, 35% TBSA", "BRISTOL BAY"),
    ("Son called from work (Suffolk Downs), will come", "Suffolk Downs"),
    ('PT REGISTERED AS "SIERRA RED". NO INFO TO CALLERS', "SIERRA RED"),
    ('PT ADMITTED 10/30 AS "TRAUMA ZULU" - UNKNOWN ID', "TRAUMA ZULU"),
    ('"TONY" EXTUBATED @2300 TO 40% FACE MASK', "TONY"),
    ('DTR "MO" CALLED AT 2100, SAYS PT IS A FIGHTER', "MO"),
    ("SPEAKS CANTONESE ONLY - DAUGHTER MAY INTERPRETING, PHONE LINE", "MAY"),
    ("2 GUARDS AT DOOR. A# A 098 441 226. PT NAME ON CHART", "A 098 441 226"),
    ("EMERGENCY MEDICAID PENDING # EM-4471-2209. SW WORKING", "EM-4471-2209"),
    ("ASKED FOR THE MD TO CALL HER IN AM AT 781 5550932.", "781 5550932"),
    ("LEFT @0100..SON #508/555/0129.", "508/555/0129"),
    ("s/p bilat STN DBS (2007, at Lakeside)", "2007"),
    ("PT IS VETERAN (NAVY 1979-83) ADMIT 9-28", "83"),
    ("PT IS VETERAN (NAVY 1979-83) ADMIT 9-28", "1979"),
    ("SEEN IN MAH ED (CT 1840: R SDH)", "MAH"),
    ("CV: VT RUN X4, DR. BELL ATTENDING AWARE", "BELL"),
    ("Renal: Dr. Do (nephrology fellow) following", "Do"),
    ("CIWA 18. PER DR TO. NO NEW ORDERS", "TO"),
    ("Family: brother Ambrose Kills Enemy at bedside", "Ambrose Kills Enemy"),
    ("SOCIAL: SISTER BERNICE LONG SOLDIER AT BS", "BERNICE LONG SOLDIER"),
    ("MOPED VS CAR AT PARK ST AND MAPLE ST, +LOC", "PARK ST AND MAPLE ST"),
    ("SON DRIVING FROM FARGO TONIGHT", "FARGO"),
    ("PARENTS FROM STORM LAKE ARRIVING 1800", "STORM LAKE"),
    ("WIFE CALLED FROM VICTORY, VT; WILL VISIT SAT", "VICTORY"),
    ("WIFE CALLED FROM VICTORY, VT; WILL VISIT SAT", "VT"),
    ("FELL AGAIN LAST THURS 6/3 IN THE GARAGE", "6/3"),
    ("BICILLIN 2ND DOSE GIVEN 3/8, DC PLANNED", "3/8"),
    ("PMH: S/P MVR (PORCINE) 2004. NOW IN AFIB", "2004"),
    ("she is ninety-four yrs old and sharp", "ninety-four"),
    ("Pt 98, admitted from home w/ urosepsis", "98"),
    ("Plan: BCBS, ID QMX 8812 4409 31. CM aware", "QMX 8812 4409 31"),
    ("verified by name and MRN 0412-7719 at bedside", "0412-7719"),
    ("teaching done w/ Somali interpreter (ID 0915)", "0915"),
    ("family updated via Amharic interpreter (44718).", "44718"),
    ("TRANSFERRED FROM SALEM MEMORIAL; GCS 14", "SALEM MEMORIAL"),
    ("PCP AT MAPLE GROVE. NEURO: A+OX3", "MAPLE GROVE"),
    ("STEMI, TNK GIVEN AT HOLLIS CAH, FLOWN HERE", "HOLLIS CAH"),
    ("Family active in the Moy Family Association and temple", "Moy Family Association"),
    ("HD MWF AT FRESENIUS QUINCY, CHAIR TIME 0600", "FRESENIUS QUINCY"),
    ("from Brookdale of Needham (AL), fell at 0300", "Brookdale of Needham"),
    ("PT IS A BUS OPERATOR W/ RIPTA, OFF WORK SINCE FALL", "RIPTA"),
    ("Employer Riverbend Poultry called re: FMLA forms", "Riverbend Poultry"),
    ("retired USPS mail carrier, lives alone", "USPS"),
    ("Pt is an adjunct at Tufts, grading exams in bed", "Tufts"),
    ("SHE PLAYS VIOLA W/ THE WORCESTER SYMPHONY ORCHESTRA", "WORCESTER SYMPHONY ORCHESTRA"),
    ("born in Co. Kerry, came over at 19", "Co. Kerry"),
    ("SON AND DIL HERE; THEY LIVE IN EASTIE", "EASTIE"),
    ("FOREMAN CALLED; SUPERVISOR DAVE HERE W/ FORMS", "DAVE"),
    ("guardian from Guardian Services of Central Mass visited", "Guardian Services of Central Mass"),
    ("STRUCK BY CAR NEAR CENTRAL SQ, +LOC", "CENTRAL SQ"),
    ("PT FROM ROCKPORT COLONY (HUTTERITE), FARM INJURY", "ROCKPORT COLONY"),
    ("SOCIAL: WIFE PEG UPSET, SON EN ROUTE", "PEG"),
    ("SON DONALD GOLD ALSO IN THE CAR, MINOR INJURIES", "DONALD GOLD"),
    ("dtr Theresa Murphy in Quincy is HCP", "Theresa Murphy"),
    ("Husband Ahmet and wife Siran at bedside", "Siran"),
    ("NURSE MANAGER MARY ELLEN: WILL TAKE PT BACK", "MARY ELLEN"),
    ("James called for update, told no change", "James"),
    ("Family (Kai, nephew) updated by phone at 2000", "Kai"),
    ("TINA, THE PT'S NEIGHBOR, BROUGHT HIS GLASSES", "TINA"),
    ("pt's sister called from concord, nh - will visit sat", "nh"),
    ('SHE ASKED THAT HER EX, "TANK", GET NO INFORMATION', "TANK"),
    ("PT FROM CAIRO (NEBRASKA), FARMER", "NEBRASKA"),
    ("LIVES IN ASTORIA (QUEENS, NOT OREGON)", "QUEENS"),
    ("REPORT CALLED TO RN ON DUNWORTH 5. STABLE", "DUNWORTH 5"),
    ("PT TRANSFERRED TO KRESGE 4B AT 1400", "KRESGE 4B"),
    ("2 PTS FOR TRANSFER: BED 6 TO CC 9 (BED READY)", "CC 9"),
    ("Tigrinya interpreter used (Semhar) for consent", "Semhar"),
    ("INTERPRETER PRESENT FOR MEETING (LE HOA, PGR 4410)", "LE HOA"),
    ("SHEATH PULLED BY DR HOOK -> PRESSURE X 20 MIN", "HOOK"),
    ("LIVES W/ WIFE AT 114 DIVISION ST IN FALL RIVER.", "114 DIVISION ST"),
    ("WIFE WORKS AT A MARKET ON 9501 LONG POINT RD.", "9501 LONG POINT RD"),
    ("Plan transfer to floor (Feldberg 7) in am.", "Feldberg 7"),
    ("CYCLE 1A, ADMITTED FROM BLAKE 12 W/ NEUTROPENIC FEVER", "BLAKE 12"),
    ("LIVES IN LYNN. LYNN PD CALLED ASKING FOR UPDATE", "LYNN PD"),
    ("PARENTS FROM NORTH CONWAY NH AT BEDSIDE.", "NH"),
    ("PT IS A 103 YO F FROM LITTLE SISTERS OF THE POOR W/ UROSEPSIS.", "LITTLE SISTERS OF THE POOR"),
    ("VV ECMO PLACED HERE 5/5. FLOW 4.1", "5/5"),
    ("Granddaughter Thaís, cell 617-555-0719, is main contact.", "Thaís"),
    ("Son Genti (Gentian Hoxha) interprets for her.", "Gentian Hoxha"),
    ("SOCIAL: WIFE ANA LUISA GOMES AT BEDSIDE.", "ANA"),
    ("BROTHER IN LAW BILL CALLED FROM HOME", "BILL"),
    ("ADDICTION CONSULT NP WILL SAW PT.", "WILL"),
    ("wants to go home to Cape Cod.", "Cape Cod"),
    ("Sponsor Al visited 1900.", "Al"),
    ("PT WANTS TO CALL HIS BOSS AT BOEING ABOUT FMLA", "BOEING"),
    ("DAUGHTER WORKS AT THE DOLLAR GENERAL IN TOWN.", "DOLLAR GENERAL"),
    ("SOCIAL: WORKS FOR UPS OUT OF THE LOCAL HUB.", "UPS"),
    ("79 YO MALE, RETIRED US STEEL CLAIRTON WORKS (COKE OVEN)", "US STEEL CLAIRTON WORKS"),
    ("CHF/ESRD, TRANSFERRED FROM SWEDISH FOR CRRT.", "SWEDISH"),
    ("S/P RESECTION AT NORTHWESTERN, ON TMZ", "NORTHWESTERN"),
    ("TRANSFER TO CARDINAL HILL FOR REHAB WHEN BED AVAIL", "CARDINAL HILL"),
    ("PALLIATIVE NP ROSE CALLAHAN, SW TAMIKA BELL, THIS RN.", "TAMIKA BELL"),
    ("CV: PT TO CATH LAB 3-14 AM. LAST CATH 2 YRS AGO", "3-14"),
    ("SAME PARTICIPANTS AS 3/10 MEETING PLUS GODDAUGHTER", "3/10"),
    ("BED AT REHAB CONFIRMED FOR 2/10. AUTH NOT REQUIRED", "2/10"),
    ("81 YO F TX'D FROM ST E'S 3/3 W/ CHOLANGITIS", "3/3"),
    ("PT DRANK HEAVILY SINCE KHMER NEW YEAR. FAMILY ASKING FOR MONK", "KHMER NEW YEAR"),
    ("Wants to go home for New Year. Discharge planned", "New Year"),
    ("SOCIAL: WIFE (HCP) @ HOME IN SO. BOSTON, DAUGHTER CALLED", "SO. BOSTON"),
    ("WIFE DOES NOT DRIVE; PARISH (ST. STANISLAUS) ARRANGING RIDES.", "ST. STANISLAUS"),
    ("Pastor from Our Savior's Lutheran visited and prayed", "Our Savior's Lutheran"),
    ("41 YO M IN DOC CUSTODY (MCI-NORFOLK, INMATE # 88127)", "MCI-NORFOLK"),
    ("TRANSFERRED FROM CHEROKEE INDIAN HOSPITAL VIA AIR W/ SAH", "CHEROKEE INDIAN HOSPITAL"),
    ("FIREFIGHTER FOR THE QUINCY FIRE DEPT FOR 30 YRS", "QUINCY FIRE DEPT"),
    ("LIVES W/ WIFE IN 2ND FLOOR APT, 114 COUNTY ST. 3 CHILDREN", "114 COUNTY ST"),
    ("IDENTIFIED VIA LICENSE: 24 YO, OF 14 ELMWOOD TERR, SAUGUS", "14 ELMWOOD TERR"),
    ("PT IS A SCHOOL BUS DRIVER IN SUPERIOR. WIFE UPSET", "SUPERIOR"),
    ("SOCIAL: FRIENDS FROM VFW POST 2294 VISITED, BROUGHT CARD.", "VFW POST 2294"),
    ("57 YO M, CTA BUS DRIVER X 22 YRS, COLLAPSED AT WORK", "CTA"),
    ("TRANSFERRED FROM GOODALL IN SANFORD ME VIA AIR W/ ANT STEMI", "ME"),
    ("Pt is from Norwich CT, referred by cardiologist", "CT"),
    ("86 YO M FROM DOVER NH (REFERRED FROM OSH)", "NH"),
    ("UNRESTRAINED DRIVER, ROLLOVER MVC ON I-94. GCS 3T IN FIELD", "I-94"),
    ("PT LIVES ALONE IN A TRAILER OFF RT 7 OUTSIDE TOWN.", "RT 7"),
    ("s/p motorcycle crash on Hwy 24 in town, helmeted", "Hwy 24"),
    ("INTUBATED BY NORTH MEMORIAL AIR CARE AT LZ", "NORTH MEMORIAL AIR CARE"),
    ("FIXED WING VIA ACADIAN AIR MED. RT + RN ESCORT", "ACADIAN AIR MED"),
    ("GCS 6 AT SCENE. BROUGHT BY AMR. INTUBATED IN ED", "AMR"),
    ("FLOWN BY LIFE LINK III. TO OR W/ ORTHO", "LIFE LINK III"),
    ("Options: Select Specialty Hospital - Lexington. Family prefers home", "Lexington"),
    ("called Phoenix VA Health Care System transfer coordinator", "Phoenix VA Health Care System"),
    ("90 YO WF FROM BLADEN OAKS REHAB AND NURSING W/ UTI", "BLADEN OAKS REHAB AND NURSING"),
    ("Referral placed to Trinity Care Hospice. Morphine prn", "Trinity Care Hospice"),
    ("County Health Department notified for contact prophylaxis, per Bulloch County Health Department", "Bulloch County Health Department"),
    ("PT IS A DEACONESS AT GREATER MT. OLIVE MISSIONARY BAPTIST CHURCH", "GREATER MT. OLIVE MISSIONARY BAPTIST CHURCH"),
    ("SON IS AN ED TECH AT SOUTHERN MAINE MED.", "SOUTHERN MAINE MED"),
    ("NA 112 ON ADMIT FROM HEART OF AMERICA MEDICAL CENTER", "HEART OF AMERICA MEDICAL CENTER"),
    ("lives w/ partner of 40 yrs, Leonard Hale (91), who is HCP", "91"),
    ("PT IS 88 YO M, NOT 98 AS LISTED ON OSH PAPERWORK", "98"),
    ("Family aware that at 93 she may not survive this", "93"),
    ("told RN \"I am 97, I have seen worse.\"", "97"),
    ("social: mom julie here all day, dad coming tonight.", "julie"),
    ("ROLLOVER ON I-94 W OF FARGO IN ICE STORM", "FARGO"),
    ("KCentra given at Bourbon Community.", "Community"),
    ("PRESENTED TO HARLAN ARH W/ ABD PAIN", "ARH"),
    ("ACTIVE DUTY ARMY (3RD ID, FT STEWART), S/P ROLLOVER", "3RD ID"),
    ("Army veteran (1st Cavalry Division, 1968-1970)", "1st Cavalry Division"),
    ("PT IS VETERAN (NAVY, USS FORRESTAL). ADMITTED", "USS FORRESTAL"),
    ("30 yo M, USN petty officer at NAS Jax, born abroad", "NAS Jax"),
    ("DUTY STATION: SCHOFIELD BARRACKS. WIFE AWARE", "SCHOFIELD BARRACKS"),
    ("WIFE AND 3 SONS HERE, ONE IS FDNY (STATION IN ROCKAWAY)", "FDNY"),
    ("YELLOW CAB DRIVER, LIVES IN JACKSON HTS W/ WIFE", "JACKSON HTS"),
    ("Plan LTACH: Select Specialty Hospital - Northwest Detroit.", "Northwest Detroit"),
    ("rehab at Burke Rehabilitation Hospital, White Plains, bed 7/9.", "White Plains"),
    ("SOCIAL: WIFE LILLIE MAE AT BEDSIDE, VERY SUPPORTIVE.", "LILLIE MAE"),
    ("last saw him at the Hegewisch Block Club meeting Sunday", "Hegewisch Block Club"),
    ("she works nights packing onions at Imperial Onion Packers, couldn't drive", "Imperial Onion Packers"),
    ("71 YO M FROM WHITE EARTH W/ COPD EXACERBATION", "WHITE EARTH"),
    ("INJURED NEAR KING SALMON. MEDEVAC TO TOWN VIA CLINIC IN NAKNEK.", "NAKNEK"),
    ("PT FROM LODGE GRASS. MOTHER AND AUNT AT BEDSIDE", "LODGE GRASS"),
    ("66yo m guyanese, fr ozone pk, adm w/ altered ms", "ozone pk"),
    ("67 yo m from the city, ret'd ironworker (local 40), adm w/ etoh w/d", "local 40"),
    ("hd tmrw via temp line. pt goes to Nostrand Ave Dialysis mwf.", "Nostrand Ave Dialysis"),
    ("Nearest units discussed: Rockaway Blvd Kidney Ctr. Pt agreeable", "Rockaway Blvd Kidney Ctr"),
    ("91 YO WM FROM SWEET HOME PERSONAL CARE HOME (OUTSIDE TOWN)", "SWEET HOME PERSONAL CARE HOME"),
    ("Pt wants home, has HHA Teresa 3x wk via agency.", "Teresa"),
    ("PT HAS BENCH WARRANT (# MC-23-CR-0044718) OUT OF COUNTY", "MC-23-CR-0044718"),
    ("items given to security, receipt #SEC-55812.", "SEC-55812"),
    ("sponsor SSN on file ***-**-4421.", "4421"),
    ("son on speakerphone from abroad (011-63-2-555-8841).", "011-63-2-555-8841"),
    ("PT HOMELESS, STAYS AT THE SHELTER IN BOSTN.", "BOSTN"),
    ("daughter at bedside, lives w/ pt in lawrnce.", "lawrnce"),
    ("ROBBERY AT HIS STORE ON Vermont Ave AND Slauson. S/P R THORACOTOMY", "Slauson"),
    ("T-boned at Morse Rd and Cleveland Ave last night", "Morse Rd"),
    ("ADM S/P PEA ARREST IN CAB ON VAN WYCK EXPWY, ~12 MIN TO ROSC", "VAN WYCK EXPWY"),
    ("JACKKNIFED ON MASS PIKE WB NEAR EXIT 10A. NO OTHER VEHICLES", "MASS PIKE WB NEAR EXIT 10A"),
    ("PT IS A F IN HER LATE 90S (DOB ON FACE SHEET)", "90S"),
    ("a vet in his 90s, lives alone", "90s"),
    ("Attending: KAPOOR,ANIL   PCP: OKAFOR,GRACE (MISSION VALLEY CBOC)", "KAPOOR,ANIL"),
    ("Attending: KAPOOR,ANIL   PCP: OKAFOR,GRACE (MISSION VALLEY CBOC)", "OKAFOR,GRACE"),
    ("NAME: PREWITT, DUSTIN J  SGT   UNIT: B CO", "PREWITT, DUSTIN J"),
    ("ADMITTED 3/7, EXTUBATED 4/7", "3/7"),
    ("INTUBATED THERE FOR SATS 70S, FLOWN LIFEMED TO ANMC, ARRIVED HERE 0140.", "LIFEMED"),
    ("flown by Airlift Northwest to HMC. On coumadin", "Airlift Northwest"),
    ("transferred from Logan Regional via HealthNet.", "HealthNet"),
    ("Flown by CareFlight from scene. injuries", "CareFlight"),
    ("FUNERAL HOME: MCCAFFETY IN MERCEDES. PAPERWORK DONE", "MCCAFFETY"),
    ("with her mother Donna on Pleasant Ave in Hamilton", "Pleasant Ave"),
    ("PCP Dr. Ruth Yoder, Olentangy Pediatrics.", "Olentangy Pediatrics"),
    ("Hospice referral to Kanawha Hospice Care for inpatient unit", "Kanawha Hospice Care"),
    ("Family attends Martindale Mennonite. Son's phone on file", "Martindale Mennonite"),
    ("72 y/o Army vet (Germany 1958-61), ETOH cirrhosis", "1958"),
    ("38 yo OIF vet (Army, 101st Abn 2003-04, 2005-06), found down", "2005"),
    ("PT IS A 60 YO M FROM RICHMOND, S/P LIVER TX", "RICHMOND"),
    ("family came from Nogales, Sonora 10 yrs ago", "Sonora"),
    ("FAMILY LIVES IN CEDAR-RIVERSIDE. PREFERS FEMALE CAREGIVERS", "CEDAR-RIVERSIDE"),
    ("Priest from St. Teresa of Avila in Grants called by family", "St. Teresa of Avila"),
    ("FR. MOUTON OF OUR LADY OF THE ASSUMPTION IN ERATH, CHAPLAIN AWARE", "OUR LADY OF THE ASSUMPTION"),
    ("PT PREFERS TO BE CALLED HOPE (LEGAL NAME ON FACE SHEET)", "HOPE"),
    ("husband deployed Iraq since Jan, wife at bedside", "Iraq"),
    ("BPD DET. WALSH AT BS, NUMBER ON CHART", "BPD"),
    ("NO VISITORS AT BEDSIDE PER MPD UNTIL CLEARED.", "MPD"),
    ("EXTRICATED BY FAIRFAX COUNTY FIRE & RESCUE, BROUGHT TO ED", "FAIRFAX COUNTY FIRE & RESCUE"),
    ("yesterday afternoon, brought in by Mobile Fire-Rescue.", "Mobile Fire-Rescue"),
    ("PT MOVED FROM CAGUAS, PR IN 1971, LIVES W/ NIECE", "PR"),
    ("Pt states \"not bad for ninety-four.\" Tolerating clears.", "ninety-four"),
    ("She is \"a hundred and one, dont forget it\". Sats 94%.", "a hundred and one"),
    ("Grandson says she wants to reach 100 on her birthday in May.", "100"),
    ("Age on the face sheet was wrong; correct age is 91 per the family.", "91"),
    ("DOB 03/02/1914 (92). Lives with her niece.", "92"),
    ("Daughter says pt will be 95 on Christmas, family planning a party.", "95"),
    ("brought in by dexter ambulance after a fall on the ice", "dexter ambulance"),
    ("pt found by windham rescue, core temp 31", "windham rescue"),
    ("report called to CCU at eastern maine, ambulance booked", "eastern maine"),
    ("Pt is from upstate New York, visiting her son", "upstate New York"),
    ("transferred to MMC via LifeFlight for IM nailing", "LifeFlight"),
    ("lifeflight called 0400, eta 40 min from Bangor", "lifeflight"),
    ("referral sent to Caring Hands Home Health, pt wants to go home", "Home Health"),
    ("pt transferred to Holy Family Villa at 1400 for rehab", "Villa"),
    ("stabbed outside Sully's Pub at about 0100", "Pub"),
    ("flown from Kona Community w/ suspected leptospirosis", "Community"),
    ("Son is flying into Providence on Friday before any decision.", "Providence"),
    ("Her son flies into RSW tomorrow.", "RSW"),
    ("Transfer to stroke unit on CC 7 when bed available.", "CC 7"),
    ("ok'd c/o to Farr 7 telemetry this evening", "Farr 7"),
    # what follows a name is no more of it: a service in parentheses, a plain description
    ("CALLED DR. PATEL (CARDIOLOGY), WILL SEE PT IN AM.", "PATEL"),
    ("Dr. Haddad (renal) aware of K 5.9, kayexalate given.", "Haddad"),
    ("WIFE JUNE PALE AND TEARFUL AT BEDSIDE, SUPPORT GIVEN.", "JUNE"),
    ("son mark flushed and shaky after leaving room, sat w/ him.", "mark"),
    ("DR. LONG NOT ON TODAY, PAGED COVERING. SON MARK RED FACE AND SWEATY.", "MARK"),
    # what a person is called, with or without quotes; a square
    ("wife very calm, prays the rosary, calls him tony and he settles for her.", "tony"),
    ("brother known as sully came in 2300 pretty intoxicated", "sully"),
    ("sister here, says everybody calls him \"ti-paul\". she is worried", "ti-paul"),
    ("no id, ems calling him \"big mike\". registered as unknown male", "big mike"),
    ("t6 complete sci, shot near mattapan sq ~2300. pt in custody", "mattapan sq"),
    ("63 yo f ped vs suv at kenmore sq after leaving work", "kenmore sq"),
    # a named road in a lower-case note; a union local by its number; a chain named in lower case after a work word
    ("26 yo f mvc driver on storrow drive,car hit guardrail,+airbag", "storrow drive"),
    ("rollover on the mass pike near the allston tolls ~0200", "mass pike"),
    ("pt had been at the pub on e broadway since noon. c5 fx", "e broadway"),
    ("76 yo M retired BFD captain, local 718, adm w/ complete heart block", "local 718"),
    ("Pt lives in Malden. Pt works as a cashier at stop & shop.", "stop & shop"),
    # a trade's union local in lower case; a saint's place; a hospital's cardiac rehab; a community's organisation
    ("social:wife here,pt is member of ironworkers local 7,foreman called", "ironworkers local 7"),
    ("a union rep from laborers local 22 also called asking about pt", "laborers local 22"),
    ("was going to aa mtgs at st. rose of lima.", "lima"),
    ("deacon from st. francis of assisi in to pray w/ family", "assisi"),
    ("DC HOME TOMORROW, REFERRAL TO SOUTH SHORE HOSP CARDIAC REHAB.", "CARDIAC REHAB"),
    ("REFERRED TO SOMALI DEVELOPMENT CENTER FOR SUPPORT.", "SOMALI DEVELOPMENT CENTER"),
    ("referred to catholic charities for rent assist, gave phone #", "catholic charities"),
    ("pt sang at the Cape Verdean American Veterans club on weekends", "Cape Verdean American Veterans club"),
    # a relative's name in a lower-case line of a mixed-case note; a lower-case name found once, then again
    ("CV: NSR 70s, BP 120s.\nSOCIAL: dtr sue called, updated.", "sue"),
    ("RESP: RA, sats 96%.\nSOCIAL: son ed and his wife sandy in until 2000.", "sandy"),
    ("ccu npn: wife pat and son in. pat concerned re: coumadin, teaching done.", "pat"),
    # a listed town after a street without a number; a prison of two words; a surname after Mr./Ms. in lower case
    ("VF arrest at a stand on Congress St, Portland ME. Bystander CPR", "Portland ME"),
    ("lives on Elm St, Salem NH. daughter nearby", "Salem NH"),
    ("PT HAS HX OF INCARCERATION (MCI CEDAR JUNCTION, RELEASED 2001).", "MCI CEDAR JUNCTION"),
    ("nursing: ms bell doing well, ambulating in hall", "bell"),
    ("SOCIAL: DAUGHTER JOY BISHOP HCP, PHONE ON FILE.", "JOY BISHOP"),
    ("Family at bedside. Dr. Bishop pronounced at 1842.", "Bishop"),
    # a first name that is a word or a clinical one before a found surname after pt
    ("SOCIAL: pt Will Marsh lives alone, sister nearby.", "Will Marsh"),
    ("ECMO team consulted. pt Li Guoqiang, lives w/ son.", "Li Guoqiang"),
    # Our Lady of the ... in lower case; a union's local after its acronym; a chain in mixed case; a pager's extension
    ("family goes to our lady of the cedars, fr. elias visited", "our lady of the cedars"),
    ("electrician, ibew local 103. wife says he was supposed to retire", "ibew local 103"),
    ("92 yo F on ASA, fall at Stop & Shop 3/11, progressive confusion", "Stop & Shop"),
    ("s/p VF arrest at Planet Fitness, bystander CPR", "Planet Fitness"),
    ("brother called, pgr for fellow 3-4417 given.", "3-4417"),
    ("MICU NPN 1900-0700 3/3 63 YO M ADMITTED W/ ETOH WITHDRAWAL", "3/3"),
    ("pt had mastectomy at UMass, now on chemo", "UMass"),
    # a town's housing authority, court or senior center; a burn center named for a person or a town; the patient's
    # first name and surname in a lower-case note, both words
    ("pt lives alone in a chelsea housing authority unit at 45 shurtleff st", "chelsea housing authority"),
    ("info on Newton Senior Center day program given to dtr", "Newton Senior Center"),
    ("flown to Fairbanks Burn Center, 37% TBSA", "Fairbanks Burn Center"),
    ("npn: pt guy cash off all pressors since 1400", "guy cash"),
    ("psych c/l note: pt grace banks seen, reports impulsive", "grace banks"),
    # a date after the last dose, a limb's symptom, a coiling, an onset before "approx"
    ("Pt on ASA/plavix (last dose 3/4), got plt x1.", "3/4"),
    ("sudden worst ha of life + L arm numbness 3/17 at work", "3/17"),
    ("collapsed while playing basketball, coiled 3-15. EVD open @ 10", "3-15"),
    ("L BASAL GANGLIA ICH 22CC, ONSET 3-14 APPROX 1800 WHILE AT WORK", "3-14"),
    # a patient written SURNAME, GIVEN before an age or a day of stay; gravel, county and state roads; pagers after p
    ("NEURO ICU NOTE\nJACKSON, LATOYA 34F, HX EPILEPSY", "JACKSON, LATOYA"),
    ("NEURO ICU BUI, DUC ANH POD 5\nGCS 13.", "BUI, DUC ANH"),
    ("NEURO ICU 0700-1900 WASHINGTON, D HD 6\nICP 8-14.", "WASHINGTON, D"),
    ("37 YOM ROLLOVER ON GRAVEL ROAD 760 AFTER SWERVING FOR DEER", "ROAD 760"),
    ("ROLLOVER ON GRAVEL COUNTY RD 14 2 MI W OF DELPHOS RIDGE", "COUNTY RD 14"),
    ("AVOIDING ONCOMING COMBINE ON CO RD 22 ON SEPT 30.", "CO RD 22"),
    ("STRANDED IN DITCH DURING BLIZZARD ON ND-3 ~14 HRS", "ND-3"),
    ("ROLLED ON RAMP FROM I-70 TO US-183. ENTRAPPED 45 MIN.", "US-183"),
    ("ROLLED ON RAMP FROM I-70 TO US-183. ENTRAPPED 45 MIN.", "I-70"),
    ("converted per fellow Dr. Tran (p 3-4410) at 0310", "3-4410"),
    ("SEIZED AT WORK ON BLANCO RD 9MAR, CONVULSIVE >20 MIN", "9MAR"),
    # organisations of plain words after EMPLOYER, BY or PER; public bodies named after their city, county or state
    ("NW OF TOWN. EMPLOYER NORTHERN TIER WELL SERVICES.", "NORTHERN TIER WELL SERVICES"),
    ("EMPLOYER HIGH PLAINS WIND LLC. FELL FROM TOWER", "HIGH PLAINS WIND LLC"),
    ("FIREARMS REMOVED FROM HOME PER BUFFALO GAP SHERIFF'S OFFICE, DEP HALVORSEN.", "BUFFALO GAP SHERIFF'S OFFICE"),
    ("SUBMERGED 45 MIN BEFORE OSAGE BEND VFD RESCUED HIM", "OSAGE BEND VFD"),
    ("PT ASKING FOR HIS PASTOR, REV. GREEN FROM NEW SONG BAPTIST CHURCH; CHAPLAIN PAGED", "NEW SONG BAPTIST CHURCH"),
    ("INTO ELKHORN CREEK. JENKINS VOL FIRE DEPT EXTRICATED", "JENKINS VOL FIRE DEPT"),
    ("Will f/u with DC Department of Human Services re: prior records", "DC Department of Human Services"),
    ("BUS OPERATOR W/ CHICAGO TRANSIT AUTHORITY X 22 YRS", "CHICAGO TRANSIT AUTHORITY"),
    ("APS REPORT FILED W/ NYC HUMAN RESOURCES ADMINISTRATION, REF # APS-11", "NYC HUMAN RESOURCES ADMINISTRATION"),
    ("ON PROBATION THROUGH BALTIMORE CITY CIRCUIT COURT (CASE # 118234009)", "BALTIMORE CITY CIRCUIT COURT"),
    ("REFERRED TO MARYLAND OFFICE OF THE PUBLIC DEFENDER.", "MARYLAND OFFICE OF THE PUBLIC DEFENDER"),
    ("brought in by Philadelphia Police Department 24th District after", "Philadelphia Police Department 24th District"),
    # natural features named after a place preposition
    ("TRUCK OVER GUARDRAIL INTO ELKHORN CREEK. RESCUE SQUAD EXTRICATED", "ELKHORN CREEK"),
    ("minivan struck by elk near MM 162 by Rabbit Ears Pass. Husband minor injuries", "Rabbit Ears Pass"),
    ("PT 34 YO F, CAMPING IN COCONINO NATIONAL FOREST, CAMP STOVE FLARE-UP", "COCONINO NATIONAL FOREST"),
    ("HIKER, LIGHTNING STRIKE ON LONGS PEAK NEAR THE KEYHOLE.", "LONGS PEAK"),
    # a union's whole name before its local
    ("PT WAS 73 YO RETIRED UAW MEMBER, UNITED AUTO WORKERS LOCAL 600.", "UNITED AUTO WORKERS LOCAL 600"),
    ("SW PROVIDED INFO ON AMALGAMATED TRANSIT UNION LOCAL 241 DEATH BENEFIT", "AMALGAMATED TRANSIT UNION LOCAL 241"),
])
def test_phi_in_context(deid: Deidentifier, text: str, phi: str) -> None:
    spans = deid.analyze(text)
    start = text.index(phi)
    covered = [s for s in spans if s.start <= start and s.end >= start + len(phi)]
    assert covered, [text[s.start:s.end] for s in spans]


def test_a_first_name_that_is_a_word_is_found_again_where_a_person_acts(deid: Deidentifier) -> None:
    text = "DAUGHTER PEG AT BEDSIDE. PT HAD TOLD PEG NO MACHINES. SON WILL HERE. RE-MEET AFTER WILL ARRIVES."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["PEG", "PEG", "WILL", "WILL"]
    text = "SON WILL HERE. RN WILL CALL. PEG TUBE PLACED. AMBULATING W/ WALKER."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["WILL"]


def test_a_name_after_mr_does_not_run_into_what_the_patient_does(deid: Deidentifier) -> None:
    text = "nursing: mr kowalski doing well, up to chair. NPN: MR KOWALSKI DOING WELL."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["kowalski", "KOWALSKI"]


def test_in_law_is_no_part_of_the_name(deid: Deidentifier) -> None:
    text = "SISTER IN LAW JOAN AT BEDSIDE; PT'S WIFE LE THI HOA SPEAKS VIETNAMESE ONLY."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["JOAN", "LE THI HOA"]


def test_a_service_in_parentheses_after_a_name_is_no_nickname(deid: Deidentifier) -> None:
    text = "DR. MORRIS (NEPHROLOGY) AWARE; DR. ORTIZ (ACCEPTING) PAGED. Dr. Wells here. Wells score 6."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["MORRIS", "ORTIZ", "Wells"]


def test_a_titled_name_does_not_swallow_the_clinical_word_after_it(deid: Deidentifier) -> None:
    text = "Dr. Patel Swan-Ganz placed. Discussed with Dr. Maria Cardiology today."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["Patel", "Maria"]


def test_a_clinicians_service_in_parentheses_is_no_second_name(deid: Deidentifier) -> None:
    text = "Seen by Dr. Frost (hepatology) and Dr. Li (bariatrics). HUSBAND CHEN (DONG MING) HERE."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["Frost", "Li", "CHEN", "DONG MING"]


def test_an_interpreter_id_or_a_service_is_no_state(deid: Deidentifier) -> None:
    for text, found in (("phone interpreter (ID 58804) used for update", ["58804"]),
                        ("Dr. Wells (ID) recommends 6 wks of abx", ["Wells"])):
        assert [text[s.start:s.end] for s in deid.analyze(text)] == found


def test_numbers_that_are_no_dates_ages_or_ids(deid: Deidentifier) -> None:
    text = "PT 97, INR 9.8. GIVEN 1/2 AMP D50. VISIT 1300-1600. PLAN 0600. CXR 2000. SHIFT REPORT 19-07."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == []


def test_a_descriptive_surname_ends_in_a_noun(deid: Deidentifier) -> None:
    text = "DR. LONG NOT ON TODAY, PAGED COVERING. SON MARK RED FACE AND SWEATY."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["LONG", "MARK"]


def test_a_military_rank_is_left_out_of_the_name(deid: Deidentifier) -> None:
    text = "ATTENDING: LTC R. OKONKWO, MC, USA   PCP: MAJ S. PRICE. UNIT LIAISON SFC HARMON VISITING."
    names = [text[s.start:s.end] for s in deid.analyze(text) if s.label == "NAME"]
    assert names == ["R. OKONKWO", "S. PRICE", "HARMON"], names


def test_a_title_is_left_out_of_the_name(deid: Deidentifier) -> None:
    text = "Family: son-in-law, Pastor Kim from their church visited"
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["Kim"]


def test_a_credential_after_a_name_that_is_a_town_is_no_state(deid: Deidentifier) -> None:
    text = "REFERRING PHYSICIAN: ADETOKUNBO, VICTORIA, MD, PhD"
    assert "MD" not in [text[s.start:s.end] for s in deid.analyze(text)]
