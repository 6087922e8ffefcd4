import { describe, expect, it } from 'vitest';
import { parseRoomInput, parseRoute, roomPath } from './route.js';

describe('parseRoute', () => {
  it('reads the room id from /r/<roomId> and the password from the fragment', () => {
    expect(parseRoute({ pathname: '/r/abc-123456', hash: '#pwd=s3cr%C3%A9t' })).toEqual({
      kind: 'room',
      roomId: 'abc-123456',
      password: 's3crét',
    });
  });

  it('has no password without a #pwd fragment, and tolerates a trailing slash', () => {
    expect(parseRoute({ pathname: '/r/abc-123456/', hash: '' })).toEqual({
      kind: 'room',
      roomId: 'abc-123456',
      password: undefined,
    });
    expect(parseRoute({ pathname: '/r/abc-123456', hash: '#pwd=' })).toMatchObject({
      password: undefined,
    });
  });

  it('reads a one-click link token from ?t=', () => {
    expect(parseRoute({ pathname: '/r/abc-123456', hash: '', search: '?t=Abc_12-x&lang=fr' })).toEqual({
      kind: 'room',
      roomId: 'abc-123456',
      password: undefined,
      token: 'Abc_12-x',
    });
    expect(parseRoute({ pathname: '/r/abc-123456', hash: '', search: '?t=' })).toMatchObject({
      token: undefined,
    });
  });

  it('sends / and unknown paths home, and flags an invalid room id', () => {
    expect(parseRoute({ pathname: '/', hash: '' })).toEqual({ kind: 'home' });
    expect(parseRoute({ pathname: '/elsewhere', hash: '' })).toEqual({ kind: 'home' });
    expect(parseRoute({ pathname: '/r/ABC', hash: '' })).toEqual({ kind: 'badRoom' });
    expect(parseRoute({ pathname: '/r/%E0%A4%A', hash: '' })).toEqual({ kind: 'badRoom' });
  });
});

describe('parseRoomInput', () => {
  it('accepts a bare code, trimmed and lower-cased', () => {
    expect(parseRoomInput('  ABC-123456 ')).toEqual({ roomId: 'abc-123456', hash: '' });
  });

  it('accepts a pasted invitation link and keeps its fragment', () => {
    expect(parseRoomInput('https://guichet.example/r/abc-123456#pwd=x')).toEqual({
      roomId: 'abc-123456',
      hash: '#pwd=x',
    });
    expect(parseRoomInput('/r/abc-123456')).toEqual({ roomId: 'abc-123456', hash: '' });
  });

  it('refuses anything else', () => {
    expect(parseRoomInput('')).toBeUndefined();
    expect(parseRoomInput('abc')).toBeUndefined();
    expect(parseRoomInput('https://guichet.example/')).toBeUndefined();
  });

  it('builds the path back', () => {
    const room = parseRoomInput('abc-123456');
    expect(room && roomPath(room.roomId)).toBe('/r/abc-123456');
  });
});
