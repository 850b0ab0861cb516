# Two commands do everything on a fresh Debian machine: `make run` and `make test`. Every step is idempotent.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cadre_supervision
export REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: setup run test e2e lint bench backup restore restore-check system-packages services deps assets db demo clean

setup: system-packages deps assets services db demo

run: setup
	@scripts/run_all.sh

test: setup
	$(PY) -m pytest --create-db -p no:cacheprovider
	$(MAKE) lint

# lint-imports: the layer contracts in pyproject.toml ([tool.importlinter]); a forbidden import fails the build.
lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --cache-dir var/import_linter_cache
	$(VENV)/bin/bandit -q -r config core cadres vetting audits petitions liaison matters dashboard api -x '*/migrations/*' -ll
	@scripts/check_deploy.sh

# Province-scale data in its own database (cs_scale), then docs/benchmarks.md. Long; not part of `make test`.
bench: setup
	$(PY) scripts/bench/run.py $(BENCH_ARGS)

system-packages:
	@scripts/ensure_system_packages.sh

deps: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	touch $@

assets: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js static/vendor/
	touch $@

services:
	@scripts/ensure_services.sh

db: services deps
	@scripts/ensure_database.sh
	$(PY) manage.py migrate --noinput

demo: db
	$(PY) manage.py seed_demo

backup: deps services
	$(PY) manage.py backup

# make restore FILE=var/backups/cadre-backup-….tar.gz [DB=new_database_name] [REPLACE=1]
# Into a scratch database, checked against the backup's manifest, then renamed into place (docs/operations.md).
restore: deps services
	@test -n "$(FILE)" || { echo "用法：make restore FILE=备份文件 [DB=新数据库名] [REPLACE=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(DB),--database "$(DB)") $(if $(REPLACE),--replace)
	$(if $(DB),DATABASE_URL=$${DATABASE_URL%/*}/$(DB)) $(PY) manage.py migrate --noinput

# The monthly drill: restore into a throwaway database, print the comparison with the manifest, drop it.
restore-check: deps services
	@test -n "$(FILE)" || { echo "用法：make restore-check FILE=备份文件"; exit 2; }
	$(PY) manage.py restore_check "$(FILE)"

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles
