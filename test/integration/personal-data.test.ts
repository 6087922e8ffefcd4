import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eraseExpiredPersonalData } from '../../signaling/appointments/retention.js';
import { SQLITE_FILENAME } from '../../signaling/store/create-store.js';
import { apiClient } from '../helpers/api.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Personal data and secrets at rest, in the embedded store's real file: the
 * outbox keeps no password or link in clear, and once RETENTION_DAYS have
 * passed the citizen's name, contact, the note and the message texts are
 * gone from the file itself (secure_delete, WAL checkpointed), not only from
 * the API's answers.
 */

const NOW = Date.parse('2026-12-03T09:00:00Z');
const NAME = 'Marie Zéphirine Dupont';
const EMAIL = 'marie.zephirine@example.org';
const PHONE = '+33612345678';
const NOTE = 'dossier-confidentiel-4242';

const OutboxSchema = z.object({
  messages: z.array(z.object({ to: z.string(), text: z.string(), channel: z.string() })),
});

describe('personal data at rest (embedded SQLite store, outbox mode)', () => {
  const clock = new ManualClock(NOW);
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    server = await startTestServer({}, { clock: clock.now, runScheduler: false });
    api = apiClient(server.baseUrl, server.agentToken('agent-pd'));
  });
  afterAll(async () => {
    await server?.close();
  });

  const fileText = (): string => {
    const base = join(server.guichet.config.store.dataDir, SQLITE_FILENAME);
    return [base, `${base}-wal`]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1') + readFileSync(path).toString('utf8'))
      .join('\n');
  };

  it('keeps outbox texts sealed, opens them for the agent, and erases everything personal after retention', async () => {
    const view = await api.book({
      startsAt: '2026-12-03T14:30:00+01:00',
      durationMinutes: 30,
      citizen: { displayName: NAME, email: EMAIL, phone: PHONE },
      channels: ['email', 'sms'],
      note: NOTE,
    });
    await server.guichet.scheduler.tick();
    const token = new URL(view.links.citizen).searchParams.get('t') ?? '';
    expect(token.length).toBeGreaterThan(20);

    // At rest: neither the password nor the join token.
    const stored = await server.guichet.store.listOutbox({ appointmentId: view.id, limit: 10 });
    expect(stored).toHaveLength(2);
    for (const message of stored) {
      expect(message.text).toMatch(/^v1\./);
      expect(message.text).not.toContain(view.password);
      expect(message.text).not.toContain(token);
    }
    expect(fileText()).not.toContain(view.password);
    expect(fileText()).not.toContain(token);

    // The agent still reads the messages whole, to pass them on.
    const listed = OutboxSchema.parse(
      (await api.call('GET', `/api/v1/outbox?appointmentId=${view.id}`)).json,
    );
    expect(listed.messages.map((m) => m.text).join('\n')).toContain(view.password);

    // Retention (30 days after the end, 14:00 UTC on Dec 3rd).
    expect(await eraseExpiredPersonalData(server.guichet.store, 30, Date.parse('2027-01-02T14:01:00Z'))).toBe(
      1,
    );
    const after = await api.get(view.id);
    expect(after.citizen).toEqual({ displayName: '', email: null, phone: null });
    expect(after.note).toBeNull();
    const erased = OutboxSchema.parse(
      (await api.call('GET', `/api/v1/outbox?appointmentId=${view.id}`)).json,
    );
    expect(erased.messages).toHaveLength(2);
    for (const message of erased.messages) expect(message).toMatchObject({ to: '', text: '' });

    // And in the file's bytes.
    const bytes = fileText();
    for (const personal of [NAME, EMAIL, PHONE, NOTE]) expect(bytes).not.toContain(personal);
  });
});
