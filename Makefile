# Set-up and everyday commands.  Everything installs into .venv; nothing global.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared/datasets
EXAMPLE := data/examples/news_en.txt
TRAIN_SETS := $(SHARED)/wceb2026.jsonl.gz $(SHARED)/daniel.jsonl.gz $(SHARED)/msv-big9.jsonl.gz $(SHARED)/zh-news.jsonl.gz

.PHONY: run test install bench bench-html bench-batch adapt-bench adapt-sweep memory-bench model eval eval-renderers fuzz fuzz-line-counts fuzz-walk

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

model: install  ## retrain the shipped models, one for text and Markdown, one for HTML (never on aeb)
	$(BIN)/boilerstrip train $(TRAIN_SETS) data/labeled --split train --render all-text --renderings-per-page 3 \
		--feature-set 3 --seed 0 --labeled-weight 50 --page-weight 1 --threshold 0.5 -o models/default.json.gz
	$(BIN)/boilerstrip train $(TRAIN_SETS) data/labeled --split train --render html --feature-set 1 --seed 0 --crop 0 --threshold 0.35 \
		--labeled-weight 50 -o models/html.json.gz

eval: install  ## accuracy on aeb and on held-out sites, beside the baselines
	$(BIN)/boilerstrip eval $(SHARED)/aeb.jsonl.gz $(TRAIN_SETS) --render ours

eval-renderers: install  ## kept-text F1 per renderer, ours and other tools', on aeb and held-out sites
	$(BIN)/boilerstrip eval $(SHARED)/aeb.jsonl.gz $(SHARED)/daniel.jsonl.gz $(SHARED)/wceb2026.jsonl.gz \
		--render all --json eval-renderers.json

bench: install  ## prediction speed and model load time on one core
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python tools/bench.py --datasets $(SHARED)

bench-html: install  ## boilerstrip beside trafilatura, readability, jusText, boilerpy3, resiliparse on whole pages
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python tools/bench_html.py --datasets $(SHARED)

bench-batch: install  ## a WARC of 1,000 pages on 1 and 2 jobs beside trafilatura; strip_many; 10,000 files; cold start
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python tools/bench_batch.py --datasets $(SHARED)

adapt-bench: install  ## adapt to 19 left-out sites with 1, 3, 5, 10 labeled pages (two base models first, 18 min, cached in build/; then 17 min)
	$(BIN)/python tools/bench_adapt.py --datasets $(SHARED) --work build/adapt-bench

adapt-sweep: install  ## the adaptation settings on 18 daniel sites the adapt-bench never scores, text then HTML (bases first, 15 min, cached)
	$(BIN)/python tools/sweep_adapt.py --datasets $(SHARED) --work build/adapt-sweep
	$(BIN)/python tools/sweep_adapt.py --datasets $(SHARED) --work build/adapt-sweep --kind html '{}'

memory-bench: install  ## held-out sites with and without the memory of their other pages (shipped models)
	$(BIN)/python tools/bench_memory.py --datasets $(SHARED)

fuzz: install  ## 10 minutes of generated, broken markup through predict page.html
	$(BIN)/python tools/fuzz.py --seconds 600

fuzz-line-counts: install  ## 5 minutes of random text: the compiled line counts against their regular expressions
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python tools/fuzz_compiled.py line-counts --seconds 300

fuzz-walk: install  ## 5 minutes of random markup: the compiled walk against the Python walk it replaced
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python tools/fuzz_compiled.py walk --seconds 300
