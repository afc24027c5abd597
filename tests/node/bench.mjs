// Quick benchmark of the npm package under Node (not run by the tests):
// apply 100 nodes and 1000 pods, advance(60), then read the result back.
//   node tests/node/bench.mjs [nodes] [pods]      (build first: scripts/build-npm.sh)
import { ControlPlane } from '../../bindings/pkg/index.mjs';

const nodes = Number(process.argv[2] ?? 100);
const pods = Number(process.argv[3] ?? 1000);

function time(label, fn) {
  const t0 = process.hrtime.bigint();
  const out = fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label.padEnd(34)} ${ms.toFixed(1).padStart(9)} ms`);
  return out;
}

const nodeObjects = Array.from({ length: nodes }, (_, i) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: `node-${String(i).padStart(4, '0')}`, labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
  status: { capacity: { cpu: '16', memory: '64Gi', pods: '110' } },
}));
const podObjects = Array.from({ length: pods }, (_, i) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `pod-${String(i).padStart(5, '0')}`, namespace: 'default', labels: { app: `app-${i % 10}` } },
  spec: {
    containers: [{ name: 'main', image: 'nginx:1.27', resources: { requests: { cpu: '500m', memory: '1Gi' } } }],
  },
}));

console.log(`kplane npm package, Node ${process.version}: ${nodes} nodes, ${pods} pods`);
const cp = time('new ControlPlane', () => new ControlPlane({ seed: 1 }));
cp.setWorkBudget(Infinity); // large clusters: no per-call work budget
time(`apply ${nodes} nodes`, () => cp.apply('root', nodeObjects));
time(`apply ${pods} pods`, () => cp.apply('root', podObjects));
time('advance(60)', () => cp.advance(60));
const list = time('list pods', () => cp.list('root', { kind: 'Pod' }));
time('nodes()', () => cp.nodes());
time("kubectl('get pods')", () => cp.kubectl('get pods'));
const snap = time('snapshot()', () => cp.snapshot());
time('ControlPlane.restore()', () => ControlPlane.restore(snap));

const running = list.items.filter((p) => p.status?.phase === 'Running').length;
const mem = process.memoryUsage();
console.log(`${running}/${pods} pods Running; snapshot ${(snap.length / 1e6).toFixed(1)} MB; rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB`);
