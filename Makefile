.PHONY: setup demo test lint types format bench schema messages
setup:          ## install system packages (when missing) and the venv
	scripts/bootstrap --test
demo:           ## install and run the demo on http://127.0.0.1:8080
	scripts/demo
test:           ## the whole suite, as CI runs it
	scripts/test
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
types:          ## mypy, strict, over the core and both faces
	scripts/typecheck
format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
bench:          ## measure; results go to bench/results/
	.venv/bin/python bench/loop_latency.py
schema:         ## after adding a migration step: write the schema the steps make to store/schema.sql
	.venv/bin/boxinterview migrate --dump-schema src/boxinterview/store/schema.sql

messages:       ## after changing candidate-facing text: update the catalogue templates and every shipped catalogue
	.venv/bin/python -m boxinterview.i18n.extract
