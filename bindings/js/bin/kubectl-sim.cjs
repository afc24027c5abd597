#!/usr/bin/env node
'use strict';
// The `kubectl sim` plugin (kubectl runs `kubectl-sim` from PATH): moves the virtual clock of
// the kplane server in the current kubeconfig context, through kubectl itself
// (`kubectl create --raw /kplane/v1/advance?seconds=N`), so it uses the same server, user and
// token as every other command.
//   kubectl sim advance 30s|5m|90   kubectl sim settle [MAX]   kubectl sim now
const { spawnSync } = require('node:child_process');

const USAGE = 'Usage: kubectl sim (advance DURATION | settle [MAX] | now)\n' +
  '  DURATION: seconds (90), or with a unit: 500ms, 30s, 5m, 2h\n';

function seconds(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text || ''));
  if (!m) {
    process.stderr.write(`error: invalid duration ${JSON.stringify(text)}\n${USAGE}`);
    process.exit(1);
  }
  const n = Number(m[1]);
  return { ms: n / 1000, s: n, m: n * 60, h: n * 3600 }[m[2] || 's'];
}

function kubectl(args, stdin) {
  const bin = process.env.KUBECTL || 'kubectl';
  const r = spawnSync(bin, args, { input: stdin, encoding: 'utf8' });
  if (r.error) {
    process.stderr.write(`error: cannot run ${bin}: ${r.error.message}\n`);
    process.exit(1);
  }
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    process.exit(r.status || 1);
  }
  return JSON.parse(r.stdout);
}

const [command, arg] = process.argv.slice(2);
switch (command) {
  case 'advance': {
    const out = kubectl(['create', '--raw', `/kplane/v1/advance?seconds=${seconds(arg)}`, '-f', '-'], '');
    process.stdout.write(`virtual time is now ${out.now}\n`);
    break;
  }
  case 'settle': {
    const q = arg === undefined ? '' : `?maxSeconds=${seconds(arg)}`;
    const out = kubectl(['create', '--raw', `/kplane/v1/settle${q}`, '-f', '-'], '');
    process.stdout.write(`${out.settled ? 'settled' : 'not settled'} after ${out.elapsedSeconds}s; virtual time is now ${out.now}\n`);
    break;
  }
  case 'now':
    process.stdout.write(`${kubectl(['get', '--raw', '/kplane/v1/now']).now}\n`);
    break;
  default:
    process.stdout.write(USAGE);
    process.exit(command === undefined || command === '--help' || command === '-h' ? 0 : 1);
}
