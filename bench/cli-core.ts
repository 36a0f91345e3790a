/**
 * The library's control-channel path and nothing else, for bench/cli.bench.ts: rndc.conf read as
 * rndc reads it (resolveRndcTarget), one authenticated session (ControlSession: connect, nonce,
 * signed command, verified reply) and rndc's output (renderLikeRndc) — no CLI, no RndcClient, no
 * pool. The bench bundles it with esbuild into one minified file (ts-results-es inside) and times
 * it beside `rndc-js status`: the least the package's own code costs per call, however the CLI
 * around it is built.
 * Usage (after bundling): node cli-core.cjs RNDC_CONF SERVER PORT COMMAND…
 */
import { renderLikeRndc } from '../src/control/render.js';
import { nextSerial } from '../src/control/serial.js';
import { ControlSession } from '../src/control/session.js';
import { resolveRndcTarget } from '../src/keys/resolve.js';

async function main(): Promise<number> {
  const [configFile, server, port, ...words] = process.argv.slice(2);
  const target = await resolveRndcTarget({
    configFile,
    server,
    port: Number(port),
    baseDir: process.cwd(),
  });
  if (target.isErr()) {
    process.stderr.write(`${target.error.message}\n`);
    return 1;
  }
  const session = new ControlSession({
    addresses: target.value.addresses,
    key: target.value.key,
    maxReplyBytes: 1 << 20,
    idleReconnectMs: 25_000,
    nextSerial,
    now: Date.now,
  });
  const command = words.join(' ');
  const reply = await session.request(command, {
    deadline: Date.now() + 60_000,
    resendable: false,
  });
  session.close();
  if (reply.isErr()) {
    process.stderr.write(`${reply.error.message}\n`);
    return 1;
  }
  const { result, err, text } = reply.value;
  const rendered = renderLikeRndc({
    command,
    result,
    err,
    text: text ?? '',
  });
  process.stdout.write(rendered.stdout);
  return rendered.exitCode;
}

void main().then((status) => process.exit(status));
