/**
 * Where the CLI's commands (`tsorm migrate*`, `tsorm invoke`) talk to TableStore: the config's `connection`
 * (or the ORM's environment variables), else the local emulator — one already serving the config's data
 * dir (`tsorm emulator`), or one started in process for the command (the embedded default).
 */
import { TableStoreClient } from '../client/client';
import { ENV, resolveConfig, type Credentials } from '../client/config';
import { DataDirInUseError, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, startEmulator, type DataDirHolder, type RunningEmulator } from '../emulator';
import { displayPath, type ResolvedConfig } from './config';
import { ConfigError } from './errors';

/** Where a connection goes: what `tsorm invoke` hands to the function as its environment. */
export interface ConnectionSettings {
  endpoint: string;
  instance: string;
  credentials: Credentials;
}

export interface Connection {
  client: TableStoreClient;
  /** Where the connection goes, for the command's output. */
  where: string;
  /** True when the target is tsorm's emulator (embedded or a running `tsorm emulator`), not a configured endpoint. */
  emulator: boolean;
  /** The resolved endpoint, instance and credentials (`tsorm invoke` hands them to the function). */
  settings: ConnectionSettings;
  close(): Promise<void>;
}

/** A client for an emulator at `settings`; `stop` runs after the client is closed (the embedded emulator). */
function emulatorConnection(settings: ConnectionSettings, where: string, stop?: () => Promise<void>): Connection {
  const client = new TableStoreClient({ endpoint: settings.endpoint, instance: settings.instance, ...settings.credentials });
  return {
    client,
    where,
    emulator: true,
    settings,
    close: async () => {
      client.close();
      await stop?.();
    },
  };
}

const NO_ENDPOINT = `no endpoint configured (connection.endpoint in the config, or ${ENV.endpoint})`;

/** Connects as configured, or to the local emulator when no endpoint is configured anywhere (see module doc). */
export async function connectProject(config: ResolvedConfig): Promise<Connection> {
  const c = config.connection;
  const endpoint = c.endpoint ?? process.env[ENV.endpoint];
  if (endpoint) {
    let client: TableStoreClient;
    let settings: ConnectionSettings;
    try {
      const resolved = resolveConfig({ ...c, endpoint });
      settings = { endpoint: resolved.endpoint, instance: resolved.instance, credentials: resolved.credentials };
      client = new TableStoreClient({ ...c, endpoint });
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
    return { client, where: `${client.endpoint} (instance ${client.instance})`, emulator: false, settings, close: async () => client.close() };
  }
  const storage = config.emulator.inMemory ? 'in memory' : `with data dir ${displayPath(process.cwd(), config.emulator.dataDir)}`;
  const emu = await startEmbedded(config, storage);
  if ('endpoint' in emu && !('close' in emu)) {
    // `tsorm emulator` already serves this data dir: talk to it (its well-known key pair).
    process.stderr.write(`tsorm: ${NO_ENDPOINT}: using the emulator already running ${storage} at ${emu.endpoint} (pid ${emu.pid})\n`);
    const credentials = { accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET };
    return emulatorConnection({ endpoint: emu.endpoint, instance: emu.instance ?? 'tsorm', credentials }, `${emu.endpoint} (the emulator of pid ${emu.pid})`);
  }
  process.stderr.write(`tsorm: ${NO_ENDPOINT}: using the local emulator ${storage}, started in process\n`);
  const running = emu as RunningEmulator;
  return emulatorConnection(
    { endpoint: running.endpoint, instance: running.instance, credentials: { accessKeyId: running.accessKeyId, accessKeySecret: running.accessKeySecret } },
    `the local emulator (${config.emulator.inMemory ? 'in memory' : `data dir ${displayPath(process.cwd(), config.emulator.dataDir)}`})`,
    () => running.close(),
  );
}

const EMBEDDED_OWNER = 'tsorm migrate (embedded)';

/**
 * Starts the embedded emulator on the config's data dir. When another process already serves that dir: a
 * `tsorm emulator` is returned as is (to connect to); another embedded run is waited for (up to the lock wait),
 * since it stops when its command ends.
 */
async function startEmbedded(config: ResolvedConfig, storage: string): Promise<RunningEmulator | (DataDirHolder & { endpoint: string })> {
  const start = Date.now();
  let announced = false;
  for (;;) {
    try {
      return await startEmulator({
        port: 0,
        inMemory: config.emulator.inMemory,
        dataDir: config.emulator.dataDir,
        dataDirOwner: EMBEDDED_OWNER,
        onInternalError: (e) => process.stderr.write(`tsorm: emulator internal error: ${String(e)}\n`),
      });
    } catch (e) {
      if (!(e instanceof DataDirInUseError)) throw new ConfigError(`cannot start the embedded emulator ${storage}: ${(e as Error).message}`);
      const holder = e.holder;
      if (holder.owner !== EMBEDDED_OWNER && holder.endpoint) return { ...holder, endpoint: holder.endpoint };
      if (Date.now() - start > config.lock.waitMs) throw new ConfigError(`cannot start the embedded emulator ${storage}: ${e.message}`);
      if (!announced) {
        announced = true;
        process.stderr.write(`tsorm: waiting for ${holder.owner} (pid ${holder.pid}), which is using the data dir ${displayPath(process.cwd(), config.emulator.dataDir)}…\n`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
