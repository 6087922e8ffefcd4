import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_SCHEMAS, type RequestName } from '../../signaling/protocol/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * INTERNAL means a bug. Every request name, sent with hostile shapes and
 * with well-formed ids of things that don't exist, before and after joining,
 * gets the error envelope with a client error code; the connection and the
 * server stay up, and a normal join still works afterwards.
 */
const NAMES = Object.keys(REQUEST_SCHEMAS) as RequestName[];
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const HOSTILE: unknown[] = [undefined, null, 42, 'x', [], {}, { extra: 1 }, { transportId: 7 }, '{"a":1}'];
const WELL_FORMED_UNKNOWN: Partial<Record<RequestName, unknown>> = {
  connectTransport: {
    transportId: UNKNOWN,
    dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
  },
  restartIce: { transportId: UNKNOWN },
  createPlainTransport: { comedia: true },
  produce: {
    transportId: UNKNOWN,
    kind: 'audio',
    source: 'mic',
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] },
  },
  pauseProducer: { producerId: UNKNOWN },
  resumeProducer: { producerId: UNKNOWN },
  closeProducer: { producerId: UNKNOWN },
  consume: { transportId: UNKNOWN, producerId: UNKNOWN, rtpCapabilities: { codecs: [] } },
  resumeConsumer: { consumerId: UNKNOWN },
  pauseConsumer: { consumerId: UNKNOWN },
  setPreferredLayers: { consumerId: UNKNOWN, spatialLayer: 1 },
  admit: { peerId: 'nobody' },
  refuse: { peerId: 'nobody' },
  removePeer: { peerId: 'nobody' },
  mutePeer: { peerId: 'nobody' },
  requestDocument: { peerId: 'nobody' },
  verifyIdentity: { peerId: 'nobody', method: 'other' },
};

describe('no request is ever answered INTERNAL', () => {
  let server: TestServer;
  let room: { roomId: string; password: string };

  beforeAll(async () => {
    // Some 300 messages on one connection: past the socket message cap, which has its own test.
    server = await startTestServer({ SOCKET_MESSAGES_BURST: '100000', SOCKET_MESSAGES_PER_SECOND: '100000' });
    room = await server.createRoom();
  });
  afterAll(async () => {
    await server?.close();
  });

  const sweep = async (client: SignalingClient): Promise<Map<string, number>> => {
    const codes = new Map<string, number>();
    for (const name of NAMES) {
      if (name === 'leave' || name === 'endMeeting' || name === 'join') continue;
      const payloads = [...HOSTILE, ...(name in WELL_FORMED_UNKNOWN ? [WELL_FORMED_UNKNOWN[name]] : [])];
      for (const payload of payloads) {
        const ack = await client.raw(name, payload);
        const code = ack.ok ? 'ok' : ack.error.code;
        expect(code, `${name} ${JSON.stringify(payload)}`).not.toBe('INTERNAL');
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    return codes;
  };

  it('before and after joining, as a host with transports', async () => {
    const client = await SignalingClient.connect(server.baseUrl);
    try {
      const before = await sweep(client);
      await client.request('join', { roomId: room.roomId, displayName: 'Agent', token: server.agentToken() });
      await client.request('createTransport', { direction: 'send' });
      const after = await sweep(client);
      console.log(
        `no-internal: before join ${JSON.stringify(Object.fromEntries(before))}; after ${JSON.stringify(Object.fromEntries(after))}`,
      );
      expect(client.socket.connected).toBe(true);
      expect(client.malformed).toEqual([]);
      // The server still takes a normal join.
      const other = await SignalingClient.connect(server.baseUrl);
      await other.request('join', { roomId: room.roomId, displayName: 'Marie', password: room.password });
      other.close();
    } finally {
      client.close();
    }
  });
});
