import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiClient } from '../helpers/api.js';
import { MailSink } from '../helpers/mail-sink.js';
import { cleanRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix, withRedis } from '../helpers/redis.js';
import { ServerProcess } from '../helpers/server-process.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { DEV_AGENT_JWT_SECRET } from '../../server/config.js';

/*
 * Real server processes sharing a real Redis: the reminder must leave once,
 * whichever node wins, and must survive a node dying before it was due.
 * The appointments start 15 minutes and a few seconds from now, so the
 * reminder (15 minutes before) is due within seconds of real time.
 */
describe('reminders across processes sharing Redis', () => {
  let mail: MailSink;
  const processes: ServerProcess[] = [];
  const prefixes: string[] = [];
  let portBase = 24600 + (process.pid % 50) * 10;
  const token = new AgentAuth({ algorithm: 'HS256', key: DEV_AGENT_JWT_SECRET }).mint({
    id: 'alice',
    name: 'Alice',
  });

  const startNode = async (prefix: string): Promise<ServerProcess> => {
    const node = await ServerProcess.start({
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      SMTP_URL: mail.url,
      SCHEDULER_INTERVAL_MS: '100',
      MEDIA_PORT_BASE: String((portBase += 2)),
    });
    processes.push(node);
    return node;
  };
  const bookSoon = (node: ServerProcess, index: number, reminderInMs: number) =>
    apiClient(node.url, token).book({
      startsAt: new Date(Date.now() + 15 * 60_000 + reminderInMs).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: `Citoyen ${index}`, email: `citoyen${index}@example.org` },
      channels: ['email'],
    });
  const subjects = () => mail.mails.map((m) => `${m.to.join(',')} ${m.parsed.subject ?? ''}`);
  const reminders = () => mail.mails.filter((m) => m.parsed.subject?.includes('commence dans 15 minutes'));

  beforeAll(async () => {
    mail = await MailSink.start();
  });
  afterEach(async () => {
    for (const node of processes.splice(0)) await node.kill();
    await withRedis(async (client) => {
      for (const prefix of prefixes.splice(0)) await cleanRedisPrefix(client, prefix);
    });
    mail.mails.length = 0;
  });
  afterAll(async () => {
    await mail?.close();
  });

  it('two processes send each invitation and each reminder exactly once', async () => {
    const prefix = uniqueRedisPrefix('multi');
    prefixes.push(prefix);
    const [a, b] = await Promise.all([startNode(prefix), startNode(prefix)]);
    const count = 10;
    const booked = await Promise.all(
      Array.from({ length: count }, (_, i) => bookSoon(i % 2 === 0 ? a! : b!, i, 3000)),
    );
    await vi.waitFor(() => expect(reminders()).toHaveLength(count), { timeout: 20_000, interval: 100 });
    // Both schedulers keep running over the same (now sent) jobs for a while: nothing more may leave.
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      expect(mail.mails).toHaveLength(2 * count);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (let i = 0; i < count; i += 1) {
      expect(subjects().filter((s) => s.startsWith(`citoyen${i}@example.org `))).toHaveLength(2);
    }
    const states = await Promise.all(booked.map((view) => apiClient(b!.url, token).get(view.id)));
    for (const state of states) {
      expect(state.notifications.map((n) => `${n.kind}:${n.status}:${n.attempts}`).sort()).toEqual([
        'invitation:sent:1',
        'reminder:sent:1',
      ]);
    }
  });

  it('a reminder due while its node was dead is sent by the restarted node', async () => {
    const prefix = uniqueRedisPrefix('restart');
    prefixes.push(prefix);
    const first = await startNode(prefix);
    const view = await bookSoon(first, 99, 2000);
    await vi.waitFor(() => expect(mail.mails).toHaveLength(1), { timeout: 10_000, interval: 50 });
    await first.kill('SIGKILL');
    const due = Date.parse(view.startsAt) - 15 * 60_000;
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(due + 500), { timeout: 10_000, interval: 100 });
    expect(reminders()).toHaveLength(0);

    const second = await startNode(prefix);
    await vi.waitFor(() => expect(reminders()).toHaveLength(1), { timeout: 15_000, interval: 100 });
    expect(mail.mails).toHaveLength(2);
    const state = await apiClient(second.url, token).get(view.id);
    expect(state.notifications.find((n) => n.kind === 'reminder')).toMatchObject({
      status: 'sent',
      attempts: 1,
    });
  });
});
