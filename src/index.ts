/**
 * rndc — drive BIND 9 from TypeScript.
 *
 * This entry point re-exports the public API and nothing else. The throwaway-named helper for
 * tests lives in `rndc/testing`.
 */

export type {
  CallOptions,
  RndcClientOptions,
  RndcConfigOptions,
  ZoneOptions,
} from './control/client.js';
export { DEFAULT_CONTROL_PORT, RndcClient } from './control/client.js';
export type { CommandInfo, DiskEffect } from './control/commands.js';
export {
  allowedOnReadOnlyChannel,
  COMMANDS,
  commandInfo,
  formatCommand,
  quoteArgument,
} from './control/commands.js';
export type { RndcErrorKind, RndcResponse, ScheduledDiskEffect } from './control/errors.js';
export { RndcError } from './control/errors.js';
export type { ServerStatus, ZoneStatus } from './control/parse.js';
export { parseServerStatus, parseZoneStatus } from './control/parse.js';
export type { RenderedReply, RenderOptions } from './control/render.js';
export { renderLikeRndc } from './control/render.js';
export type { DiagnoseOptions, Finding, FindingCode, StorageDiagnosis } from './dump/diagnose.js';
export { diagnoseZoneStorage } from './dump/diagnose.js';
export type { DumpErrorKind } from './dump/errors.js';
export { DumpError } from './dump/errors.js';
export type { JournalInfo } from './dump/journal.js';
export { readJournalInfo } from './dump/journal.js';
export type { NamedLogEvent, NamedLogEventKind } from './dump/log.js';
export { NamedLogWatcher, parseNamedLog } from './dump/log.js';
export type { DiskEffectReport, DumpTrigger, DumpTriggerId } from './dump/triggers.js';
export { dumpTriggers, expectedDiskEffect } from './dump/triggers.js';
export type {
  DumpEvidence,
  DumpSnapshot,
  DumpStep,
  DumpVerdict,
  VerifyOptions,
  ZoneStatusSource,
} from './dump/verify.js';
export { snapshotZone, verifyZoneWritten } from './dump/verify.js';
export type { ZoneFileSerial } from './dump/zonefile.js';
export { readZoneFileSerial } from './dump/zonefile.js';
export type { ConfigErrorKind, SourceLocation } from './errors.js';
export { ConfigError, RndcLibraryError } from './errors.js';
export * from './keys/index.js';
export type {
  FoundZone,
  SendOptions,
  UpdateClientOptions,
  UpdateResponse,
} from './update/client.js';
export { UpdateClient } from './update/client.js';
export type { UpdateErrorKind } from './update/errors.js';
export { UpdateError } from './update/errors.js';
export { Name, parseName } from './update/names.js';
export type { NsupdateRunOptions, NsupdateRunResult, NsupdateSend } from './update/nsupdate.js';
export { runNsupdateScript } from './update/nsupdate.js';
export type { NsupdateCommand, NsupdateScript, NsupdateWarning } from './update/nsupdate-parse.js';
export { NsupdateSyntaxError, parseNsupdateScript } from './update/nsupdate-parse.js';
export { formatRdata, parseRdata, parseRecord } from './update/rdata.js';
export type { RecordInput, UpdateOptions } from './update/update.js';
export { Update } from './update/update.js';
