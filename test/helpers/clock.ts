/** A clock the test moves by hand: no test waits real minutes for a reminder. */
export class ManualClock {
  constructor(private current: number) {}

  now = (): number => this.current;

  set(instant: number | string): void {
    this.current = typeof instant === 'string' ? Date.parse(instant) : instant;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
