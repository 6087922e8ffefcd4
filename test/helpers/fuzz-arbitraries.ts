import fc, { type Arbitrary } from 'fast-check';
import type { z } from 'zod';

/*
 * fast-check arbitraries derived from the protocol's zod schemas, for the
 * fuzz tests: `valid` (what the schema accepts), `nearValid` (a valid value
 * with one thing wrong: a key dropped, added or given a wrong type) and
 * `hostile` (anything at all, plus classics: prototype keys, huge strings,
 * deep nesting, control characters). Refinements a generator cannot know
 * (an IANA time zone, a future date) come from `hints`, keyed by field name.
 */

export type Hints = Record<string, Arbitrary<unknown>>;

/** Runs per category: small in `npm test`, FUZZ_RUNS (e.g. 10000) in a nightly run. */
export const FUZZ_RUNS = Number(process.env['FUZZ_RUNS'] ?? 60);
/**
 * Cases sent at once in one property run (FUZZ_BATCH, default 10): a loaded
 * machine spends most of a case waiting for its answer, so batches keep the
 * 10,000-case run within bounds, and concurrent requests are hostile input
 * too. fast-check still shrinks a failing batch.
 */
export const FUZZ_BATCH = Math.max(1, Number(process.env['FUZZ_BATCH'] ?? 10));

/** `runs` cases (rounded up to whole batches) as property runs of one batch each. */
export function batched<T>(arbitrary: Arbitrary<T>, runs: number = FUZZ_RUNS) {
  const size = Math.min(FUZZ_BATCH, runs);
  return {
    batch: fc.array(arbitrary, { minLength: size, maxLength: size }),
    numRuns: Math.ceil(runs / size),
  };
}

/**
 * A test's time limit for FUZZ_RUNS cases of one category: 150 ms a case on
 * top of the usual 30 s. On the shared 2-core machine at load 40, 10,000
 * valid bookings (batches of 10) took more than 630 s, the earlier bound of
 * 60 ms a case; 150 bounds such a category at 25 minutes.
 */
export const FUZZ_TIMEOUT_MS = 30_000 + FUZZ_RUNS * 150;

interface Def {
  type: string;
  [key: string]: unknown;
}

const defOf = (schema: unknown): Def => {
  const internals: unknown =
    typeof schema === 'object' && schema !== null ? Reflect.get(schema, '_zod') : null;
  const def: unknown =
    typeof internals === 'object' && internals !== null ? Reflect.get(internals, 'def') : null;
  if (typeof def !== 'object' || def === null || typeof Reflect.get(def, 'type') !== 'string') {
    throw new Error('not a zod schema');
  }
  return { ...def, type: String(Reflect.get(def, 'type')) };
};

/** A check's own definition (`{ check: 'min_length', minimum: 2 }`…); checks have no `type`. */
const checksOf = (def: Def): Record<string, unknown>[] => {
  const checks = def['checks'];
  if (!Array.isArray(checks)) return [];
  return checks.flatMap((check: unknown) => {
    const internals: unknown =
      typeof check === 'object' && check !== null ? Reflect.get(check, '_zod') : null;
    const inner: unknown =
      typeof internals === 'object' && internals !== null ? Reflect.get(internals, 'def') : null;
    return typeof inner === 'object' && inner !== null ? [{ ...inner }] : [];
  });
};

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function stringArbitrary(def: Def): Arbitrary<unknown> {
  let minLength = 0;
  let maxLength = 80;
  let pattern: RegExp | undefined;
  for (const check of checksOf(def)) {
    if (check['check'] === 'min_length') minLength = num(check['minimum']) ?? minLength;
    if (check['check'] === 'max_length') maxLength = num(check['maximum']) ?? maxLength;
    if (check['check'] === 'string_format' && check['pattern'] instanceof RegExp) pattern = check['pattern'];
  }
  if (def['format'] === 'uuid') return fc.uuid();
  if (def['pattern'] instanceof RegExp) pattern = def['pattern'];
  if (pattern)
    return fc.stringMatching(pattern).filter((s) => s.length >= minLength && s.length <= maxLength);
  return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 80), unit: 'grapheme' });
}

