import { pino, type Logger } from 'pino';
import type { AppointmentView } from '../../signaling/protocol/index.js';
import { SipGateway, type GatewayConfig } from '../../sip-gateway/gateway.js';
import { CoreRoomLink } from '../../sip-gateway/room/core-room-link.js';
import type { SipAudit } from '../../sip-gateway/trunk/pin-caps.js';
import { apiClient } from '../helpers/api.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';
import { buildPrompts, PROMPTS_DIR, type AuditEvent } from './gateway-fixture.js';

export const SERVICE_TOKEN = 'sip-service-token-for-tests-0123456789abcdef';

export interface CoreGatewayFixture {
  /** The real room core (in-process, real worker); absent when the gateway points at other nodes. */
  server: TestServer | undefined;
  gateway: SipGateway;
  audits: AuditEvent[];
  logLines: string[];
  close(): Promise<void>;
}

/** The gateway's config for tests: loopback only, its own RTP range. */
export function testGatewayConfig(over: Partial<GatewayConfig> = {}): GatewayConfig {
  const portMin = 26000 + Math.floor(Math.random() * 40) * 100;
  return {
    listen: { host: '127.0.0.1', port: 0 },
    advertisedHost: '127.0.0.1',
    rtp: { listenHost: '127.0.0.1', advertisedAddress: '127.0.0.1', portMin, portMax: portMin + 98 },
    allowedIps: ['127.0.0.1/32'],
    digest: undefined,
    maxCalls: 20,
    invitesPerSecond: 20,
    timers: { t1: 500, t2: 4000 },
    answerDelayMs: 0,
    rtpTimeoutMs: 30_000,
    timeZone: 'Europe/Paris',
    builtPromptsDir: PROMPTS_DIR,
    promptsDir: undefined,
    pinCaps: { perCaller: { limit: 10, windowMs: 3_600_000 }, perTrunk: { limit: 200, windowMs: 3_600_000 } },
    ...over,
  };
}

/**
 * The real gateway bound to the real room core by CoreRoomLink: a Guichet
 * server in-process (or `url`: nodes started elsewhere), the service token
 * on both sides. The test plays the agent with a socket.io client.
 */
export async function startCoreGateway(
  options: { url?: string; env?: Record<string, string> } = {},
): Promise<CoreGatewayFixture> {
  buildPrompts();
  const server = options.url
    ? undefined
    : await startTestServer({ SIP_SERVICE_TOKEN: SERVICE_TOKEN, ...options.env });
  const audits: AuditEvent[] = [];
  const audit: SipAudit = { record: (event) => audits.push(event) };
  const logLines: string[] = [];
  const log: Logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const url = options.url ?? server?.baseUrl ?? '';
  try {
    const room = new CoreRoomLink({ url, serviceToken: SERVICE_TOKEN, log });
    const gateway = await SipGateway.start(testGatewayConfig(), { room, log, audit });
    return {
      server,
      gateway,
      audits,
      logLines,
      async close() {
        await gateway.close();
        await server?.close();
      },
    };
  } catch (error) {
    await server?.close();
    throw error;
  }
}

/** Books an appointment through the REST API, starting `startsInMinutes` from now. */
export function bookAppointment(
  baseUrl: string,
  agentToken: string,
  startsInMinutes: number,
): Promise<AppointmentView> {
  return apiClient(baseUrl, agentToken).book({
    startsAt: new Date(Date.now() + startsInMinutes * 60_000).toISOString(),
    durationMinutes: 30,
    citizen: { displayName: 'Marie Dupont', email: 'marie@example.org', phone: '+33612345678' },
    channels: ['email'],
  });
}

/** The agent, in the room by its one-click host rights (agent JWT). */
export async function agentIn(baseUrl: string, token: string, roomId: string): Promise<SignalingClient> {
  const agent = await SignalingClient.connect(baseUrl);
  await agent.request('join', { roomId, displayName: 'Agent', token });
  return agent;
}
