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
export type { RndcErrorKind, RndcResponse } from './control/errors.js';
export { RndcError } from './control/errors.js';
export type { ServerStatus, ZoneStatus } from './control/parse.js';
export { parseServerStatus, parseZoneStatus } from './control/parse.js';
export type { RenderedReply, RenderOptions } from './control/render.js';
export { renderLikeRndc } from './control/render.js';
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
