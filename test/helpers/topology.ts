// A primary and its secondaries on 127.0.0.1, each a real named of the version under test on its
// own ports: the fleet the propagation, transfer and fleet tests run against.
//
// - The primary serves one dynamic zone, transfers it only to the shared TSIG key
//   (`allow-transfer { key xfr-key; }`), and NOTIFYs the secondaries listed in an included
//   `also-notify` file, written once their ports are known (then `rndc reconfig`).
// - Each secondary transfers the zone from the primary, signed with the shared key, unless its
//   spec breaks it: no key (the primary refuses), a key of the same name with another secret
//   (TSIG fails), or primaries pointing elsewhere (it keeps serving a stale copy).
// - Healthy secondaries have completed their first transfer when startTopology() returns.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Key } from '../../src/keys/key.js';
import {
  freePort,
  type NamedInstance,
  runRndcBinary,
  type StartNamedOptions,
  startNamed,
} from '../../src/testing/index.js';

/** Name of the TSIG key transfers are signed with. */
export const TRANSFER_KEY_NAME = 'xfr-key';

/** One secondary of the topology. */
export interface SecondarySpec {
  /** How it is called in the test (`a`, `refused`, `stale`…). */
  readonly label: string;
  /**
   * How its transfers are signed: with the shared key (default); `none`: unsigned, which the
   * primary refuses; `wrong`: a key with the shared key's name and another secret (TSIG fails).
   */
  readonly transferKey?: 'shared' | 'none' | 'wrong';
  /**
   * Transfer from this port instead of the primary's (nothing answers there: the secondary
   * keeps the stale copy `staleSerial` gives it).
   */
  readonly primaryPort?: number;
  /** Starts from a copy of the zone at this serial (with no record the primary adds later). */
  readonly staleSerial?: number;
  /** Listed in the primary's also-notify. Default true. */
  readonly notified?: boolean;
  /** More startNamed options (user, beforeStart, mountNamespace…). */
  readonly options?: Omit<StartNamedOptions, 'zones' | 'sharedKeys' | 'version'>;
}

export interface TopologyOptions {
  /** The zone, served by the primary as a dynamic zone. Default `prop.test`. */
  readonly zone?: string;
  /** Default: two healthy secondaries, `a` and `b`. */
  readonly secondaries?: readonly SecondarySpec[];
  /** The primary zone's serial at start. Default 2024010101. */
  readonly serial?: number;
  /** Extra records of the primary's zone (relative names). */
  readonly records?: readonly string[];
  /** Extra statements in the primary's zone block. */
  readonly primaryZoneOptions?: string;
  /** How long each healthy secondary may take for its first transfer. Default 30 s. */
  readonly transferTimeoutMs?: number;
}

export interface Topology extends AsyncDisposable {
  readonly zone: string;
  readonly primary: NamedInstance;
  /** By label, in the order given. */
  readonly secondaries: ReadonlyMap<string, NamedInstance>;
  /** The key transfers are signed with (the primary allows no other). */
  readonly transferKey: Key;
  /** The key with the same name and another secret (the `wrong` secondaries use it). */
  readonly wrongKey: Key;
  /** The secondary called `label`; throws when there is none. */
  secondary(label: string): NamedInstance;
  /** Stops every named (by pid) and removes the files. */
  stop(): Promise<void>;
}

function makeTransferKey(): Key {
  return Key.from({
    name: TRANSFER_KEY_NAME,
    algorithm: 'hmac-sha256',
    secret: randomBytes(32).toString('base64'),
  }).unwrap();
}

/** An unused loopback port: nothing answers there. */
export function silentPort(): Promise<number> {
  return freePort();
}

/** Starts the primary, then the secondaries, then waits for the healthy ones' first transfer. */
export async function startTopology(options: TopologyOptions = {}): Promise<Topology> {
  const zone = options.zone ?? 'prop.test';
  const specs = options.secondaries ?? [{ label: 'a' }, { label: 'b' }];
  const transferKey = makeTransferKey();
  const wrongKey = makeTransferKey();
  const dir = await mkdtemp(join(tmpdir(), 'rndc-topology-'));
  await chmod(dir, 0o755);
  const alsoNotify = join(dir, 'also-notify.conf');
  await writeFile(alsoNotify, '', { mode: 0o644 });

  const started: NamedInstance[] = [];
  const stop = async () => {
    await Promise.all(started.map((named) => named.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const primary = await startNamed({
      zones: [
        {
          name: zone,
          kind: 'dynamic',
          ...(options.serial !== undefined ? { serial: options.serial } : {}),
          records: options.records ?? [],
          options: [
            `allow-transfer { key "${TRANSFER_KEY_NAME}"; };`,
            'notify explicit;',
            `include "${alsoNotify}";`,
            options.primaryZoneOptions ?? '',
          ].join('\n'),
        },
      ],
      sharedKeys: [transferKey],
    });
    started.push(primary);

    const secondaries = new Map<string, NamedInstance>();
    const instances = await Promise.all(
      specs.map(async (spec) => {
        const keyChoice = spec.transferKey ?? 'shared';
        const named = await startNamed({
          ...spec.options,
          zones: [
            {
              name: zone,
              kind: 'secondary',
              primaries: [
                {
                  port: spec.primaryPort ?? primary.dnsPort,
                  ...(keyChoice === 'none' ? {} : { keyName: TRANSFER_KEY_NAME }),
                },
              ],
              ...(spec.staleSerial !== undefined ? { serial: spec.staleSerial } : {}),
            },
          ],
          sharedKeys: keyChoice === 'none' ? [] : [keyChoice === 'wrong' ? wrongKey : transferKey],
        });
        started.push(named);
        return named;
      }),
    );
    specs.forEach((spec, i) => {
      const named = instances[i];
      if (named) secondaries.set(spec.label, named);
    });

    const notified = specs
      .map((spec, i) => (spec.notified === false ? undefined : instances[i]))
      .filter((named) => named !== undefined);
    if (notified.length > 0) {
      await writeFile(
        alsoNotify,
        `also-notify { ${notified.map((n) => `127.0.0.1 port ${n.dnsPort};`).join(' ')} };\n`,
      );
      const reconfig = await runRndcBinary(primary, ['reconfig']);
      if (reconfig.exitCode !== 0) {
        throw new Error(`rndc reconfig on the primary failed: ${reconfig.stderr}`);
      }
    }

    // The healthy ones transfer at start; wait for the evidence in their logs.
    const completed = new RegExp(
      `transfer of '${zone.replaceAll('.', '\\.')}/IN' from 127\\.0\\.0\\.1#${primary.dnsPort}: Transfer completed`,
    );
    await Promise.all(
      specs.map((spec, i) => {
        const healthy =
          (spec.transferKey ?? 'shared') === 'shared' && spec.primaryPort === undefined;
        return healthy
          ? instances[i]?.waitForLog(completed, { timeoutMs: options.transferTimeoutMs ?? 30_000 })
          : undefined;
      }),
    );

    const topology: Topology = {
      zone,
      primary,
      secondaries,
      transferKey,
      wrongKey,
      secondary(label) {
        const named = secondaries.get(label);
        if (!named) throw new Error(`no secondary called ${label}`);
        return named;
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
    return topology;
  } catch (error) {
    await stop();
    throw error;
  }
}
