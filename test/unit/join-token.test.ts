import { describe, expect, it } from 'vitest';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { JoinTokens, looksLikeJoinToken } from '../../signaling/auth/join-token.js';
import { SecretBox } from '../../signaling/appointments/sealed-secret.js';

const KEY = 'k'.repeat(40);
const APT = '7441f816-ed6a-440c-a777-d6c71b6c652f';
const ROOM = '4dwq-35rh-rufw';

describe('join tokens', () => {
  const tokens = new JoinTokens(KEY);

  it('round-trips its claims, even outside the validity period, in 58 characters', () => {
    const token = tokens.mint('citizen', APT, ROOM, 1_796_303_700_000, 1_796_308_200_000);
    expect(token).toHaveLength(58);
    expect(looksLikeJoinToken(token)).toBe(true);
    expect(tokens.read(token, ROOM)).toEqual({
      role: 'citizen',
      appointmentId: APT,
      roomId: ROOM,
      notBefore: 1_796_303_700_000,
      expiresAt: 1_796_308_200_000,
    });
  });

  it('is stable for the same appointment times, and differs by role', () => {
    expect(tokens.mint('host', APT, ROOM, 0, 60_000)).toBe(tokens.mint('host', APT, ROOM, 0, 60_000));
    expect(tokens.mint('host', APT, ROOM, 0, 60_000)).not.toBe(tokens.mint('citizen', APT, ROOM, 0, 60_000));
  });

  it('rejects another key, another room, and any altered byte', () => {
    const token = tokens.mint('citizen', APT, ROOM, 0, 60_000);
    expect(new JoinTokens('x'.repeat(40)).read(token, ROOM)).toBeNull();
    expect(() => tokens.verifyForRoom(token, 'zzzz-zzzz-zzzz')).toThrow('invalid link');
    const payload = Buffer.from(token.split('.')[0]!, 'base64url');
    payload[1] = 1; // citizen → host
    expect(tokens.read(`${payload.toString('base64url')}.${token.split('.')[1]}`, ROOM)).toBeNull();
    expect(tokens.read(`${token}x`, ROOM)).toBeNull();
    expect(tokens.read('', ROOM)).toBeNull();
  });

  it('cannot stand in for an agent token, nor the reverse', () => {
    const agents = new AgentAuth({ algorithm: 'HS256', key: KEY });
    expect(() => agents.verify(tokens.mint('host', APT, ROOM, 0, Date.now() + 60_000))).toThrow();
    const agentToken = agents.mint({ id: 'alice' });
    expect(looksLikeJoinToken(agentToken)).toBe(false);
    expect(tokens.read(agentToken, ROOM)).toBeNull();
  });
});

describe('SecretBox', () => {
  it('seals and opens, and detects tampering', () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal('K7M-4QX-9TP');
    expect(sealed).not.toContain('K7M');
    expect(box.open(sealed)).toBe('K7M-4QX-9TP');
    expect(box.seal('x')).not.toBe(box.seal('x'));
    const parts = sealed.split('.');
    parts[3] = Buffer.from('K7M-4QX-9TQ').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox('y'.repeat(40)).open(sealed)).toThrow();
  });
});
