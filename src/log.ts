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
        // A platform SDK's error carries the request it failed: its URL (a Discord interaction token is
        // part of it) and its body (a message's text, files) are not logged.
        paths: ['*.token', '*.botToken', '*.appToken', '*.signingSecret', '*.clientSecret', '*.botSecret', '*.privateKey', '*.access_token', '*.assertion', '*.password', '*.authorization', 'config.database.url', 'err.url', 'err.requestBody'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
