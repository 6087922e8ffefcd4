import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CreateAppointmentBodySchema,
  CreateRoomBodySchema,
  ERROR_CODES,
  PatchAppointmentBodySchema,
} from '../../signaling/protocol/index.js';
import { LocalSignInBodySchema } from '../../signaling/protocol/console.js';
import {
  FUZZ_RUNS,
  FUZZ_TIMEOUT_MS,
  batched,
  hostile,
  nearValid,
  validFor,
  type Hints,
} from '../helpers/fuzz-arbitraries.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Property tests of every REST body, generated from the protocol's schemas
 * and sent over real HTTP: valid, near-valid and hostile. Whatever comes in,
 * the server answers (never 500, never INTERNAL), every error is the
 * envelope, valid bookings are booked, and a normal request works after the
 * run. FUZZ_RUNS cases per category (60 in `npm test`; FUZZ_RUNS=10000 for a
 * nightly run, `npm run fuzz`).
 *
 * The sign-in route's valid bodies each cost a deliberately slow password
 * hash (a decoy for unknown identifiers, so timing tells nothing): they run
 * at most SIGN_IN_VALID_RUNS, its near-valid and hostile bodies FUZZ_RUNS.
 */

const SIGN_IN_VALID_RUNS = Math.min(FUZZ_RUNS, 50);
/** A valid sign-in body costs a password hash: up to a second on a loaded machine. */
const SIGN_IN_CASE_MS = 1500;

const EnvelopeSchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    fields: z.array(z.unknown()).optional(),
  }),
});

const future = (minHours: number, maxDays: number) =>
  fc
    .integer({ min: minHours * 3600_000, max: maxDays * 86_400_000 })
    .map((ahead) => new Date(Date.now() + ahead).toISOString().replace('Z', '+00:00'));

const HINTS: Hints = {
  startsAt: future(1, 300),
  timeZone: fc.constantFrom('Europe/Paris', 'America/Cayenne', 'Indian/Reunion', 'Pacific/Noumea', 'UTC'),
};

const BOOKING_EXAMPLE = {
  startsAt: new Date(Date.now() + 86_400_000).toISOString(),
  durationMinutes: 30,
  citizen: { displayName: 'Marie Dupont', email: 'marie@example.org', phone: '+33612345678' },
  channels: ['email', 'sms'],
};

