import type { Device, types } from 'mediasoup-client';
import { MediaSourceSchema, RtpParametersSchema } from '../../signaling/protocol/index.js';
import type { ProtocolClient } from './protocol-client.js';
import type { SendLimit } from './quality-guard.js';
import { CAMERA_CODEC_OPTIONS, CAMERA_ENCODINGS, MIC_CODEC_OPTIONS, findOpus } from './send-media.js';
import { toError } from './transport.js';

export type LocalSource = 'mic' | 'camera';

export interface LocalTracks {
  audio?: MediaStreamTrack | undefined;
  video?: MediaStreamTrack | undefined;
}

/**
 * The send half of a call: answers the send transport's 'produce' event with
 * a `produce` request and keeps one producer per local source. Closing the
 * transport (Call.close) closes the producers; the tracks stay the page's.
 */
export class Sender {
  private readonly producers = new Map<LocalSource, types.Producer>();
  /** The camera goes out only when the user wants it AND the link allows it (quality-guard.ts). */
  private cameraWanted = true;
  private cameraAllowed = true;

  constructor(
    private readonly client: ProtocolClient,
    private readonly device: Device,
    private readonly transport: types.Transport,
  ) {
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      // Parsing narrows mediasoup-client's types to the protocol's, and
      // catches locally what the server would refuse anyway.
      const source = MediaSourceSchema.safeParse(appData['source']);
      const parameters = RtpParametersSchema.safeParse(rtpParameters);
      if (!source.success || !parameters.success) {
        errback(new Error('local producer parameters do not fit the protocol'));
        return;
      }
      this.client
        .request('produce', {
          transportId: transport.id,
          kind,
          rtpParameters: parameters.data,
          source: source.data,
        })
        .then(
          ({ producerId }) => callback({ id: producerId }),
          (e: unknown) => errback(toError(e)),
        );
    });
  }

  /** Produces every available track. A failed source is reported, not thrown: the others still go. */
  async start(
    wanted: { tracks: LocalTracks; micOn: boolean; cameraOn: boolean },
    onWarning: (error: unknown) => void,
  ): Promise<void> {
    const { audio, video } = wanted.tracks;
    const jobs: Promise<void>[] = [];
    if (audio && this.device.canProduce('audio')) {
      const codec = findOpus(this.device.sendRtpCapabilities);
      jobs.push(
        this.produce('mic', wanted.micOn, {
          track: audio,
          ...(codec ? { codec } : {}),
          codecOptions: MIC_CODEC_OPTIONS,
        }),
      );
    }
    if (video && this.device.canProduce('video')) {
      jobs.push(
        this.produce('camera', wanted.cameraOn, {
          track: video,
          encodings: CAMERA_ENCODINGS,
          codecOptions: CAMERA_CODEC_OPTIONS,
        }),
      );
    }
    for (const outcome of await Promise.allSettled(jobs)) {
      if (outcome.status === 'rejected') onWarning(outcome.reason);
    }
  }

  private async produce(
    source: LocalSource,
    live: boolean,
    options: types.ProducerOptions & { track: MediaStreamTrack },
  ): Promise<void> {
    // A track paused in an earlier call of this page is still disabled.
    options.track.enabled = true;
    // The page owns the tracks (preview, rejoin): producers must not stop them.
    const producer = await this.transport.produce({
      ...options,
      stopTracks: false,
      appData: { source },
    });
    this.producers.set(source, producer);
    if (!live) await this.setSourceEnabled(source, false);
  }

  async setSourceEnabled(source: LocalSource, on: boolean): Promise<void> {
    if (source === 'camera') {
      this.cameraWanted = on;
      return this.setProducing('camera', on && this.cameraAllowed);
    }
    return this.setProducing(source, on);
  }

  /**
   * Audio first: fewer layers, a bitrate cap under the estimate, or no video
   * at all while the link is poor. Set on the RTCRtpSender itself, layer by
   * layer (each keeps its own cap when that is lower); paused, no layer is
   * active, so not even black frames go out. The mic gets its own cap (or
   * its own rate back).
   */
  async limitCamera(limit: SendLimit): Promise<void> {
    await this.limitMic(limit.micMaxBitrate);
    const producer = this.producers.get('camera');
    const rtpSender = producer?.rtpSender;
    if (!producer || producer.closed || !rtpSender) return;
    const parameters = rtpSender.getParameters();
    for (const [i, encoding] of parameters.encodings.entries()) {
      const own = CAMERA_ENCODINGS[i]?.maxBitrate;
      encoding.active = !limit.paused && i <= limit.maxLayer;
      const cap = limit.maxBitrate === undefined ? own : Math.min(own ?? limit.maxBitrate, limit.maxBitrate);
      if (cap !== undefined) encoding.maxBitrate = cap;
    }
    await rtpSender.setParameters(parameters);
    const wasAllowed = this.cameraAllowed;
    this.cameraAllowed = !limit.paused;
    // Receivers are told through the server, as for the camera button (their tile shows it).
    if (wasAllowed !== this.cameraAllowed && this.cameraWanted) {
      await this.setProducing('camera', this.cameraAllowed);
    }
  }

  private async limitMic(maxBitrate: number | undefined): Promise<void> {
    const rtpSender = this.producers.get('mic')?.rtpSender;
    if (!rtpSender) return;
    const parameters = rtpSender.getParameters();
    const encoding = parameters.encodings[0];
    if (!encoding || encoding.maxBitrate === maxBitrate) return;
    if (maxBitrate === undefined) delete encoding.maxBitrate;
    else encoding.maxBitrate = maxBitrate;
    await rtpSender.setParameters(parameters);
  }

  private async setProducing(source: LocalSource, on: boolean): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer || producer.closed) return;
    if (on) {
      producer.resume();
      await this.client.request('resumeProducer', { producerId: producer.id });
    } else {
      producer.pause();
      await this.client.request('pauseProducer', { producerId: producer.id });
    }
  }

  /** Pauses without telling the server, which paused it already (a host muted us). */
  pauseLocally(source: LocalSource): void {
    this.producers.get(source)?.pause();
  }

  /** Sends another picture on the camera producer (document mode): no renegotiation, same tile. */
  async replaceTrack(source: LocalSource, track: MediaStreamTrack): Promise<boolean> {
    const producer = this.producers.get(source);
    if (!producer || producer.closed) return false;
    await producer.replaceTrack({ track });
    return true;
  }

  /** A shared screen is a producer of its own, so receivers show it as its own tile. */
  shareScreen(track: MediaStreamTrack): Promise<types.Producer> {
    return this.transport.produce({ track, stopTracks: false, appData: { source: 'screen' } });
  }

  /** Idempotent. The server is told, so receivers drop the tile at once. */
  stopScreen(producer: types.Producer): void {
    if (producer.closed) return;
    producer.close();
    void this.client.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
  }

  canSend(source: LocalSource): boolean {
    return this.producers.has(source);
  }
}
