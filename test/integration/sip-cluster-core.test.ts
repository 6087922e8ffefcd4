import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEV_AGENT_JWT_SECRET } from '../../server/config.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import {
  CLUSTER_TEST_TIMEOUT_MS,
  joinFollowing,
  TestCluster,
  type FollowedJoin,
} from '../helpers/cluster-nodes.js';
import {
  bookAppointment,
  SERVICE_TOKEN,
  startCoreGateway,
  type CoreGatewayFixture,
} from '../sip/core-gateway-fixture.js';
import { runSipp, scenario, step } from '../sip/sipp.js';

/*
 * Two real nodes on one real Redis; the room lives on one, and the gateway
 * is pointed at the other. The PIN lookup is answered there (a store
 * lookup), the join is answered ROOM_ELSEWHERE, and the gateway follows it
 * to the owner, where the agent sees the caller knock and admits it.
 */
describe('SIP gateway and a room on another node', () => {
  let cluster: TestCluster | undefined;
  let fx: CoreGatewayFixture | undefined;
  const joins: FollowedJoin[] = [];
  afterEach(async () => {
    for (const join of joins.splice(0)) join.client.close();
    await fx?.close();
    await cluster?.close();
    fx = undefined;
    cluster = undefined;
  });

  it(
    'follows ROOM_ELSEWHERE to the owner node: the caller knocks there and is admitted',
    async () => {
      cluster = await TestCluster.start(['a', 'b'], { SIP_SERVICE_TOKEN: SERVICE_TOKEN });
      const token = new AgentAuth({ algorithm: 'HS256', key: DEV_AGENT_JWT_SECRET }).mint({ id: 'alice' });
      const view = await bookAppointment(cluster.node('a').url, token, 5);
      const agent = await joinFollowing(cluster.node('a').url, {
        roomId: view.roomId,
        displayName: 'Agent',
        token,
      });
      joins.push(agent);
      const owner = await cluster.ownerOf(view.roomId);
      expect(owner).not.toBeNull();
      const other = owner === 'a' ? 'b' : 'a';
      fx = await startCoreGateway({ url: cluster.node(other).url });

      const file = scenario('cluster-call', [
        step.invite(),
        step.answered(),
        step.ack(),
        step.pause(300),
        step.dtmf(`${view.dialIn.pin}#`),
        step.pause(6000),
        step.bye(),
      ]);
      const run = runSipp(file, fx.gateway.port, { timeoutS: 60 });
      await vi.waitFor(() => expect(agent.client.received('knock')).toHaveLength(1), {
        timeout: 20_000,
        interval: 50,
      });
      const phone = agent.client.received('knock')[0]!.peer;
      expect(phone).toMatchObject({ kind: 'phone', displayName: 'Téléphone •• •• 42' });
      await agent.client.request('admit', { peerId: phone.peerId });
      // The phone member's media is on the owner's worker: its producer is announced there.
      await vi.waitFor(
        () =>
          expect(agent.client.received('newProducer').filter((e) => e.peerId === phone.peerId)).toHaveLength(
            1,
          ),
        { timeout: 15_000, interval: 50 },
      );
      const result = await run;
      expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
      await vi.waitFor(
        () => expect(agent.client.received('peerLeft').map((e) => e.peerId)).toContain(phone.peerId),
        { timeout: 10_000, interval: 50 },
      );
      // The redirect really happened: the gateway was told the room lives elsewhere.
      expect(fx.logLines.join('')).toContain('room lives on another node');
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );
});
