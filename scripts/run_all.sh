#!/usr/bin/env bash
# Web server, Celery worker and Celery beat in one foreground process group: Ctrl-C stops all three.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
trap 'trap - INT TERM EXIT; kill 0 2>/dev/null; wait' INT TERM EXIT
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 -n "worker@%h" &
.venv/bin/celery -A config beat --loglevel=INFO --schedule var/celerybeat-schedule &
echo "访问 http://127.0.0.1:8000/ （Ctrl-C 退出）"
.venv/bin/python manage.py runserver 127.0.0.1:8000 &
wait -n
