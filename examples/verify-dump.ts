/**
 * Prove a dump happened — and see what happens when it cannot: a healthy zone, then the
 * Kubernetes subPath case (the zone file bind-mounted onto itself, so rename() gets EBUSY), where
 * `rndc sync` says success and the verified sync says why the file did not change.
 * Run: `node --import tsx examples/verify-dump.ts` (the second half needs mount namespaces).
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DumpError, RndcClient, Update, UpdateClient, verifyZoneWritten } from '../src/index.js';
import { canUseMountNamespace, runRndcBinary, startNamed } from '../src/testing/index.js';

async function demo(title: string, named: Awaited<ReturnType<typeof startNamed>>) {
  const rndc = RndcClient.connect({
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
    named: { log: named.logFile, pid: named.pid, binary: named.namedBinary },
  });
  const updates = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
  });
  try {
    console.log(`\n== ${title}`);
    const sent = (await updates.send(new Update('dyn.test').add('web 300 A 192.0.2.80'))).unwrap();
    console.log(`update: ${sent.diskEffect.summary}`);
    const binary = await runRndcBinary(named, ['sync', 'dyn.test']);
    console.log(`rndc sync dyn.test → exit ${binary.exitCode} ("success")`);
    // Did that sync really write the file? (This also waits for its asynchronous dump to end.)
    // Ok only when proven; a failed or unproven verdict is a DumpError carrying the evidence.
    const check = await verifyZoneWritten({ rndc, zone: 'dyn.test', log: named.logFile });
    const verdict = check.isOk() ? check.value.verdict : check.error.evidence?.verdict;
    console.log(
      `verifyZoneWritten → ${verdict ?? `error ${check.isErr() ? check.error.kind : ''}`}`,
    );
    (await updates.send(new Update('dyn.test').add('web2 300 A 192.0.2.81'))).unwrap();
    const verified = await rndc.sync('dyn.test', { verify: true });
    if (verified.isOk()) {
      console.log(
        `rndc.sync(verify) → ${verified.value.dump?.verdict}: ${verified.value.dump?.summary}`,
      );
    } else {
      const error = verified.error;
      const evidence = error instanceof DumpError ? error.evidence : undefined;
      console.log(`rndc.sync(verify) → ${evidence?.verdict} at step '${evidence?.failedStep}'`);
      console.log(`  ${evidence?.summary}`);
      for (const finding of evidence?.diagnosis?.findings ?? [])
        console.log(`  finding: ${finding.code}: ${finding.title}`);
      console.log(`  remedy: ${error.remedy}`);
    }
  } finally {
    updates.close();
    await rndc.close();
  }
}

const healthy = await startNamed();
try {
  await demo('healthy zone', healthy);
} finally {
  await healthy.stop();
}

const namespaces = await canUseMountNamespace();
if (!namespaces.ok) {
  console.log(`\n(the subPath case needs mount namespaces: ${namespaces.reason})`);
} else {
  const mounted = await startNamed({
    user: 'nobody',
    beforeStart: async ({ dir, zones }) => {
      await mkdir(join(dir, 'configmap'));
      await copyFile(zones[0]!.path, join(dir, 'configmap/dyn.test.db'));
    },
    mountNamespace: {
      bindMounts: [
        { source: 'configmap/dyn.test.db', target: 'zones/dyn.test.db', readOnly: true },
      ],
    },
  });
  try {
    await demo('zone file bind-mounted onto itself (Kubernetes subPath)', mounted);
  } finally {
    await mounted.stop();
  }
}
