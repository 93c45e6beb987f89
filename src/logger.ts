import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear, so a careless `log.info({ input })` cannot leak a
 * secret. The code also never passes these values on purpose; this is the second line.
 */
const REDACTED_PATHS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'token',
  'refreshToken',
  'authorization',
  'secret',
  'privateKey',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.passwordHash',
  '*.token',
  '*.refreshToken',
  '*.authorization',
  '*.secret',
  '*.privateKey',
  'headers.authorization',
  'headers["x-operator-key"]',
  'variables.input.password',
  'variables.input.newPassword',
  'variables.input.currentPassword',
  'variables.input.refreshToken',
];

/** The root pino logger; components take a child with `component` set. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'tenantgate' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
