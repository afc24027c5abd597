// The end-to-end benchmark workloads through the npm package under Node (wasm): the same as
// core/examples/e2e.rs (see there), printing the same JSON line. scripts/bench.sh runs both.
//   node tests/node/e2e.mjs deployments 1000 20000      (build first: scripts/build-npm.sh)
// KPLANE_PKG: another build of the package (e.g. to compare optimization levels).
const pkg = process.env.KPLANE_PKG ?? new URL('../../bindings/pkg/', import.meta.url).pathname;
const { ControlPlane } = await import(`${pkg}/index.mjs`);
const { __memoryBytes } = await import(`${pkg}/esm/kplane.js`); // the instance index.mjs initialized

const [shape = 'deployments', nodesArg = '1000', podsArg = '20000'] = process.argv.slice(2);
const [N_NODES, N_PODS] = [Number(nodesArg), Number(podsArg)];
const container = () => ({ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' } } });
const nodes = (n) =>
  Array.from({ length: n }, (_, i) => {
    const name = `node-${String(i).padStart(5, '0')}`;
    return {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
      status: { capacity: { cpu: '4', memory: '32Gi', pods: '110' } },
    };
  });
const pods = (from, to) =>
  Array.from({ length: to - from }, (_, k) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `pod-${String(from + k).padStart(6, '0')}`, namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [container()] },
  }));
const deployments = (from, to, total) =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    const app = `web-${String(i).padStart(4, '0')}`;
    return {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: 'default' },
      spec: { replicas: Math.min(100, total - i * 100), selector: { matchLabels: { app } },
        template: { metadata: { labels: { app } }, spec: { containers: [container()] } } },
    };
  });
function count(cp, fieldSelector) {
  let n = 0;
  let token;
  do {
    const page = cp.list('root', { kind: 'Pod', fieldSelector, limit: 5000, continue: token });
    n += page.items.length;
    token = page.metadata.continue;
  } while (token);
  return n;
}

const cp = new ControlPlane({ seed: 1 });
cp.setWorkBudget(Infinity); // large clusters: no per-call work budget
cp.apply('root', nodes(N_NODES));
cp.advance(1);
if (shape === 'schedule') for (let i = 0; i < N_NODES; i++) cp.stopNode(`node-${String(i).padStart(5, '0')}`);
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
if (shape === 'schedule') {
  for (let from = 0; from < N_PODS; from += 10_000) cp.apply('root', pods(from, Math.min(from + 10_000, N_PODS)));
  while (count(cp, 'spec.nodeName=') > 0) cp.advance(1);
} else {
  const nDeploy = Math.ceil(N_PODS / 100);
  for (let from = 0; from < nDeploy; from += 100) cp.apply('root', deployments(from, Math.min(from + 100, nDeploy), N_PODS));
  // Ten one-second steps between counts, as e2e.rs.
  let steps = 0;
  while (count(cp, 'status.phase=Running') < N_PODS && steps < 10_000) {
    for (let i = 0; i < 10; i++) cp.advance(1);
    steps += 10;
  }
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const c = process.cpuUsage(c0);
console.log(JSON.stringify({
  shape, nodes: N_NODES, pods: N_PODS, seconds, cpuSeconds: (c.user + c.system) / 1e6,
  podsPerSecond: Math.round(N_PODS / seconds), memoryBytes: __memoryBytes(),
}));
