# Set-up and everyday commands.  Everything installs into .venv; nothing global.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared/datasets
EXAMPLE := data/examples/news_en.txt
TRAIN_SETS := $(SHARED)/wceb2026.jsonl.gz $(SHARED)/daniel.jsonl.gz $(SHARED)/msv-big9.jsonl.gz $(SHARED)/zh-news.jsonl.gz

.PHONY: run test install bench model eval fuzz

$(BIN)/boilerstrip: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/boilerstrip

run: install  ## strip the bundled example with the shipped model
	$(BIN)/boilerstrip predict $(EXAMPLE)

test: install  ## the whole test suite
	$(BIN)/python -m pytest -q

model: install  ## retrain the shipped default model (never on aeb)
	$(BIN)/boilerstrip train $(TRAIN_SETS) --split train --render both --seed 0 \
		--page-type article --page-type blog -o models/default.json.gz

eval: install  ## accuracy on aeb and on held-out sites, beside the baselines
	$(BIN)/boilerstrip eval $(SHARED)/aeb.jsonl.gz $(TRAIN_SETS) --render both

bench: install  ## prediction speed and model load time on one core
	$(BIN)/python -m boilerstrip.bench

fuzz: install  ## 10 minutes of generated, broken markup through the HTML path
	$(BIN)/python -m boilerstrip.fuzz --seconds 600
