// The Kubernetes example cannot run here, but what matters in it is checked with BIND's own tools:
// its named.conf and zone are valid, no mount puts anything onto the zone file, the seed copy
// keeps an existing file, and the rndc.conf it ships works with the `rndc` tool's rules.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runBinary } from '../../src/testing/index.js';

const manifest = readFileSync('examples/kubernetes/bind-dynamic-zone.yaml', 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'rndc-k8s-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The text of a `key: |` block scalar. */
function block(key: string): string {
  const lines = manifest.split('\n');
  const start = lines.findIndex((line) => line.trimEnd().endsWith(`${key}: |`));
  expect(start, key).toBeGreaterThan(-1);
  const indent = lines[start + 1]?.match(/^ */)?.[0].length ?? 0;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && (line.match(/^ */)?.[0].length ?? 0) < indent) break;
    body.push(line.slice(indent));
  }
  return `${body.join('\n').trimEnd()}\n`;
}

it('named.conf and the seed zone pass named-checkconf and named-checkzone', async () => {
  const keys = join(dir, 'keys');
  mkdirSync(keys, { recursive: true });
  for (const name of ['rndc.key', 'ddns.key', 'rndc.conf'])
    writeFileSync(join(keys, name), block(name).replaceAll('/etc/bind/keys', keys));
  const conf = join(dir, 'named.conf');
  writeFileSync(conf, block('named.conf').replaceAll('/etc/bind/keys', keys));
  const checkconf = await runBinary('named-checkconf', [conf]);
  expect(checkconf.stderr + checkconf.stdout).toBe('');
  expect(checkconf.exitCode).toBe(0);
  const zone = join(dir, 'dyn.example.com.zone');
  writeFileSync(zone, block('dyn.example.com.zone'));
  const checkzone = await runBinary('named-checkzone', ['dyn.example.com', zone]);
  expect(checkzone.stdout).toContain('loaded serial 2024010101');
  expect(checkzone.exitCode).toBe(0);
});

it('mounts whole directories only: nothing is mounted onto the zone file', () => {
  expect(manifest).not.toMatch(/^\s*subPath:/m);
  expect(manifest).not.toMatch(/subPath\s*:/);
  expect(manifest).toMatch(/persistentVolumeClaim: \{ claimName: bind-zones \}/);
  expect(manifest).toMatch(/mountPath: \/var\/lib\/bind \}/);
});

it('the seed step copies the zone only when it is absent', async () => {
  const command = /- mkdir -p \/var\/lib\/bind\/zones &&\n\s+(.*)\n\s+(.*)\n/.exec(manifest);
  expect(command).not.toBeNull();
  const script = `mkdir -p ${dir}/lib/zones && ${`${command![1]} ${command![2]}`.replaceAll('/var/lib/bind', `${dir}/lib`).replaceAll('/seed', dir)}`;
  await runBinary('sh', ['-c', script]);
  const seeded = join(dir, 'lib/zones/dyn.example.com.zone');
  expect(readFileSync(seeded, 'utf8')).toContain('2024010101');
  writeFileSync(seeded, 'changed by named\n');
  await runBinary('sh', ['-c', script]);
  expect(readFileSync(seeded, 'utf8')).toBe('changed by named\n');
});

it('named runs as non-root, owns the volume, and flushes zones on stop', () => {
  expect(manifest).toMatch(/runAsNonRoot: true/);
  expect(manifest).toMatch(/fsGroup: 101/);
  expect(manifest).toMatch(/command: \[rndc, -c, \/etc\/bind\/keys\/rndc.conf, stop\]/);
});
