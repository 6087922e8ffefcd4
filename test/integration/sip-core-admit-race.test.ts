import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RoomEvent } from '../../sip-gateway/room/room-link.js';
import { CoreRoomLink } from '../../sip-gateway/room/core-room-link.js';
import { DEV_AGENT_JWT_SECRET } from '../../server/config.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { CLUSTER_TEST_TIMEOUT_MS, TestCluster } from '../helpers/cluster-nodes.js';
import type { SignalingClient } from '../helpers/signaling-client.js';
import { agentIn, bookAppointment, SERVICE_TOKEN } from '../sip/core-gateway-fixture.js';

/*
 * The agent admits the phone caller in the very handler of its knock, as
 * a scripted agent or a fast click does: the admission then reaches the
 * gateway's socket right behind (or in the same tick as) the join's answer.
 * The gateway must hear it every time. Real server (its own process),
 * real socket.io. The agent's handler then holds this process's event loop
 * for a moment, as a gateway busy mixing calls is held: the join's answer
 * and the admission then wait in the same socket read, and socket.io hands
 * both over in one go, before the code awaiting the answer resumes.
 */

const CALLERS = 8;

describe('CoreSession: an admission right on the knock', () => {
  let cluster: TestCluster;
  let url: string;
  const agents: SignalingClient[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(['a'], { SIP_SERVICE_TOKEN: SERVICE_TOKEN });
    url = cluster.node('a').url;
  }, CLUSTER_TEST_TIMEOUT_MS);
  afterAll(async () => {
    for (const a of agents) a.close();
    await cluster?.close();
  });

  it('every caller admitted within milliseconds of its knock is told so', async () => {
    const link = new CoreRoomLink({
      url: url,
      serviceToken: SERVICE_TOKEN,
      log: pino({ level: 'silent' }),
    });
    const token = new AgentAuth({ algorithm: 'HS256', key: DEV_AGENT_JWT_SECRET }).mint({ id: 'alice' });
    const results: { joined: string; events: RoomEvent['type'][] }[] = [];
    const sessions: { leave(): Promise<void> }[] = [];
    for (let i = 0; i < CALLERS; i++) {
      const view = await bookAppointment(url, token, 5);
      const agent = await agentIn(url, token, view.roomId);
      agents.push(agent);
      let admits = 0;
      agent.socket.on('knock', (event: { peer: { peerId: string } }) => {
        admits += 1;
        agent.socket.emit('admit', { peerId: event.peer.peerId }, () => undefined);
        // A busy main thread: nothing of this process reads its sockets meanwhile.
        const until = Date.now() + 150;
        while (Date.now() < until);
      });
      const outcome = await link.enterWithPin(view.dialIn.pin, {
        masked: '•• •• 42',
        key: `caller-${i}`,
        trunk: '127.0.0.1',
        callId: `race-${i}`,
      });
      if (outcome.state !== 'lobby' && outcome.state !== 'admitted')
        throw new Error(`not joined: ${outcome.state}`);
      const result = {
        joined: outcome.state,
        events: [] as RoomEvent['type'][],
        second: [] as RoomEvent['type'][],
      };
      results.push(result);
      outcome.session.onEvent((event) => result.events.push(event.type));
      // A second listener (the gateway's menu behind a wrapper, as bench:sip has) hears it too.
      outcome.session.onEvent((event) => result.second.push(event.type));
      sessions.push(outcome.session);
      // The agent did knock-and-admit; the gateway's side hears the admission (or joined admitted).
      await vi.waitFor(() => expect(admits).toBe(1), { timeout: 10_000, interval: 20 });
      await vi.waitFor(
        () => {
          expect(result.joined === 'admitted' || result.events.includes('admitted')).toBe(true);
          expect(result.second).toEqual(result.events);
        },
        { timeout: 10_000, interval: 20 },
      );
    }
    expect(results).toHaveLength(CALLERS);
    for (const s of sessions) await s.leave();
  }, 120_000);
});
