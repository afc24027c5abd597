// The storage, configuration, network, policy and runtime examples through the npm package:
// examples/storage, examples/network, examples/policy, examples/runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ControlPlane, KplaneError } from '../../bindings/pkg/index.mjs';

const example = (path) => readFileSync(new URL(`../../examples/${path}`, import.meta.url), 'utf8');

function plane(seed, ...files) {
  const cp = new ControlPlane({ seed });
  for (const f of files) cp.apply('root', example(f));
  return cp;
}

const pods = (cp, ns = 'default') => cp.list('root', { kind: 'Pod', namespace: ns }).items;
const pod = (cp, name, ns = 'default') => cp.get('root', { kind: 'Pod', namespace: ns, name });
const events = (cp, name, ns = 'default') =>
  cp.list('root', { kind: 'Event', namespace: ns, fieldSelector: `involvedObject.name=${name}` }).items;
const zoneOf = (cp, node) => cp.get('root', { kind: 'Node', name: node }).metadata.labels['topology.kubernetes.io/zone'];

test('storage: an EFS volume shared read-write by pods in three zones', () => {
  const cp = plane(2, 'storage/eks-nodes.yaml', 'storage/efs-shared.yaml');
  cp.advance(30);
  const claim = cp.get('root', { kind: 'PersistentVolumeClaim', name: 'shared-data' });
  assert.equal(claim.status.phase, 'Bound');
  const pv = cp.get('root', { kind: 'PersistentVolume', name: claim.spec.volumeName });
  assert.equal(pv.spec.csi.driver, 'efs.csi.aws.com');
  const writers = pods(cp).filter((p) => p.metadata.name.startsWith('writer-'));
  assert.equal(writers.length, 3);
  assert.ok(writers.every((p) => p.status.phase === 'Running'));
  assert.deepEqual(writers.map((p) => zoneOf(cp, p.spec.nodeName)).sort(), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
  const [shared] = cp.podVolumes('root', { name: writers[0].metadata.name });
  assert.deepEqual([shared.name, shared.source, shared.survivesPod], ['shared', 'persistentVolumeClaim', true]);
});

test('storage: the seed EFS manifests fail as they do on EKS', () => {
  const cp = plane(3, 'storage/eks-nodes.yaml', 'storage/efs-seed.yaml');
  cp.advance(30);
  assert.equal(cp.get('root', { kind: 'PersistentVolumeClaim', name: 'efs-pvc' }).status.phase, 'Pending');
  assert.ok(events(cp, 'efs-pvc').some((e) => e.reason === 'ProvisioningFailed' && e.message.endsWith('Missing provisioningMode parameter')));
  const app = pod(cp, 'efs-app');
  assert.match(app.status.conditions[0].message, /pod has unbound immediate PersistentVolumeClaims/);
  assert.ok(events(cp, 'efs-mounted-app').some((e) => e.reason === 'FailedMount' && e.message.includes('volume mode "Ephemeral" not supported by driver efs.csi.aws.com')));
});

test('storage: an EBS volume pins its pod to a zone and blocks a second node', () => {
  const cp = plane(4, 'storage/eks-nodes.yaml', 'storage/ebs-zonal.yaml');
  cp.advance(30);
  const db0 = pod(cp, 'db-0');
  const db1 = pod(cp, 'db-1');
  assert.equal(db0.status.phase, 'Running');
  assert.equal(zoneOf(cp, db0.spec.nodeName), 'us-east-1a');
  assert.equal(zoneOf(cp, db1.spec.nodeName), 'us-east-1a');
  assert.notEqual(db0.spec.nodeName, db1.spec.nodeName);
  assert.equal(db1.status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
  const claim = cp.get('root', { kind: 'PersistentVolumeClaim', name: 'data' });
  assert.ok(events(cp, 'db-1').some((e) => e.reason === 'FailedAttachVolume'
    && e.message === `Multi-Attach error for volume "${claim.spec.volumeName}" Volume is already used by pod(s) db-0`));
  const why = cp.explain('root', { name: 'db-1' });
  assert.ok(why.filterPlugins.includes('VolumeBinding'));
});

test('storage: the MySQL StatefulSet binds one claim per ordinal', () => {
  const cp = plane(5, 'storage/eks-nodes.yaml', 'storage/mysql-statefulset.yaml');
  cp.advance(180);
  for (const i of [0, 1, 2]) {
    assert.equal(pod(cp, `mysql-${i}`).status.phase, 'Running');
    const claim = cp.get('root', { kind: 'PersistentVolumeClaim', name: `data-mysql-${i}` });
    assert.equal(claim.status.phase, 'Bound');
    assert.equal(claim.spec.storageClassName, 'gp3-default');
  }
  const out = cp.kubectl('get pvc');
  assert.equal(out.stdout.trim().split('\n').length, 4, out.stdout);
});

test('configuration: pods wait for their Secret, then start', () => {
  const cp = plane(6, 'storage/eks-nodes.yaml', 'storage/waiting-for-secret.yaml');
  cp.advance(20);
  const waiting = pod(cp, 'api').status.containerStatuses[0].state.waiting;
  assert.deepEqual([waiting.reason, waiting.message], ['CreateContainerConfigError', 'secret "db-credentials" not found']);
  assert.equal(pod(cp, 'worker').status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
  assert.match(cp.kubectl('get pods').stdout, /api +0\/1 +CreateContainerConfigError/);
  cp.apply('root', example('storage/db-credentials.yaml'));
  cp.advance(5);
  assert.equal(pod(cp, 'api').status.phase, 'Running');
  assert.equal(pod(cp, 'worker').status.phase, 'Running');
});

test('network: the seed NetworkPolicy and the reachability matrix', () => {
  const cp = plane(8, 'network/frontend-backend.yaml');
  cp.advance(10);
  const name = (prefix) => pods(cp).map((p) => p.metadata.name).filter((n) => n.startsWith(prefix) && n !== 'backend-canary').sort()[0];
  const [frontend, backend] = [name('frontend-'), name('backend-')];
  const ok = cp.canReach('root', { from: frontend, to: backend, port: 8080 });
  assert.equal(ok.outcome, 'allowed');
  assert.deepEqual(ok.ingress.allowedBy, ['default/frontend-backend-policy']);
  const no = cp.canReach('root', { from: 'other', to: `default/${backend}`, port: 'http' });
  assert.equal(no.outcome, 'denied');
  assert.deepEqual(no.ingress.isolatedBy, ['default/frontend-backend-policy']);
  const m = cp.reachability('root', { port: 8080 });
  assert.equal(m.pods.length, 5);
  for (const [i, from] of m.pods.entries()) {
    for (const [j, to] of m.pods.entries()) {
      const denied = to.startsWith('default/backend') && !from.startsWith('default/frontend');
      assert.equal(m.cells[i][j].outcome, denied ? 'denied' : 'allowed', `${from} -> ${to}`);
    }
  }
  assert.throws(() => cp.canReach('root', { from: 'nobody', to: backend, port: 80 }), (e) => e instanceof KplaneError && e.status.code === 404);
  assert.throws(() => cp.canReach('root', { from: frontend, to: backend, port: 70000 }), (e) => e.status.code === 400);
  assert.throws(() => cp.reachability('root', { prot: 'TCP' }), (e) => e.status.code === 400);
  const out = cp.kubectl('sim reach --matrix --port 8080');
  assert.equal(out.exitCode, 0, out.stderr);
  assert.match(out.stdout, /^Reachability on port 8080\/TCP/);
});

test('policy: a quota of two pods and a LimitRange', () => {
  const cp = plane(9, 'policy/quota-and-limits.yaml');
  cp.advance(10);
  const running = pods(cp, 'quota-demo');
  assert.equal(running.length, 2);
  assert.ok(running.every((p) => p.spec.containers[0].resources.limits.cpu === '800m'));
  const failed = cp.list('root', { kind: 'Event', namespace: 'quota-demo' }).items.filter((e) => e.reason === 'FailedCreate');
  assert.equal(failed.length, 1);
  assert.match(failed[0].message, /exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2$/);
  try {
    cp.apply('root', example('policy/too-much-cpu.yaml'));
    assert.fail('expected a 403');
  } catch (e) {
    assert.ok(e instanceof KplaneError);
    assert.equal(e.status.code, 403);
    assert.equal(e.message, 'pods "constraints-cpu-demo-2" is forbidden: maximum cpu usage per Container is 800m, but limit is 1500m');
  }
});

test('runtime: Kata pods pay their overhead and start later than runc pods', () => {
  const cp = plane(10, 'runtime/runtimeclasses.yaml', 'runtime/kata-vs-runc.yaml');
  cp.advance(10);
  const kata = pods(cp).filter((p) => p.metadata.name.startsWith('web-kata-'));
  assert.equal(kata.filter((p) => p.status.phase === 'Running').length, 3);
  assert.ok(kata.every((p) => p.spec.overhead.cpu === '250m' && p.spec.overhead.memory === '160Mi'));
  const delay = (p) => (Date.parse(p.status.containerStatuses[0].state.running.startedAt) - Date.parse(p.status.startTime)) / 1000;
  const runc = pods(cp).find((p) => p.metadata.name.startsWith('web-runc-'));
  assert.equal(delay(runc), 1);
  assert.equal(delay(kata.find((p) => p.status.phase === 'Running')), 3);
  const node = cp.get('root', { kind: 'Node', name: 'node-kata' });
  assert.deepEqual(node.status.runtimeHandlers.map((h) => h.name), ['runc', 'kata-qemu']);
});
