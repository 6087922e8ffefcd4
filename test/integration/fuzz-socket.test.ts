import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_CODES, REQUEST_SCHEMAS, type RequestName } from '../../signaling/protocol/index.js';
import {
  FUZZ_BATCH,
  FUZZ_RUNS,
  FUZZ_TIMEOUT_MS,
  arbitraryFor,
  batched,
  hostile,
  nearValid,
} from '../helpers/fuzz-arbitraries.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * Socket-message fuzzing, generic over REQUEST_SCHEMAS: for every request
 * name, schema-derived near-valid payloads and hostile ones, sent by a host
 * who has joined a real room (real mediasoup worker), plus the argument
 * shapes a client may send (no payload, an extra argument). Each outcome is
 * tallied: an answer in the envelope, INTERNAL, or no answer at all.
 *
 * What must hold: every message is answered in the envelope, never
 * INTERNAL, whatever its shape; the server stays up and a normal join works
 * after the run.
 *
 * A message that takes the host out of its room when it succeeds (leave,
 * endMeeting) gets a fresh host for the next case, so the run keeps
 * reaching the handler instead of NOT_JOINED. `join` is fuzzed twice: on a
 * joined connection (ALREADY_JOINED past the parse) and, on a server of its
 * own, on connections that have joined nothing (the unauthenticated
 * surface: room lookup, password, token; its wrong tries lock the address
 * out, which is why it has its own server).
 *
 * The socket message cap (signaling/security/message-budget.ts) is raised
 * here: it has its own test, and this one must reach the handlers.
 * FUZZ_RUNS=10000 (`npm run fuzz`) is the nightly-style run.
 */

const UNCAPPED = {
  SOCKET_MESSAGES_BURST: '100000',
  SOCKET_MESSAGES_PER_SECOND: '100000',
  SOCKET_FLOOD_STRIKES: '100000',
};
/** Requests that take the member out of its room when they succeed. */
const LEAVES_THE_ROOM = new Set<string>(['leave', 'endMeeting']);

const ANSWER_MS = 3_000;
const AckSchema = z.union([
  z.object({ ok: z.literal(true) }).passthrough(),
  z.object({ ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) }),
]);

type Outcome = 'ok' | 'error' | 'INTERNAL' | 'unanswered' | 'not-the-envelope';

