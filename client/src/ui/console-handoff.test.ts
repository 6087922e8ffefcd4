import { afterEach, describe, expect, it } from 'vitest';
import { leaveConsoleHandoff, takeConsoleHandoff } from './console-handoff.js';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describe('console hand-off (« Rejoindre » in one click)', () => {
  const storage = new MemoryStorage();
  Reflect.set(globalThis, 'window', { sessionStorage: storage });
  afterEach(() => storage.items.clear());

  it('is taken once, for the room the console sent us to', () => {
    leaveConsoleHandoff('room-a', 1_000);
    expect(takeConsoleHandoff('room-a', 2_000)).toBe(true);
    expect(takeConsoleHandoff('room-a', 2_000)).toBe(false);
  });

  it('is not taken for another room, nor once 30 s have passed', () => {
    leaveConsoleHandoff('room-a', 1_000);
    expect(takeConsoleHandoff('room-b', 2_000)).toBe(false);
    leaveConsoleHandoff('room-a', 1_000);
    expect(takeConsoleHandoff('room-a', 31_000)).toBe(false);
  });

  it('ignores whatever else is stored under its key', () => {
    storage.setItem('guichet.consoleJoin', '{not json');
    expect(takeConsoleHandoff('room-a')).toBe(false);
  });
});
