# The two commands of the README:
#   make book   build the HTML book into _build/html (creates .venv on first use)
#   make test   lint, unit tests, the book build check and every notebook re-executed (nbval)
# and, for CI's second Python:
#   make unit   lint and the unit tests of lstm_utils only (no notebooks, no book build)
# Python 3.11, 3.12 and 3.13 are accepted; for another environment next to .venv, set VENV too:
#   make unit PYTHON=python3.13 VENV=.venv-3.13
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BOOK_ARGS := . --config book/_config.yml --toc book/_toc.yml

.PHONY: book test unit lint notebooks clean

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 13), \
		f"Python 3.11, 3.12 or 3.13 is required, found {sys.version.split()[0]}; set PYTHON=python3.13, say"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# --all: when no page changed, Sphinx 7 stops before copying static files, so an edited
# book/_static/book.css would not reach _build/html; a full build takes about 10 s.
book: $(VENV)/.installed
	$(BIN)/jupyter-book build $(BOOK_ARGS) -W -n --keep-going --all
	@echo "The book is in _build/html; open _build/html/index.html in a browser."

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg

# The unit tests, without the book build (test_book) and the browser (test_browser): what CI
# also runs under the newest supported Python, so that a break there shows.
unit: lint
	$(BIN)/python -m pytest tests --ignore=tests/test_book.py --ignore=tests/test_browser.py

notebooks: $(VENV)/.installed
	$(BIN)/python tools/execute_notebooks.py

clean:
	rm -rf _build