describe(`REST fuzzing from the schemas (${FUZZ_RUNS} cases per category and route, real HTTP)`, () => {
  let server: TestServer;
  let token: string;
  let appointmentId: string;
  const seen = { answered: 0, byStatus: new Map<number, number>() };

  // Each test's cases and time, printed as it ends: a long run that is stopped still says how far it went.
  let testStarted = 0;
  let answeredBefore = 0;
  beforeEach(() => {
    testStarted = Date.now();
    answeredBefore = seen.answered;
  });
  afterEach((context) => {
    const seconds = ((Date.now() - testStarted) / 1000).toFixed(1);
    console.log(
      `REST fuzz: ${context.task.suite?.name ?? ''} ${context.task.name}: ${seen.answered - answeredBefore} cases in ${seconds} s`,
    );
  });

  beforeAll(async () => {
    server = await startTestServer({}, { runScheduler: false });
    token = server.agentToken('agent-fuzz');
    const booked = await send('POST', '/api/v1/appointments', BOOKING_EXAMPLE);
    appointmentId = String(Reflect.get(z.object({ id: z.string() }).parse(booked.json), 'id'));
  });
  afterAll(async () => {
    console.log(`REST fuzz: ${seen.answered} answers by status ${JSON.stringify([...seen.byStatus])}`);
    await server?.close();
  });

  async function send(
    method: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(text === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(text === undefined ? {} : { body: text }),
    });
    const raw = await response.text();
    seen.answered += 1;
    seen.byStatus.set(response.status, (seen.byStatus.get(response.status) ?? 0) + 1);
    return { status: response.status, json: parseOrText(raw) };
  }

  /** The answer is a success, or a client error in the envelope: never a 5xx, never INTERNAL. */
  function expectAnswered(answer: { status: number; json: unknown }, context: unknown): void {
    if (answer.status >= 500)
      throw new Error(`HTTP ${answer.status} for ${JSON.stringify(context)?.slice(0, 300)}`);
    if (answer.status >= 400) {
      const envelope = EnvelopeSchema.safeParse(answer.json);
      if (!envelope.success)
        throw new Error(`not the envelope: ${JSON.stringify(answer.json)?.slice(0, 300)}`);
      expect(envelope.data.error.code).not.toBe('INTERNAL');
    }
  }

  const routes = [
    {
      name: 'POST /api/v1/appointments',
      method: 'POST',
      path: () => '/api/v1/appointments',
      schema: CreateAppointmentBodySchema,
      examples: [BOOKING_EXAMPLE],
      validStatus: [201],
      validRuns: FUZZ_RUNS,
    },
    {
      name: 'PATCH /api/v1/appointments/:id',
      method: 'PATCH',
      path: () => `/api/v1/appointments/${appointmentId}`,
      schema: PatchAppointmentBodySchema,
      examples: [{ durationMinutes: 45 }, { note: 'nouvelle note' }],
      // A valid body may still be refused by the service (a channel without its contact): 4xx, in the envelope.
      validStatus: [200, 400, 409],
      validRuns: FUZZ_RUNS,
    },
    {
      name: 'POST /api/v1/rooms',
      method: 'POST',
      path: () => '/api/v1/rooms',
      schema: CreateRoomBodySchema,
      examples: [{ title: 'Permanence' }, {}],
      validStatus: [201],
      validRuns: FUZZ_RUNS,
    },
    {
      name: 'POST /api/v1/session',
      method: 'POST',
      path: () => '/api/v1/session',
      schema: LocalSignInBodySchema,
      examples: [{ id: 'alice', password: 'correct horse battery staple' }],
      // No such account: refused (401), or held back after repeated failures for one identifier (429).
      validStatus: [401, 429],
      validRuns: SIGN_IN_VALID_RUNS,
      caseMs: SIGN_IN_CASE_MS,
    },
  ] as const;

  for (const route of routes) {
    describe(route.name, () => {
      const valid = validFor(route.schema, [...route.examples], HINTS);
      // The sign-in route's cases may each cost a password hash: a longer bound for its tests.
      const timeout = (runs: number): number =>
        'caseMs' in route ? 30_000 + runs * route.caseMs : FUZZ_TIMEOUT_MS;

      it(
        'accepts valid bodies',
        async () => {
          const { batch, numRuns } = batched(valid, route.validRuns);
          await fc.assert(
            fc.asyncProperty(batch, async (bodies) => {
              const answers = await Promise.all(bodies.map((body) => send(route.method, route.path(), body)));
              answers.forEach((answer, i) => {
                expectAnswered(answer, bodies[i]);
                expect(route.validStatus as readonly number[]).toContain(answer.status);
              });
            }),
            { numRuns },
          );
        },
        timeout(route.validRuns),
      );

      it(
        'answers near-valid bodies with the envelope',
        async () => {
          const { batch, numRuns } = batched(nearValid(valid));
          await fc.assert(
            fc.asyncProperty(batch, async (bodies) => {
              const answers = await Promise.all(bodies.map((body) => send(route.method, route.path(), body)));
              answers.forEach((answer, i) => expectAnswered(answer, bodies[i]));
            }),
            { numRuns },
          );
        },
        timeout(FUZZ_RUNS),
      );

      it(
        'answers hostile bodies with the envelope',
        async () => {
          const { batch, numRuns } = batched(hostile());
          await fc.assert(
            fc.asyncProperty(batch, async (bodies) => {
              const answers = await Promise.all(bodies.map((body) => send(route.method, route.path(), body)));
              answers.forEach((answer, i) => expectAnswered(answer, bodies[i]));
            }),
            { numRuns },
          );
        },
        timeout(FUZZ_RUNS),
      );
    });
  }

  it(
    'answers raw bytes that are not JSON, and still books normally afterwards',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 300 }),
          fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
          async (text, type) => {
            const response = await fetch(`${server.baseUrl}/api/v1/appointments`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': type },
              body: text,
            });
            expectAnswered({ status: response.status, json: await response.json().catch(() => null) }, text);
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
      expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
      expect((await send('POST', '/api/v1/appointments', BOOKING_EXAMPLE)).status).toBe(201);
    },
    FUZZ_TIMEOUT_MS,
  );
});

/** The body as JSON when it is JSON, else its text (so a non-JSON answer fails the envelope check visibly). */
function parseOrText(raw: string): unknown {
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