function numberArbitrary(def: Def): Arbitrary<unknown> {
  let min = -1e6;
  let max = 1e6;
  let integer = false;
  for (const check of checksOf(def)) {
    if (check['check'] === 'greater_than') min = (num(check['value']) ?? min) + (check['inclusive'] ? 0 : 1);
    if (check['check'] === 'less_than') max = (num(check['value']) ?? max) - (check['inclusive'] ? 0 : 1);
    if (check['check'] === 'number_format') integer = true;
  }
  return integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Values the schema is likely to accept (the tests filter by safeParse). */
export function arbitraryFor(schema: unknown, hints: Hints = {}, field = ''): Arbitrary<unknown> {
  const hint = hints[field];
  if (hint) return hint;
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return stringArbitrary(def);
    case 'number':
      return numberArbitrary(def);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'literal': {
      const values = def['values'];
      return fc.constantFrom(...(Array.isArray(values) ? values : [undefined]));
    }
    case 'enum': {
      const entries = def['entries'];
      return fc.constantFrom(
        ...Object.values(typeof entries === 'object' && entries !== null ? entries : {}),
      );
    }
    case 'optional':
      return fc.option(arbitraryFor(def['innerType'], hints, field), { nil: undefined });
    case 'nullable':
      return fc.option(arbitraryFor(def['innerType'], hints, field), { nil: null });
    case 'default':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return arbitraryFor(def['innerType'], hints, field);
    case 'pipe':
      return arbitraryFor(def['in'], hints, field);
    case 'transform':
      return fc.anything();
    case 'array': {
      let minLength = 0;
      let maxLength = 5;
      for (const check of checksOf(def)) {
        if (check['check'] === 'min_length') minLength = num(check['minimum']) ?? minLength;
        if (check['check'] === 'max_length') maxLength = num(check['maximum']) ?? maxLength;
      }
      return fc.array(arbitraryFor(def['element'], hints, field), {
        minLength,
        maxLength: Math.min(maxLength, minLength + 5),
      });
    }
    case 'union': {
      const options = def['options'];
      return fc.oneof(
        ...(Array.isArray(options) ? options : []).map((o: unknown) => arbitraryFor(o, hints, field)),
      );
    }
    case 'object': {
      const shape = def['shape'];
      const entries = Object.entries(typeof shape === 'object' && shape !== null ? shape : {});
      const record: Record<string, Arbitrary<unknown>> = {};
      for (const [key, value] of entries) record[key] = arbitraryFor(value, hints, key);
      return fc
        .record(record)
        .map((value) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)));
    }
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 8 }), arbitraryFor(def['valueType'], hints, field), {
        maxKeys: 4,
      });
    default:
      return fc.anything();
  }
}

/** What the schema accepts: generated values that parse, or one of the known-good examples. */
export function validFor<S extends z.ZodType>(
  schema: S,
  examples: unknown[],
  hints: Hints = {},
): Arbitrary<unknown> {
  const generated = arbitraryFor(schema, hints).filter((value) => schema.safeParse(value).success);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...examples), weight: 1 },
    { arbitrary: generated, weight: 3 },
  );
}

const HOSTILE_STRINGS = [
  '__proto__',
  'constructor',
  '\u0000',
  '\ud800',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE appointments; --",
  '%00',
  '{{7*7}}',
  '${7*7}',
];

/** Anything, weighted towards what breaks parsers and stores. */
export function hostile(): Arbitrary<unknown> {
  const deep = fc.integer({ min: 50, max: 400 }).map((depth) => {
    let value: unknown = 'x';
    for (let i = 0; i < depth; i += 1) value = { a: value };
    return value;
  });
  return fc.oneof(
    fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 4 }),
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.dictionary(fc.constantFrom(...HOSTILE_STRINGS), fc.anything(), { maxKeys: 3 }),
    fc.string({ minLength: 10_000, maxLength: 70_000 }),
    fc.array(fc.integer(), { minLength: 1000, maxLength: 3000 }),
    deep,
  );
}

/** A valid value with one thing wrong: a key dropped, a key added, or one value replaced by anything. */
export function nearValid(valid: Arbitrary<unknown>): Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), fc.constantFrom('drop', 'add', 'replace'), fc.anything({ maxDepth: 2 }))
    .map(([value, index, how, junk]) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return junk;
      const copy: Record<string, unknown> = { ...value };
      const keys = Object.keys(copy);
      const key = keys.length > 0 ? keys[index % keys.length] : undefined;
      if (how === 'add' || key === undefined) copy[`extra${index % 7}`] = junk;
      else if (how === 'drop') return Object.fromEntries(Object.entries(copy).filter(([k]) => k !== key));
      else copy[key] = junk;
      return copy;
    });
}
