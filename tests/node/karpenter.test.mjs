// Karpenter through the npm package: provisioning, consolidation, cost, explainNode,
// disruptionPlan and spot interruptions, over the manifests in examples/karpenter/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ControlPlane, KplaneError } from '../../bindings/pkg/index.mjs';

const example = (name) => readFileSync(new URL(`../../examples/karpenter/${name}`, import.meta.url), 'utf8');
const ready = (p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const list = (cp, kind, labelSelector) => cp.list('root', { kind, labelSelector }).items;

test('scale-up from zero nodes, then consolidation after scale-down', () => {
  const cp = new ControlPlane({ seed: 1 });
  cp.apply('root', example('scale-up-and-consolidation.yaml'));
  assert.equal(list(cp, 'Node').length, 0);
  cp.advance(1.5);
  const claims = list(cp, 'NodeClaim');
  assert.equal(claims.length, 1);
  assert.equal(claims[0].spec.resources.requests.cpu, '5');
  cp.advance(60);
  const nodes = list(cp, 'Node');
  assert.equal(nodes.length, 1);
  assert.equal(nodes[0].metadata.labels['karpenter.sh/initialized'], 'true');
  assert.ok(list(cp, 'Pod', 'app=inflate').every(ready));
  const cost = cp.cost();
  assert.equal(cost.nodes.length, 1);
  assert.equal(cost.byNodePool[0].nodepool, 'default');
  assert.equal(cost.byNodePool[0].capacityType, 'on-demand');
  assert.ok(cost.pricePerHour > 0);
  const rows = cp.kubectl('get nodeclaims').stdout.trim().split('\n');
  assert.deepEqual(rows[0].split(/\s+/), ['NAME', 'TYPE', 'CAPACITY', 'ZONE', 'NODE', 'READY', 'AGE']);
  cp.kubectl('scale deployment inflate --replicas=0');
  cp.advance(120);
  assert.equal(list(cp, 'Node').length, 0);
  assert.equal(cp.cost().pricePerHour, 0);
  assert.ok(cp.cost().total > 0);
});

test('the critical web service survives consolidation; explainNode says why two nodes stay', () => {
  const cp = new ControlPlane({ seed: 3 });
  cp.apply('root', example('critical-web-service.yaml'));
  cp.advance(90);
  const before = cp.cost().pricePerHour;
  cp.kubectl('scale deployment batch-burst --replicas=0');
  for (let t = 0; t < 900; t += 3) {
    cp.advance(3);
    const web = list(cp, 'Pod', 'app=critical-web-service').filter((p) => !p.metadata.deletionTimestamp);
    assert.ok(web.filter(ready).length >= 1, 'the PDB keeps one replica available');
    const hosts = web.map((p) => p.spec.nodeName).filter(Boolean);
    assert.equal(new Set(hosts).size, hosts.length, 'never two replicas on one node');
  }
  const nodes = list(cp, 'Node');
  assert.equal(nodes.length, 2);
  assert.ok(cp.cost().pricePerHour < before);
  for (const n of nodes) {
    const e = cp.explainNode(n.metadata.name);
    assert.equal(e.candidate, true);
    assert.equal(e.simulation.decision, 'no-op');
    assert.equal(e.simulation.message, "Can't replace with a cheaper node");
  }
  assert.equal(cp.disruptionPlan(), null);
  assert.equal(cp.explainNode('no-such-node'), null);
});

test('a do-not-disrupt batch pod keeps its node', () => {
  const cp = new ControlPlane({ seed: 4 });
  cp.apply('root', example('do-not-disrupt.yaml'));
  cp.advance(90);
  const batch = cp.get('root', { kind: 'Pod', name: 'nightly-report' });
  cp.kubectl('scale deployment web --replicas=0');
  cp.advance(300);
  assert.deepEqual(list(cp, 'Node').map((n) => n.metadata.name), [batch.spec.nodeName]);
  const e = cp.explainNode(batch.spec.nodeName);
  assert.equal(e.candidate, false);
  assert.match(e.blocked, /karpenter\.sh\/do-not-disrupt/);
});

test('max pods on real instance types: a t3.medium refuses its 18th pod', () => {
  const cp = new ControlPlane({ seed: 5 });
  cp.apply('root', example('max-pods.yaml'));
  cp.advance(30);
  const pods = Object.fromEntries(list(cp, 'Node').map((n) => [n.metadata.name, n.status.allocatable.pods]));
  assert.deepEqual(pods, { 'm5-4xlarge': '234', 'm5-large': '29', 'm5-xlarge': '58', 't3-large': '35', 't3-medium': '17' });
  const tiny = list(cp, 'Pod', 'app=tiny');
  assert.equal(tiny.filter(ready).length, 17);
  const pending = tiny.find((p) => !p.spec.nodeName);
  const cond = pending.status.conditions.find((c) => c.type === 'PodScheduled');
  assert.match(cond.message, /1 Too many pods/);
});

test('a spot interruption drains the node and EC2 reclaims it two minutes later', () => {
  const cp = new ControlPlane({ seed: 6 });
  cp.apply('root', example('spot-interruption.yaml'));
  cp.advance(90);
  const [node] = list(cp, 'Node');
  assert.equal(node.metadata.labels['karpenter.sh/capacity-type'], 'spot');
  const interrupted = cp.spotInterrupt(node.metadata.name);
  assert.ok(interrupted.metadata.annotations['sim.kplane.dev/spot-interruption']);
  const events = cp.list('root', { kind: 'Event', fieldSelector: 'reason=SpotInterrupted' }).items;
  assert.ok(events.length >= 2);
  cp.advance(110);
  const web = list(cp, 'Pod', 'app=web');
  assert.equal(web.filter(ready).length, 3);
  assert.ok(web.every((p) => p.spec.nodeName !== node.metadata.name));
  cp.advance(20);
  assert.ok(!list(cp, 'Node').some((n) => n.metadata.name === node.metadata.name));
  assert.throws(() => cp.spotInterrupt('nope'), (e) => e instanceof KplaneError && e.status.code === 404);
  assert.throws(() => cp.spotInterrupt(42), (e) => e instanceof KplaneError && e.status.code === 400);
});

test('examples/node/karpenter-cost.mjs prints the savings and keeps a replica available', () => {
  const script = fileURLToPath(new URL('../../examples/node/karpenter-cost.mjs', import.meta.url));
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8' });
  assert.match(out, /^burst: \d+ nodes, \$[\d.]+\/h$/m);
  assert.match(out, /^consolidated: 2 nodes, /m);
  assert.match(out, /^web replicas available throughout: at least [12]$/m);
  assert.match(out, /no-op \(Can't replace with a cheaper node\)/);
});
