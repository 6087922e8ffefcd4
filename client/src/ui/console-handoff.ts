/*
 * « Rejoindre » in the agent console is one click: the console leaves a
 * hand-off for that room in sessionStorage (this tab only, 30 s), and the
 * pre-join page that opens takes it, once, and joins by itself with the
 * agent's name. Opening the same link any other way still shows the form.
 */
const KEY = 'guichet.consoleJoin';
const VALID_MS = 30_000;

export function leaveConsoleHandoff(roomId: string, now = Date.now()): void {
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify({ roomId, at: now }));
  } catch {
    // No storage: the agent clicks « Rejoindre » on the page instead.
  }
}

/** True once for the room the console just sent us to; the hand-off is gone afterwards. */
export function takeConsoleHandoff(roomId: string, now = Date.now()): boolean {
  let raw: string | null;
  try {
    raw = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
  } catch {
    return false;
  }
  if (!raw) return false;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return false;
    const at = Reflect.get(parsed, 'at');
    return (
      Reflect.get(parsed, 'roomId') === roomId &&
      typeof at === 'number' &&
      now - at >= 0 &&
      now - at < VALID_MS
    );
  } catch {
    return false;
  }
}
