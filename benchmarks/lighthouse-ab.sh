#!/bin/bash
# Lighthouse before/after on a shared, noisy machine: two checkouts served side by side
# (gunicorn on 127.0.0.1:8071 and :8072, the same database), and for each page three runs
# of A then three of B, so that both see about the same load. Each side's per-page JSON
# (benchmarks/lighthouse.py --json) and full reports go to OUT/.
#
#   benchmarks/lighthouse-ab.sh OUT DIR_A DIR_B DATABASE_URL [PAGE ...]
#   e.g. git worktree add /tmp/before main; benchmarks/lighthouse-ab.sh /tmp/ab /tmp/before . URL
#
# Needs what benchmarks/lighthouse.py needs, in each checkout (node_modules/ with lighthouse).
set -euo pipefail
out=$1; A=$(cd "$2" && pwd); B=$(cd "$3" && pwd); db=$4; shift 4
pages=("$@"); [ ${#pages[@]} -gt 0 ] || pages=(/ /caseload /milestones /staff /outcomes)
mkdir -p "$out"
python=${PYTHON:-python}

serve() {  # dir port
    (cd "$1" && DATABASE_URL=$db GUNICORN_BIND=127.0.0.1:$2 GUNICORN_ACCESSLOG= \
        GUNICORN_CMD_ARGS="--pid $out/gunicorn-$2.pid" SECRET_KEY=$(openssl rand -hex 16) \
        PYTHONPATH=$1 setsid "$python" -m gunicorn -c gunicorn.conf.py app:server \
        >"$out/gunicorn-$2.log" 2>&1 &)
}
stop() {
    for port in 8071 8072; do
        [ -f "$out/gunicorn-$port.pid" ] && kill -TERM "$(cat "$out/gunicorn-$port.pid")" || true
    done
}
trap stop EXIT
serve "$A" 8071; serve "$B" 8072
for _ in $(seq 1 90); do
    curl -sf http://127.0.0.1:8071/healthz >/dev/null && curl -sf http://127.0.0.1:8072/healthz >/dev/null && break
    sleep 1
done
for page in "${pages[@]}"; do
    name=$(echo "$page" | tr -d /); name=${name:-overview}
    for side in a b; do
        if [ $side = a ]; then dir=$A; port=8071; else dir=$B; port=8072; fi
        (cd "$dir" && PYTHONPATH=$dir "$python" benchmarks/lighthouse.py --database-url "$db" \
            --base http://127.0.0.1:$port --username lighthouse-$side --pages "$page" --runs 3 \
            --no-login-page --json "$out/$side-$name.json" --reports "$out/reports-$side") \
            2>&1 | tee -a "$out/log"
    done
done
