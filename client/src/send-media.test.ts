import { describe, expect, it } from 'vitest';
import { CAMERA_ENCODINGS, spatialLayerForWidth } from './send-media.js';

describe('camera simulcast', () => {
  it('sends three layers at a quarter, half and full resolution', () => {
    expect(CAMERA_ENCODINGS.map((e) => [e.scaleResolutionDownBy, e.maxBitrate])).toEqual([
      [4, 150_000],
      [2, 500_000],
      [1, 1_500_000],
    ]);
  });

  it('asks for the layer that fits the tile in device pixels, pixel ratio capped at 2', () => {
    expect(spatialLayerForWidth(160, 1)).toBe(0);
    expect(spatialLayerForWidth(320, 1)).toBe(0);
    expect(spatialLayerForWidth(321, 1)).toBe(1);
    expect(spatialLayerForWidth(300, 2)).toBe(1);
    expect(spatialLayerForWidth(360, 3)).toBe(2);
    expect(spatialLayerForWidth(1000, 1)).toBe(2);
    expect(spatialLayerForWidth(300, 0.5)).toBe(0);
  });
});
