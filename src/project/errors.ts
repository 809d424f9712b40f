/**
 * Errors of the project layer: the config file, and loading the user's TypeScript (config, entities,
 * migrations, handlers). The CLI prints the message on one line.
 */
import { TsormError } from '../errors';

/** The config (or a setting derived from it, such as a migration name) is missing or invalid (`file` names it). */
export class ConfigError extends TsormError {
  declare readonly code: 'TsormConfigError';
  constructor(message: string, readonly file?: string) {
    super('project', 'TsormConfigError', file ? `${file}: ${message}` : message);
    this.name = 'ConfigError';
  }
}

/** A config, entity, migration or handler module could not be compiled or evaluated. */
export class ModuleLoadError extends TsormError {
  declare readonly code: 'TsormLoadError';
  constructor(readonly file: string, cause: unknown) {
    super('project', 'TsormLoadError', `cannot load ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ModuleLoadError';
  }
}
