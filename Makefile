# Two commands on a fresh machine:
#   make app    set up and run the analysts' desk on the embedded SQLite store (./claims.db)
#   make test   set up and run every test (PostgreSQL and browser tests included when available)

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
# this machine only; `make app ADDRESS=0.0.0.0` listens on every interface (behind a proxy)
ADDRESS ?= 127.0.0.1
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: app test setup lint bench constraints clean

# constraints.txt pins every package to the versions last tested (pyproject.toml keeps the lower
# bounds a library user needs); refresh it with `make constraints` after changing dependencies.
$(STAMP): pyproject.toml constraints.txt setup.py claims/_speedups.pyx
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[app,dev,spark]'
	touch $(STAMP)

setup: $(STAMP)

app: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless true --browser.gatherUsageStats false

# PostgreSQL tests run against $$CLAIMS_TEST_PG_URL, else the local server at 127.0.0.1:5432
# when it answers (skipped with a message when not; CI sets CLAIMS_REQUIRE_PG=1 to fail instead).
# Browser tests need Debian's chromium, Spark tests (local mode) a Java runtime (17+, as Spark 4
# wants): both installed here when missing and we are root.
test: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null)
	@command -v java >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null)
	$(BIN)/ruff check claims tests bench app.py
	$(BIN)/pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check claims tests bench app.py

bench: $(STAMP)
	$(BIN)/python bench/extract_speed.py ../shared/data/polnear/dev/text --lang en --repeat 5
	$(BIN)/python bench/extract_speed.py ../shared/data/hindi-news-2020 --lang hi --repeat 3

constraints: $(STAMP)
	$(BIN)/pip freeze --exclude-editable --exclude claims | sed '/^-e /d' > constraints.txt

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache build claims/_compiled claims/_speedups.*.so
