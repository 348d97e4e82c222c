#!/usr/bin/env bash
# Start the local PostgreSQL cluster if it is down (CI machines have one installed).
set -u
host=${PGHOST_TEST:-127.0.0.1}
if pg_isready -q -h "$host" -p 5432 2>/dev/null; then
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "ensure-postgres: no PostgreSQL server here; PostgreSQL tests will be skipped (fail under CI=true)" >&2
  exit 0
fi
version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
echo "ensure-postgres: starting cluster $version/main" >&2
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do
  pg_isready -q -h "$host" -p 5432 && exit 0
  sleep 1
done
echo "ensure-postgres: server did not come up" >&2
exit 1
