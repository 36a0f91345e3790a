/**
 * Storage diagnosis: why named could not — or will not be able to — write a dynamic zone.
 * `diagnoseZoneStorage()` judges the zone's directory, file and journal from named's point of
 * view (its uid, capabilities and mounts, through /proc/<pid>) and reports nothing for a healthy
 * setup. The same check is `rndc-js doctor` on the command line.
 * Run: `node --import tsx examples/doctor.ts`.
 */
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { diagnoseZoneStorage, Update, UpdateClient } from '../src/index.js';
import { type NamedInstance, startNamed } from '../src/testing/index.js';

async function doctor(title: string, named: NamedInstance): Promise<void> {
  console.log(`\n== ${title}`);
  const zone = named.zones.find((z) => z.kind === 'dynamic');
  if (!zone) throw new Error('no dynamic zone');

  const updates = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
  });
  const sent = await updates.send(new Update(zone.name).add('probe 300 TXT "doctor"'));
  updates.close();
  console.log(`update → ${sent.isOk() ? 'ok' : `'${sent.error.kind}': ${sent.error.message}`}`);

  const diagnosis = await diagnoseZoneStorage({
    zoneFile: zone.path,
    namedPid: named.pid,
    // named's executable (BIND under /opt here, for other versions): its identity is checked.
    namedBinary: named.namedBinary,
    origin: zone.name,
  });
  if (diagnosis.isErr()) {
    console.log(`diagnosis not possible: ${diagnosis.error.describe()}`);
    return;
  }
  const { facts, findings } = diagnosis.value;
  console.log(
    `named pid ${facts.pid} (uid ${facts.uid}), capabilities: ${facts.capabilities.join(', ') || 'none'}`,
  );
  console.log(`zone directory ${facts.zoneDir} mode ${facts.zoneDirStat.mode.toString(8)}`);
  if (findings.length === 0) console.log('findings: none — dumps and updates can work');
  for (const finding of findings) {
    console.log(`${finding.severity}: ${finding.code}: ${finding.title}`);
    for (const line of finding.evidence) console.log(`  evidence: ${line}`);
    console.log(`  remedy: ${finding.remedy}`);
  }
}

const healthy = await startNamed();
try {
  await doctor('healthy zone', healthy);
} finally {
  await healthy.stop();
}

// The zones directory made read-only (mode 0555): named loads the zone, but cannot create the
// journal, so every update fails with SERVFAIL — and no dump could ever rename its temp file.
// named drops CAP_DAC_OVERRIDE, so this holds even when named runs as root.
const broken = await startNamed({
  beforeStart: async ({ dir }) => {
    await chmod(join(dir, 'zones'), 0o555);
  },
});
try {
  await doctor('zones directory not writable for named', broken);
} finally {
  await chmod(join(broken.dir, 'zones'), 0o755); // so stop() can remove it
  await broken.stop();
}
