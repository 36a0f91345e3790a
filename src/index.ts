/**
 * rndc — drive BIND 9 from TypeScript.
 *
 * This entry point re-exports the public API and nothing else. The throwaway-named helper for
 * tests lives in `rndc/testing`.
 *
 * @packageDocumentation
 * @module rndc
 */

export type {
  CallOptions,
  DumpCommandOptions,
  DumpedResponse,
  RndcClientOptions,
  RndcConfigOptions,
  VerifyDumpOptions,
  ZoneOptions,
} from './control/client.js';
export { DEFAULT_CONTROL_PORT, RndcClient } from './control/client.js';
export type {
  CommandArgument,
  CommandInfo,
  CommandUnavailable,
  DiskEffect,
  DiskEffectTiming,
  RawArgument,
  ZoneRef,
} from './control/commands.js';
export {
  allowedOnReadOnlyChannel,
  COMMANDS,
  commandInfo,
  commandsIn,
  formatCommand,
  quoteArgument,
  unavailableIn,
} from './control/commands.js';
export type {
  RndcErrorDetails,
  RndcErrorKind,
  RndcResponse,
  ScheduledDiskEffect,
} from './control/errors.js';
export { RndcError } from './control/errors.js';
export type {
  KeyMaintenance,
  RecursiveClients,
  ServerStatus,
  TcpClients,
  ZoneStatus,
} from './control/parse.js';
export { parseServerStatus, parseZoneStatus } from './control/parse.js';
export type {
  PoolConnectEvent,
  PoolErrorEvent,
  PoolIdleCloseEvent,
  PoolStats,
  RndcClientEvents,
} from './control/pool.js';
export type { RenderedReply, RenderOptions } from './control/render.js';
export { renderLikeRndc } from './control/render.js';
export { resultName, rndcResultId } from './control/result-codes.js';
export type { ControlAddress } from './control/session.js';
export type { ServerVersion } from './control/versions.js';
export { versionFromStatus } from './control/versions.js';
export type {
  AllZonesDump,
  AllZonesErrorKind,
  AllZonesOptions,
  AllZonesSummary,
  SyncAllOptions,
  ZoneDumpResult,
  ZoneDumpStatus,
} from './dump/all-zones.js';
export {
  AllZonesError,
  DEFAULT_ALL_ZONES_CONCURRENCY,
  DEFAULT_ALL_ZONES_TIMEOUT_MS,
} from './dump/all-zones.js';
export type {
  AccessFact,
  AppArmorFacts,
  DiagnoseErrorKind,
  DiagnoseOptions,
  FileSystemSpace,
  Finding,
  FindingCode,
  FindingSeverity,
  IdentityCheck,
  IdentitySource,
  JournalFacts,
  LocalZoneFile,
  PathFacts,
  StorageDiagnosis,
  StorageFacts,
  TmpFileFacts,
} from './dump/diagnose.js';
export { DiagnoseError, diagnoseZoneStorage, namedAccessChecked } from './dump/diagnose.js';
export type { DumpErrorKind } from './dump/errors.js';
export { DumpError } from './dump/errors.js';
export type {
  ExplainCauseId,
  ExplainedArea,
  ExplainedProblem,
  ExplainedSource,
  ExplainedZone,
  ExplainOptions,
  ExplainReadErrorKind,
  ExplainSource,
  ExplainSourceOptions,
  NamedLogExplanation,
  RetryCadence,
} from './dump/explain.js';
export {
  DUMP_RETRY_SECONDS,
  ExplainReadError,
  explainNamedLog,
  explainNamedLogSource,
  MAX_EXPLAIN_BYTES,
  NamedLogExplainer,
} from './dump/explain.js';
export type { JournalErrorKind, JournalInfo, ReadJournalOptions } from './dump/journal.js';
export { JournalError, readJournalInfo } from './dump/journal.js';
export type {
  ControlCommandEvent,
  DirectoryNotWritableEvent,
  DumpFailedEvent,
  DumpFailureStep,
  ExitingEvent,
  FreezeEvent,
  JournalCompactFailedEvent,
  JournalFailedEvent,
  JournalFailureStep,
  JournalOutOfDateEvent,
  JournalRemoveFailedEvent,
  JournalRollforwardFailedEvent,
  NamedLogEvent,
  NamedLogEventKind,
  NamedLogRead,
  NamedLogReadErrorKind,
  NamedLogReadOptions,
  NamedLogWaitErrorKind,
  NamedLogWaitOptions,
  NamedLogWatcherOptions,
  ParseNamedLogOptions,
  ShutdownEvent,
  SyncEvent,
  ThawEvent,
  UnexpectedErrorEvent,
  UpdateChangeEvent,
  UpdateFailedEvent,
  ZoneLoadedEvent,
  ZoneLoadFailedEvent,
  ZoneNotLoadedEvent,
  ZoneSerialUnchangedEvent,
} from './dump/log.js';
export {
  MAX_LOG_READ_BYTES,
  NamedLogParser,
  NamedLogReadError,
  NamedLogWaitError,
  NamedLogWatcher,
  parseNamedLog,
  unwrapPastedLine,
} from './dump/log.js';
export type { MountInfoEntry } from './dump/mountinfo.js';
export type {
  AddedZoneStore,
  ConfiguredZone,
  LogFileChannel,
  MasterfileFormat,
  NamedConfigErrorKind,
  NamedConfigOptions,
  NamedLogging,
  PidFileConfig,
  PidFileDefault,
  PidFileNone,
  PidFileSet,
  ZoneConfig,
  ZoneLookup,
} from './dump/named-config.js';
export {
  DEFAULT_NAMED_CONFIG_TIMEOUT_MS,
  DUMP_LOG_CATEGORIES,
  NamedConfig,
  NamedConfigError,
  namedLogFiles,
  namedPidFile,
  readNamedConfig,
  readZoneConfig,
} from './dump/named-config.js';
export type {
  RemoveStaleTmpFilesOptions,
  TmpCleanErrorKind,
  TmpCleanReport,
  TmpFileOutcome,
  TmpFileVerdict,
  TmpKeptReason,
} from './dump/tmp-clean.js';
export { removeStaleTmpFiles, TmpCleanError } from './dump/tmp-clean.js';
export type {
  DiskEffectOperation,
  DiskEffectReport,
  DiskTarget,
  DumpTiming,
  DumpTrigger,
  DumpTriggerId,
} from './dump/triggers.js';
export { dumpTriggers, expectedDiskEffect } from './dump/triggers.js';
export type {
  DumpEvidence,
  DumpSnapshot,
  DumpStep,
  DumpVerdict,
  RefusedFlush,
  VerifyOptions,
  ZoneOnDisk,
  ZoneStatusSource,
} from './dump/verify.js';
export { refusedFlush, snapshotZone, verifyZoneWritten } from './dump/verify.js';
export type {
  ReadZoneFileOptions,
  ZoneFileErrorKind,
  ZoneFileFormat,
  ZoneFileSerial,
} from './dump/zonefile.js';
export { readZoneFileSerial, ZoneFileError } from './dump/zonefile.js';
export type { ConfigErrorKind, ErrorDetails, SourceLocation } from './errors.js';
export { ConfigError, RndcLibraryError } from './errors.js';
// Propagation verdicts (issue 14 §2): does every server serve the change?
export type { ZoneDigest } from './fleet/content.js';
export { digestRecords } from './fleet/content.js';
export type {
  DiscoveredServer,
  Discovery,
  DiscoveryQuery,
  UnresolvedName,
} from './fleet/discover.js';
export { discoverServers } from './fleet/discover.js';
export type {
  FleetCallOptions,
  FleetClient,
  FleetDumpOptions,
  FleetFailure,
  FleetResult,
  FleetServer,
  FleetServerResult,
  FleetZoneOptions,
  RndcFleetOptions,
} from './fleet/fleet.js';
export {
  DEFAULT_FLEET_CONCURRENCY,
  DEFAULT_FLEET_TIMEOUT_MS,
  RndcFleet,
} from './fleet/fleet.js';
export type {
  CheckPropagationOptions,
  DiscoverOptions,
  DiscoveryVia,
  Nudge,
  NudgeOptions,
  PropagationErrorKind,
  PropagationReport,
  PropagationServer,
  PropagationWait,
  ServerVerdict,
  WaitForPropagationOptions,
} from './fleet/propagation.js';
export {
  checkPropagation,
  isServed,
  PropagationError,
  waitForPropagation,
} from './fleet/propagation.js';
export type {
  ContentCheck,
  DivergedVerdict,
  LameVerdict,
  NotAuthoritativeVerdict,
  RefusedVerdict,
  ServedVerdict,
  StaleVerdict,
  TsigErrorVerdict,
  UnreachableVerdict,
  Verdict,
  VerdictKind,
} from './fleet/verdict.js';
export { VERDICT_KINDS } from './fleet/verdict.js';
export * from './keys/index.js';
export type { CheckzoneOutcome } from './recover/checkzone.js';
export type {
  RecoverErrorKind,
  RecoveredZone,
  RecoverOptions,
  RecoverSource,
} from './recover/recover.js';
export { RecoverError, recoverZone } from './recover/recover.js';
export type { Err, Ok, Result } from './result.js';
export { compareSerials, serialAfter, serialDistance } from './serial.js';
export type {
  CommandTraceContext,
  ConnectTraceContext,
  TraceContext,
  TraceEndpoint,
  TransferTraceContext,
  UpdateTraceContext,
  VerifyTraceContext,
} from './tracing.js';
export { TRACING_CHANNELS, tracingChannels } from './tracing.js';
export type {
  FoundZone,
  SendOptions,
  SendPropagationOptions,
  TsigVerification,
  UpdateClientOptions,
  UpdateResponse,
} from './update/client.js';
export { UpdateClient } from './update/client.js';
export type {
  UpdateErrorDetails,
  UpdateErrorKind,
  UpdateReplyHeader,
} from './update/errors.js';
export { UpdateError } from './update/errors.js';
export type { UpdateMessage, WireRecord } from './update/message.js';
export type { NameErrorKind } from './update/names.js';
export { Name, NameError, parseName } from './update/names.js';
export type {
  NsupdateInteractiveOptions,
  NsupdateRunOptions,
  NsupdateRunResult,
  NsupdateSend,
} from './update/nsupdate.js';
export { runNsupdateInteractive, runNsupdateScript } from './update/nsupdate.js';
export type {
  NsupdateAddCommand,
  NsupdateBindVersion,
  NsupdateCheckNamesCommand,
  NsupdateCheckSvcbCommand,
  NsupdateClassCommand,
  NsupdateCommand,
  NsupdateDeleteCommand,
  NsupdateKeyCommand,
  NsupdateLocalCommand,
  NsupdateNamePrereq,
  NsupdateNxdomainPrereq,
  NsupdateNxrrsetPrereq,
  NsupdatePrereqCommand,
  NsupdateQuitCommand,
  NsupdateScript,
  NsupdateSendCommand,
  NsupdateServerCommand,
  NsupdateShowCommand,
  NsupdateSimpleCommand,
  NsupdateSyntaxErrorKind,
  NsupdateTtlCommand,
  NsupdateUpdateCommand,
  NsupdateVersionRules,
  NsupdateWarning,
  NsupdateWarningKind,
  NsupdateYxdomainPrereq,
  NsupdateYxrrsetPrereq,
  NsupdateZoneCommand,
  ParseNsupdateOptions,
} from './update/nsupdate-parse.js';
export {
  NSUPDATE_VERSIONS,
  NsupdateSyntaxError,
  parseNsupdateScript,
} from './update/nsupdate-parse.js';
export type { ParsedRecord, ParseRecordOptions, RecordErrorKind } from './update/rdata.js';
export { formatRdata, parseRdata, parseRecord, RecordError } from './update/rdata.js';
export type { TsigCheck } from './update/tsig.js';
export type { RecordInput, UpdateOptions } from './update/update.js';
export { Update } from './update/update.js';
export { WatchMetrics } from './watch/metrics.js';
export type {
  SecondaryDiscovery,
  SecondaryReport,
  SecondaryWatchOptions,
  WatchedSecondary,
} from './watch/secondaries.js';
export { SecondaryOptionsError } from './watch/secondaries.js';
export type {
  WatchHealth,
  WatchReadiness,
  WatchServer,
  WatchServerOptions,
} from './watch/server.js';
export { health, readiness, serveWatcher } from './watch/server.js';
export type {
  LoggedFailure,
  WatchReport,
  ZoneReport,
  ZoneWatcherOptions,
} from './watch/watcher.js';
export { DEFAULT_MAX_LAG_SECONDS, ZoneWatcher } from './watch/watcher.js';
export type { AxfrErrorKind, AxfrOptions, AxfrRecord, AxfrSummary } from './xfr/axfr.js';
export { AxfrError, receiveAxfr } from './xfr/axfr.js';
export type { IncrementalTransferOptions } from './xfr/ixfr.js';
export { transferIncremental } from './xfr/ixfr.js';
export type { IxfrDelta, IxfrResult, XfrFacts } from './xfr/reader.js';
export type {
  TransferOptions,
  TransferSummary,
  ZoneRecord,
  ZoneText,
  ZoneTransfer,
} from './xfr/transfer.js';
export { transfer, transferZoneText } from './xfr/transfer.js';
