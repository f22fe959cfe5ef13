// CDK deploy, diff and destroy in one long-lived Node process, through @aws-cdk/toolkit-lib.
//
// Started by harness/cdk_toolkit.py as `node cdk_toolkit_worker.js NODE_MODULES_DIR`, with the
// environment the CDK CLI would get (endpoint, credentials, region). Line-delimited JSON:
//   -> {"ready": true, "version": "<toolkit-lib version>"}            once, at start
//   <- {"id": 1, "action": "deploy", "assembly": DIR, "stack": NAME, "selector": ID?, "hotswap": false,
//       "credentials": {"AWS_ACCESS_KEY_ID": ..., "AWS_SECRET_ACCESS_KEY": ...}}
//   <- {"id": 2, "action": "diff", "assembly": DIR, "stack": NAME}
//   <- {"id": 3, "action": "destroy", "assembly": DIR, "stack": NAME}
//   -> {"id": N, "ok": true, ...} or {"id": N, "ok": false, "error": MESSAGE, "log": LINES}
// Requests run concurrently (the harness runs cells in parallel); answers carry the request id.
// "credentials" (optional) sign that request's calls instead of the environment's: on an
// emulator each cell has an access key of its own (its calls are counted apart), and one
// worker serves them all.
// End of input (the harness closed the pipe or died) ends the process.
'use strict';

const path = require('node:path');
const readline = require('node:readline');

const modules = process.argv[2];
const lib = require(require.resolve('@aws-cdk/toolkit-lib', { paths: [modules] }));
const { version } = require(path.join(modules, '@aws-cdk', 'toolkit-lib', 'package.json'));

const LOG_LINES = 60; // the last messages an error carries, as the CLI's last lines of output
const ANSI = /\x1b\[[0-9;]*m/g;

// One request's view of the toolkit: its messages, and the answers the CLI's flags give.
class RequestHost {
  constructor() {
    this.lines = [];
    this.errors = [];
    this.noOp = undefined;
    this.deploymentMs = undefined;
    this.diff = undefined;
  }

  async notify(msg) {
    const text = String(msg.message ?? '').replace(ANSI, '');
    if (msg.level !== 'trace' && msg.level !== 'debug' && text.trim()) {
      this.lines.push(text);
      if (this.lines.length > LOG_LINES) this.lines.shift();
    }
    if (msg.level === 'error' && text.trim()) this.errors.push(text.trim());
    if (msg.code === 'CDK_TOOLKIT_I5900' && msg.data) this.noOp = Boolean(msg.data.noOp);
    if (msg.code === 'CDK_TOOLKIT_I5000' && msg.data) this.deploymentMs = msg.data.duration;
    if (msg.code === 'CDK_TOOLKIT_I4002' && msg.data) {
      this.diff = {
        count: msg.data.numStacksWithChanges,
        formatted: String(msg.data.formattedDiff?.diff ?? text).replace(ANSI, ''),
      };
    }
  }

  // --require-approval never (I5060), --force for destroy (I7010), and the roll back a
  // failed-paused stack first that a deploy with rollback does (I5050): yes. Else the default.
  async requestResponse(msg) {
    await this.notify(msg);
    if (['CDK_TOOLKIT_I5060', 'CDK_TOOLKIT_I7010', 'CDK_TOOLKIT_I5050'].includes(msg.code)) {
      return true;
    }
    return msg.defaultResponse;
  }
}

function sdkConfig(credentials) {
  if (!credentials) return undefined; // the environment's, as the CLI finds them
  const keys = {
    accessKeyId: credentials.AWS_ACCESS_KEY_ID,
    secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY,
    ...(credentials.AWS_SESSION_TOKEN ? { sessionToken: credentials.AWS_SESSION_TOKEN } : {}),
  };
  const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  return { baseCredentials: lib.BaseCredentials.custom({ provider: async () => keys, region }) };
}

function oneStack(stack) {
  // `STACK --exclusively`: that stack alone, never the stacks it depends on.
  return {
    strategy: lib.StackSelectionStrategy.PATTERN_MUST_MATCH_SINGLE,
    patterns: [stack],
    expand: lib.ExpandStackSelection.NONE,
  };
}

async function handle(request) {
  const host = new RequestHost();
  // A toolkit per request: its messages are this request's alone (requests overlap).
  const toolkit = new lib.Toolkit({
    ioHost: host,
    color: false,
    emojis: true,
    sdkConfig: sdkConfig(request.credentials),
  });
  const began = Date.now();
  try {
    const cx = await toolkit.fromAssemblyDirectory(request.assembly);
    // selected by construct id where it differs from the CloudFormation name (`selector`)
    const stacks = oneStack(request.selector || request.stack);
    if (request.action === 'deploy') {
      const deploymentMethod = request.hotswap ? { method: 'hotswap' } : { method: 'change-set' };
      const result = await toolkit.deploy(cx, { stacks, deploymentMethod });
      const deployed = result.stacks.find((s) => s.stackName === request.stack);
      return {
        ok: true,
        outputs: deployed ? deployed.outputs : {},
        noOp: host.noOp === true,
        deploymentS: host.deploymentMs === undefined ? null : host.deploymentMs / 1000,
        durationS: (Date.now() - began) / 1000,
      };
    }
    if (request.action === 'diff') {
      // As `cdk diff`: against a change set where CloudFormation makes one, else the template.
      const method = lib.DiffMethod.ChangeSet({ fallbackToTemplate: true });
      await toolkit.diff(cx, { stacks, method });
      const diff = host.diff ?? { count: 0, formatted: '' };
      return { ok: true, ...diff, durationS: (Date.now() - began) / 1000 };
    }
    if (request.action === 'destroy') {
      await toolkit.destroy(cx, { stacks });
      return { ok: true, durationS: (Date.now() - began) / 1000 };
    }
    return { ok: false, error: `unknown action ${request.action}`, log: '' };
  } catch (e) {
    const reason = host.errors.length ? host.errors[host.errors.length - 1] : '';
    const message = String(e && e.message ? e.message : e).replace(ANSI, '');
    return {
      ok: false,
      error: message,
      reason,
      log: [...host.lines, message].join('\n'),
      durationS: (Date.now() - began) / 1000,
    };
  }
}

function answer(reply) {
  process.stdout.write(JSON.stringify(reply) + '\n');
}

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (!line.trim()) return;
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    answer({ id: null, ok: false, error: `not JSON: ${e.message}`, log: '' });
    return;
  }
  handle(request).then((reply) => answer({ id: request.id, ...reply }));
});
// Nobody is left to read an answer: requests still running are abandoned, as a killed CLI's.
input.on('close', () => process.exit(0));

answer({ ready: true, version });
