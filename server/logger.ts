import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * The one pino root. Secrets and personal data are redacted by key wherever
 * they appear, and request URLs lose their query string (one-click links
 * carry a token there).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'email',
          '*.email',
          'phone',
          '*.phone',
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url?.split('?')[0],
        }),
      },
    },
    destination,
  );
}