describe(`socket fuzzing over REQUEST_SCHEMAS (${FUZZ_RUNS} cases per message, ${FUZZ_BATCH} at once, real gateway)`, () => {
  let server: TestServer;
  const clients: SignalingClient[] = [];
  const tally = new Map<string, Map<Outcome, number>>();
  const examples = new Map<string, string>();

  const timings = new Map<string, number>();

  beforeAll(async () => {
    server = await startTestServer(UNCAPPED);
  });
  afterAll(async () => {
    const times = [...timings].map(([key, ms]) => `${key} ${(ms / 1000).toFixed(1)} s`);
    console.log(`socket fuzz times: ${times.join(', ')}`);
    const rows = [...tally].map(([key, counts]) => `${key}: ${JSON.stringify(Object.fromEntries(counts))}`);
    console.log(`socket fuzz findings:\n  ${rows.join('\n  ')}`);
    for (const [key, example] of examples) console.log(`  first ${key}: ${example}`);
    for (const client of clients) client.close();
    await server?.close();
  });

  const record = (key: string, outcome: Outcome, sent: unknown): void => {
    const counts = tally.get(key) ?? new Map<Outcome, number>();
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    tally.set(key, counts);
    if (
      (outcome === 'INTERNAL' || outcome === 'unanswered' || outcome === 'not-the-envelope') &&
      !examples.has(`${key} ${outcome}`)
    ) {
      examples.set(`${key} ${outcome}`, JSON.stringify(sent)?.slice(0, 200) ?? String(sent));
    }
  };

  /** A host in a fresh room of its own (a request like endMeeting must not spoil the next message's room). */
  const hostInRoom = async (on: TestServer = server): Promise<SignalingClient> => {
    const { roomId } = await on.createRoom();
    const client = await SignalingClient.connect(on.baseUrl);
    clients.push(client);
    const ack = AckSchema.parse(
      await client.raw('join', { roomId, displayName: 'Fuzz', token: on.agentToken() }),
    );
    if (!ack.ok) throw new Error(`host join refused: ${JSON.stringify(ack)}`);
    return client;
  };

  const classify = (ack: unknown): Outcome => {
    const parsed = AckSchema.safeParse(ack);
    if (!parsed.success) return 'not-the-envelope';
    if (parsed.data.ok) return 'ok';
    return parsed.data.error.code === 'INTERNAL' ? 'INTERNAL' : 'error';
  };

  /** Emits `args` then an ack callback; the outcome, or 'unanswered' after ANSWER_MS. */
  const emit = async (client: SignalingClient, name: string, args: unknown[]): Promise<Outcome> => {
    try {
      const ack: unknown = await client.socket.timeout(ANSWER_MS).emitWithAck(name, ...args);
      return classify(ack);
    } catch {
      return 'unanswered';
    }
  };

  const names = Object.keys(REQUEST_SCHEMAS) as RequestName[];

  for (const name of names) {
    it(
      `${name}: near-valid and hostile payloads are answered`,
      async () => {
        const started = Date.now();
        let client = await hostInRoom();
        const schema = REQUEST_SCHEMAS[name];
        const payloads = fc.oneof(nearValid(arbitraryFor(schema)), arbitraryFor(schema), hostile());
        const { batch, numRuns } = batched(payloads);
        await fc.assert(
          fc.asyncProperty(batch, async (sent) => {
            if (!client.socket.connected) throw new Error(`${name}: the host's connection was closed`);
            const outcomes = await Promise.all(sent.map((payload) => emit(client, name, [payload])));
            outcomes.forEach((outcome, i) => record(`${name} payload`, outcome, sent[i]));
            for (const outcome of outcomes) expect(['ok', 'error']).toContain(outcome);
            if (LEAVES_THE_ROOM.has(name) && outcomes.includes('ok')) {
              client.close();
              client = await hostInRoom();
            }
          }),
          { numRuns },
        );
        // Argument shapes: no payload, and an extra argument before the callback.
        const fresh = await hostInRoom();
        record(`${name} no-payload`, await emit(fresh, name, []), '(none)');
        record(`${name} extra-arg`, await emit(fresh, name, [{}, 'extra']), '({}, "extra")');
        for (const shape of ['no-payload', 'extra-arg']) {
          expect(tally.get(`${name} ${shape}`)?.get('unanswered') ?? 0).toBe(0);
        }
        timings.set(name, Date.now() - started);
      },
      FUZZ_TIMEOUT_MS,
    );
  }

  it(
    'join on connections that have joined nothing (its own server: wrong tries lock the address out)',
    async () => {
      const started = Date.now();
      const guarded = await startTestServer(UNCAPPED);
      try {
        const { roomId, password } = await guarded.createRoom();
        const connect = async (): Promise<SignalingClient> => {
          const client = await SignalingClient.connect(guarded.baseUrl);
          clients.push(client);
          return client;
        };
        let client = await connect();
        // Valid-looking joins aimed at the real room too, with a wrong or the right password.
        const aimed = fc.record({
          roomId: fc.constant(roomId),
          displayName: fc.string({ minLength: 1, maxLength: 40 }),
          password: fc.oneof(fc.constant(password), fc.string({ maxLength: 40 })),
        });
        const schema = REQUEST_SCHEMAS.join;
        const payloads = fc.oneof(nearValid(arbitraryFor(schema)), arbitraryFor(schema), aimed, hostile());
        const { batch, numRuns } = batched(payloads);
        await fc.assert(
          fc.asyncProperty(batch, async (sent) => {
            if (!client.socket.connected) client = await connect();
            // One connection per case: a join that succeeds makes the next one ALREADY_JOINED.
            const outcomes = await Promise.all(
              sent.map(async (payload, i) => {
                const on = i === 0 ? client : await connect();
                const outcome = await emit(on, 'join', [payload]);
                if (on !== client) on.close();
                return outcome;
              }),
            );
            outcomes.forEach((outcome, i) => record('join (not joined) payload', outcome, sent[i]));
            for (const outcome of outcomes) expect(['ok', 'error']).toContain(outcome);
            // Joined (or waiting in the lobby): the next batch needs a connection that has joined nothing.
            if (outcomes[0] === 'ok') {
              client.close();
              client = await connect();
            }
          }),
          { numRuns },
        );
        expect((await fetch(`${guarded.baseUrl}/health`)).status).toBe(200);
      } finally {
        await guarded.close();
      }
      timings.set('join (not joined)', Date.now() - started);
    },
    FUZZ_TIMEOUT_MS,
  );

  it('stays up: health answers and a normal join works after the run', async () => {
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
    const client = await hostInRoom();
    expect(client.socket.connected).toBe(true);
    const internal = [...tally.values()].reduce((sum, counts) => sum + (counts.get('INTERNAL') ?? 0), 0);
    const unanswered = [...tally.values()].reduce((sum, counts) => sum + (counts.get('unanswered') ?? 0), 0);
    console.log(`socket fuzz totals: ${internal} INTERNAL, ${unanswered} unanswered`);
    expect({ internal, unanswered }).toEqual({ internal: 0, unanswered: 0 });
  });
});
