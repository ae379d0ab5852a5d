"""HTTP routes: probes and the example route. Start-up wiring lives in app/__main__.py."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app import __version__

logger = logging.getLogger("app")

PROBE_PATHS = {"/healthz", "/readyz"}
NAME_PATTERN = re.compile(r"^[\w .'-]{1,64}$")


@dataclass(frozen=True)
class ReadinessCheck:
    """A dependency check for /readyz: a blocking callable that raises when unusable."""

    name: str
    check: Callable[[], None]


def create_app(
    *,
    readiness_checks: Sequence[ReadinessCheck] = (),
    readiness_timeout_seconds: float = 2.0,
) -> FastAPI:
    app = FastAPI(title="payments-api", version=__version__)

    @app.middleware("http")
    async def log_requests(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        if request.url.path not in PROBE_PATHS:
            status = response.status_code
            level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
            logger.log(
                level,
                "request completed",
                extra={
                    "method": request.method,
                    "path": request.url.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response

    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception) -> JSONResponse:
        logger.error("unhandled error", exc_info=exc, extra={"path": request.url.path})
        return JSONResponse({"error": "internal_error"}, status_code=500)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        # Liveness: the process answers. No dependency checks here: a database outage
        # must not make Kubernetes restart every pod.
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        async def run(check: ReadinessCheck) -> tuple[str, bool]:
            try:
                await asyncio.wait_for(run_in_threadpool(check.check), readiness_timeout_seconds)
                return check.name, True
            except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
                logger.warning("readiness check failed", extra={"check": check.name, "reason": repr(exc)})
                return check.name, False

        results = await asyncio.gather(*(run(c) for c in readiness_checks))
        ready = all(ok for _, ok in results)
        return JSONResponse(
            {
                "status": "ready" if ready else "not ready",
                "checks": {name: "ok" if ok else "failed" for name, ok in results},
            },
            status_code=200 if ready else 503,
        )

    # Example route: replace it with your own.
    @app.get("/v1/greetings/{name}")
    async def greet(name: str) -> JSONResponse:
        if not NAME_PATTERN.fullmatch(name):
            return JSONResponse(
                {
                    "error": "invalid_name",
                    "message": "name must be 1 to 64 letters, digits, spaces or . ' -",
                },
                status_code=400,
            )
        return JSONResponse({"message": f"Hello, {name}!"})

    @app.exception_handler(404)
    async def not_found(_request: Request, _exc: Exception) -> JSONResponse:
        return JSONResponse({"error": "not_found"}, status_code=404)

    return app
