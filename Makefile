# The two commands a new user needs: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean

$(BIN)/govaudit: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/govaudit
	$(BIN)/govaudit demo

# pytest ends with the skipped tests, grouped by reason with how to make them run (tests/skip_summary.py).
test: $(BIN)/govaudit
	$(BIN)/python -m pytest

lint: $(BIN)/govaudit
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) govaudit-demo build *.egg-info
