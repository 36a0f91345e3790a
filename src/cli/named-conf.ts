/**
 * The named.conf the CLI reads for named's files: `--named-conf`, else the configuration file
 * `rndc status` names (an authenticated answer; not under a chroot, whose paths are not ours).
 * From it: named's log file for dump errors when `--named-log` is not given, said on output.
 */
import { stat } from 'node:fs/promises';
import type { RndcClient } from '../control/client.js';
import { type NamedConfig, readNamedConfig } from '../dump/named-config.js';

/** named's log as the CLI found it. */
export interface NamedLogChoice {
  /** The file, when one is used. */
  readonly path: string | undefined;
  /** `option` (--named-log), `named.conf` (a logging channel's file) or `none`. */
  readonly source: 'option' | 'named.conf' | 'none';
  /** The channel it came from, for `named.conf`. */
  readonly channel?: string;
  /** One line for the operator: where the log came from, or why none is read. */
  readonly note: string;
}

/** The named.conf path to use: the option, else what `rndc status` reports (undefined if neither). */
export async function namedConfPath(
  option: string | undefined,
  client: RndcClient,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (option !== undefined) return option;
  const status = await client.status({ signal });
  if (status.isErr() || status.value.chrootDirectory !== undefined) return undefined;
  return status.value.configurationFile;
}

/** Reads named.conf, or undefined with the reason (the CLI then goes on without it). */
export async function loadNamedConf(
  path: string | undefined,
  signal: AbortSignal,
): Promise<{ config?: NamedConfig; problem?: string }> {
  if (path === undefined) return { problem: 'named.conf is not known (pass --named-conf)' };
  const read = await readNamedConfig(path, { signal });
  return read.isOk() ? { config: read.value } : { problem: read.error.message };
}

/**
 * named's log: `--named-log`, else the file of the logging channel that receives category
 * `general` (where dump errors go) at severity error, when it is a regular file here.
 */
export async function chooseNamedLog(
  option: string | undefined,
  config: NamedConfig | undefined,
  problem: string | undefined,
): Promise<NamedLogChoice> {
  if (option !== undefined) return { path: option, source: 'option', note: '--named-log' };
  if (config === undefined) {
    return {
      path: undefined,
      source: 'none',
      note: `not read: ${problem ?? 'named.conf unknown'}`,
    };
  }
  const logging = config.logging();
  if (logging.isErr()) {
    return { path: undefined, source: 'none', note: `not read: ${logging.error.message}` };
  }
  const chosen = logging.value.dumpLog;
  if (chosen === undefined) {
    const why = logging.value.notes[0] ?? 'no logging channel writes category general to a file';
    return { path: undefined, source: 'none', note: `none in ${config.configFile}: ${why}` };
  }
  const stats = await stat(chosen.path).catch(() => undefined);
  if (!stats?.isFile()) {
    return {
      path: undefined,
      source: 'none',
      note: `${config.configFile} names ${chosen.path} (channel ${chosen.channel}), which is ${stats ? 'not a regular file' : 'not found'} here: pass --named-log`,
    };
  }
  return {
    path: chosen.path,
    source: 'named.conf',
    channel: chosen.channel,
    note: `from ${config.configFile} (logging channel ${chosen.channel})`,
  };
}

/**
 * The zone's journal from named.conf, for verification: its `journal` (or `<file>.jnl`) when
 * named.conf configures the zone — and, with `--zone-file`, only when that is the zone's file
 * (another file, a copy, has no journal of named's).
 */
export function configuredJournal(
  config: NamedConfig | undefined,
  target: { zone: string; zoneClass?: string | undefined; view?: string | undefined },
  zoneFile: string | undefined,
): string | undefined {
  if (config === undefined) return undefined;
  const zone = config.zone({
    zone: target.zone,
    ...(target.zoneClass !== undefined ? { class: target.zoneClass } : {}),
    ...(target.view !== undefined ? { view: target.view } : {}),
  });
  if (zone.isErr() || zone.value.file === undefined) return undefined;
  if (zoneFile !== undefined && zoneFile !== zone.value.file) return undefined;
  return zone.value.journal;
}
