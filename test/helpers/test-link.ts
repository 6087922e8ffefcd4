import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/*
 * An address that is not loopback, for browsers that gather no usable ICE
 * candidate when 127.0.0.1 is all there is (Firefox). A veth pair made
 * inside the test's own network namespace (scripts/test.sh enters one), both
 * ends in it: packets between its addresses never leave the namespace, and
 * the machine's real interfaces are never touched. Refused anywhere else.
 */

const run = promisify(execFile);

export interface TestLink {
  /** The server's end: listen and announce media here. */
  address: string;
  /** Deletes the pair (both ends). Idempotent. */
  close(): Promise<void>;
}

const NAME = 'gxlink0';
const PEER = 'gxlink1';

/** Whether this process runs in the namespace scripts/test.sh made for the tests. */
export function inTestNamespace(): boolean {
  return process.env['GUICHET_TEST_NETNS'] === '1' && process.getuid?.() === 0;
}

export async function openTestLink(): Promise<TestLink> {
  if (!inTestNamespace()) {
    throw new Error(
      'this test needs its own network namespace to add a veth pair in: run it through `npm test` as root ' +
        '(scripts/test.sh), never on the machine’s own network',
    );
  }
  const ip = (...args: string[]): Promise<unknown> => run('ip', args);
  // A pair left by an earlier file in this same namespace (a crashed run): start clean.
  await ip('link', 'del', NAME).catch(() => undefined);
  await ip('link', 'add', NAME, 'type', 'veth', 'peer', 'name', PEER);
  await ip('addr', 'add', '10.213.0.1/30', 'dev', NAME);
  await ip('addr', 'add', '10.213.0.2/30', 'dev', PEER);
  await ip('link', 'set', NAME, 'up');
  await ip('link', 'set', PEER, 'up');
  let closed = false;
  return {
    address: '10.213.0.1',
    async close() {
      if (closed) return;
      closed = true;
      await ip('link', 'del', NAME).catch(() => undefined);
    },
  };
}
