import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { USER_CODE_WORKER_SOURCE } from "./user-code-worker.js";

/**
 * Users' JS/TS modules (custom graders, module agents) run in worker threads, never on the
 * main thread: a worker can be terminated even while it spins synchronously, and
 * `process.exit` in a worker ends only that worker. So a timeout really stops the code, a
 * `process.exit` is an error of the call that made it, and Ctrl-C is always heard.
 *
 * One pool of long-lived workers per module file (loading tsx costs far more than a call).
 * Calls go to the least busy worker; a new worker starts when every worker is busy, up to
 * `maxWorkersPerModule`. A worker whose call timed out or was abandoned takes no new calls
 * and is terminated as soon as no other call still runs on it; the next call starts a fresh
 * one. Idle workers do not keep the process alive.
 *
 * This isolates mistakes (hangs, exits, crashes), not malice: user code still has the
 * process's files, network and environment.
 */
export interface UserCodeHost {
  /** The pool for one module file (absolute path); `display` names it in messages. */
  module(path: string, display?: string): UserModule;
  /** Worker threads alive now (loading, running or idle). */
  workers(): number;
  /** Terminates every worker; calls in progress and later calls reject. */
  close(): Promise<void>;
}

export interface UserModule {
  /**
   * Loads the module and checks that `exportName` is a function. Rejects with a
   * `UserCodeError` whose `kind` is `load` or `export`.
   */
  check(exportName: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Calls the export with structured-clonable `args`; resolves with its (awaited) value. */
  call(exportName: string, args: unknown[], options: CallOptions): Promise<unknown>;
}

export interface CallOptions {
  /** Names the caller in errors, e.g. `custom grader ./checks.ts`. */
  label: string;
  /** The call is abandoned (and its worker stopped) after this long; counted from when the
   *  worker has loaded the module, so tsx's start-up is not charged to the call. */
  timeoutMs?: number;
  /** Aborting abandons the call: it rejects with the signal's reason at once. */
  signal?: AbortSignal;
  /**
   * Index of an object argument that receives an AbortSignal inside the worker, aborted with
   * `signal`. Code that honours it and settles within `abortGraceMs` keeps its worker.
   */
  signalArgument?: number;
  abortGraceMs?: number;
}

/** A failure of user code that is not an exception it threw (load, export, exit, timeout). */
export class UserCodeError extends Error {
  override name = "UserCodeError";
  constructor(
    message: string,
    readonly kind: "load" | "export" | "exit" | "crash" | "timeout" | "closed" | "clone",
  ) {
    super(message);
  }
}

/**
 * An exception thrown by user code, rebuilt on this side of the worker boundary with its
 * name, message, and the `status` / `code` that error classification reads.
 */
export class UserCodeThrew extends Error {
  readonly status?: number;
  readonly code?: string;
  constructor(message: string, name: string, extra: { status?: number; code?: string } = {}) {
    super(message);
    this.name = name;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.code !== undefined) this.code = extra.code;
  }
}

interface WireError {
  name: string;
  message: string;
  status?: number;
  code?: string;
  notAFunction?: boolean;
}

type WorkerMessage =
  | { t: "ready" }
  | { t: "load-error"; error: WireError }
  | { t: "ok"; id: number; value: unknown }
  | { t: "err"; id: number; error: WireError };

interface PendingCall {
  id: number;
  label: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timeoutMs: number | undefined;
  timer?: NodeJS.Timeout;
  cleanup: () => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Calls whose caller still waits. */
  live: Map<number, PendingCall>;
  /** Takes no new calls; terminated once `live` is empty. */
  retired: boolean;
  /** Set when we terminate the worker: its exit is then expected. */
  terminating: boolean;
  /** An uncaught error inside the worker, reported with its exit. */
  crash?: string;
  loadTimer?: NodeJS.Timeout;
}

export interface UserCodeHostOptions {
  /** Default: the machine's parallelism, at most 4. */
  maxWorkersPerModule?: number;
  /** How long a worker may take to load the module (tsx compiles TypeScript); default 60 s. */
  loadTimeoutMs?: number;
}

let tsxApiUrl: string | undefined;
/** tsx's API resolved from Ratchet's own location, not the user's folder. */
function tsxApi(): string {
  tsxApiUrl ??= import.meta.resolve("tsx/esm/api");
  return tsxApiUrl;
}

