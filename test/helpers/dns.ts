/** dig-based views of a zone on a test named: the reference our tests compare against. */
import { runBinary } from '../../src/testing/index.js';

/** The zone by AXFR through dig, one normalised record per line, sorted (SOA serial kept). */
export async function axfr(port: number, zone: string): Promise<string[]> {
  const run = await runBinary(
    'dig',
    [
      '@127.0.0.1',
      '-p',
      String(port),
      zone,
      'AXFR',
      '+nocmd',
      '+nostats',
      '+nocomments',
      '+noclass',
    ],
    {
      timeoutMs: 60_000,
    },
  );
  if (run.exitCode !== 0) throw new Error(`dig AXFR ${zone} failed: ${run.stderr}${run.stdout}`);
  const lines = run.stdout
    .split('\n')
    .filter((line) => line && !line.startsWith(';'))
    .map((line) => line.split(/\s+/).join(' '));
  // AXFR repeats the SOA at the end.
  return [...new Set(lines)].sort();
}

/** `dig +short` of one name and type. */
export async function lookup(port: number, name: string, type: string): Promise<string[]> {
  const run = await runBinary('dig', ['@127.0.0.1', '-p', String(port), name, type, '+short']);
  return run.stdout.split('\n').filter(Boolean).sort();
}
