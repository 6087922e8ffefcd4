import { z } from 'zod';
import { DialInNumbersSchema } from '../signaling/protocol/dial-in.js';

/**
 * DIAL_IN_NUMBERS: a JSON array, e.g.
 * `[{"country":"FR","number":"+33 1 86 95 00 00","tollFree":false,"default":true}]`.
 * Each problem is reported with its place (`DIAL_IN_NUMBERS.0.number: …`),
 * so a typo stops the server at start instead of mailing a wrong number.
 */
export const DialInNumbersEnvSchema = z
  .string()
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'not JSON: expected [{"country":"FR","number":"+33 1 86 95 00 00","default":true}]',
      });
      return z.NEVER;
    }
  })
  .pipe(DialInNumbersSchema);

/** The variable before DIAL_IN_NUMBERS: refused with the way to move over, rather than guessed at. */
export function legacyDialInProblem(env: Record<string, string | undefined>): string | null {
  const old = env['DIAL_IN_NUMBER'];
  if (old === undefined || old === '') return null;
  return (
    'DIAL_IN_NUMBER: replaced by DIAL_IN_NUMBERS (JSON, numbers by country), e.g. ' +
    `DIAL_IN_NUMBERS='[{"country":"FR","number":"+33 1 23 45 67 89","default":true}]'`
  );
}