export function createUserCodeHost(options: UserCodeHostOptions = {}): UserCodeHost {
  const maxWorkers = Math.max(
    1,
    options.maxWorkersPerModule ?? Math.min(4, availableParallelism()),
  );
  const loadTimeoutMs = options.loadTimeoutMs ?? 60_000;
  const pools = new Map<string, Pool>();
  const stopping = new Set<Promise<unknown>>();
  let closed = false;

  class Pool implements UserModule {
    private readonly slots = new Set<Slot>();
    private loadError: UserCodeError | undefined;
    private nextId = 1;

    constructor(
      private readonly path: string,
      private readonly display: string,
    ) {}

    size(): number {
      return this.slots.size;
    }

    async check(exportName: string, checkOptions: { signal?: AbortSignal } = {}): Promise<void> {
      await this.dispatch(exportName, [], {
        label: this.display,
        ...(checkOptions.signal ? { signal: checkOptions.signal } : {}),
        check: true,
      });
    }

    call(exportName: string, args: unknown[], callOptions: CallOptions): Promise<unknown> {
      return this.dispatch(exportName, args, callOptions);
    }

    private dispatch(
      exportName: string,
      args: unknown[],
      callOptions: CallOptions & { check?: boolean },
    ): Promise<unknown> {
      if (closed) {
        return Promise.reject(
          new UserCodeError(`${callOptions.label} was not run: Ratchet is stopping`, "closed"),
        );
      }
      if (this.loadError) return Promise.reject(this.loadError);
      const signal = callOptions.signal;
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      const slot = this.pickSlot();
      const id = this.nextId++;
      return new Promise<unknown>((resolve, reject) => {
        const onAbort = () => {
          const reason = abortReason(signal!);
          if (callOptions.signalArgument !== undefined) {
            slot.worker.postMessage({ t: "abort", id });
          }
          this.abandon(slot, id, reason, callOptions.abortGraceMs ?? 0);
        };
        const call: PendingCall = {
          id,
          label: callOptions.label,
          resolve,
          reject,
          timeoutMs: callOptions.timeoutMs,
          cleanup: () => {
            clearTimeout(call.timer);
            signal?.removeEventListener("abort", onAbort);
          },
        };
        slot.live.set(id, call);
        slot.worker.ref();
        try {
          slot.worker.postMessage({
            t: "call",
            id,
            exportName,
            args,
            ...(callOptions.check ? { check: true } : {}),
            ...(callOptions.signalArgument !== undefined
              ? { signalArgument: callOptions.signalArgument }
              : {}),
          });
        } catch (error) {
          // The arguments could not be cloned: nothing reached the worker.
          this.settle(slot, id);
          reject(
            new UserCodeError(
              `${callOptions.label} was not called: its arguments cannot be passed to a worker: ${errorText(error)}`,
              "clone",
            ),
          );
          return;
        }
        signal?.addEventListener("abort", onAbort, { once: true });
        if (slot.ready) this.startTimer(slot, call);
      });
    }

    /** The least busy worker that takes calls; a new one while all are busy and room is left. */
    private pickSlot(): Slot {
      let best: Slot | undefined;
      let open = 0;
      for (const slot of this.slots) {
        if (slot.retired) continue;
        open++;
        if (!best || slot.live.size < best.live.size) best = slot;
      }
      if (best && (best.live.size === 0 || open >= maxWorkers)) return best;
      return this.spawn();
    }

    private spawn(): Slot {
      const worker = new Worker(USER_CODE_WORKER_SOURCE, {
        eval: true,
        workerData: { path: this.path, display: this.display, tsx: tsxApi() },
      });
      const slot: Slot = {
        worker,
        ready: false,
        live: new Map(),
        retired: false,
        terminating: false,
      };
      this.slots.add(slot);
      // A module that never finishes loading (a loop at its top level) must not hang its calls,
      // whose own time limits start only once it has loaded.
      slot.loadTimer = setTimeout(() => {
        if (slot.ready || slot.terminating) return;
        this.loadError = new UserCodeError(
          `cannot load ${this.display}: it did not finish loading within ${loadTimeoutMs} ms`,
          "load",
        );
        this.failAll(slot, this.loadError);
        this.stop(slot);
      }, loadTimeoutMs);
      slot.loadTimer.unref();
      worker.on("message", (message: WorkerMessage) => this.onMessage(slot, message));
      worker.on("error", (error) => {
        slot.crash = errorText(error);
      });
      worker.on("exit", (code) => this.onExit(slot, code));
      return slot;
    }

    private onMessage(slot: Slot, message: WorkerMessage): void {
      if (message.t === "ready") {
        slot.ready = true;
        clearTimeout(slot.loadTimer);
        for (const call of slot.live.values()) this.startTimer(slot, call);
        return;
      }
      if (message.t === "load-error") {
        this.loadError = new UserCodeError(
          `cannot load ${this.display}: ${message.error.message}`,
          "load",
        );
        this.failAll(slot, this.loadError);
        this.retire(slot);
        return;
      }
      const call = this.settle(slot, message.id);
      if (!call) return; // abandoned: its caller has moved on
      if (message.t === "ok") call.resolve(message.value);
      else call.reject(rebuild(message.error));
    }

    private onExit(slot: Slot, code: number): void {
      this.slots.delete(slot);
      clearTimeout(slot.loadTimer);
      if (slot.terminating) return; // stopped by us, with no call left on it
      const what = slot.crash
        ? `an uncaught error in ${this.display} stopped its worker: ${slot.crash}`
        : `process.exit(${code}) was called in ${this.display}; user code must return or throw, not exit`;
      if (!slot.ready && !this.loadError) {
        this.loadError = new UserCodeError(`cannot load ${this.display}: ${what}`, "load");
        this.failAll(slot, this.loadError);
        return;
      }
      this.failAll(slot, new UserCodeError(what, slot.crash ? "crash" : "exit"));
    }

    private startTimer(slot: Slot, call: PendingCall): void {
      const ms = call.timeoutMs;
      if (ms === undefined || call.timer !== undefined) return;
      call.timer = setTimeout(() => {
        this.abandon(
          slot,
          call.id,
          new UserCodeError(`${call.label} did not finish within ${ms} ms`, "timeout"),
          0,
        );
      }, ms);
    }

    /**
     * The caller stops waiting now. The worker is kept only if the call settles within the
     * grace period (it honoured its abort signal); otherwise it takes no new calls and is
     * terminated once the calls still running on it are done.
     */
    private abandon(slot: Slot, id: number, reason: Error, graceMs: number): void {
      const call = this.settle(slot, id);
      if (!call) return;
      call.reject(reason);
      if (graceMs <= 0) {
        this.retire(slot);
        return;
      }
      const watch = (message: WorkerMessage) => {
        if ((message.t === "ok" || message.t === "err") && message.id === id) {
          clearTimeout(grace);
          slot.worker.off("message", watch);
        }
      };
      slot.worker.on("message", watch);
      const grace = setTimeout(() => {
        slot.worker.off("message", watch);
        this.retire(slot);
      }, graceMs);
      grace.unref();
    }

    private settle(slot: Slot, id: number): PendingCall | undefined {
      const call = slot.live.get(id);
      if (!call) return undefined;
      slot.live.delete(id);
      call.cleanup();
      if (slot.live.size === 0) {
        if (slot.retired) this.stop(slot);
        else slot.worker.unref();
      }
      return call;
    }

    private failAll(slot: Slot, error: Error): void {
      for (const id of [...slot.live.keys()]) this.settle(slot, id)?.reject(error);
    }

    retire(slot: Slot): void {
      slot.retired = true;
      if (slot.live.size === 0) this.stop(slot);
    }

    stop(slot: Slot): void {
      if (slot.terminating) return;
      slot.terminating = true;
      slot.retired = true;
      const done = slot.worker.terminate();
      stopping.add(done);
      void done.finally(() => stopping.delete(done));
    }

    stopAll(): void {
      for (const slot of this.slots) {
        this.failAll(
          slot,
          new UserCodeError(`${this.display} was stopped: Ratchet is stopping`, "closed"),
        );
        this.stop(slot);
      }
    }
  }

  return {
    module(path, display = path) {
      let pool = pools.get(path);
      if (!pool) {
        pool = new Pool(path, display);
        pools.set(path, pool);
      }
      return pool;
    },
    workers() {
      let n = 0;
      for (const pool of pools.values()) n += pool.size();
      return n;
    },
    async close() {
      closed = true;
      for (const pool of pools.values()) pool.stopAll();
      await Promise.allSettled([...stopping]);
    },
  };
}

let shared: UserCodeHost | undefined;

/** The process-wide host for callers that do not manage one (its idle workers never hold the process). */
export function sharedUserCodeHost(): UserCodeHost {
  shared ??= createUserCodeHost();
  return shared;
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason ?? "aborted"));
}

function rebuild(error: WireError): Error {
  if (error.notAFunction) return new UserCodeError(error.message, "export");
  if (error.name === "DataCloneError") return new UserCodeError(error.message, "clone");
  return new UserCodeThrew(error.message, error.name, {
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.code !== undefined ? { code: error.code } : {}),
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
