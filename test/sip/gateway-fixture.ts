import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { SqliteStore } from '../../signaling/store/sqlite-store.js';
import { SipGateway, type GatewayConfig } from '../../sip-gateway/gateway.js';
import type { SipAudit } from '../../sip-gateway/trunk/pin-caps.js';
import { appointment } from '../helpers/store-fixtures.js';
import { StoreRoomLink } from './store-room-link.js';

export const PROMPTS_DIR = 'dist/sip-prompts';
const MIN = 60_000;

/** The prompts, built once per run by the real script (espeak-ng and sox). */
export function buildPrompts(): void {
  execFileSync('bash', ['scripts/build-prompts.sh', PROMPTS_DIR], { stdio: 'pipe' });
}

export interface AuditEvent {
  type: string;
  caller: string;
  trunk: string;
  detail?: string;
}

export interface GatewayFixture {
  gateway: SipGateway;
  room: StoreRoomLink;
  store: SqliteStore;
  audits: AuditEvent[];
  logLines: string[];
  /** Books an appointment starting `startsInMinutes` from now, holding `pin`. */
  book(pin: string, startsInMinutes: number): Promise<string>;
  close(): Promise<void>;
}

export async function startGatewayFixture(over: Partial<GatewayConfig> = {}): Promise<GatewayFixture> {
  buildPrompts();
  const dir = mkdtempSync(join(tmpdir(), 'guichet-sip-'));
  const store = SqliteStore.open(join(dir, 'guichet.sqlite'));
  const room = new StoreRoomLink(store);
  const audits: AuditEvent[] = [];
  const audit: SipAudit = { record: (event) => audits.push(event) };
  const logLines: string[] = [];
  const log: Logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const config: GatewayConfig = {
    listen: { host: '127.0.0.1', port: 0 },
    advertisedHost: '127.0.0.1',
    rtp: {
      listenHost: '127.0.0.1',
      advertisedAddress: '127.0.0.1',
      portMin: 26000 + Math.floor(Math.random() * 40) * 100,
      portMax: 0,
    },
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
  config.rtp.portMax = config.rtp.portMin + 98;
  const gateway = await SipGateway.start(config, { room, log, audit });
  return {
    gateway,
    room,
    store,
    audits,
    logLines,
    async book(pin, startsInMinutes) {
      const startsAt = Date.now() + startsInMinutes * MIN;
      const record = appointment({ startsAt, pin, durationMinutes: 30 });
      await store.insertAppointment(record);
      if (!(await store.claimPin(pin, record.id, startsAt + 2 * 60 * MIN)))
        throw new Error(`PIN ${pin} taken`);
      return record.id;
    },
    async close() {
      await gateway.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
