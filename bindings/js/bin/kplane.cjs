#!/usr/bin/env node
'use strict';
// `kplane serve`: a fresh kplane control plane behind the Kubernetes REST API on the loopback
// interface, and a kubeconfig for it (a context per workspace), so that kubectl, Helm and
// client libraries drive it: `npx kplane serve` then `KUBECONFIG=... kubectl get nodes`.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ControlPlane, serveHttp } = require('../index.cjs');

const USAGE = `Usage: kplane serve [flags]

Serves a fresh kplane control plane over the Kubernetes REST API (plain HTTP on 127.0.0.1)
and writes a kubeconfig for it.

Flags:
  --port N               port to listen on (default 0: a free one)
  --host H               address to listen on (default 127.0.0.1; loopback only unless
                         --allow-non-loopback)
  --kubeconfig FILE      where to write the kubeconfig (default: <tmp>/kplane-<port>.kubeconfig)
  --speed X              virtual seconds per wall-clock second (default 1; 0 stops the clock:
                         advance it with 'kubectl sim advance 30s')
  --nodes N              worker nodes to start with (default 3; 4 CPUs, 16Gi each)
  -f, --filename FILE    manifests to apply at start (repeatable)
  --seed N               the control plane's seed (default 0)
  --user NAME[:GROUP,..] a user with its own token in the kubeconfig (repeatable)
  --allow-non-loopback   listen on a non-loopback --host (tokens travel in clear text)
  -v, --verbose          log every request
`;

function fail(message) {
  process.stderr.write(`kplane: ${message}\n`);
  process.exit(2);
}

function parse(argv) {
  const o = { files: [], users: [], speed: 1, nodes: 3, seed: 0, port: 0, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) fail(`flag needs an argument: ${a}`);
      return argv[++i];
    };
    const number = (what) => {
      const n = Number(next());
      if (!Number.isFinite(n) || n < 0) fail(`${what} must be a number, zero or more`);
      return n;
    };
    switch (a) {
      case '--port': o.port = number('--port'); break;
      case '--host': o.host = next(); break;
      case '--kubeconfig': o.kubeconfig = next(); break;
      case '--speed': o.speed = number('--speed'); break;
      case '--nodes': o.nodes = Math.floor(number('--nodes')); break;
      case '--seed': o.seed = Math.floor(number('--seed')); break;
      case '-f': case '--filename': o.files.push(next()); break;
      case '--user': {
        const [name, groups] = next().split(':');
        o.users.push({ name, groups: groups ? groups.split(',').filter(Boolean) : [] });
        break;
      }
      case '--allow-non-loopback': o.allowNonLoopback = true; break;
      case '-v': case '--verbose': o.verbose = true; break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: fail(`unknown flag: ${a}\n\n${USAGE}`);
    }
  }
  return o;
}

function nodes(n) {
  const docs = [];
  for (let i = 1; i <= n; i++) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: `node-${i}`,
        labels: {
          'kubernetes.io/hostname': `node-${i}`,
          'topology.kubernetes.io/zone': `zone-${((i - 1) % 3) + 1}`,
        },
      },
      status: { capacity: { cpu: '4', memory: '16Gi', pods: '110' } },
    });
  }
  return docs;
}

async function serve(argv) {
  const o = parse(argv);
  // Virtual time starts at the wall clock's now, so that what clients compute from their own
  // clock (kubectl describe's event ages) agrees with the server's.
  const start = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const cp = new ControlPlane({ seed: o.seed, start });
  if (o.nodes > 0) cp.apply('root', nodes(o.nodes));
  for (const f of o.files) {
    cp.apply('root', fs.readFileSync(f, 'utf8'));
  }
  cp.advance(1);
  const server = await serveHttp(cp, {
    port: o.port,
    host: o.host,
    allowNonLoopback: o.allowNonLoopback,
    speed: o.speed,
    users: o.users,
    log: o.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  const file = o.kubeconfig ?? path.join(os.tmpdir(), `kplane-${server.port}.kubeconfig`);
  fs.writeFileSync(file, server.kubeconfig('root'), { mode: 0o600 });
  process.stdout.write(
    `kplane: serving the Kubernetes API on ${server.url} (virtual time ${o.speed}x)\n` +
      `kplane: kubeconfig written to ${file}\n` +
      `kplane: try  export KUBECONFIG=${file}; kubectl get nodes\n`,
  );
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'serve') {
  serve(rest).catch((e) => fail(e && e.message ? e.message : String(e)));
} else if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
  process.stdout.write(USAGE);
} else {
  fail(`unknown command "${command}"\n\n${USAGE}`);
}
