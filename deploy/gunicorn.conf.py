"""Gunicorn settings for Retning: ``gunicorn --config deploy/gunicorn.conf.py``.

Every value comes from the environment, so one file serves a VM behind nginx and a container.
See docs/deployment.md for what each variable means.
"""

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _available_cpus() -> int:
    # sched_getaffinity honours a container's cpuset; a CPU quota is not visible here, which is
    # why WEB_CONCURRENCY should be set explicitly under one.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


wsgi_app = "retning.wsgi:application"
proc_name = "retning"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: Retning's requests are short and database-bound. The usual rule of thumb.
workers = _env_int("WEB_CONCURRENCY", 2 * _available_cpus() + 1)
threads = _env_int("GUNICORN_THREADS", 1)

# A roadmap import of the largest accepted file takes seconds, not minutes; a worker stuck for
# longer than this is killed and replaced. Keep nginx's proxy_read_timeout a little above it.
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Replace workers now and then, so that a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
# No control socket (gunicornc): nothing uses it, and two instances under one user would share
# its default path in the home folder.
control_socket_disable = True
# Heartbeat files on a RAM disk: on a container's overlay file system they can stall workers.
if os.path.isdir("/dev/shm"):  # noqa: S108 - a fixed system path, not a temporary file
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Only these proxies may tell gunicorn the scheme (X-Forwarded-Proto) of the original request.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs: JSON lines on standard error, like the application's own (LOG_FORMAT=json).
# The application logs one line per request with its request id, status, duration and user id;
# gunicorn's access log would repeat it, so it is off unless GUNICORN_ACCESS_LOG=1.
_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "").strip().lower() in {
    "1",
    "true",
    "yes",
    "on",
}
if os.environ.get("LOG_FORMAT", "json").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "retning.operations.logging.JsonFormatter"},
            "access": {"()": "retning.operations.logging.GunicornAccessFormatter"},
        },
        "handlers": {
            "error": {"class": "logging.StreamHandler", "formatter": "json"},
            "access": {"class": "logging.StreamHandler", "formatter": "access"},
        },
        "root": {"level": "INFO", "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
            "gunicorn.access": {
                "level": "INFO",
                "handlers": ["access"] if _access_log else [],
                "propagate": False,
            },
        },
    }
else:
    errorlog = "-"
    accesslog = "-" if _access_log else None


def post_worker_init(worker: object) -> None:
    """Freeze what the worker built at start-up (Django, the URLconf, templates) out of the GC.

    Otherwise the collector's full passes walk those objects during requests; the benchmark
    showed such passes as the p95 outliers of otherwise fast pages.
    """
    import gc

    gc.collect()
    gc.freeze()
