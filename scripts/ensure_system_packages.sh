#!/usr/bin/env bash
# Installs the Debian packages the platform and its tests need, only those that are missing.
set -euo pipefail
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need python3 python3
need npm npm
need pg_dump postgresql-client
need chromium chromium
need fc-list fontconfig
need soffice libreoffice-calc      # the monthly workbook is checked by converting it to PDF
need pdftotext poppler-utils       # ... and reading the PDF's text
need wrk wrk                        # make bench: HTTP throughput of the cadre list
dpkg -s python3-venv >/dev/null 2>&1 || python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "缺少系统软件包：${missing[*]}；请以 root 运行，或先安装它们。" >&2
    exit 1
  fi
  echo "安装系统软件包：${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
