#!/usr/bin/env bash
# `manage.py check --deploy` with production settings and throw-away keys: every production check must pass.
set -euo pipefail
cd "$(dirname "$0")/.."
key() { python3 -c "import secrets; print(secrets.token_hex($1))"; }
env DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=jiandu.internal \
  DJANGO_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  AUDIT_LOG_KEY="$(key 32)" PETITION_KEYS="k1:$(key 16)" PETITION_ACTIVE_KEY=k1 PETITION_HASH_KEY="$(key 32)" \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
