import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEV_AGENT_JWT_SECRET } from '../../server/config.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { apiClient } from '../helpers/api.js';
import { CLUSTER_TEST_TIMEOUT_MS, TestCluster } from '../helpers/cluster-nodes.js';
import { MailSink } from '../helpers/mail-sink.js';

/*
 * Reminders in a three-node cluster (registry, directory and bus running
 * beside the scheduler): each invitation and reminder leaves exactly once,
 * whichever node booked and whichever node's scheduler wins the job.
 */
describe('reminders across three cluster nodes', { timeout: CLUSTER_TEST_TIMEOUT_MS }, () => {
  let mail: MailSink;
  let cluster: TestCluster | undefined;
  const token = new AgentAuth({ algorithm: 'HS256', key: DEV_AGENT_JWT_SECRET }).mint({
    id: 'alice',
    name: 'Alice',
  });

  beforeAll(async () => {
    mail = await MailSink.start();
  });
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
    mail.mails.length = 0;
  });
  afterAll(async () => {
    await mail?.close();
  });

  it('sends each invitation and each reminder exactly once', async () => {
    cluster = await TestCluster.start(['a', 'b', 'c'], { SMTP_URL: mail.url, SCHEDULER_INTERVAL_MS: '100' });
    const count = 12;
    const booked = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        apiClient(cluster!.nodes[i % 3]!.url, token).book({
          startsAt: new Date(Date.now() + 15 * 60_000 + 3000).toISOString(),
          durationMinutes: 30,
          citizen: { displayName: `Citoyen ${i}`, email: `citoyen${i}@example.org` },
          channels: ['email'],
        }),
      ),
    );
    const reminders = () => mail.mails.filter((m) => m.parsed.subject?.includes('commence dans 15 minutes'));
    await vi.waitFor(() => expect(reminders()).toHaveLength(count), { timeout: 20_000, interval: 100 });
    // Three schedulers keep passing over the same (now sent) jobs: nothing more may leave.
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      expect(mail.mails).toHaveLength(2 * count);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (let i = 0; i < count; i += 1) {
      expect(mail.mails.filter((m) => m.to.includes(`citoyen${i}@example.org`))).toHaveLength(2);
    }
    const states = await Promise.all(
      booked.map((view) => apiClient(cluster!.nodes[2]!.url, token).get(view.id)),
    );
    for (const state of states) {
      expect(state.notifications.map((n) => `${n.kind}:${n.status}:${n.attempts}`).sort()).toEqual([
        'invitation:sent:1',
        'reminder:sent:1',
      ]);
    }
  });
});
