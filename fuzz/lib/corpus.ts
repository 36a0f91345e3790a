/**
 * Seed corpus: `fuzz/corpus/<target>/*` — `.hex` (hex, whitespace ignored), `.b64` (base64) or
 * anything else (raw bytes / text).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fuzz/ directory. */
export const FUZZ_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Decodes one corpus file's content by its extension. */
export function decodeCorpusFile(name: string, content: Buffer): Buffer {
  if (name.endsWith('.hex'))
    return Buffer.from(content.toString('latin1').replace(/\s+/g, ''), 'hex');
  if (name.endsWith('.b64'))
    return Buffer.from(content.toString('latin1').replace(/\s+/g, ''), 'base64');
  return content;
}

/** The seeds of `target`, in file name order. */
export function loadSeeds(target: string, dir = join(FUZZ_DIR, 'corpus')): Buffer[] {
  const folder = join(dir, target);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .sort()
    .map((name) => decodeCorpusFile(name, readFileSync(join(folder, name))));
}
