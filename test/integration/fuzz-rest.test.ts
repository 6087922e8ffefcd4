import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CreateAppointmentBodySchema,
  CreateRoomBodySchema,
  ERROR_CODES,
  PatchAppointmentBodySchema,
} from '../../signaling/protocol/index.js';
import { FUZZ_RUNS, hostile, nearValid, validFor, type Hints } from '../helpers/fuzz-arbitraries.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Property tests of every REST body, generated from the protocol's schemas
 * and sent over real HTTP: valid, near-valid and hostile. Whatever comes in,
 * the server answers (never 500, never INTERNAL), every error is the
 * envelope, valid bookings are booked, and a normal request works after the
 * run. FUZZ_RUNS cases per category (60 in `npm test`; FUZZ_RUNS=10000 for a
 * nightly run).
 */

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
    },
    {
      name: 'PATCH /api/v1/appointments/:id',
      method: 'PATCH',
      path: () => `/api/v1/appointments/${appointmentId}`,
      schema: PatchAppointmentBodySchema,
      examples: [{ durationMinutes: 45 }, { note: 'nouvelle note' }],
      // A valid body may still be refused by the service (a channel without its contact): 4xx, in the envelope.
      validStatus: [200, 400, 409],
    },
    {
      name: 'POST /api/v1/rooms',
      method: 'POST',
      path: () => '/api/v1/rooms',
      schema: CreateRoomBodySchema,
      examples: [{ title: 'Permanence' }, {}],
      validStatus: [201],
    },
  ] as const;

  for (const route of routes) {
    describe(route.name, () => {
      const valid = validFor(route.schema, [...route.examples], HINTS);

      it('accepts valid bodies', async () => {
        await fc.assert(
          fc.asyncProperty(valid, async (body) => {
            const answer = await send(route.method, route.path(), body);
            expectAnswered(answer, body);
            expect(route.validStatus as readonly number[]).toContain(answer.status);
          }),
          { numRuns: FUZZ_RUNS },
        );
      });

      it('answers near-valid bodies with the envelope', async () => {
        await fc.assert(
          fc.asyncProperty(nearValid(valid), async (body) =>
            expectAnswered(await send(route.method, route.path(), body), body),
          ),
          { numRuns: FUZZ_RUNS },
        );
      });

      it('answers hostile bodies with the envelope', async () => {
        await fc.assert(
          fc.asyncProperty(hostile(), async (body) =>
            expectAnswered(await send(route.method, route.path(), body), body),
          ),
          { numRuns: FUZZ_RUNS },
        );
      });
    });
  }

  it('answers raw bytes that are not JSON, and still books normally afterwards', async () => {
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
  });
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
