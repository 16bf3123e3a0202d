/**
 * The program each user-code worker thread runs (see user-code.ts), kept as source text and
 * started with `new Worker(source, { eval: true })`: a worker file on disk would have to be
 * found from the sources (tsx, vitest), from tsc's dist/ and from the esbuild bundle alike.
 * It is plain CommonJS JavaScript, so nothing here is type-checked: keep it small.
 *
 * Protocol, parent → worker: { t: "call", id, exportName, args, check?, signalArgument? },
 * { t: "abort", id }. Worker → parent: { t: "ready" } once the module is loaded, or
 * { t: "load-error", error }; per call { t: "ok", id, value } or { t: "err", id, error }, where
 * error is { name, message, status?, code? }. Only structured-clonable values cross.
 */
export const USER_CODE_WORKER_SOURCE = String.raw`"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const { pathToFileURL } = require("node:url");
const { path, display, tsx } = workerData;

async function load() {
  const url = pathToFileURL(path).href;
  // TypeScript through tsx, whose loader is pulled in only when a .ts file is asked for.
  if (/\.[cm]?tsx?$/.test(path)) {
    const { tsImport } = await import(tsx);
    return tsImport(url, url);
  }
  return import(url);
}

// A file that Node treats as CommonJS (a .ts file in a package without "type": "module")
// arrives with its exports wrapped in default, so a name is looked up there too.
function pick(loaded, name) {
  const direct = loaded[name];
  if (typeof direct === "function") return direct;
  const wrapped = loaded.default;
  if (wrapped && typeof wrapped === "object" && name in wrapped) return wrapped[name];
  return direct;
}

function functionNames(loaded) {
  const names = Object.keys(loaded).filter((key) => typeof loaded[key] === "function");
  const wrapped = loaded.default;
  if (wrapped && typeof wrapped === "object") {
    for (const [key, value] of Object.entries(wrapped)) {
      if (typeof value === "function" && !names.includes(key)) names.push(key);
    }
  }
  return names;
}

function describe(error) {
  try {
    if (error instanceof Error) {
      const out = { name: String(error.name), message: String(error.message) };
      const status = error.status ?? error.statusCode;
      if (typeof status === "number") out.status = status;
      if (typeof error.code === "string") out.code = error.code;
      return out;
    }
    return { name: "Error", message: typeof error === "string" ? error : String(error) };
  } catch {
    return { name: "Error", message: "an exception that cannot be described" };
  }
}

const loaded = load();
loaded.then(
  () => parentPort.postMessage({ t: "ready" }),
  (error) => parentPort.postMessage({ t: "load-error", error: describe(error) }),
);

const controllers = new Map();

parentPort.on("message", (message) => {
  if (message.t === "abort") controllers.get(message.id)?.abort();
  else if (message.t === "call") void run(message);
});

async function run(message) {
  const { id, exportName } = message;
  let module;
  try {
    module = await loaded;
  } catch {
    return; // reported once, as load-error
  }
  const fn = pick(module, exportName);
  if (typeof fn !== "function") {
    const names = functionNames(module);
    const error = {
      name: "TypeError",
      message:
        "export \u0060" + exportName + "\u0060 of " + display + " is not a function" +
        (names.length ? " (functions: " + names.join(", ") + ")" : ""),
      notAFunction: true,
    };
    parentPort.postMessage({ t: "err", id, error });
    return;
  }
  if (message.check) {
    parentPort.postMessage({ t: "ok", id, value: true });
    return;
  }
  const args = message.args;
  if (typeof message.signalArgument === "number") {
    const controller = new AbortController();
    controllers.set(id, controller);
    args[message.signalArgument] = { ...args[message.signalArgument], signal: controller.signal };
  }
  let value;
  try {
    value = await fn(...args);
  } catch (error) {
    parentPort.postMessage({ t: "err", id, error: describe(error) });
    return;
  } finally {
    controllers.delete(id);
  }
  try {
    parentPort.postMessage({ t: "ok", id, value });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    parentPort.postMessage({
      t: "err",
      id,
      error: {
        name: "DataCloneError",
        message: "returned a value that cannot be passed back (plain data only: no functions, symbols or streams): " + reason,
      },
    });
  }
}
`;
