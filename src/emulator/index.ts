/**
 * `tsorm/emulator`: a local TableStore server speaking the service's wire protocol, so the unmodified
 * official SDK (and tsorm) runs against it.
 */
export { startEmulator, MAX_BODY_BYTES, type EmulatorOptions, type RunningEmulator } from './server';
export { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from './protocol/auth';
export { parseFaults, type Delay, type FaultOptions } from './faults';
export { OtsError } from './errors';
export { DataDirInUseError, readDataDirLock, LOCK_FILE, type DataDirHolder } from './storage/dir-lock';
export type { EngineOptions } from './engine/engine';
export type { SearchOptions } from './search/catalog';
