/**
 * Rebuilds the seed corpus (fuzz/corpus/<target>/…) from the research captures
 * (../shared/research/*.md, i.e. /work/shared/research), the unit-test log samples, and a few
 * hand-written samples; when named-compilezone is installed, also a real raw-format zone file.
 *
 *   node --import tsx fuzz/extract-corpus.ts [RESEARCH_DIR]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FUZZ_DIR } from './lib/corpus.js';
import { deepFrame } from './targets/isccc.js';
import { wellFormedStreams } from './targets/xfr-stream.js';

const research = resolve(process.argv[2] ?? join(FUZZ_DIR, '..', '..', 'shared', 'research'));
const corpus = join(FUZZ_DIR, 'corpus');
const written = new Map<string, number>();

function save(target: string, name: string, content: string | Buffer): void {
  const dir = join(corpus, target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), content);
  written.set(target, (written.get(target) ?? 0) + 1);
}

function blocks(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('```')) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.startsWith('```')) end++;
    out.push({ line: start + 1, text: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

const LOG_LINE =
  /\b(general|zoneload|update|update-security|xfer-in|control|default|notify|database): (info|error|warning|notice|critical|debug \d+):/;

for (const file of ['rndc-protocol.md', 'update-tsig.md', 'dump-behaviour.md']) {
  const path = join(research, file);
  if (!existsSync(path)) {
    console.error(`extract-corpus: ${path} not found, skipped`);
    continue;
  }
  const markdown = readFileSync(path, 'utf8');
  const stem = file.replace(/\.md$/, '');
  for (const block of blocks(markdown)) {
    const text = block.text.trim();
    if (/^[0-9a-f\s]+$/.test(text) && text.length > 16) {
      save('isccc', `${stem}-L${block.line}.hex`, `${text}\n`);
      continue;
    }
    if (/\bsecret\b|default-key|default-server/.test(text)) {
      save('rndc-conf', `${stem}-L${block.line}.conf`, `${text}\n`);
      save('key-file', `${stem}-L${block.line}.conf`, `${text}\n`);
      save('config-lexer', `${stem}-L${block.line}.conf`, `${text}\n`);
    }
    if (/^(server|zone|update|prereq)\s/m.test(text) && /^send\s*$/m.test(text)) {
      save('nsupdate', `${stem}-L${block.line}.nsu`, `${text}\n`);
    }
    const logLines = text.split('\n').filter((l) => LOG_LINE.test(l));
    if (logLines.length > 0)
      save('named-log', `${stem}-L${block.line}.log`, `${logLines.join('\n')}\n`);
    if (/\bSOA\b/.test(text) && /(\$ORIGIN|\$TTL|\bIN\s+SOA\b)/.test(text)) {
      save('zonefile-serial', `${stem}-L${block.line}.db`, `${text}\n`);
    }
  }
  // Tables of `| bytes | hex | meaning |` (update-tsig.md §5.2): one DNS message per table.
  if (file === 'update-tsig.md') {
    const tables = markdown.split(/\n\*\*(Request|Response)[^\n]*\*\*\n/);
    let request: Buffer | undefined;
    for (let i = 1; i < tables.length; i += 2) {
      const which = tables[i]!;
      const rows = tables[i + 1]!.split('\n').filter((l) => /^\| \d+(-\d+)? \| `/.test(l));
      const parts: Buffer[] = [];
      for (const row of rows) {
        const [, range, hex] = /^\| (\d+(?:-\d+)?) \| `([^`]*)`/.exec(row)!;
        if (hex!.includes('…') && request) {
          // An elided cell: the same bytes as the request at that range (the echoed zone).
          const [from, to] = range!.split('-').map(Number) as [number, number];
          parts.push(request.subarray(from, to + 1));
        } else {
          parts.push(Buffer.from(hex!.replace(/\s+/g, ''), 'hex'));
        }
      }
      const message = Buffer.concat(parts);
      if (which === 'Request') request = message;
      save('dns-reply', `update-tsig-${which.toLowerCase()}.hex`, `${message.toString('hex')}\n`);
    }
  }
}

// Deep nesting around the CVE-2023-3341 limit.
for (const depth of [10, 11, 64]) {
  save('isccc', `deep-table-${depth}.hex`, `${deepFrame(depth).toString('hex')}\n`);
  save('isccc', `deep-list-${depth}.hex`, `${deepFrame(depth, true).toString('hex')}\n`);
}

// named log lines quoted in the unit tests (they come from the labs in research/dump-behaviour.md).
const logTest = join(FUZZ_DIR, '..', 'test', 'unit', 'named-log.test.ts');
if (existsSync(logTest)) {
  const quoted = [
    ...readFileSync(logTest, 'utf8').matchAll(
      /'((?:\d{4}-\d\d-\d\dT|\d\d-[A-Z][a-z]{2}-\d{4} |[A-Z][a-z]{2} [ \d]\d )[^'\n]*)'/g,
    ),
  ].map((m) => m[1]!);
  for (let i = 0; i < quoted.length; i += 8)
    save('named-log', `named-log-test-${i / 8}.log`, `${quoted.slice(i, i + 8).join('\n')}\n`);
}

// Hand-written samples in the formats BIND's tools print.
save(
  'key-file',
  'tsig-keygen.key',
  'key "upd-key" {\n\talgorithm hmac-sha256;\n\tsecret "bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=";\n};\n',
);
save(
  'key-file',
  'key-string.txt',
  'hmac-sha256:upd-key:bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=',
);
save(
  'key-file',
  'Kupd-key.+163+00001.pair',
  'upd-key. IN KEY 512 3 163 bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=\n\0Private-key-format: v1.3\nAlgorithm: 163 (HMAC_SHA256)\nKey: bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=\nBits: AAA=\nCreated: 20261124174700\nPublish: 20261124174700\nActivate: 20261124174700\n',
);
save(
  'rndc-conf',
  'rndc-confgen.conf',
  '# Start of rndc.conf\nkey "rndc-key" {\n\talgorithm hmac-sha256;\n\tsecret "/UzeY18XcTEMmsnyynNfr4Vo/4Z1cQvBTvDCA5eI0HY=";\n};\n\noptions {\n\tdefault-key "rndc-key";\n\tdefault-server 127.0.0.1;\n\tdefault-port 953;\n};\n# End of rndc.conf\n',
);
save(
  'rndc-conf',
  'servers.conf',
  'server localhost { key "rndc-key"; port 9953; addresses { 127.0.0.1 port 953; ::1; }; source-address 127.0.0.1; };\ninclude "/fuzz/etc/key.conf";\n',
);
save(
  'nsupdate',
  'typical.nsu',
  'server 127.0.0.1 53\nzone example.test\nkey hmac-sha256:upd-key bA2G3O6Y46vGBIShS/COVRCFe/6J+jB0ZhXYCdvewn4=\nprereq nxdomain new.example.test\nupdate delete old.example.test A\nupdate add new.example.test 300 IN A 192.0.2.1\nupdate add new.example.test 300 TXT "a b" "c"\nshow\nsend\nanswer\n',
);
const zoneText =
  '$ORIGIN example.test.\n$TTL 1h\n@ IN SOA ns hostmaster ( 2024010101 ; serial\n  3600 600 1W 300 )\n  IN NS ns\nns IN A 192.0.2.53\nwww IN TXT "x ; (y"\n';
save('zonefile-serial', 'basic.db', zoneText);
save('zonefile-serial', 'include.db', '$INCLUDE inc-soa.db\nwww A 192.0.2.1\n');
save(
  'zonefile-serial',
  'rfc3597.db',
  '@ 3600 CLASS1 TYPE6 \\# 28 026e7300 02686d00 78b2c1f5 00000e10 00000258 00093a80 0000012c\n',
);

// Zone transfer answers (TCP streams, signed with the xfr-stream target's key and time).
for (const [name, stream] of Object.entries(wellFormedStreams())) {
  save('xfr-stream', `${name}.hex`, `${stream.toString('hex')}\n`);
}

// A real raw-format file, when BIND's tools are installed.
try {
  const dir = mkdtempSync(join(tmpdir(), 'rndc-corpus-'));
  writeFileSync(join(dir, 'zone.db'), zoneText);
  execFileSync(
    'named-compilezone',
    ['-q', '-F', 'raw', '-o', join(dir, 'zone.raw'), 'example.test', join(dir, 'zone.db')],
    { stdio: 'ignore' },
  );
  save(
    'zonefile-serial',
    'named-compilezone.raw.b64',
    `${readFileSync(join(dir, 'zone.raw')).toString('base64')}\n`,
  );
  execFileSync(
    'named-compilezone',
    ['-q', '-F', 'raw=0', '-o', join(dir, 'zone0.raw'), 'example.test', join(dir, 'zone.db')],
    { stdio: 'ignore' },
  );
  save(
    'zonefile-serial',
    'named-compilezone.raw0.b64',
    `${readFileSync(join(dir, 'zone0.raw')).toString('base64')}\n`,
  );
  rmSync(dir, { recursive: true, force: true });
} catch (error) {
  console.error(`extract-corpus: no raw zone sample (${(error as Error).message.split('\n')[0]})`);
}

for (const [target, count] of written) console.log(`${target}: ${count} seed files`);
