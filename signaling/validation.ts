import type { z } from 'zod';
import type { FieldError } from './protocol/index.js';
import { ValidationError } from './errors.js';

/** zod issues as `{ path: "a.b", message }`, the shape every 400 answer uses. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    // An unknown key is a problem of that key, not of the object holding it.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: base.join('.') || '(root)', message: issue.message }];
  });
}

/** Parse untrusted input or throw a ValidationError naming each bad field. */
export function parseOrThrow<T>(
  schema: z.ZodType<T>,
  input: unknown,
  code: 'INVALID_PAYLOAD' | 'VALIDATION_FAILED',
): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const fields = toFieldErrors(result.error);
    const summary = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
    throw new ValidationError(code, `invalid input: ${summary}`, fields);
  }
  return result.data;
}
