import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { JoinTokens, looksLikeJoinToken } from '../../signaling/auth/join-token.js';
import { SecretBox } from '../../signaling/appointments/sealed-secret.js';

const KEY = 'k'.repeat(40);

describe('join tokens', () => {
  const tokens = new JoinTokens(KEY);

  it('round-trips its claims, even outside the validity period', () => {
    const token = tokens.mint('citizen', 'apt-1', 'room-aaaa', 1_000_000, 2_000_000);
    expect(looksLikeJoinToken(token)).toBe(true);
    expect(tokens.read(token)).toEqual({
      role: 'citizen',
      appointmentId: 'apt-1',
      roomId: 'room-aaaa',
      notBefore: 1_000_000,
      expiresAt: 2_000_000,
    });
  });

  it('is stable for the same appointment times', () => {
    expect(tokens.mint('host', 'a', 'r', 0, 60_000)).toBe(tokens.mint('host', 'a', 'r', 0, 60_000));
  });

  it('rejects another key, another room, and a tampered payload', () => {
    const token = tokens.mint('citizen', 'apt-1', 'room-aaaa', 0, 60_000);
    expect(new JoinTokens('x'.repeat(40)).read(token)).toBeNull();
    expect(() => tokens.verifyForRoom(token, 'room-bbbb')).toThrow('invalid link');
    const [head, , sig] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ apt: 'apt-2', room: 'room-aaaa', role: 'host', nbf: 0, exp: 60 }),
    ).toString('base64url');
    expect(tokens.read(`${head}.${forged}.${sig}`)).toBeNull();
  });

  it('cannot stand in for an agent token, nor the reverse', () => {
    const agents = new AgentAuth({ algorithm: 'HS256', key: KEY });
    const join = tokens.mint('host', 'a', 'r', 0, Date.now() + 60_000);
    expect(() => agents.verify(join)).toThrow();
    const agentToken = agents.mint({ id: 'alice' });
    expect(looksLikeJoinToken(agentToken)).toBe(false);
    expect(tokens.read(agentToken)).toBeNull();
    expect(
      tokens.read(
        jwt.sign({ apt: 'a', room: 'r', role: 'citizen', nbf: 0, exp: 1 }, KEY, { audience: 'guichet:join' }),
      ),
    ).toBeNull();
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
