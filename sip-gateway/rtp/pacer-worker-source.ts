/**
 * The RTP pacer's thread, as JavaScript source run with `new Worker(src,
 * { eval: true })`: it needs no TypeScript loader, under tsx, vitest or the
 * built dist/ alike.
 *
 * The thread owns every call's RTP socket. It sends one packet per call
 * every 20 ms on an absolute schedule (start + n·20 ms), from a short queue
 * the main thread fills, or a silence frame when the queue is empty: a busy
 * main event loop delays what is said, never the pacing. Each tick is
 * announced so the main thread produces the next frames; the packets
 * received since the last tick travel with it, all of them in one
 * transferred buffer (one message per tick, not one per packet: the
 * per-message cost was the main thread's largest after the codecs). The
 * main thread's frames come back the same way, one message per tick.
 */
export const PACER_WORKER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const { performance } = require('node:perf_hooks');
const FRAME_MS = 20;
const MAX_QUEUE = 10;
const MAX_INBOX = 10000;
const streams = new Map();
const lateness = [];

// Linux nice values are per thread: this thread (a few % of a core) asks
// for a higher priority than the main thread, whose per-tick burst of
// codec work would otherwise hold the 20 ms send back on a shared core.
// Needs CAP_SYS_NICE (root, or cap_add SYS_NICE in compose); without it the
// pacer keeps the process's priority and the stats say so.
let priorityRaised = false;
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(tid, -10);
  priorityRaised = true;
} catch {
  priorityRaised = false;
}
// Received since the last tick: flushed with it.
let inbox = { ids: [], addresses: [], ports: [], chunks: [], size: 0 };

function tickMessage(n) {
  const { ids, addresses, ports, chunks, size } = inbox;
  inbox = { ids: [], addresses: [], ports: [], chunks: [], size: 0 };
  const data = new Uint8Array(size);
  const lengths = new Array(chunks.length);
  let offset = 0;
  for (let i = 0; i < chunks.length; i++) {
    data.set(chunks[i], offset);
    lengths[i] = chunks[i].length;
    offset += chunks[i].length;
  }
  parentPort.postMessage({ op: 'tick', tick: n, ids, addresses, ports, lengths, data }, [data.buffer]);
}
let start = performance.now();
let tick = 0;

function header(s, payloadLength) {
  const b = Buffer.alloc(12 + payloadLength);
  b[0] = 0x80;
  b[1] = (s.marker ? 0x80 : 0) | s.payloadType;
  b.writeUInt16BE(s.seq, 2);
  b.writeUInt32BE(s.ts >>> 0, 4);
  b.writeUInt32BE(s.ssrc >>> 0, 8);
  s.marker = false;
  s.seq = (s.seq + 1) & 0xffff;
  s.ts = (s.ts + 160) >>> 0;
  return b;
}

function sendAll() {
  for (const s of streams.values()) {
    if (!s.remote || !s.sending) continue;
    const payload = s.queue.shift() || s.silence;
    const packet = header(s, payload.length);
    packet.set(payload, 12);
    s.socket.send(packet, s.remote.port, s.remote.address, () => {});
    s.sent++;
  }
}

function loop() {
  const now = performance.now();
  const due = start + tick * FRAME_MS;
  lateness.push(now - due);
  if (lateness.length > 5000) lateness.splice(0, lateness.length - 5000);
  // A stall longer than a few frames: start the schedule again rather than burst.
  if (now - due > 5 * FRAME_MS) {
    start = now;
    tick = 0;
  }
  sendAll();
  tickMessage(tick);
  tick++;
  setTimeout(loop, Math.max(0, start + tick * FRAME_MS - performance.now()));
}

function bind(socket, port, host) {
  return new Promise((resolve) => {
    const onError = () => resolve(false);
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      resolve(true);
    });
  });
}

async function open(m) {
  const span = Math.floor((m.portMax - m.portMin) / 2) + 1;
  const first = Math.floor(Math.random() * span);
  for (let i = 0; i < Math.min(span, 64); i++) {
    const port = m.portMin + ((first + i) % span) * 2;
    const socket = dgram.createSocket(m.host.includes(':') ? 'udp6' : 'udp4');
    if (await bind(socket, port, m.host)) {
      const s = {
        socket, remote: undefined, sending: true, queue: [], silence: Buffer.alloc(160, 0xd5),
        payloadType: 8, ssrc: (Math.random() * 2 ** 32) >>> 0, seq: (Math.random() * 65536) | 0,
        ts: (Math.random() * 2 ** 32) >>> 0, marker: true, sent: 0,
      };
      socket.on('message', (data, rinfo) => {
        if (inbox.ids.length >= MAX_INBOX) return;
        inbox.ids.push(m.id);
        inbox.addresses.push(rinfo.address);
        inbox.ports.push(rinfo.port);
        inbox.chunks.push(data);
        inbox.size += data.length;
      });
      socket.on('error', () => {});
      streams.set(m.id, s);
      parentPort.postMessage({ op: 'opened', id: m.id, port: socket.address().port });
      return;
    }
    socket.close();
  }
  parentPort.postMessage({ op: 'error', id: m.id, message: 'no free RTP port in range' });
}

parentPort.on('message', (m) => {
  const s = streams.get(m.id);
  switch (m.op) {
    case 'open':
      void open(m);
      break;
    case 'remote':
      if (!s) return;
      s.remote = { address: m.address, port: m.port };
      s.payloadType = m.payloadType;
      s.silence = Buffer.alloc(160, m.silenceByte);
      s.sending = m.sending;
      break;
    case 'frames': {
      // One message per main-thread tick: every call's frame, views on one transferred buffer.
      let offset = 0;
      for (let i = 0; i < m.ids.length; i++) {
        const length = m.lengths[i];
        const st = streams.get(m.ids[i]);
        if (st) {
          st.queue.push(Buffer.from(m.data.buffer, m.data.byteOffset + offset, length));
          if (st.queue.length > MAX_QUEUE) st.queue.shift();
        }
        offset += length;
      }
      break;
    }
    case 'close':
      if (!s) return;
      streams.delete(m.id);
      s.socket.close();
      parentPort.postMessage({ op: 'closed', id: m.id });
      break;
    case 'stats': {
      const sorted = [...lateness].sort((a, b) => a - b);
      const p = (q) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
      parentPort.postMessage({ op: 'stats', ticks: sorted.length, p50: p(0.5), p99: p(0.99), max: p(1), priorityRaised });
      break;
    }
    case 'stop':
      for (const st of streams.values()) st.socket.close();
      streams.clear();
      parentPort.close();
      process.exit(0);
  }
});

setTimeout(loop, FRAME_MS);
`;
