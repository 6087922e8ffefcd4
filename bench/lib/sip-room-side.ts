/*
 * The room side of the phone bench: which gateway process runs, with
 * which settings, and the PINs its callers type.
 *  - synthetic: lib/sip-gateway-synthetic.ts, every PIN admitted, one
 *    synthetic Opus speaker per call (the gateway's own cost only);
 *  - core: the real room core (server + mediasoup worker), one appointment
 *    per call with one WebRTC participant (see sip-core-room-side.ts).
 */
export interface RoomSide {
  readonly name: string;
  readonly gatewayScript: string;
  gatewayEnv(): Record<string, string>;
  /** The PINs of `calls` calls, each valid now. */
  prepare(calls: number): Promise<string[]>;
  /** After a step: whatever the step's calls held. */
  release(): Promise<void>;
  close(): Promise<void>;
}

export function syntheticRoomSide(): Promise<RoomSide> {
  return Promise.resolve({
    name: 'synthetic',
    gatewayScript: 'bench/lib/sip-gateway-bench.ts',
    gatewayEnv: () => ({ BENCH_SIP_ROOM: 'synthetic' }),
    prepare: (calls) =>
      Promise.resolve(Array.from({ length: calls }, (_, i) => String(100000 + i).padStart(6, '0'))),
    release: () => Promise.resolve(),
    close: () => Promise.resolve(),
  });
}
