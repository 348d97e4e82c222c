"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py app:server`.

Every value can be overridden from the environment (GUNICORN_WORKERS, ...) without
editing this file. See README, "Deployment", and docs/scaling.md.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8050")
# CPU-bound Python (queries wait on the database, figures and JSON do not): two
# single-threaded workers per core. Threads of one worker share its interpreter lock, so
# under load a request waits inside the process behind its siblings' Python; separate
# processes overlap each other's database round trips instead (make loadtest,
# docs/performance.md: a lower p95 and more requests a second than a worker per core with
# four threads).
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A gthread worker accepts every connection it can and queues its requests behind its own
# threads, and a kept-alive connection stays with the worker that accepted it: a busy
# worker's queue grows while another idles. Taking a connection only when a thread is free,
# and closing it after the response, leaves the waiting in the listen queue that all
# workers share (load test, docs/performance.md: p95 -20 to -40 %, same throughput). The
# reverse proxy in front keeps the browsers' connections alive.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", threads))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))          # a request that long is a bug
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
# Recycle workers now and then so that memory fragmentation never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# Build the app once in the master: workers share the imported code (copy-on-write).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Connections must not be shared across processes: each worker opens its own."""
    from app import server as flask_server

    for key in ("ENGINE", "READ_ENGINE"):
        engine = flask_server.config.get(key)
        if engine is not None:
            engine.dispose(close=False)


def pre_fork(server, worker):
    """In the master, before each worker is forked: the app is built (preload), so read
    the outlier pool's arrays ahead, freeze what was made and tune the collector; the
    worker inherits all three (the arrays shared, not copied, while nobody writes them).
    Without preload the master has no app: each worker reads the arrays on its first
    outcomes request."""
    from dashboard import collector

    if server is not None and server.cfg.preload_app:
        from app import server as flask_server
        from queries.readmodel import readers

        readers.warm(flask_server.config.get("READ_ENGINE")
                          or flask_server.config["ENGINE"])
    collector.settle()
