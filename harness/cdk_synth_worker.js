// The Node process behind harness/cdk_synth.py for TypeScript CDK apps: the app's entry point
// run once per request in one long-lived process, so Node, ts-node (and its type check of
// aws-cdk-lib's declarations, ~13 s) and aws-cdk-lib load once instead of per `cdk synth`.
//
// argv: <app dir> <entry .ts> <tsconfig or ""> <ts-node modules dir>
// Protocol (as harness/cdk_synth_worker.py): one JSON object per line on stdin,
// {"outdir", "context", "env"}; one per line on stdout, {"ok": true, "seconds", "missing"} or
// {"ok": false, "error"}. What the app prints goes to stderr. Exits at end of input.
//
// Each request runs the entry point afresh (the app's own modules are dropped from require's
// cache; node_modules stay loaded) with what the CLI would have set: CDK_OUTDIR and
// CDK_CONTEXT_JSON. The App instances it creates are caught through aws-cdk-lib's
// App init hook (Symbol.for('@aws-cdk/core.App#initHook')) and synthesized here, instead of
// at process exit as an app run by the CLI is.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');

const [appDir, entry, project, tsModules] = process.argv.slice(2);
const send = (answer) => fs.writeSync(1, JSON.stringify(answer) + '\n');
// Stray prints never reach the protocol (fd 1 is written to directly, above).
process.stdout.write = process.stderr.write.bind(process.stderr);

process.chdir(appDir);
require(path.join(tsModules, 'ts-node')).register({
  project: project || undefined,
  dir: appDir,
  preferTsExts: true,
});
const HOOK = Symbol.for('@aws-cdk/core.App#initHook');
const entryPath = path.resolve(appDir, entry);

function synth(request) {
  const began = process.hrtime.bigint();
  const saved = { ...process.env };
  const apps = [];
  try {
    Object.assign(process.env, request.env, {
      CDK_OUTDIR: request.outdir,
      CDK_CONTEXT_JSON: JSON.stringify(request.context),
    });
    for (const key of Object.keys(require.cache)) {
      if (!key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
    }
    globalThis[HOOK] = (app) => apps.push(app);
    require(entryPath);
    process.removeAllListeners('beforeExit'); // each App's own synth-at-exit: done below
    const missing = [];
    for (const app of apps) {
      const assembly = app.synth();
      missing.push(...(assembly.manifest.missing || []));
    }
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    return { ok: true, seconds, missing: missing.map((m) => m.key) };
  } catch (error) {
    return { ok: false, error: String((error && error.stack) || error) };
  } finally {
    delete globalThis[HOOK];
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

send({ ok: true, ready: true });
const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim()) send(synth(JSON.parse(line)));
});
input.on('close', () => process.exit(0));
