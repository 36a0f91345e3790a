/**
 * Which BIND a test runs against. `scripts/bind-versions.sh` unpacks BIND 9.16, 9.18 and 9.20
 * side by side under `/opt/bind/<version>/bin` (override the root with `RNDC_BIND_ROOT`);
 * `RNDC_BIND_VERSION` picks one for a whole test run, `startNamed({ version })` for one server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The BIND release lines this project supports and tests. */
export const SUPPORTED_BIND_VERSIONS = ['9.16', '9.18', '9.20'] as const;

/** A supported BIND release line (`major.minor`). */
export type BindVersion = (typeof SUPPORTED_BIND_VERSIONS)[number];

/** True when `text` names a supported release line (`'9.20'`). */
export function isBindVersion(text: string): text is BindVersion {
  return (SUPPORTED_BIND_VERSIONS as readonly string[]).includes(text);
}

/** Where the side-by-side versions live: `RNDC_BIND_ROOT`, default `/opt/bind`. */
export function bindVersionsRoot(): string {
  return process.env.RNDC_BIND_ROOT || '/opt/bind';
}

/**
 * The version picked for this process by `RNDC_BIND_VERSION`, or `undefined` when unset.
 *
 * @throws Error when the variable names a version that is not supported.
 */
export function selectedBindVersion(): BindVersion | undefined {
  const value = process.env.RNDC_BIND_VERSION;
  if (value === undefined || value === '') return undefined;
  if (!isBindVersion(value)) {
    throw new Error(
      `RNDC_BIND_VERSION=${value} is not a supported BIND version (${SUPPORTED_BIND_VERSIONS.join(', ')})`,
    );
  }
  return value;
}

/** The wrapper directory of one version (`/opt/bind/9.20/bin`). */
export function bindVersionBinDir(version: BindVersion): string {
  return join(bindVersionsRoot(), version, 'bin');
}

/** The versions whose tools are unpacked on this machine (those with a `named` wrapper). */
export function installedBindVersions(): BindVersion[] {
  return SUPPORTED_BIND_VERSIONS.filter((version) =>
    existsSync(join(bindVersionBinDir(version), 'named')),
  );
}
