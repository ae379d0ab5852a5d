"""Settings from environment variables (see k8s/cronjob.yaml)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


def _int(environ: Mapping[str, str], key: str, default: int, minimum: int = 0) -> int:
    raw = environ.get(key, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ValueError(f'{key} must be an integer >= {minimum}, got "{raw}"')
    return value


@dataclass(frozen=True)
class Settings:
    service_name: str
    log_level: str
    # When the run stops itself: a little before the CronJob's activeDeadlineSeconds
    # (${{ values.activeDeadlineSeconds }} s), so it can finish the batch in hand and log what it did.
    deadline_seconds: int
    # JOB_STOP_TIMEOUT_SECONDS: how long the task gets to stop after SIGTERM (or the deadline)
    # before the run is abandoned, so that the summary is logged and the traces are flushed
    # before Kubernetes kills the pod (terminationGracePeriodSeconds: 30 in k8s/cronjob.yaml).
    stop_timeout_seconds: int
    batch_size: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            service_name=env.get("OTEL_SERVICE_NAME", "${{ values.name }}"),
            log_level=env.get("LOG_LEVEL", "info"),
            deadline_seconds=_int(env, "JOB_DEADLINE_SECONDS", ${{ values.activeDeadlineSeconds - 60 if values.activeDeadlineSeconds > 120 else values.activeDeadlineSeconds // 2 }}, 1),
            stop_timeout_seconds=_int(env, "JOB_STOP_TIMEOUT_SECONDS", 20, 1),
            batch_size=_int(env, "BATCH_SIZE", 100, 1),
        )
