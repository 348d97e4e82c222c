#!/usr/bin/env bash
# Start a local Redis (no persistence) if none answers: the shared-cache test needs one.
set -u
if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  exit 0
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "ensure-redis: no redis-server here; the shared-cache test will be skipped (fail under CI=true)" >&2
  exit 0
fi
mkdir -p /tmp/redis-ci
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
  --dir /tmp/redis-ci --logfile /tmp/redis-ci/redis.log
for _ in $(seq 1 20); do
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0
  sleep 0.5
done
echo "ensure-redis: redis did not come up" >&2
exit 1
