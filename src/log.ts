import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * Structured logs on stderr, so that stdout stays the conversation in console mode. Anything that
 * looks like a credential is redacted before it is written.
 */
export function createLogger(level: LogLevel): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['*.token', '*.botToken', '*.appToken', '*.signingSecret', '*.password', '*.authorization', 'config.database.url'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
