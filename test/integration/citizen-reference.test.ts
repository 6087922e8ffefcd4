import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eraseExpiredPersonalData } from '../../signaling/appointments/retention.js';
import { RoomInfoSchema } from '../../signaling/protocol/index.js';
import { apiClient, FieldErrorsSchema } from '../helpers/api.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Issue 16: the file reference an agent chooses, at booking, to show the
 * citizen. Real HTTP against the real server and its embedded store: the
 * booking body validates it, the REST answer and the room's info carry it,
 * the private note never leaks to the page, and retention erases it.
 */
const NOW = Date.parse('2026-12-03T09:00:00Z');
const booking = (overrides: Record<string, unknown> = {}) => ({
  startsAt: '2026-12-03T14:30:00+01:00',
  durationMinutes: 30,
  citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
  channels: ['email'],
  note: 'note privée : rappeler la CAF',
  ...overrides,
});

describe('the file reference shown to the citizen', () => {
  const clock = new ManualClock(NOW);
  let server: TestServer;
  let alice: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    server = await startTestServer({}, { clock: clock.now, runScheduler: false });
    alice = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice', name: 'Alice Martin' }));
  });
  beforeEach(() => clock.set(NOW));
  afterAll(async () => {
    await server?.close();
  });

  /** What the room page's own script fetches: GET /r/:room/info?t=…, parsed with the browser's schema. */
  const infoOf = async (link: string) => {
    const url = new URL(link);
    const response = await fetch(`${url.origin}${url.pathname}/info${url.search}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    return { info: RoomInfoSchema.parse(JSON.parse(text)), text };
  };

  it('is stored, answered, shown to both links, changed and cleared by PATCH', async () => {
    const view = await alice.book(booking({ citizenReference: '  Dossier 2026-0042 ' }));
    expect(view.citizenReference).toBe('Dossier 2026-0042');
    expect((await alice.get(view.id)).citizenReference).toBe('Dossier 2026-0042');

    clock.set('2026-12-03T13:20:00Z');
    const citizen = await infoOf(view.links.citizen);
    expect(citizen.info).toMatchObject({ role: 'citizen', reference: 'Dossier 2026-0042' });
    // The agent's note is theirs: never on the citizen's page.
    expect(citizen.text).not.toContain('rappeler');
    expect((await infoOf(view.links.agent)).info.reference).toBe('Dossier 2026-0042');

    clock.set(NOW);
    expect((await alice.patch(view.id, { citizenReference: 'Dossier 2026-0043' })).citizenReference).toBe(
      'Dossier 2026-0043',
    );
    expect((await alice.patch(view.id, { citizenReference: null })).citizenReference).toBeNull();
    clock.set('2026-12-03T13:20:00Z');
    expect((await infoOf(view.links.citizen)).info.reference).toBeNull();
  });

  it('is optional: no reference, none shown', async () => {
    const view = await alice.book(booking());
    expect(view.citizenReference).toBeNull();
    clock.set('2026-12-03T13:20:00Z');
    expect((await infoOf(view.links.citizen)).info.reference).toBeNull();
  });

  it('refuses an empty, a too long or a multi-line reference, saying which field', async () => {
    for (const citizenReference of ['   ', 'x'.repeat(65), 'Dossier\n42', 42]) {
      const answer = await alice.call('POST', '/api/v1/appointments', booking({ citizenReference }));
      expect(answer.status).toBe(400);
      const body = FieldErrorsSchema.parse(answer.json);
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.fields?.map((f) => f.path)).toContain('citizenReference');
    }
  });

  it('is erased with the other personal data RETENTION_DAYS after the end', async () => {
    const view = await alice.book(booking({ citizenReference: 'Dossier de Marie Dupont' }));
    const store = server.guichet.store;
    expect(
      await eraseExpiredPersonalData(store, 30, Date.parse('2027-01-02T14:01:00Z')),
    ).toBeGreaterThanOrEqual(1);
    const after = await alice.get(view.id);
    expect(after.citizenReference).toBeNull();
    expect(after.note).toBeNull();
    expect(JSON.stringify(after)).not.toContain('Marie Dupont');
  });
});
