/**
 * rndc-compatible mode: `rndc-js [options] COMMAND…` sends the words joined by spaces, exactly as
 * rndc does (named's lexer splits them again), and prints the reply as rndc prints it. Transport
 * and configuration failures print rndc's first line with `rndc-js:` and then the likely causes.
 */
import type { RndcClient } from '../control/client.js';
import type { RndcError, RndcResponse } from '../control/errors.js';
import { parseServerStatus, parseZoneStatus } from '../control/parse.js';
import { renderLikeRndc } from '../control/render.js';
import type { GlobalSettings } from './args.js';
import { connectFromSettings, verbose } from './connect.js';
import { type CliIo, PROGRAM } from './io.js';
import { formatError, jsonError, jsonReply, printInterrupted, writeJson } from './output.js';

/** Exit status of a configuration error, a transport error or a failed command: 1, like rndc. */
export const EXIT_FAILURE = 1;

/** Runs `words` (the command and its arguments) against named; returns the exit status. */
export async function rndcCommand(
  words: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  // rndc.c: the arguments are concatenated with single spaces into the `type` string.
  const line = words.join(' ');
  const connection = await connectFromSettings(settings, io);
  if (connection.isErr()) {
    if (settings.json) writeJson(io, { ok: false, error: jsonError(connection.error) });
    else io.stderr.write(formatError(connection.error));
    return EXIT_FAILURE;
  }
  const { client, server } = connection.value;
  verbose(io, settings, `sending '${line}' to ${server}`);
  try {
    const reply = await client.run(line, { signal: io.signal });
    if (reply.isOk()) {
      const response = await withServerVersion(client, reply.value, settings, io);
      if (settings.json) {
        writeJson(io, { ok: true, ...jsonReply(response), ...parsedReply(response) });
        return 0;
      }
      return printLikeRndc(response, settings, io);
    }
    const failed = reply.error;
    const response = failed.response
      ? await withServerVersion(client, failed.response, settings, io)
      : undefined;
    return printRndcFailure(failed, settings, io, response);
  } finally {
    await client.close();
  }
}

/**
 * The typed fields of the replies the library parses (`status`: {@link parseServerStatus},
 * `zonestatus`: {@link parseZoneStatus}), next to the text; nothing for other commands.
 */
export function parsedReply(response: RndcResponse): Record<string, unknown> {
  const word = response.command.trim().split(/\s+/, 1)[0]?.toLowerCase();
  // Without `raw`: the document's `text` already has it.
  if (word === 'status') {
    const { raw: _raw, ...status } = parseServerStatus(response.text);
    return { status };
  }
  if (word === 'zonestatus') {
    const { raw: _raw, ...zoneStatus } = parseZoneStatus(response.text);
    return { zoneStatus };
  }
  return {};
}

/**
 * The result number's name depends on the BIND version (result-codes.ts): when it is printed
 * (`-r`, `--json`) for a failure and the connection did not know the version yet, ask for it
 * (one `status`). Success is 0 in every version, so it needs nothing. When the version cannot be
 * learnt, BIND 9.18's numbering is used.
 */
export async function withServerVersion(
  client: RndcClient,
  response: RndcResponse,
  settings: GlobalSettings,
  io: CliIo,
): Promise<RndcResponse> {
  if (!(settings.showResult || settings.json) || response.result <= 0 || response.serverVersion) {
    return response;
  }
  const version = await client.serverVersion({ signal: io.signal });
  return version.isOk() ? { ...response, serverVersion: version.value } : response;
}

/**
 * A failed run: named's reply as rndc prints it, or the transport error with its causes.
 * `response` defaults to the error's (pass a copy that knows the server's version for `-r`).
 */
export function printRndcFailure(
  error: RndcError,
  settings: GlobalSettings,
  io: CliIo,
  response: RndcResponse | undefined = error.response,
): number {
  if (settings.json) {
    writeJson(io, {
      ok: false,
      ...(response ? jsonReply(response) : {}),
      error: jsonError(error),
    });
    return EXIT_FAILURE;
  }
  if (response) {
    printLikeRndc(response, settings, io);
    if (settings.verbose) {
      // The causes only with -V: without it stderr stays byte-identical to rndc's.
      io.stderr.write(formatError({ ...error, message: `(${error.kind}) ${error.message}` }));
    }
    return EXIT_FAILURE;
  }
  if (io.signal.aborted) {
    // No command when it was cut short while connecting.
    const word = error.command?.trim().split(/\s+/, 1)[0];
    const what = word ? `'${word}'` : 'the command';
    return printInterrupted(
      io,
      error.mayHaveRun ? `no reply to ${what} (named may still run it)` : `${what} was not sent`,
    );
  }
  if (error.kind === 'rejected' || error.kind === 'connection-lost') {
    // rndc's first line for a connection named closed (bad key, ACL, clock): then our detail.
    const detail = formatError(error).replace(/^[^\n]*\n/, '');
    io.stderr.write(`${PROGRAM}: connection to remote host closed.\n  ${error.message}\n${detail}`);
    return EXIT_FAILURE;
  }
  io.stderr.write(formatError(error));
  return EXIT_FAILURE;
}

/** named's reply exactly as rndc prints it (with -q, -r); returns rndc's exit status. */
export function printLikeRndc(response: RndcResponse, settings: GlobalSettings, io: CliIo): number {
  const out = renderLikeRndc(response, {
    quiet: settings.quiet,
    showResult: settings.showResult,
    program: PROGRAM,
  });
  io.stdout.write(out.stdout);
  io.stderr.write(out.stderr);
  return out.exitCode;
}
