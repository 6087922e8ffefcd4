import { readFileSync, writeFileSync } from 'node:fs';
import { g711 } from '../../sip-gateway/media/g711.js';

/*
 * Two small pcap jobs for the phone tests and bench:
 *  - write a capture of G.711 A-law RTP, 20 ms frames of a tone, for sipp's
 *    play_pcap_audio (sipp's own g711a.pcap has 30 ms frames and lasts 7 s);
 *  - read tcpdump's capture of the gateway's RTP back: kernel timestamps,
 *    source port (one per call), RTP sequence number.
 */

const ETHERNET = 1;
const LINUX_SLL = 113;
const LINUX_SLL2 = 276;
const NULL_LOOP = 0;

function globalHeader(): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(65535, 16);
  b.writeUInt32LE(ETHERNET, 20);
  return b;
}

function ipv4Checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** `seconds` of a `hz` tone as PCMA RTP (PT 8), 20 ms a packet, 10.0.0.1:5000 → 10.0.0.2:6000 (sipp rewrites both). */
export function writeTonePcap(file: string, seconds: number, hz = 1000): void {
  const law = g711('PCMA');
  const parts: Buffer[] = [globalHeader()];
  const packets = Math.round(seconds * 50);
  for (let n = 0; n < packets; n++) {
    const samples = Int16Array.from({ length: 160 }, (_, i) =>
      Math.round(6000 * Math.sin((2 * Math.PI * hz * (n * 160 + i)) / 8000)),
    );
    const rtp = Buffer.alloc(12 + 160);
    rtp[0] = 0x80;
    rtp[1] = (n === 0 ? 0x80 : 0) | 8;
    rtp.writeUInt16BE(n & 0xffff, 2);
    rtp.writeUInt32BE((n * 160) >>> 0, 4);
    rtp.writeUInt32BE(0x5eed0001, 8);
    rtp.set(law.encode(samples), 12);
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(5000, 0);
    udp.writeUInt16BE(6000, 2);
    udp.writeUInt16BE(8 + rtp.length, 4);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 8 + rtp.length, 2);
    ip[8] = 64;
    ip[9] = 17;
    Buffer.from([10, 0, 0, 1]).copy(ip, 12);
    Buffer.from([10, 0, 0, 2]).copy(ip, 16);
    ip.writeUInt16BE(ipv4Checksum(ip), 10);
    const eth = Buffer.alloc(14);
    eth.writeUInt16BE(0x0800, 12);
    const frame = Buffer.concat([eth, ip, udp, rtp]);
    const record = Buffer.alloc(16);
    const us = n * 20_000;
    record.writeUInt32LE(Math.floor(us / 1e6), 0);
    record.writeUInt32LE(us % 1e6, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    parts.push(record, frame);
  }
  writeFileSync(file, Buffer.concat(parts));
}

export interface CapturedRtp {
  /** Kernel timestamp, in µs. */
  us: number;
  srcPort: number;
  dstPort: number;
  seq: number;
}

/** UDP/IPv4 packets carrying RTP (version 2) in a tcpdump capture (µs timestamps). */
export function readRtpCapture(file: string): CapturedRtp[] {
  const data = readFileSync(file);
  if (data.length < 24) return [];
  const magic = data.readUInt32LE(0);
  const nano = magic === 0xa1b23c4d;
  if (magic !== 0xa1b2c3d4 && !nano) throw new Error(`${file}: not a little-endian pcap`);
  const link = data.readUInt32LE(20);
  const linkHeader =
    link === ETHERNET ? 14 : link === LINUX_SLL ? 16 : link === LINUX_SLL2 ? 20 : link === NULL_LOOP ? 4 : -1;
  if (linkHeader < 0) throw new Error(`${file}: link type ${link} not handled`);
  const out: CapturedRtp[] = [];
  let at = 24;
  while (at + 16 <= data.length) {
    const sec = data.readUInt32LE(at);
    const frac = data.readUInt32LE(at + 4);
    const incl = data.readUInt32LE(at + 8);
    const body = at + 16;
    at = body + incl;
    if (at > data.length) break;
    const ip = body + linkHeader;
    if (incl < linkHeader + 20 || data[ip]! >> 4 !== 4 || data[ip + 9] !== 17) continue;
    const udp = ip + (data[ip]! & 0x0f) * 4;
    if (udp + 8 + 12 > body + incl) continue;
    const rtp = udp + 8;
    if (data[rtp]! >> 6 !== 2) continue;
    out.push({
      us: sec * 1e6 + (nano ? frac / 1000 : frac),
      srcPort: data.readUInt16BE(udp),
      dstPort: data.readUInt16BE(udp + 2),
      seq: data.readUInt16BE(rtp + 2),
    });
  }
  return out;
}
