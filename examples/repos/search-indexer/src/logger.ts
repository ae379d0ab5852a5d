import { pino, type Logger } from 'pino';

/**
 * JSON logs on stdout: one object per line with `time`, `level` (as a word), `message`
 * and `service`. When tracing is on, the pino instrumentation adds `trace_id` and
 * `span_id` to every line logged inside a request.
 */
export function createLogger(options: { service: string; level: string }): Logger {
  return pino({
    level: options.level,
    messageKey: 'message',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
    },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
