import type { Logger } from './logger';

/** Thrown for a message that will never succeed (bad content): no retries, straight to the DLQ. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

export interface ParsedMessage {
  /** Stable id used for idempotency: the `ce-id` header, else topic/partition/offset. */
  id: string;
  key: string | null;
  headers: Record<string, string>;
  /** The JSON-decoded message value. */
  body: unknown;
}

export interface HandlerContext {
  logger: Logger;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
}

export type MessageHandler = (message: ParsedMessage, ctx: HandlerContext) => Promise<void>;

/**
 * YOUR CODE GOES HERE: what search-indexer does with one message from catalog.item-changed.
 *
 * Throw PermanentError for messages that can never succeed; throw anything else for
 * failures worth retrying. Prefer idempotent writes (upserts, conditional updates).
 */
export const handleMessage: MessageHandler = async (message, ctx) => {
  const body = message.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PermanentError('message body is not a JSON object');
  }
  ctx.logger.info({ messageId: message.id, key: message.key, fields: Object.keys(body) }, 'message handled');
};
