import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allPromptNames } from './prompt-texts.js';

export class PromptLibraryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptLibraryError';
  }
}

/** A RIFF/WAVE file's PCM, if it is 8 kHz mono 16-bit (what the phone line carries). */
export function readWav8k(data: Buffer, name: string): Int16Array {
  if (data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WAVE') {
    throw new PromptLibraryError(`${name}: not a WAV file`);
  }
  let offset = 12;
  let format: { channels: number; rate: number; bits: number; codec: number } | undefined;
  while (offset + 8 <= data.length) {
    const id = data.toString('ascii', offset, offset + 4);
    const size = data.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        codec: data.readUInt16LE(body),
        channels: data.readUInt16LE(body + 2),
        rate: data.readUInt32LE(body + 4),
        bits: data.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (
        !format ||
        format.codec !== 1 ||
        format.channels !== 1 ||
        format.rate !== 8000 ||
        format.bits !== 16
      ) {
        throw new PromptLibraryError(
          `${name}: must be PCM 8000 Hz mono 16-bit (sox in.wav -r 8000 -c 1 -b 16 out.wav)`,
        );
      }
      const end = Math.min(data.length, body + size) & ~1;
      const samples = new Int16Array((end - body) / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(body + i * 2);
      return samples;
    }
    offset = body + size + (size & 1);
  }
  throw new PromptLibraryError(`${name}: no audio data`);
}

/**
 * Every prompt as 8 kHz PCM, loaded once at start. An operator's recording
 * in `overrideDir` wins over the built one; a prompt found in neither stops
 * the gateway at start with the list of what is missing.
 */
export class PromptLibrary {
  private constructor(readonly prompts: ReadonlyMap<string, Int16Array>) {}

  static load(builtDir: string, overrideDir?: string): PromptLibrary {
    const prompts = new Map<string, Int16Array>();
    const missing: string[] = [];
    for (const name of allPromptNames()) {
      const candidates = [overrideDir, builtDir]
        .filter((d): d is string => Boolean(d))
        .map((d) => join(d, `${name}.wav`));
      const file = candidates.find((path) => existsSync(path));
      if (!file) missing.push(name);
      else prompts.set(name, readWav8k(readFileSync(file), file));
    }
    if (missing.length) {
      throw new PromptLibraryError(
        `missing prompts in ${builtDir}${overrideDir ? ` and ${overrideDir}` : ''}: ${missing.join(', ')} (run scripts/build-prompts.sh)`,
      );
    }
    return new PromptLibrary(prompts);
  }

  get(name: string): Int16Array {
    const samples = this.prompts.get(name);
    if (!samples) throw new PromptLibraryError(`unknown prompt ${name}`);
    return samples;
  }
}
