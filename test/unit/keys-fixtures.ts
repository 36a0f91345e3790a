// Shared helpers of the keys-*.test.ts files: temporary directories and sample keys.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { expect } from 'vitest';

/** A throwaway directory; `write` creates files (and sub-directories) in it. */
export interface TempDir {
  readonly dir: string;
  path(name: string): string;
  write(name: string, text: string | Uint8Array): Promise<string>;
  remove(): Promise<void>;
}

export async function makeTempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'rndc-keys-'));
  return {
    dir,
    path: (name) => join(dir, name),
    async write(name, text) {
      const path = join(dir, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export const SECRET_A = '/UzeY18XcTEMmsnyynNfr4Vo/4Z1cQvBTvDCA5eI0HY=';
export const SECRET_B = 'pl3XVESX08MrKxGMMEfzQYFen0mZRc9oYvAZbeVCIEQ=';
export const SECRET_MD5 = 'k3IkV1RhL4zsMLxyFeNRuQ==';

/** A `key` statement. */
export function keyBlock(name: string, algorithm = 'hmac-sha256', secret = SECRET_A): string {
  return `key "${name}" {\n\talgorithm ${algorithm};\n\tsecret "${secret}";\n};\n`;
}

/** Asserts that none of the ways a value can be shown reveals `secret`. */
export function expectNoSecret(value: unknown, secret: string): void {
  const shown = [
    inspect(value, { depth: 10 }),
    JSON.stringify(value) ?? '',
    String(value),
    value instanceof Error ? `${value.message}\n${value.stack ?? ''}` : '',
  ];
  const decodedHex = Buffer.from(secret, 'base64').toString('hex');
  for (const text of shown) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.replace(/=+$/, ''));
    expect(text).not.toContain(decodedHex);
  }
}
