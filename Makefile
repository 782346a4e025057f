# Nghe Dân: the commands. Each one installs what it needs first (.venv, pinned packages).
#   make start    install, prepare the database and the demo, serve http://127.0.0.1:8000
#   make test     the whole test suite (NGHEDAN_DATABASE_URL=postgres://… for PostgreSQL)

SHELL := /bin/bash
BIND ?= 127.0.0.1:8000
ARGS ?=

.PHONY: help start test install lint sweep bench bench-first-start ci

help:
	@echo "make start              cài đặt, chuẩn bị dữ liệu mẫu, chạy http://$(BIND) / install, load the demo, serve"
	@echo "make test [ARGS=…]      chạy toàn bộ kiểm thử / run the whole test suite"
	@echo "make lint               ruff và mypy / ruff and mypy"
	@echo "make sweep              đưa lại việc dở dang vào hàng đợi / re-enqueue lost work (sweep_tasks)"
	@echo "make bench              đo tải HTTP / HTTP load benchmark (docs/benchmarks.md)"
	@echo "make bench-first-start  đo thời gian lần chạy đầu / time the first start (docs/benchmarks.md)"
	@echo "make ci                 như CI: lint, SQLite, PostgreSQL / as CI does: lint, SQLite, PostgreSQL"

start:
	bash scripts/start.sh --bind $(BIND)

test:
	bash scripts/test.sh $(ARGS)

install:
	bash scripts/install.sh

lint: install
	.venv/bin/ruff check .
	NGHEDAN_SECRET_KEY=$${NGHEDAN_SECRET_KEY:-type-checking-only-key-0123456789abcdefghijklmnopqrstuvwxyz} .venv/bin/mypy nghedan

sweep:
	bash scripts/manage.sh sweep_tasks

bench: install
	.venv/bin/python bench/http_load.py $(ARGS)

bench-first-start:
	python3 bench/first_start.py $(ARGS)

ci:
	bash .ci/run
