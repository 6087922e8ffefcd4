import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { AUDIO_TIME_OFFSET, VIDEO_TIME_OFFSET } from './rtp.js';

/*
 * One WebRTC viewer on werift: ICE, DTLS and SRTP in Node, receiving one
 * audio and one video track over one bundled connection. The same viewer
 * answers a mediasoup offer (built by the bench from a WebRtcTransport) and
 * a Janus streaming offer, so both SFUs serve identical clients.
 * The peer-connection set-up follows test/helpers/rtc-peer.ts: no STUN,
 * host candidates on one given address only.
 */

export interface ViewerStats {
  packets: number;
  latenciesUs: number[];
}

export class WeriftViewer {
  readonly pc: RTCPeerConnection;
  readonly stats: ViewerStats = { packets: 0, latenciesUs: [] };
  sampleLatency = false;
  #closed = false;

  constructor(localIp: string, audioPt: number, videoPt: number) {
    this.pc = new RTCPeerConnection({
      iceServers: [],
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: [localIp],
      iceInterfaceAddresses: { udp4: localIp },
      bundlePolicy: 'max-bundle',
      codecs: {
        audio: [
          new RTCRtpCodecParameters({
            mimeType: 'audio/opus',
            clockRate: 48000,
            channels: 2,
            payloadType: audioPt,
          }),
        ],
        video: [
          new RTCRtpCodecParameters({
            mimeType: 'video/VP8',
            clockRate: 90000,
            payloadType: videoPt,
            rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
          }),
        ],
      },
    });
    this.pc.onTrack.subscribe((track) => {
      const offset = track.kind === 'audio' ? AUDIO_TIME_OFFSET : VIDEO_TIME_OFFSET;
      track.onReceiveRtp.subscribe((packet) => {
        this.stats.packets += 1;
        if (!this.sampleLatency) return;
        const payload = packet.payload;
        if (payload.length < offset + 8) return;
        const sent = payload.readBigUInt64BE(offset);
        this.stats.latenciesUs.push(Number(process.hrtime.bigint() - sent) / 1000);
      });
    });
  }

  /** Takes the SFU's offer, returns our answer (with our host candidate) once gathered. */
  async answer(offerSdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    const answer = await this.pc.createAnswer();
    // werift falls back to a public STUN server: take it away before gathering (see rtc-peer.ts).
    for (const transport of this.pc.iceTransports) transport.connection.stunServer = undefined;
    await this.pc.setLocalDescription(answer);
    return this.pc.localDescription?.sdp ?? answer.sdp;
  }

  get connected(): boolean {
    return this.pc.connectionState === 'connected';
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.pc.close().catch(() => undefined);
  }
}

/** Our DTLS fingerprint and setup role from an SDP answer. */
export function dtlsFromSdp(sdp: string): { algorithm: string; value: string; setup: string } {
  const fp = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\r?$/m.exec(sdp);
  const setup = /^a=setup:(\w+)\r?$/m.exec(sdp);
  if (!fp?.[1] || !fp[2] || !setup?.[1]) throw new Error(`answer without fingerprint/setup:\n${sdp}`);
  return { algorithm: fp[1].toLowerCase(), value: fp[2], setup: setup[1] };
}
