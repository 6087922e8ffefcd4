import { describe, expect, it } from 'vitest';
import {
  CreateRoomBodySchema,
  JoinRequestSchema,
  ProduceRequestSchema,
  RtpParametersSchema,
} from '../../signaling/protocol/index.js';
import { toFieldErrors } from '../../signaling/validation.js';

const roomId = 'abcd-efgh-ijkm';
const uuid = '0b0c8d2e-8f6a-4c39-9a43-3c1f4f0f7b11';

describe('join request', () => {
  it('accepts a password join and trims the name', () => {
    const parsed = JoinRequestSchema.parse({
      roomId,
      displayName: '  Marie Dupont ',
      password: 'K7M-4QX-9TP',
    });
    expect(parsed.displayName).toBe('Marie Dupont');
  });

  it('requires a password or a token', () => {
    const result = JoinRequestSchema.safeParse({ roomId, displayName: 'Marie' });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(toFieldErrors(result.error)).toEqual([
        { path: 'password', message: 'a password, a token or a credential is required' },
      ]);
  });

  it.each([
    ['empty name', { displayName: '   ' }, 'displayName'],
    ['name too long', { displayName: 'x'.repeat(65) }, 'displayName'],
    ['control characters', { displayName: 'a\u0007b' }, 'displayName'],
    ['bad room id', { roomId: '../etc/passwd' }, 'roomId'],
    ['password too long', { password: 'p'.repeat(129) }, 'password'],
  ])('rejects %s', (_label, patch, field) => {
    const result = JoinRequestSchema.safeParse({ roomId, displayName: 'Marie', password: 'x', ...patch });
    expect(result.success).toBe(false);
    if (!result.success) expect(toFieldErrors(result.error).map((f) => f.path)).toContain(field);
  });

  it('names unknown keys as their own fields', () => {
    const result = JoinRequestSchema.safeParse({ roomId, displayName: 'M', password: 'x', role: 'host' });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(toFieldErrors(result.error)).toEqual([{ path: 'role', message: 'unknown field' }]);
  });
});

describe('produce request', () => {
  const rtpParameters = {
    codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  };

  it('accepts audio from the mic', () => {
    expect(
      ProduceRequestSchema.safeParse({ transportId: uuid, kind: 'audio', rtpParameters, source: 'mic' })
        .success,
    ).toBe(true);
  });

  it('refuses audio labelled as a camera', () => {
    const result = ProduceRequestSchema.safeParse({
      transportId: uuid,
      kind: 'audio',
      rtpParameters,
      source: 'camera',
    });
    expect(result.success).toBe(false);
  });

  it('bounds the codec list', () => {
    const many = { codecs: Array.from({ length: 17 }, () => rtpParameters.codecs[0]) };
    expect(RtpParametersSchema.safeParse(many).success).toBe(false);
  });

  it('refuses unknown header extensions', () => {
    const result = RtpParametersSchema.safeParse({
      ...rtpParameters,
      headerExtensions: [{ uri: 'urn:evil', id: 1 }],
    });
    expect(result.success).toBe(false);
  });
});

describe('create room body', () => {
  it('accepts an empty body and a title', () => {
    expect(CreateRoomBodySchema.safeParse({}).success).toBe(true);
    expect(CreateRoomBodySchema.parse({ title: ' RDV CAF ' }).title).toBe('RDV CAF');
  });

  it('rejects a title too long', () => {
    expect(CreateRoomBodySchema.safeParse({ title: 't'.repeat(201) }).success).toBe(false);
  });
});
