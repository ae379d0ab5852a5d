"""YOUR CODE GOES HERE: what ${{ values.name }} does with one message from ${{ values.topic }}."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol


class PermanentError(Exception):
    """A message that will never succeed (bad content): no retries, straight to the DLQ."""


@dataclass(frozen=True)
class ParsedMessage:
    id: str  # stable id used for idempotency: the ce-id header, else topic/partition/offset
    key: str | None
    headers: dict[str, str]
    body: Any  # the JSON-decoded message value


@dataclass(frozen=True)
class HandlerContext:
    logger: logging.LoggerAdapter  # app.logging_config.ContextLogger
    attempt: int  # 1 for the first attempt, 2 for the first retry, ...


class MessageHandler(Protocol):
    def __call__(self, message: ParsedMessage, ctx: HandlerContext) -> None: ...


def handle_message(message: ParsedMessage, ctx: HandlerContext) -> None:
    """Raise PermanentError for messages that can never succeed; raise anything else for
    failures worth retrying. Prefer idempotent writes (upserts, conditional updates)."""
    if not isinstance(message.body, dict):
        raise PermanentError("message body is not a JSON object")
    ctx.logger.info("message handled", extra={"fields": sorted(message.body)})
