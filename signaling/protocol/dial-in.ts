import * as z from 'zod';

/*
 * Dial-in numbers (DIAL_IN_NUMBERS) and what the pages and the
 * Jitsi-compatible endpoints say about them. Leaf module: the browser
 * builds its tel: links with the same function as the emails.
 */

/** Spaces and the visual separators people type in numbers (RFC 3966 allows - . ( ) only). */
const SEPARATORS = /[\s\u00a0\u202f.\-()]/g;
/** E.164: a plus, a country code that does not start with 0, 15 digits at most. */
const E164 = /^\+[1-9][0-9]{5,14}$/;

/** "+33 1 86 95 00 00" → "+33186950000", or null when it is not an E.164 number. */
export function toE164(number: string): string | null {
  const bare = number.replace(SEPARATORS, '');
  return E164.test(bare) ? bare : null;
}

export const DialInNumberSchema = z
  .object({
    /** ISO 3166-1 alpha-2, upper case: FR, BE, RE… */
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code in capitals, like FR'),
    /** As people should read it: « +33 1 86 95 00 00 ». */
    number: z
      .string()
      .max(32)
      .refine((n) => toE164(n) !== null, 'an international number, like +33 1 86 95 00 00 (E.164)'),
    tollFree: z.boolean().default(false),
    default: z.boolean().default(false),
  })
  .strict();
export type DialInNumber = z.infer<typeof DialInNumberSchema>;

export const DialInNumbersSchema = z
  .array(DialInNumberSchema)
  .max(32)
  .refine((list) => list.filter((n) => n.default).length <= 1, 'at most one number may be "default": true')
  .refine(
    (list) => new Set(list.map((n) => toE164(n.number))).size === list.length,
    'each number at most once',
  );

/** The number messages show first: the one marked default, else the first listed. */
export function defaultDialIn(numbers: readonly DialInNumber[]): DialInNumber | undefined {
  return numbers.find((n) => n.default) ?? numbers[0];
}

/**
 * `tel:+33186950000,,123456%23`: the number, two pauses while the gateway
 * answers, then the PIN and its closing `#`, so one tap dials everything.
 * RFC 3966 leaves dial strings out of its scope, and `#` starts a fragment in
 * every URI (RFC 3986), so it is sent as `%23`; the pause `,` is the de-facto
 * convention that Android's and iOS's diallers both follow (about 2 s each).
 * Android cuts a literal `#`; a phone that drops `%23` too still gets in,
 * since the voice menu takes six digits followed by silence as the code.
 */
export function dialInTelUri(number: string, pin: string): string | null {
  const e164 = toE164(number);
  if (!e164 || !/^[0-9]{4,12}$/.test(pin)) return null;
  return `tel:${e164},,${pin}%23`;
}

/** What a page shows to whoever holds a valid link of the appointment: where to call, and the code. */
export const DialInInfoSchema = z.object({
  pin: z.string().regex(/^[0-9]{6}$/),
  numbers: z.array(DialInNumberSchema).min(1).max(32),
});
export type DialInInfo = z.infer<typeof DialInInfoSchema>;

/** Jitsi Meet's `dialInNumbersUrl` answer (the array form): one entry per number. */
export const JitsiDialInNumberSchema = z.object({
  countryCode: z.string(),
  tollFree: z.boolean(),
  formattedNumber: z.string(),
  default: z.boolean(),
});
export const JitsiDialInNumbersSchema = z.array(JitsiDialInNumberSchema);

/** Jitsi Meet's `dialInConfCodeUrl` answer: `id` is the PIN (a string: it may start with 0). */
export const JitsiConfCodeSchema = z.object({
  conference: z.string(),
  id: z.string(),
  message: z.string(),
});
export type JitsiConfCode = z.infer<typeof JitsiConfCodeSchema>;

/** `?conference=` as Jitsi sends it (`room@conference.example.fr`) or our room id alone; `?t=` a one-click token. */
export const DialInCodeQuerySchema = z.object({
  conference: z.string().min(1).max(320),
  t: z.string().max(4096).optional(),
});

export function dialInNumbersForJitsi(
  numbers: readonly DialInNumber[],
): z.infer<typeof JitsiDialInNumbersSchema> {
  const first = defaultDialIn(numbers);
  return numbers.map((n) => ({
    countryCode: n.country,
    tollFree: n.tollFree,
    formattedNumber: n.number,
    default: n === first,
  }));
}
