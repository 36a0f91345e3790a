/**
 * `rndc/testing`: a real, throwaway BIND named for integration tests, and helpers to run BIND's
 * own tools against it for differential tests.
 *
 * @example
 * import { startNamed, runRndcBinary } from 'rndc/testing';
 *
 * const named = await startNamed({ readOnlyControl: true });
 * const r = await runRndcBinary(named, ['zonestatus', 'dyn.test']);
 * await named.stop();
 *
 * @packageDocumentation
 * @module rndc/testing
 */
export {
  type BindVersion,
  bindVersionBinDir,
  bindVersionsRoot,
  installedBindVersions,
  isBindVersion,
  SUPPORTED_BIND_VERSIONS,
  selectedBindVersion,
} from './bind-versions.js';
export type { LogPrintTime, LogSeverity, ZoneKind } from './config.js';
export {
  type BindMount,
  canUseMountNamespace,
  type MountNamespaceOptions,
  type MountNamespaceSupport,
} from './mount-namespace.js';
export {
  type BeforeStartContext,
  logOffset,
  type NamedExit,
  type NamedInstance,
  NamedStartError,
  type NamedStartErrorKind,
  type NamedZone,
  type StartNamedOptions,
  startNamed,
  type WaitForLogOptions,
  type ZonePrimary,
  type ZoneSpec,
} from './named.js';
export { type NamedVersionReport, namedVersion, toolsBindVersion } from './named-version.js';
export { freePort, freePorts } from './ports.js';
export {
  type BinaryResult,
  type FindBinaryOptions,
  findBinary,
  type RndcBinaryTarget,
  type RunBinaryOptions,
  type RunRndcBinaryOptions,
  runBinary,
  runRndcBinary,
} from './rndc-binary.js';
