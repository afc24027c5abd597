// Shared by the HTTP tests: a kplane control plane behind serveHttp, and real clients (kubectl
// 1.32 from the system, kubectl 1.35 and helm 4 from tools/, see install-tools.mjs) pointed at
// it through a kubeconfig. Clients run as child processes, asynchronously: the server answers
// them from this process's event loop.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlPlane, serveHttp } from '../../bindings/pkg/index.mjs';

export { ControlPlane, serveHttp };

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const KUBECTL_132 = process.env.KUBECTL_132 || '/usr/bin/kubectl';
export const KUBECTL_135 = join(here, 'tools', 'kubectl');
export const HELM = join(here, 'tools', 'helm');
export const example = (p) => readFileSync(join(root, 'examples', p), 'utf8');

/** Three 4-CPU nodes, as `kplane serve` starts with. */
export const NODES = [1, 2, 3]
  .map(
    (i) => `apiVersion: v1
kind: Node
metadata:
  name: node-${i}
  labels: {kubernetes.io/hostname: node-${i}, topology.kubernetes.io/zone: zone-${i}}
status:
  capacity: {cpu: "4", memory: 16Gi, pods: "110"}
`,
  )
  .join('---\n');

/**
 * Starts a control plane (with NODES unless `nodes: false`) behind serveHttp; returns helpers.
 * `options` go to serveHttp.
 */
export async function start(options = {}) {
  const cp = options.cp ?? new ControlPlane({ seed: 1 });
  if (!options.cp && options.nodes !== false) cp.apply('root', NODES);
  cp.advance(1);
  const server = await serveHttp(cp, options);
  const dir = mkdtempSync(join(tmpdir(), 'kplane-http-'));
  const kubeconfig = join(dir, 'kubeconfig');
  // kubectl finds plugins by name on PATH: `kubectl-sim`, as npm links the package's bin.
  mkdirSync(join(dir, 'bin'));
  symlinkSync(join(root, 'bindings', 'pkg', 'bin', 'kubectl-sim.cjs'), join(dir, 'bin', 'kubectl-sim'));
  writeFileSync(kubeconfig, server.kubeconfig('root'));
  const env = {
    ...process.env,
    KUBECONFIG: kubeconfig,
    KUBECACHEDIR: join(dir, 'cache'),
    HOME: dir,
    HELM_CACHE_HOME: join(dir, 'helm-cache'),
    HELM_CONFIG_HOME: join(dir, 'helm-config'),
    HELM_DATA_HOME: join(dir, 'helm-data'),
    PATH: `${join(dir, 'bin')}:${dirname(KUBECTL_132)}:${process.env.PATH}`,
  };
  /** Runs a client; resolves with `{ stdout, stderr, code }` (never rejects on exit codes). */
  const run = (bin, args, { stdin, timeout = 60000, extraEnv } = {}) =>
    new Promise((resolve) => {
      const child = execFile(
        bin,
        args,
        { env: { ...env, ...extraEnv }, timeout, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : -1) : 0 });
        },
      );
      if (stdin !== undefined) child.stdin.end(stdin);
    });
  return {
    cp,
    server,
    dir,
    kubeconfig,
    env,
    run,
    kubectl: (args, o) => run(KUBECTL_132, args, o),
    kubectl135: (args, o) => run(KUBECTL_135, args, o),
    helm: (args, o) => run(HELM, args, o),
    /** Raw HTTP with the admin token (or `token`). */
    fetch: (path, init = {}) =>
      fetch(server.url + path, {
        ...init,
        headers: { Authorization: `Bearer ${init.token ?? server.adminToken}`, ...(init.headers || {}) },
      }),
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const haveTools = existsSync(KUBECTL_135) && existsSync(HELM);
export const haveKubectl132 = existsSync(KUBECTL_132);
