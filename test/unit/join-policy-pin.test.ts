import { afterEach, describe, expect, it } from 'vitest';
import { AppointmentJoinPolicy } from '../../signaling/appointments/join-policy.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { JoinTokens } from '../../signaling/auth/join-token.js';
import { AppError } from '../../signaling/errors.js';
import type { EntryCredential } from '../../signaling/rooms/join-policy.js';
import { PasswordHasher } from '../../signaling/rooms/secrets.js';
import { SqliteStore } from '../../signaling/store/sqlite-store.js';
import { MIN, T0, appointment, room } from '../helpers/store-fixtures.js';

const SECRET = 'unit-test-secret-unit-test-secret-0000';
const SERVICE = 's'.repeat(40);

describe('join policy: dial-in PIN and the phone gateway', () => {
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  async function policyAt(now: number, serviceToken?: string) {
    const store = SqliteStore.open(':memory:');
    stores.push(store);
    const record = room();
    await store.createRoom(record);
    await store.insertAppointment(appointment({ roomId: record.id, pin: '123456' }));
    const policy = new AppointmentJoinPolicy({
      store,
      agents: new AgentAuth({ algorithm: 'HS256', key: SECRET }),
      joinTokens: new JoinTokens(SECRET),
      passwords: new PasswordHasher(SECRET),
      access: { opensMinutesBefore: 15, graceMinutesAfter: 30 },
      clock: () => now,
      ...(serviceToken ? { serviceToken } : {}),
    });
    const authorise = (credential: EntryCredential) => policy.authorise(credential, record);
    return { authorise };
  }
  const codeOf = (promise: Promise<unknown>): Promise<string> =>
    promise.then(
      () => 'granted',
      (error: unknown) => (error instanceof AppError ? error.code : String(error)),
    );

  it('lets the PIN in as a guest who knocks; through the gateway, as a phone member', async () => {
    const { authorise } = await policyAt(T0 - 5 * MIN, SERVICE);
    expect(await authorise({ kind: 'pin', pin: '123456' })).toMatchObject({
      role: 'guest',
      lobby: true,
      kind: 'web',
    });
    expect(await authorise({ kind: 'service', token: SERVICE, pin: '123456' })).toMatchObject({
      role: 'guest',
      lobby: true,
      kind: 'phone',
    });
  });

  it('gives one answer for a wrong PIN, refuses an unknown service, and keeps the access window', async () => {
    const { authorise } = await policyAt(T0 - 5 * MIN, SERVICE);
    expect(await codeOf(authorise({ kind: 'pin', pin: '654321' }))).toBe('WRONG_PASSWORD');
    expect(await codeOf(authorise({ kind: 'service', token: 'x'.repeat(40), pin: '123456' }))).toBe(
      'UNAUTHORIZED',
    );
    const early = await policyAt(T0 - 60 * MIN, SERVICE);
    expect(await codeOf(early.authorise({ kind: 'pin', pin: '123456' }))).toBe('NOT_OPEN_YET');
    // No service token configured: no service gets in, whatever it sends.
    const closed = await policyAt(T0 - 5 * MIN);
    expect(await codeOf(closed.authorise({ kind: 'service', token: SERVICE, pin: '123456' }))).toBe(
      'UNAUTHORIZED',
    );
  });
});
