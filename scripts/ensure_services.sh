#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer on 127.0.0.1: start them where installed, install them where missing.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null; }
wait_for() { for _ in $(seq 1 30); do if "$@" >/dev/null 2>&1; then return 0; fi; sleep 1; done; return 1; }

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  fresh=0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then apt_install postgresql; fresh=1; fi
  version=$(ls /etc/postgresql | sort -V | tail -1)
  if [ "$fresh" = 1 ]; then
    # A fresh developer/CI machine: let the local postgres user in over loopback without a password, as documented.
    sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL 未能启动" >&2; exit 1; }
fi
echo "PostgreSQL 已就绪"

if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for bash -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG' || { echo "Redis 未能启动" >&2; exit 1; }
fi
echo "Redis 已就绪"
