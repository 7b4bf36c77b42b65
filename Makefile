# The two commands of the README:
#   make book   build the HTML book into _build/html (creates .venv on first use)
#   make test   lint, unit tests, the book build check and every notebook re-executed (nbval)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BOOK_ARGS := . --config book/_config.yml --toc book/_toc.yml

.PHONY: book test lint notebooks clean

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), \
		f"Python 3.11 is required, found {sys.version.split()[0]}; set PYTHON=python3.11"'
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

notebooks: $(VENV)/.installed
	$(BIN)/python tools/execute_notebooks.py

clean:
	rm -rf _build
