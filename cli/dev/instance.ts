/**
 * The parent's side of one function of `tsorm dev`: its instance (a worker process, started on demand),
 * invocations one at a time as a standard FC instance serves them (function-compute.md "Lifecycle"), the
 * timeout (the instance is killed, the call reported as FC reports it), a new instance after a failed
 * initializer, a crash or a reload, and preStop when the instance is stopped.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FcCredentials } from '../../src/fc/types';
import type { Runtime } from '../../src/testing/invoke';
import type { DevFunction } from './s-yaml';
import type { FcErrorBody, FcErrorType, FromWorker, ToWorker, WorkerRequest, WorkerSpec } from './worker';

export type InvocationOutcome = Extract<FromWorker, { type: 'result' }> & { requestId: string };

export interface InstanceOptions {
  fn: DevFunction;
  runtime: Runtime;
  root: string;
  /** The environment of the instance (the function's variables, TableStore's, FC's own). */
  env: Record<string, string>;
  credentials: FcCredentials;
  /** `--inspect`: this function's inspector port. */
  inspectPort?: number;
  /** Every line the instance prints. */
  onLine(line: string): void;
  /** A new instance started (its loaded source files, for reloads). */
  onReady?(files: string[]): void;
}

function failure(id: number, requestId: string, type: FcErrorType, body: FcErrorBody, timeout = false): InvocationOutcome {
  return { type: 'result', id, requestId, initialized: false, durationMs: 0, readCU: 0, writeCU: 0, maxRssMb: 0, error: { type, body, timeout } };
}

export class FunctionInstance {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private pending = new Map<number, (r: FromWorker) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Source files the current instance loaded. */
  files: string[] = [];

  constructor(private readonly o: InstanceOptions) {}

  get name(): string {
    return this.o.fn.functionName;
  }

  private start(): Promise<void> {
    const { fn } = this.o;
    const spec: WorkerSpec = {
      file: fn.file,
      exportName: fn.exportName,
      initializer: fn.initializer,
      preStop: fn.preStop,
      functionName: fn.functionName,
      handler: fn.handler,
      memorySize: fn.memorySize,
      timeout: fn.timeout,
      runtime: this.o.runtime,
      region: this.o.env.FC_REGION ?? 'local',
      root: this.o.root,
    };
    // memorySize bounds the V8 heap [inferred: FC bounds the whole instance; the heap is most of a Node process].
    const execArgv = [`--max-old-space-size=${fn.memorySize}`, '--enable-source-maps'];
    if (this.o.inspectPort !== undefined) execArgv.push(`--inspect=127.0.0.1:${this.o.inspectPort}`);
    const child = fork(join(__dirname, 'worker.js'), [], {
      cwd: this.o.root,
      env: { ...this.o.env, FC_INSTANCE_ID: randomUUID(), TSORM_DEV_WORKER: JSON.stringify(spec) },
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const lines = (stream: NodeJS.ReadableStream | null) => {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (d: string) => {
        const parts = (rest + d).split('\n');
        rest = parts.pop()!;
        for (const l of parts) this.o.onLine(l);
      });
      stream?.on('end', () => rest && this.o.onLine(rest));
    };
    lines(child.stdout);
    lines(child.stderr);
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          this.files = m.files;
          this.o.onReady?.(m.files);
          resolve();
        } else if (m.type === 'load-failed') reject(m.error);
        else if (m.type === 'result') this.pending.get(m.id)?.(m);
        else if (m.type === 'stopped') this.pending.get(0)?.(m);
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
        reject({ errorMessage: `the instance exited before it was ready (${signal ?? `exit code ${code}`})`, errorType: 'Error', stackTrace: [] } satisfies FcErrorBody);
        // Calls in flight when an instance dies (out of memory, process.exit): FC reports them unhandled.
        for (const [id, settle] of this.pending) {
          if (id === 0) settle({ type: 'stopped' });
          else settle(failure(id, '', 'UnhandledInvocationError', { errorMessage: `the function instance exited (${signal ?? `exit code ${code}`}) during the invocation`, errorType: 'ProcessExited', stackTrace: [] }));
        }
        this.pending.clear();
      });
    });
    ready.catch(() => undefined);
    return ready;
  }

  /** Starts the instance now (reports a module that does not load); the initializer still waits for the first call. */
  async warm(): Promise<void> {
    this.ready ??= this.start();
    await this.ready;
  }

  /** One invocation, after the ones before it (one request at a time per instance). */
  invoke(request: WorkerRequest): Promise<InvocationOutcome> {
    const run = this.queue.then(() => this.invokeNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async invokeNow(request: WorkerRequest): Promise<InvocationOutcome> {
    const requestId = randomUUID();
    const id = this.nextId++;
    try {
      this.ready ??= this.start();
      await this.ready;
    } catch (e) {
      this.ready = undefined;
      // The module does not load: FC reports it at the first invocation of a new instance.
      return failure(id, requestId, 'InitializationError', e as FcErrorBody);
    }
    const child = this.child!;
    const timeoutMs = this.o.fn.timeout * 1000;
    const outcome = await new Promise<FromWorker>((resolve) => {
      // The worker's own timer reports the timeout; this one, a little later, covers a blocked event loop.
      const timer = setTimeout(() => resolve(failure(id, requestId, 'UnhandledInvocationError', timedOut(this.o.fn.timeout), true)), timeoutMs + 1000);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.send({ type: 'invoke', id, requestId, request, credentials: this.o.credentials } satisfies ToWorker);
    });
    this.pending.delete(id);
    const result = { ...(outcome as Extract<FromWorker, { type: 'result' }>), requestId };
    // A timed-out call is stopped: FC stops the instance running it. A failed initializer: a new instance next.
    if (result.error?.timeout || result.error?.type === 'InitializationError') await this.kill();
    return result;
  }

  private async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.ready = undefined;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }

  /**
   * Stops the instance as FC does: preStop (within its timeout), then the process ends. `reason` is printed.
   * Waits for the calls already queued.
   */
  async stop(): Promise<void> {
    await this.queue;
    const child = this.child;
    if (!child) return;
    const graceMs = ((this.o.fn.preStop?.timeout ?? 3) + 2) * 1000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        child.send({ type: 'stop' } satisfies ToWorker);
      } catch {
        child.kill('SIGKILL');
      }
    });
    this.child = undefined;
    this.ready = undefined;
  }
}

function timedOut(seconds: number): FcErrorBody {
  return { errorMessage: `Function timed out after ${seconds} seconds`, errorType: 'FunctionTimeoutError', stackTrace: [] };
}
