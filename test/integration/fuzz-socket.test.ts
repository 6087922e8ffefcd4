import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_CODES, REQUEST_SCHEMAS, type RequestName } from '../../signaling/protocol/index.js';
import { FUZZ_RUNS, arbitraryFor, hostile, nearValid } from '../helpers/fuzz-arbitraries.js';
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
 */

const ANSWER_MS = 3_000;
const AckSchema = z.union([
  z.object({ ok: z.literal(true) }).passthrough(),
  z.object({ ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) }),
]);

type Outcome = 'ok' | 'error' | 'INTERNAL' | 'unanswered' | 'not-the-envelope';

describe(`socket fuzzing over REQUEST_SCHEMAS (${FUZZ_RUNS} cases per category and message, real gateway)`, () => {
  let server: TestServer;
  const clients: SignalingClient[] = [];
  const tally = new Map<string, Map<Outcome, number>>();
  const examples = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
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
  const hostInRoom = async (): Promise<SignalingClient> => {
    const { roomId } = await server.createRoom();
    const client = await SignalingClient.connect(server.baseUrl);
    clients.push(client);
    const ack = AckSchema.parse(
      await client.raw('join', { roomId, displayName: 'Fuzz', token: server.agentToken() }),
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
    it(`${name}: near-valid and hostile payloads are answered`, async () => {
      const client = await hostInRoom();
      const schema = REQUEST_SCHEMAS[name];
      const payloads = fc.oneof(nearValid(arbitraryFor(schema)), arbitraryFor(schema), hostile());
      await fc.assert(
        fc.asyncProperty(payloads, async (payload) => {
          if (!client.socket.connected) return;
          const outcome = await emit(client, name, [payload]);
          record(`${name} payload`, outcome, payload);
          expect(['ok', 'error']).toContain(outcome);
        }),
        { numRuns: FUZZ_RUNS },
      );
      // Argument shapes: no payload, and an extra argument before the callback.
      const fresh = await hostInRoom();
      record(`${name} no-payload`, await emit(fresh, name, []), '(none)');
      record(`${name} extra-arg`, await emit(fresh, name, [{}, 'extra']), '({}, "extra")');
      for (const shape of ['no-payload', 'extra-arg']) {
        expect(tally.get(`${name} ${shape}`)?.get('unanswered') ?? 0).toBe(0);
      }
    });
  }

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
