/**
 * Batch mode: `rndc-js -` (standard input) or `rndc-js --batch FILE` reads one rndc command per
 * line and runs them in order over one authenticated connection, printing each reply as rndc
 * prints it (`--json`: one JSON object per line). A failed line is reported and the next one runs;
 * the exit status is 0 only when every line succeeded.
 *
 * A line is what rndc would send for its arguments (rndc joins them with spaces): named splits it
 * with its own lexer, so `zonestatus "my zone" IN` quotes as on rndc's command line inside single
 * quotes. Blank lines and lines starting with `#` are skipped. rndc-js's own commands (update,
 * doctor, sync --verify…) are not run in a batch: they are refused line by line.
 */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { GlobalSettings } from './args.js';
import { connectFromSettings, verbose } from './connect.js';
import { type CliIo, PROGRAM } from './io.js';
import { formatError, jsonError, jsonReply, printInterrupted } from './output.js';
import { parsedReply, printLikeRndc, printRndcFailure, withServerVersion } from './rndc-command.js';
import { wantsClean } from './sync-flags.js';

/** Longest command line read; a longer one is reported and skipped (named's lines are short). */
export const MAX_LINE_BYTES = 64 * 1024;
/** Most input read in one batch; the rest is reported and not run. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Words rndc-js handles itself: they need its options and files, not one line to named. */
const OWN_COMMANDS = new Set([
  'update',
  'doctor',
  'triggers',
  'recover',
  'clean-tmp',
  'explain',
  'transfer',
  'propagation',
]);

/** One line of input, or what was wrong with it. */
type InputLine =
  | { readonly number: number; readonly text: string }
  | { readonly number: number; readonly problem: string };

/** Runs the batch from `source` (`-` for standard input); returns the exit status. */
export async function batchCommand(
  source: string,
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  let input: AsyncIterable<string | Uint8Array> | undefined = io.stdinStream;
  if (source !== '-') {
    try {
      // Opened before connecting: a missing file is reported before anything is sent.
      input = (await open(resolve(io.cwd, source), 'r')).createReadStream();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return fail(io, settings, `cannot read ${source}: ${reason}`);
    }
  }
  if (input === undefined) return fail(io, settings, 'standard input is not available');
  const connection = await connectFromSettings(settings, io);
  if (connection.isErr()) {
    if (settings.json) writeLine(io, { ok: false, error: jsonError(connection.error) });
    else io.stderr.write(formatError(connection.error));
    return 1;
  }
  const { client, server } = connection.value;
  let failed = 0;
  let ran = 0;
  try {
    for await (const line of inputLines(input)) {
      if (io.signal.aborted)
        return printInterrupted(io, `batch stopped before line ${line.number}`);
      if ('problem' in line) {
        failed++;
        lineFailure(io, settings, line.number, line.problem);
        continue;
      }
      const refusal = refused(line.text);
      if (refusal !== undefined) {
        failed++;
        lineFailure(io, settings, line.number, refusal);
        continue;
      }
      verbose(io, settings, `line ${line.number}: sending '${line.text}' to ${server}`);
      ran++;
      const reply = await client.run(line.text, { signal: io.signal });
      if (reply.isOk()) {
        const response = await withServerVersion(client, reply.value, settings, io);
        if (settings.json)
          writeLine(io, {
            line: line.number,
            ok: true,
            ...jsonReply(response),
            ...parsedReply(response),
          });
        else if (printLikeRndc(response, settings, io) !== 0) failed++;
        continue;
      }
      failed++;
      const error = reply.error;
      if (io.signal.aborted) return printRndcFailure(error, { ...settings, json: false }, io);
      const response = error.response
        ? await withServerVersion(client, error.response, settings, io)
        : undefined;
      if (settings.json) {
        writeLine(io, {
          line: line.number,
          ok: false,
          ...(response ? jsonReply(response) : {}),
          error: jsonError(error),
        });
      } else {
        printRndcFailure(error, settings, io, response);
      }
    }
  } catch (error) {
    // The input could not be read (a missing FILE, a directory, a read error).
    const reason = error instanceof Error ? error.message : String(error);
    return fail(
      io,
      settings,
      `cannot read ${source === '-' ? 'standard input' : source}: ${reason}`,
    );
  } finally {
    await client.close();
  }
  verbose(io, settings, `batch: ${ran} sent, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

/** Why this line is not sent, or undefined to send it. */
function refused(line: string): string | undefined {
  const words = line.split(/\s+/);
  const word = (words[0] ?? '').toLowerCase();
  if (OWN_COMMANDS.has(word)) {
    return `'${word}' is a command of ${PROGRAM}, not of named: run it as ${PROGRAM} ${word} …`;
  }
  if ((word === 'sync' || word === 'freeze') && words.includes('--verify')) {
    return `${word} --verify is not run in a batch: run ${PROGRAM} ${word} ZONE --verify`;
  }
  if (word === 'sync' && wantsClean(words)) {
    // rndc-js never sends an unverified sync -clean unless asked by name on its command line.
    return `sync -clean is not run in a batch: run ${PROGRAM} sync ZONE -clean (it proves the dump before the journal goes)`;
  }
  return undefined;
}

/**
 * The input's lines, trimmed, without blank and `#` lines, numbered from 1. A line longer than
 * {@link MAX_LINE_BYTES} is a problem (its bytes are skipped, never kept); input past
 * {@link MAX_INPUT_BYTES} ends the batch with a problem.
 */
async function* inputLines(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<InputLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let number = 0;
  let total = 0;
  const finish = (): InputLine | undefined => {
    number++;
    const text = Buffer.concat(pending).toString('utf8').trim();
    const wasTooLong = tooLong;
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    if (wasTooLong) return { number, problem: `line longer than ${MAX_LINE_BYTES} bytes: skipped` };
    if (text === '' || text.startsWith('#')) return undefined;
    return { number, text };
  };
  for await (const chunk of input) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    total += bytes.length;
    if (total > MAX_INPUT_BYTES) {
      yield {
        number: number + 1,
        problem: `input larger than ${MAX_INPUT_BYTES} bytes: the rest is not run`,
      };
      return;
    }
    for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10)) {
      take(bytes.subarray(0, newline));
      bytes = bytes.subarray(newline + 1);
      const line = finish();
      if (line) yield line;
    }
    take(bytes);
  }
  if (pendingBytes > 0 || tooLong) {
    const line = finish();
    if (line) yield line;
  }

  function take(part: Buffer): void {
    if (tooLong || part.length === 0) return;
    if (pendingBytes + part.length > MAX_LINE_BYTES) {
      tooLong = true;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(Buffer.from(part));
    pendingBytes += part.length;
  }
}

/** One JSON object on one line (batch output is JSON Lines). */
function writeLine(io: CliIo, document: unknown): void {
  io.stdout.write(`${JSON.stringify(document)}\n`);
}

/** A line not sent: `rndc-js: line N: …` on stderr, or its JSON object. */
function lineFailure(io: CliIo, settings: GlobalSettings, number: number, problem: string): void {
  if (settings.json) {
    writeLine(io, {
      line: number,
      ok: false,
      error: jsonError({ kind: 'input', message: problem }),
    });
  } else {
    io.stderr.write(`${PROGRAM}: line ${number}: ${problem}\n`);
  }
}

/** The batch could not run at all. */
function fail(io: CliIo, settings: GlobalSettings, message: string): number {
  if (settings.json) writeLine(io, { ok: false, error: jsonError({ kind: 'input', message }) });
  else io.stderr.write(`${PROGRAM}: ${message}\n`);
  return 1;
}
