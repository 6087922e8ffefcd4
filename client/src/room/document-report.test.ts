import { describe, expect, it } from 'vitest';
import { DocumentStateRequestSchema } from '../../../signaling/protocol/index.js';
import { GuichetError } from '../errors.js';
import { cameraReport, failureReport } from './document-report.js';

const track = (settings: MediaTrackSettings) => ({ getSettings: () => settings });
const named = (name: string): Error => Object.assign(new Error(name), { name });

describe('what document mode tells the agent', () => {
  it('says which way the camera faces, as the browser says it, with the size it captures', () => {
    expect(cameraReport(track({ facingMode: 'environment', width: 4032, height: 3024 }))).toEqual({
      state: 'rear',
      width: 4032,
      height: 3024,
    });
    expect(cameraReport(track({ facingMode: 'user', width: 1280, height: 720 }))).toEqual({
      state: 'front',
      width: 1280,
      height: 720,
    });
    // A desktop webcam says nothing of its side: never called the rear one.
    expect(cameraReport(track({ width: 1920, height: 1080 })).state).toBe('unknown-side');
    // No size given: none sent, rather than a guess.
    expect(cameraReport(track({ facingMode: 'environment' }))).toEqual({ state: 'rear' });
  });

  it('names the failure from the browser’s error, or ours', () => {
    expect(failureReport(named('NotAllowedError'))).toEqual({ state: 'denied' });
    expect(failureReport(named('NotFoundError'))).toEqual({ state: 'not-found' });
    expect(failureReport(named('NotReadableError'))).toEqual({ state: 'busy' });
    expect(failureReport(new GuichetError('MEDIA_NOT_FOUND', 'no camera track'))).toEqual({
      state: 'not-found',
    });
    expect(failureReport(new GuichetError('MEDIA_FAILED', 'no camera is being sent'))).toEqual({
      state: 'failed',
    });
    expect(failureReport('something odd')).toEqual({ state: 'failed' });
  });

  it('only ever builds reports the server accepts', () => {
    const reports = [
      cameraReport(track({ facingMode: 'environment', width: 3840, height: 2160 })),
      cameraReport(track({})),
      failureReport(named('NotAllowedError')),
    ];
    for (const report of reports) expect(DocumentStateRequestSchema.safeParse(report).success).toBe(true);
  });
});
