"""Liveness and readiness probes for load balancers and orchestration."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _error(exc: Exception) -> dict:
    """The failure, without connection details unless DEBUG: the probe is public."""
    message = f"{type(exc).__name__}: {exc}" if settings.DEBUG else type(exc).__name__
    return {"status": "error", "error": message[:200]}


@never_cache
@require_GET
def healthz(request):
    """The process is up."""
    return JsonResponse({"status": "ok"})


def _check_database() -> dict:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"status": "ok"}
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return _error(exc)


def _check_migrations() -> dict:
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001
        return _error(exc)
    if plan:
        return {"status": "error", "error": f"{len(plan)} unapplied migration(s)"}
    return {"status": "ok"}


def _check_broker() -> dict:
    if not settings.REDIS_URL:
        return {"status": "ok", "broker": "filesystem"}
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        return {"status": "ok", "broker": "redis"}
    except Exception as exc:  # noqa: BLE001
        return _error(exc)


@never_cache
@require_GET
def readyz(request):
    """Database reachable, migrations applied, broker reachable when configured."""
    checks = {"database": _check_database()}
    checks["migrations"] = (
        _check_migrations() if checks["database"]["status"] == "ok" else {"status": "skipped"}
    )
    checks["broker"] = _check_broker()
    ready = (
        all(check["status"] in {"ok", "skipped"} for check in checks.values())
        and checks["migrations"]["status"] == "ok"
    )
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
