'use strict';
// The npm package's tests, shared by every entry point (ESM, CommonJS, browser): each
// *.test.* file loads the package its own way and calls this with what it exported.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const THREE_NODES = fs.readFileSync(path.join(ROOT, 'examples', 'three-nodes.yaml'), 'utf8');

const INVALID_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: -1
  selector:
    matchLabels: {app: broken}
  template:
    metadata:
      labels: {app: broken}
    spec:
      containers: [{name: c, image: nginx}]
`;

/** CPU quantity ("500m", "2", "1.5") in millicores. */
function milliCpu(q) {
  const s = String(q);
  return s.endsWith('m') ? Number(s.slice(0, -1)) : Math.round(Number(s) * 1000);
}

/** Memory quantity ("512Mi", "4Gi", "1G", "1000") in bytes. */
function bytes(q) {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  assert.ok(m, `unsupported quantity ${q}`);
  const mult = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (m[2] ? mult[m[2]] : 1);
}

/** Asserts `v` is plain JSON data: plain objects, arrays, strings, numbers, booleans, null. */
function assertPlain(v, where = '$') {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => assertPlain(x, `${where}[${i}]`));
    return;
  }
  assert.equal(typeof v, 'object', `${where} is a ${typeof v}`);
  assert.equal(Object.getPrototypeOf(v), Object.prototype, `${where} is not a plain object`);
  for (const [k, x] of Object.entries(v)) assertPlain(x, `${where}.${k}`);
}

module.exports = function suite({ ControlPlane, KplaneError }, entry) {
  /** Runs `fn`, expects a KplaneError with `code`, checks its shape, returns its Status. */
  function expectError(fn, code) {
    let err;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    assert.ok(err, `expected a KplaneError ${code}, nothing was thrown`);
    assert.ok(err instanceof KplaneError, `expected a KplaneError, got ${err && err.stack}`);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'KplaneError');
    assert.equal(typeof err.stack, 'string');
    const s = err.status;
    assertPlain(s);
    assert.equal(s.kind, 'Status');
    assert.equal(s.apiVersion, 'v1');
    assert.equal(s.status, 'Failure');
    assert.equal(err.message, s.message);
    assert.equal(typeof s.reason, 'string');
    assert.equal(s.code, code, `expected ${code}, got ${s.code}: ${s.message}`);
    return s;
  }

  function scenario() {
    const cp = new ControlPlane({ seed: 1 });
    const applied = cp.apply('root', THREE_NODES);
    assertPlain(applied);
    assert.deepEqual(applied, {
      objects: [
        { apiVersion: 'v1', kind: 'Node', name: 'node-a', action: 'created' },
        { apiVersion: 'v1', kind: 'Node', name: 'node-b', action: 'created' },
        { apiVersion: 'v1', kind: 'Node', name: 'node-c', action: 'created' },
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web', action: 'created' },
      ],
      warnings: [],
    });
    assert.equal(cp.advance(60), undefined);
    return cp;
  }

  test(`${entry}: exports ControlPlane and KplaneError`, () => {
    assert.equal(typeof ControlPlane, 'function');
    assert.equal(typeof ControlPlane.restore, 'function');
    assert.equal(typeof KplaneError, 'function');
    const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'boom', reason: 'BadRequest', code: 400 };
    const e = new KplaneError(status);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'KplaneError');
    assert.equal(e.message, 'boom');
    assert.equal(e.status, status);
    const cp = new ControlPlane();
    assert.equal(cp.now(), '2026-01-01T00:00:00Z');
    assert.equal(new ControlPlane({ start: '2030-05-06T07:08:09Z' }).now(), '2030-05-06T07:08:09Z');
    cp.free();
  });

  test(`${entry}: three-nodes.yaml: after 60s all 5 pods Running, each node fits its pods' requests`, () => {
    const cp = scenario();
    assert.equal(cp.now(), '2026-01-01T00:01:00Z');
    const list = cp.list('root', { kind: 'Pod', namespace: 'default', labelSelector: 'app=web' });
    assertPlain(list);
    assert.equal(list.apiVersion, 'v1');
    assert.equal(list.kind, 'PodList');
    assert.equal(typeof list.metadata.resourceVersion, 'string');
    assert.equal(list.items.length, 5);

    const used = new Map();
    for (const pod of list.items) {
      assert.equal(pod.status.phase, 'Running', `${pod.metadata.name} is ${pod.status.phase}`);
      const node = pod.spec.nodeName;
      assert.ok(node, `${pod.metadata.name} is not bound`);
      const u = used.get(node) || { cpu: 0, memory: 0, pods: 0 };
      for (const c of pod.spec.containers) {
        u.cpu += milliCpu(c.resources.requests.cpu);
        u.memory += bytes(c.resources.requests.memory);
      }
      u.pods += 1;
      used.set(node, u);
    }
    for (const [name, u] of used) {
      const node = cp.get('root', { apiVersion: 'v1', kind: 'Node', name });
      assert.ok(node, `node ${name}`);
      const alloc = (node.status && node.status.allocatable) || node.status.capacity;
      assert.ok(u.cpu <= milliCpu(alloc.cpu), `${name}: ${u.cpu}m cpu requested, ${alloc.cpu} allocatable`);
      assert.ok(u.memory <= bytes(alloc.memory), `${name}: ${u.memory} bytes requested, ${alloc.memory} allocatable`);
      assert.ok(u.pods <= Number(alloc.pods), `${name}: ${u.pods} pods`);
    }

    // nodes() agrees with the objects.
    const nodes = cp.nodes();
    assertPlain(nodes);
    assert.deepEqual(nodes.map((n) => n.name), ['node-a', 'node-b', 'node-c']);
    for (const n of nodes) {
      assert.equal(n.ready, true);
      assert.equal(n.unschedulable, false);
      assert.ok(n.requestedMilliCpu <= n.allocatableMilliCpu, n.name);
      assert.ok(n.requestedMemory <= n.allocatableMemory, n.name);
      assert.equal(n.pods.length, (used.get(n.name) || { pods: 0 }).pods, n.name);
      assert.equal(n.requestedMilliCpu, (used.get(n.name) || { cpu: 0 }).cpu, n.name);
      for (const p of n.pods) {
        assert.equal(p.status, 'Running');
        assert.equal(p.ready, true);
      }
    }

    // The Deployment reports them.
    const web = cp.get('root', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' });
    assertPlain(web);
    assert.equal(web.spec.replicas, 5);
    assert.equal(web.status.readyReplicas, 5);
  });

  test(`${entry}: apply takes an object, an array of objects and a namespace`, () => {
    const cp = new ControlPlane();
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
    };
    assert.deepEqual(cp.apply('root', node), {
      objects: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', action: 'created' }],
      warnings: [],
    });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } };
    const r = cp.apply('root', [node, ns, pod], { namespace: 'team' });
    assert.deepEqual(r.objects.map((o) => [o.kind, o.namespace, o.action]), [
      ['Node', undefined, 'unchanged'],
      ['Namespace', undefined, 'created'],
      ['Pod', 'team', 'created'],
    ]);
    const got = cp.get('root', { kind: 'Pod', namespace: 'team', name: 'p1' });
    assertPlain(got);
    assert.equal(got.metadata.name, 'p1');
    assert.equal(got.metadata.namespace, 'team');
    assert.equal(cp.get('root', { kind: 'Pod', name: 'p1' }), null, 'not in default');
    // Our input objects are not modified.
    assert.deepEqual(pod.metadata, { name: 'p1' });
  });

  test(`${entry}: unknown workspace 'nope' throws KplaneError 404`, () => {
    const cp = new ControlPlane();
    const s = expectError(() => cp.apply('nope', THREE_NODES), 404);
    assert.equal(s.reason, 'NotFound');
    assert.match(s.message, /nope/);
    expectError(() => cp.get('nope', { kind: 'Pod', name: 'x' }), 404);
    expectError(() => cp.list('nope', { kind: 'Pod' }), 404);
    expectError(() => cp.delete('nope', { kind: 'Pod', name: 'x' }), 404);
  });

  test(`${entry}: an invalid Deployment throws KplaneError 422 with field causes`, () => {
    const cp = new ControlPlane();
    const s = expectError(() => cp.apply('root', INVALID_DEPLOYMENT), 422);
    assert.equal(s.reason, 'Invalid');
    assert.match(s.message, /^Deployment\.apps "broken" is invalid: /);
    assert.equal(s.details.name, 'broken');
    assert.ok(s.details.causes.some((c) => c.field === 'spec.replicas'), JSON.stringify(s.details.causes));
    assert.equal(cp.get('root', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'broken' }), null);
  });

  test(`${entry}: get returns null for a missing object; delete of one throws 404`, () => {
    const cp = scenario();
    assert.equal(cp.get('root', { kind: 'Pod', namespace: 'default', name: 'missing' }), null);
    assert.equal(cp.get('root', { apiVersion: 'v1', kind: 'Node', name: 'node-z' }), null);
    const s = expectError(() => cp.delete('root', { kind: 'Pod', name: 'missing' }), 404);
    assert.equal(s.reason, 'NotFound');
    expectError(() => cp.get('root', { kind: 'NoSuchKind', name: 'x' }), 404);
  });

  test(`${entry}: snapshot and restore round trip`, () => {
    const cp = scenario();
    const snap = cp.snapshot();
    assert.equal(typeof snap, 'string');
    JSON.parse(snap);
    const back = ControlPlane.restore(snap);
    assert.ok(back instanceof ControlPlane);
    assert.equal(back.now(), cp.now());
    assert.equal(back.snapshot(), snap);
    assert.deepEqual(back.list('root', { kind: 'Pod' }), cp.list('root', { kind: 'Pod' }));
    assert.deepEqual(back.nodes(), cp.nodes());
    // Both go on the same way.
    cp.advance(30);
    back.advance(30);
    assert.equal(back.snapshot(), cp.snapshot());
    expectError(() => ControlPlane.restore('{"kind":"Something"}'), 400);
  });

  test(`${entry}: kubectl get pods prints kubectl's table`, () => {
    const cp = scenario();
    const out = cp.kubectl('get pods');
    assertPlain(out);
    assert.equal(out.exitCode, 0, out.stderr);
    assert.equal(out.stderr, '');
    const lines = out.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.equal(lines.length, 6, out.stdout);
    for (const line of lines.slice(1)) assert.match(line, /^web-\S+\s+1\/1\s+Running\s+0\s+60s$/);
    const bad = cp.kubectl('frobnicate');
    assert.notEqual(bad.exitCode, 0);
    assert.notEqual(bad.stderr, '');
    const applied = cp.kubectl('apply -f -', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-stdin\n');
    assert.equal(applied.exitCode, 0, applied.stderr);
    assert.ok(cp.get('root', { kind: 'Namespace', name: 'from-stdin' }));
  });

  test(`${entry}: list, delete, runUntilSettled`, () => {
    const cp = scenario();
    const onC = cp.list('root', { kind: 'Pod', fieldSelector: 'spec.nodeName=node-c' });
    assert.ok(onC.items.every((p) => p.spec.nodeName === 'node-c'));
    const nodes = cp.list('root', { kind: 'Node' });
    assert.equal(nodes.kind, 'NodeList');
    assert.equal(nodes.items.length, 3);
    const settled = cp.runUntilSettled(120);
    assertPlain(settled);
    assert.equal(typeof settled.settled, 'boolean');
    assert.equal(typeof settled.elapsedSeconds, 'number');
    assert.ok(settled.elapsedSeconds >= 0 && settled.elapsedSeconds <= 120);
    const deleted = cp.delete('root', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
      propagationPolicy: 'Background',
    });
    assertPlain(deleted);
    assert.equal(deleted.metadata.name, 'web');
    cp.runUntilSettled();
    assert.equal(cp.get('root', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }), null);
  });

  test(`${entry}: bad arguments throw KplaneError 400, and the instance stays usable`, () => {
    expectError(() => new ControlPlane('seed'), 400);
    expectError(() => new ControlPlane({ seed: -1 }), 400);
    expectError(() => new ControlPlane({ seed: 1.5 }), 400);
    expectError(() => new ControlPlane({ start: 'yesterday' }), 400);
    const cp = scenario();
    const before = cp.snapshot();
    expectError(() => cp.apply(42, THREE_NODES), 400);
    expectError(() => cp.apply('root'), 400);
    expectError(() => cp.apply('root', 42), 400);
    expectError(() => cp.apply('root', THREE_NODES, 'default'), 400);
    expectError(() => cp.apply('root', 'kind: [unclosed'), 400);
    expectError(() => cp.apply('root', '['.repeat(100000)), 400);
    const circular = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    circular.data = circular;
    expectError(() => cp.apply('root', circular), 400);
    let deep = {};
    const top = deep;
    for (let i = 0; i < 100000; i++) deep = deep.a = {};
    expectError(() => cp.apply('root', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' }, data: top }), 400);
    expectError(() => cp.apply('root', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { n: 1n } }), 400);
    expectError(() => cp.get('root'), 400);
    expectError(() => cp.get('root', 'web'), 400);
    expectError(() => cp.get('root', { kind: 5, name: 'x' }), 400);
    expectError(() => cp.list('root', ['Pod']), 400);
    expectError(() => cp.list('root', { kind: 'Pod', labelSelector: 'app in (' }), 400);
    expectError(() => cp.delete('root', true), 400);
    expectError(() => cp.delete('root', { kind: 'Deployment', name: 'web', propagationPolicy: 'Sideways' }), 400);
    expectError(() => cp.advance('60'), 400);
    expectError(() => cp.advance(), 400);
    expectError(() => cp.runUntilSettled('1'), 400);
    expectError(() => cp.kubectl(), 400);
    expectError(() => cp.kubectl('get pods', 3), 400);
    expectError(() => ControlPlane.restore(), 400);
    expectError(() => ControlPlane.restore('not a snapshot'), 400);
    // Nothing changed, nothing trapped.
    assert.equal(cp.snapshot(), before);
    cp.advance(NaN);
    cp.advance(-5);
    assert.equal(cp.now(), '2026-01-01T00:01:00Z');
    cp.advance(1);
    assert.equal(cp.now(), '2026-01-01T00:01:01Z');
    assert.equal(cp.list('root', { kind: 'Pod' }).items.length, 5);
  });
};

module.exports.THREE_NODES = THREE_NODES;
module.exports.assertPlain = assertPlain;
