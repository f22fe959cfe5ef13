// Lambda's Node.js runtime, in small: load the handler, call it with the event and a context.
//
// Run by the emulator as `node node_shim.js` in the function's code directory, with the event
// on stdin. The result (or the error, in the shape the Node.js runtime reports: "AWS Lambda
// function errors in Node.js", {errorType, errorMessage, trace}) goes to the file
// _HARNESS_LAMBDA_RESULT names, so whatever the function logs stays its log.
"use strict";
const fs = require("fs");
const path = require("path");
const http = require("http");
const https = require("https");
const { pathToFileURL } = require("url");

const RESULT = process.env._HARNESS_LAMBDA_RESULT;
const DEADLINE_MS = Number(process.env._HARNESS_LAMBDA_DEADLINE_MS);
const REQUEST_ID = process.env._HARNESS_LAMBDA_REQUEST_ID;
const INVOKED_ARN = process.env._HARNESS_LAMBDA_INVOKED_ARN;
const RESPONSE_HOST = process.env._HARNESS_LAMBDA_EMULATOR_HOST;
const RESPONSE_PORT = Number(process.env._HARNESS_LAMBDA_EMULATOR_PORT);
for (const key of Object.keys(process.env)) if (key.startsWith("_HARNESS_LAMBDA_")) delete process.env[key];

// CloudFormation's ResponseURL is HTTPS on port 443; the emulator's is plain HTTP on its own
// port. CDK's framework handlers PUT to it with https.request({hostname, path}) (no port,
// outbound.js), so a request for the emulator's host is sent to the emulator over HTTP.
const httpsRequest = https.request;
https.request = function (options, ...rest) {
  if (options && typeof options === "object" && !(options instanceof URL) && options.hostname === RESPONSE_HOST) {
    return http.request({ ...options, port: RESPONSE_PORT, protocol: "http:", agent: undefined }, ...rest);
  }
  return httpsRequest.call(this, options, ...rest);
};

let done = false;
function finish(outcome) {
  if (done) return;
  done = true;
  fs.writeFileSync(RESULT, JSON.stringify(outcome));
  // The runtime freezes the sandbox once the handler is done; here the process ends.
  process.exit(0);
}

function failure(err) {
  if (!(err instanceof Error)) {
    return { errorType: "string", errorMessage: typeof err === "string" ? err : JSON.stringify(err), trace: [] };
  }
  return {
    errorType: err.name || "Error",
    errorMessage: err.message,
    trace: String(err.stack || "").split("\n"),
  };
}

const context = {
  awsRequestId: REQUEST_ID,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn: INVOKED_ARN,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(DEADLINE_MS - Date.now(), 0),
};

async function load(handler) {
  const root = process.env.LAMBDA_TASK_ROOT;
  const dot = handler.lastIndexOf(".");
  const modulePath = handler.slice(0, dot);
  const name = handler.slice(dot + 1);
  let file = null;
  for (const ext of [".js", ".mjs", ".cjs"]) {
    if (fs.existsSync(path.join(root, modulePath + ext))) { file = path.join(root, modulePath + ext); break; }
  }
  if (file === null) {
    const err = new Error(`Cannot find module '${modulePath}'`);
    err.name = "Runtime.ImportModuleError";
    throw err;
  }
  let mod;
  try {
    mod = file.endsWith(".mjs") ? await import(pathToFileURL(file).href) : require(file);
  } catch (e) {
    const err = new Error(`${e.name}: ${e.message}`);
    err.name = e.code === "MODULE_NOT_FOUND" ? "Runtime.ImportModuleError" : "Runtime.UserCodeSyntaxError";
    err.stack = e.stack;
    throw err;
  }
  const fn = mod[name] ?? (mod.default && mod.default[name]);
  if (typeof fn !== "function") {
    const err = new Error(`${modulePath}.${name} is undefined or not exported`);
    err.name = "Runtime.HandlerNotFound";
    throw err;
  }
  return fn;
}

async function main() {
  const event = JSON.parse(fs.readFileSync(0, "utf8") || "{}");
  let fn;
  try {
    fn = await load(process.env._HANDLER);
  } catch (err) {
    console.error(`ERROR\t${err.name}: ${err.message}`);
    finish({ error: failure(err) });
    return;
  }
  const callback = (err, value) => (err ? finish({ error: failure(err) }) : finish({ result: value === undefined ? null : value }));
  try {
    const returned = fn(event, context, callback);
    if (returned && typeof returned.then === "function") {
      const value = await returned;
      finish({ result: value === undefined ? null : value });
    }
  } catch (err) {
    console.error(`ERROR\tInvoke Error\t${JSON.stringify(failure(err))}`);
    finish({ error: failure(err) });
  }
}

process.on("unhandledRejection", (err) => { finish({ error: failure(err) }); });
process.on("uncaughtException", (err) => { finish({ error: failure(err) }); });
// A non-async handler that never calls back: the runtime answers null once the loop is empty.
process.on("beforeExit", () => finish({ result: null }));
main();
