import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { connectedPaths, recordPeerConnections } from '../helpers/ice-path.js';
import { TURNSERVER, stunAnswers } from '../helpers/native-services.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { MEDIA_DEADLINE_MS, expectMediaFlowing, fillAndJoin, waitForCallView } from './guichet-page.js';

/*
 * A citizen whose network lets nothing through but TURN: both browsers may
 * only use relay candidates, so every packet goes browser → real coturn
 * (Debian's turnserver, on 127.0.0.1) → mediasoup and back. Proves the
 * credentials Guichet signs are the ones coturn accepts (use-auth-secret).
 * Run inside a loopback-only network namespace, like every browser test.
 */

const TURN_SECRET = randomBytes(32).toString('base64');

const cleanups: (() => unknown)[] = [];
let browsers: TestBrowser[] = [];
let coturnLogs: string[] = [];
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    for (const [i, browser] of browsers.entries())
      console.log(`--- browser ${i} ---\n${browser.logs.join('\n')}`);
    console.log(`--- turnserver ---\n${coturnLogs.join('')}`);
  }
  await Promise.all(browsers.map((b) => b.close()));
  browsers = [];
  for (const stop of cleanups.splice(0).reverse()) await stop();
});

/** A UDP port nobody uses right now (the kernel's choice). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** Debian's coturn on 127.0.0.1 with a temp config, as close to deploy/coturn/turnserver.conf as loopback allows. */
async function startCoturn(): Promise<{ port: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'guichet-coturn-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const port = await freeUdpPort();
  const relayBase = 49_400 + (process.pid % 50) * 20;
  const config = [
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    `min-port=${relayBase}`,
    `max-port=${relayBase + 19}`,
    'use-auth-secret',
    `static-auth-secret=${TURN_SECRET}`,
    'realm=guichet.test',
    'fingerprint',
    // The SFU is on 127.0.0.1 here; production denies loopback and private peers.
    'allow-loopback-peers',
    'no-tcp-relay',
    'no-multicast-peers',
    'no-tls',
    'no-dtls',
    'no-cli',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
  ].join('\n');
  await writeFile(join(dir, 'turnserver.conf'), `${config}\n`, { mode: 0o600 });
  const child: ChildProcess = spawn(TURNSERVER, ['-c', join(dir, 'turnserver.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = (coturnLogs = []);
  child.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  await expect
    .poll(
      async () => {
        if (child.exitCode !== null) throw new Error(`turnserver exited: ${logs.join('')}`);
        return stunAnswers(port, 200);
      },
      { timeout: 10_000, interval: 100 },
    )
    .toBe(true);
  return { port };
}

describe('media through TURN only', () => {
  it('two browsers limited to relay candidates exchange media through coturn', async () => {
    const turn = await startCoturn();
    const server: TestServer = await startTestServer({
      TURN_SECRET,
      TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=udp`,
    });
    cleanups.push(() => server.close());
    const room = await server.createRoom();

    browsers = await Promise.all([launchBrowser(), launchBrowser()]);
    for (const browser of browsers) {
      await browser.context.addInitScript(recordPeerConnections);
      // `?relay=1`: the client's own switch to relay-only ICE (host candidates would work on loopback).
      await browser.page.goto(`${server.baseUrl}/r/${room.roomId}?relay=1`);
    }
    const [alice, bruno] = browsers;
    if (!alice || !bruno) throw new Error('two browsers expected');
    await fillAndJoin(alice.page, 'Alice', room.password);
    await waitForCallView(alice.page);
    await fillAndJoin(bruno.page, 'Bruno', room.password);
    await waitForCallView(bruno.page);

    await Promise.all([expectMediaFlowing(alice.page), expectMediaFlowing(bruno.page)]);

    // Relay candidates exist only if coturn accepted the credentials Guichet signed.
    for (const { page } of browsers) {
      // Both directions (send and receive transports), each through a relay candidate.
      await expect
        .poll(async () => (await connectedPaths(page)).length, { timeout: MEDIA_DEADLINE_MS })
        .toBe(2);
      for (const path of await connectedPaths(page)) {
        // The client itself asked for relay-only ICE, and the selected pair goes through coturn.
        expect(path.policy).toBe('relay');
        expect(path.local).toMatchObject({ candidateType: 'relay', relayProtocol: 'udp' });
      }
    }
  });
});
