// Scheduler throughput of the npm package under Node (wasm), through the public API only:
// the native criterion bench's cluster (core/benches/scheduler.rs, after scheduler_perf's
// SchedulingBasic) of 5,000 nodes (4 cpu, 32Gi, 110 pods, three zones) and 10,000 pods
// (100m cpu, 500Mi), timed from handing the pods to kplane until every one is bound.
// Not run by the tests.
//
//   node tests/node/bench-scheduler.mjs                 10,000 pods, every shape
//   node tests/node/bench-scheduler.mjs 150000          150,000 pods, every shape
//   node tests/node/bench-scheduler.mjs 10000 pods      one shape
//
// Shapes:
//   pods           bare pods applied 10,000 per apply() call (server-side apply, as kubectl
//                  does): the fastest way through the public API. The kubelets start every
//                  pod in the same call, so this is scheduling plus pod start-up.
//   pods-stopped   the same, with every node stopped first (the sim.kplane.dev/node-state
//                  annotation, as stopNode sets it; a stopped node stays Ready for 50 s and
//                  its kubelet starts nothing): scheduling and binding alone, as the native
//                  criterion bench measures it
//   deployments    one Deployment per 100 pods: the Deployment and ReplicaSet controllers
//                  create the pods and the system default topology spreading scores them
//
// Build first: scripts/build-npm.sh. With running kubelets, 150,000 pods do not fit in the
// 4 GiB of wasm32 memory (the run stops with a RuntimeError after about 120,000).
import { ControlPlane } from '../../bindings/pkg/index.mjs';

let NODES = 5_000;
let PODS = Number(process.argv[2] ?? 10_000);
const ALL_SHAPES = ['pods', 'pods-stopped', 'deployments'];
const SHAPES = process.argv[3] ? [process.argv[3]] : ALL_SHAPES;
const PER_DEPLOYMENT = 100;
/**
 * Pods per apply() call: 150,000 go in 15 calls, each reported. One call of 150,000 did not
 * finish in 15 minutes: within a call the allocator grows wasm memory 64 KiB at a time and V8
 * collects garbage after each grow (the binding grows memory ahead only between calls).
 */
const BATCH = 10_000;
const IMAGE = 'registry.k8s.io/pause:3.10';
const REQUESTS = { cpu: '100m', memory: '500Mi' };

const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
/** CPU seconds (user + system) of this process since `c0`: what a shared machine's load does not inflate. */
const cpuSeconds = (c0) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

function nodes() {
  return Array.from({ length: NODES }, (_, i) => {
    const name = `node-${String(i).padStart(5, '0')}`;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
      status: { capacity: { cpu: '4', memory: '32Gi', pods: '110' } },
    };
  });
}

function pods(n) {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${String(i).padStart(6, '0')}`, namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: IMAGE, resources: { requests: REQUESTS } }] },
  }));
}

function deployments(n) {
  const count = Math.ceil(n / PER_DEPLOYMENT);
  return Array.from({ length: count }, (_, i) => {
    const app = `web-${String(i).padStart(4, '0')}`;
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace: 'default' },
      spec: {
        replicas: Math.min(PER_DEPLOYMENT, n - i * PER_DEPLOYMENT),
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: { containers: [{ name: 'c', image: IMAGE, resources: { requests: REQUESTS } }] },
        },
      },
    };
  });
}

/** Pods without a node: the ones still to schedule (a short list once they are bound). */
function unbound(cp) {
  return cp.list('root', { kind: 'Pod', fieldSelector: 'spec.nodeName=' }).items.length;
}

/** Pods bound to a node, from nodes(): list() of 150,000 whole pods would not fit in 4 GiB of wasm32 memory. */
function bound(cp) {
  return cp.nodes().reduce((sum, n) => sum + n.pods.length, 0);
}

function run(shape, quiet = false) {
  const cp = new ControlPlane({ seed: 1 });
  cp.setWorkBudget(Infinity); // large clusters: no per-call work budget
  let t0 = process.hrtime.bigint();
  cp.apply('root', nodes());
  cp.advance(1); // the kubelets register and report Ready
  if (shape === 'pods-stopped') {
    const since = cp.now();
    const annotations = { 'sim.kplane.dev/node-state': 'Stopped', 'sim.kplane.dev/node-state-since': since };
    cp.apply('root', nodes().map(({ apiVersion, kind, metadata: { name } }) => ({ apiVersion, kind, metadata: { name, annotations } })), {
      fieldManager: 'bench',
    });
  }
  const setup = seconds(t0);

  const objects = shape === 'deployments' ? deployments(PODS) : pods(PODS);
  const perBatch = shape === 'deployments' ? BATCH / PER_DEPLOYMENT : BATCH;
  t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < objects.length; i += perBatch) {
    const [tb, cb] = [process.hrtime.bigint(), process.cpuUsage()];
    cp.apply('root', objects.slice(i, i + perBatch));
    if (objects.length > perBatch && !quiet) {
      const n = Math.min(perBatch, objects.length - i) * (shape === 'deployments' ? PER_DEPLOYMENT : 1);
      const [w, c] = [seconds(tb), cpuSeconds(cb)];
      console.log(
        `  apply #${i / perBatch + 1}: ${n} more pods in ${w.toFixed(2)} s wall, ${c.toFixed(2)} s CPU ` +
          `(${Math.round(n / c).toLocaleString('en-US')} pods/s CPU; rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`,
      );
    }
  }
  const applied = seconds(t0);
  // Step virtual time one second at a time until every pod exists and is bound.
  let steps = 0;
  let left = unbound(cp);
  while ((left > 0 || (shape === 'deployments' && steps === 0)) && steps < 600) {
    cp.advance(1);
    steps += 1;
    left = unbound(cp);
  }
  const elapsed = seconds(t0);
  const cpu = cpuSeconds(c0);
  const created = bound(cp) + left;
  const mem = process.memoryUsage();
  const rate = Math.round(created / elapsed);
  if (quiet) return rate;
  console.log(
    `${shape.padEnd(11)} ${String(created).padStart(7)} pods, ${left} unbound: ` +
      `apply ${applied.toFixed(2)} s + ${steps} × advance(1) = ${elapsed.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU → ` +
      `${rate.toLocaleString('en-US')} pods/s wall, ${Math.round(created / cpu).toLocaleString('en-US')} pods/s CPU ` +
      `(node setup ${setup.toFixed(2)} s; rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB)`,
  );
  cp.free();
  return rate;
}

// Warm-up, not timed: V8 first runs WebAssembly through its baseline compiler and tiers the
// hot functions up to optimized code in the background; a first run pays for that.
{
  const [nodes, pods] = [NODES, PODS];
  [NODES, PODS] = [100, 500];
  const t0 = process.hrtime.bigint();
  for (const shape of ALL_SHAPES) run(shape, true);
  console.log(`warm-up (100 nodes, 500 pods, every shape): ${seconds(t0).toFixed(1)} s`);
  [NODES, PODS] = [nodes, pods];
}
console.log(`kplane npm package, Node ${process.version} (wasm): ${NODES.toLocaleString('en-US')} nodes, ${PODS.toLocaleString('en-US')} pods`);
for (const shape of SHAPES) {
  if (!ALL_SHAPES.includes(shape)) throw new Error(`unknown shape ${shape}: ${ALL_SHAPES.join(', ')}`);
  run(shape);
}
