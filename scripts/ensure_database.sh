#!/usr/bin/env bash
# Creates the database named in DATABASE_URL if it does not exist yet.
set -euo pipefail
url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cadre_supervision}
name=${url##*/}; name=${name%%\?*}
admin_url=${url%/*}/postgres
if [ "$(psql "$admin_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]; then
  psql "$admin_url" -qc "CREATE DATABASE \"$name\" ENCODING 'UTF8' TEMPLATE template0"
  echo "已创建数据库 $name"
fi
