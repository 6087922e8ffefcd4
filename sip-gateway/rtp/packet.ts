/** An RTP packet (RFC 3550 §5.1), header fields and payload. */
export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** Parses one RTP packet; undefined for anything else (RTCP, garbage, v≠2). */
export function parseRtp(data: Buffer): RtpPacket | undefined {
  if (data.length < 12) return undefined;
  const b0 = data[0] ?? 0;
  const b1 = data[1] ?? 0;
  if (b0 >> 6 !== 2) return undefined;
  const payloadType = b1 & 0x7f;
  // RTCP shares the port under rtcp-mux: its packet types 200-204 land on PT 72-76.
  if (payloadType >= 72 && payloadType <= 76) return undefined;
  let offset = 12 + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (data.length < offset + 4) return undefined;
    offset += 4 + data.readUInt16BE(offset + 2) * 4;
  }
  let end = data.length;
  if (b0 & 0x20) end -= data[data.length - 1] ?? 0;
  if (offset > end) return undefined;
  return {
    payloadType,
    marker: (b1 & 0x80) !== 0,
    sequence: data.readUInt16BE(2),
    timestamp: data.readUInt32BE(4),
    ssrc: data.readUInt32BE(8),
    payload: data.subarray(offset, end),
  };
}

export function serializeRtp(packet: RtpPacket): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  header.writeUInt16BE(packet.sequence & 0xffff, 2);
  header.writeUInt32BE(packet.timestamp >>> 0, 4);
  header.writeUInt32BE(packet.ssrc >>> 0, 8);
  return Buffer.concat([header, packet.payload]);
}

/** a - b on the 16-bit sequence circle, in -32768..32767. */
export function seqDiff(a: number, b: number): number {
  return ((((a - b) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}
