# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv/ and
# installs what it needs when missing; the Kafka jars are fetched from Maven Central on first use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install broker-fetch clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

broker-fetch: $(STAMP)
	$(BIN)/watchfloor broker fetch

demo: $(STAMP) broker-fetch
	$(BIN)/watchfloor demo

test: $(STAMP) broker-fetch
	$(BIN)/watchfloor rules check
	$(BIN)/python -m pytest -q

# Benchmarks (bench/, issue 7): all five, or some with BENCH="extraction matching".
bench: $(STAMP) broker-fetch
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) var outbox
