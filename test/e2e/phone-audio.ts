import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { z } from 'zod';

/*
 * Audio checks for the phone e2e tests, on both ends of the call:
 *  - the tones each side speaks, as WAV files (sox): baresip's microphone,
 *    and Chromium's fake microphone (--use-file-for-fake-audio-capture);
 *  - in the page, what a remote tile plays, through a Web Audio analyser,
 *    as the energy at given frequencies (Goertzel, as test/sip/signal.ts).
 */

/** `seconds` of a `hz` sine as a mono 16-bit WAV at `rate` (Chromium loops its fake-mic file). */
export function toneWav(file: string, hz: number, seconds: number, rate: number): string {
  execFileSync('sox', [
    '-n',
    '-r',
    String(rate),
    '-c',
    '1',
    '-b',
    '16',
    file,
    'synth',
    String(seconds),
    'sine',
    String(hz),
    'gain',
    '-6',
  ]);
  return file;
}

/** Chromium flags: its fake microphone speaks `wav`; Web Audio runs without a click. */
export const fakeMicArgs = (wav: string): string[] => [
  `--use-file-for-fake-audio-capture=${wav}`,
  '--autoplay-policy=no-user-gesture-required',
];

const PowersSchema = z.array(z.number()).nullable();

/**
 * The energy at each of `frequencies` (16-bit scale, like signal.ts's
 * `power`) in the last ~0.34 s that the first remote tile's <audio> plays;
 * null until that tile has an audio track. The analyser is set up once per
 * page and kept on `window`.
 */
export async function remoteTonePowers(page: Page, frequencies: number[]): Promise<number[] | null> {
  const raw: unknown = await page.evaluate(async (hzs) => {
    type Probe = { context: AudioContext; analyser: AnalyserNode; track: MediaStreamTrack };
    const holder = window as unknown as { __phoneProbe?: Probe };
    const element = document.querySelector<HTMLAudioElement>('[data-peer-id] audio');
    const stream = element?.srcObject;
    const track = stream instanceof MediaStream ? stream.getAudioTracks()[0] : undefined;
    if (!track || !(stream instanceof MediaStream)) return null;
    if (holder.__phoneProbe?.track !== track) {
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 16384;
      context.createMediaStreamSource(stream).connect(analyser);
      holder.__phoneProbe = { context, analyser, track };
    }
    const probe = holder.__phoneProbe;
    if (probe.context.state !== 'running') await probe.context.resume();
    const samples = new Float32Array(probe.analyser.fftSize);
    probe.analyser.getFloatTimeDomainData(samples);
    return hzs.map((hz) => {
      const k = 2 * Math.cos((2 * Math.PI * hz) / probe.context.sampleRate);
      let s1 = 0;
      let s2 = 0;
      for (const x of samples) {
        const s0 = x * 32768 + k * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      return Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2)) / samples.length;
    });
  }, frequencies);
  return PowersSchema.parse(raw);
}
