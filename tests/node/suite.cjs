'use strict';
// The npm package's tests, shared by every entry point (ESM, CommonJS, browser): each
// *.test.* file loads the package its own way and calls this with what it exported.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const example = (...p) => fs.readFileSync(path.join(ROOT, 'examples', ...p), 'utf8');
const THREE_NODES = example('three-nodes.yaml');
const STABLE_APP = example('disruption', 'stable-app.yaml');
const GPU_TAINTS = example('scheduling', 'gpu-taints.yaml');
const POD_ANTI_AFFINITY = example('scheduling', 'pod-anti-affinity.yaml');

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
        { apiVersion: 'v1', kind: 'Node', name: 'node-a', action: 'created', document: 1, line: 1 },
        { apiVersion: 'v1', kind: 'Node', name: 'node-b', action: 'created', document: 2, line: 17 },
        { apiVersion: 'v1', kind: 'Node', name: 'node-c', action: 'created', document: 3, line: 30 },
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web', action: 'created', document: 4, line: 43 },
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
      objects: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', action: 'created', document: 1, line: 0 }],
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
    // kubectl patch --type json with a one-operation array.
    cp.create('root', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } });
    const patched = cp.kubectl(`patch configmap c --type json -p '[{"op":"replace","path":"/data/a","value":"2"}]'`);
    assert.equal(patched.exitCode, 0, patched.stderr);
    assert.deepEqual(cp.get('root', { kind: 'ConfigMap', name: 'c' }).data, { a: '2' });
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
    for (const bad of [NaN, -5, Infinity, 1e300]) expectError(() => cp.advance(bad), 400);
    assert.equal(cp.now(), '2026-01-01T00:01:00Z');
    cp.advance(1);
    assert.equal(cp.now(), '2026-01-01T00:01:01Z');
    assert.equal(cp.list('root', { kind: 'Pod' }).items.length, 5);
  });

  const CM = (name, data = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

  test(`${entry}: watch from a list's resourceVersion: the later ADDED, MODIFIED, DELETED in order, then a BOOKMARK`, () => {
    const cp = scenario();
    const list = cp.list('root', { kind: 'ConfigMap', namespace: 'default' });
    const rv = list.metadata.resourceVersion;
    assert.equal(cp.watch('root', { kind: 'ConfigMap', resourceVersion: rv }).length, 1, 'nothing happened yet');

    cp.create('root', CM('settings'));
    cp.patch('root', { kind: 'ConfigMap', name: 'settings' }, { data: { b: '2' } });
    cp.create('root', CM('other'), { namespace: 'kube-system' });
    cp.delete('root', { kind: 'ConfigMap', name: 'settings' });
    cp.apply('root', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'unrelated' } });

    const events = cp.watch('root', { kind: 'ConfigMap', namespace: 'default', resourceVersion: rv });
    assertPlain(events);
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name]),
      [['ADDED', 'settings'], ['MODIFIED', 'settings'], ['DELETED', 'settings'], ['BOOKMARK', undefined]],
    );
    assert.deepEqual(events[0].object.data, { a: '1' });
    assert.deepEqual(events[1].object.data, { a: '1', b: '2' });
    assert.deepEqual(events[2].object.data, { a: '1', b: '2' }, 'DELETED carries the last state');
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i] > rvs[i - 1], `revision order: ${rvs}`);
    assert.ok(rvs[0] > Number(rv), 'exclusive of the list revision');

    // The BOOKMARK is the current revision: resuming from it yields nothing new.
    const bookmark = events.at(-1);
    assert.deepEqual(bookmark, {
      type: 'BOOKMARK',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: cp.list('root', { kind: 'Pod' }).metadata.resourceVersion } },
    });
    assert.deepEqual(cp.watch('root', { kind: 'ConfigMap', resourceVersion: bookmark.object.metadata.resourceVersion }), [bookmark]);

    // Without a namespace: every namespace (the new namespace got its kube-root-ca.crt from
    // the root CA publisher); without a kind: every kind.
    assert.deepEqual(
      cp.watch('root', { kind: 'ConfigMap', resourceVersion: rv }).map((e) => [e.type, e.object.metadata.name]),
      [['ADDED', 'settings'], ['MODIFIED', 'settings'], ['ADDED', 'other'], ['DELETED', 'settings'], ['ADDED', 'kube-root-ca.crt'], ['BOOKMARK', undefined]],
    );
    const all = cp.watch('root', { resourceVersion: rv });
    assert.ok(all.some((e) => e.object.kind === 'Namespace' && e.object.metadata.name === 'unrelated'));

    // No resourceVersion (or "0"): a synthetic ADDED for each current object, then the BOOKMARK.
    for (const resourceVersion of [undefined, '0']) {
      const now = cp.watch('root', { kind: 'Pod', labelSelector: 'app=web', resourceVersion });
      assert.equal(now.length, 6);
      assert.ok(now.slice(0, 5).every((e) => e.type === 'ADDED' && e.object.kind === 'Pod'));
      assert.equal(now[5].type, 'BOOKMARK');
    }
    const onA = cp.watch('root', { kind: 'Pod', fieldSelector: 'spec.nodeName=node-a' }).slice(0, -1);
    assert.ok(onA.every((e) => e.object.spec.nodeName === 'node-a'));
    assert.equal(cp.watch('root').at(-1).type, 'BOOKMARK');
  });

  test(`${entry}: watch from a compacted revision throws 410 Expired`, () => {
    const cp = new ControlPlane();
    cp.create('root', CM('c'));
    assert.ok(cp.watch('root', { resourceVersion: '1' }).length > 1, 'revision 1 is still there at first');
    cp.advance(11 * 60);
    const s = expectError(() => cp.watch('root', { resourceVersion: '1' }), 410);
    assert.equal(s.reason, 'Expired');
    assert.match(s.message, /too old resource version/);
    // Relisting and watching from the list's revision works.
    const rv = cp.list('root', { kind: 'ConfigMap' }).metadata.resourceVersion;
    assert.deepEqual(cp.watch('root', { kind: 'ConfigMap', resourceVersion: rv }).map((e) => e.type), ['BOOKMARK']);
  });

  const REPLICA_TYPO = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
spec:
  replicas: 2
  replica: 3
  selector:
    matchLabels: {app: typo}
  template:
    metadata:
      labels: {app: typo}
    spec:
      containers: [{name: c, image: nginx}]
`;

  test(`${entry}: apply warns about unknown fields (Warn), fails under Strict with 400, and Ignore is silent`, () => {
    const cp = new ControlPlane();
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'typo' };
    const strict = expectError(() => cp.apply('root', REPLICA_TYPO, { fieldValidation: 'Strict' }), 400);
    assert.equal(strict.reason, 'BadRequest');
    assert.match(strict.message, /strict decoding error: unknown field "spec\.replica"/);
    assert.equal(cp.get('root', ref), null, 'nothing was created');

    const warned = cp.apply('root', REPLICA_TYPO);
    assert.deepEqual(warned.warnings, ['unknown field "spec.replica"']);
    assert.deepEqual(warned.objects.map((o) => o.action), ['created']);
    const got = cp.get('root', ref);
    assert.equal(got.spec.replicas, 2);
    assert.equal(got.spec.replica, undefined, 'the unknown field is dropped');
    assert.deepEqual(cp.apply('root', REPLICA_TYPO, { fieldValidation: 'Warn' }).warnings, ['unknown field "spec.replica"']);
    assert.deepEqual(cp.apply('root', REPLICA_TYPO, { fieldValidation: 'Ignore' }).warnings, []);
    expectError(() => cp.apply('root', REPLICA_TYPO, { fieldValidation: 'strict' }), 400);

    // create validates the same way.
    const typoCm = { ...CM('typo'), dta: { x: '1' } };
    expectError(() => cp.create('root', typoCm, { fieldValidation: 'Strict' }), 400);
    const created = cp.create('root', typoCm);
    assert.deepEqual(created.warnings, ['unknown field "dta"']);
    assert.equal(created.object.dta, undefined);
  });

  const deployment = (replicas) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'ssa' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'ssa' } },
      template: { metadata: { labels: { app: 'ssa' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });

  test(`${entry}: server-side apply: a field another manager changed is a 409 conflict; force takes it over`, () => {
    const cp = new ControlPlane();
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ssa' };
    cp.apply('root', deployment(2));
    const applied = cp.get('root', ref);
    const kubectl = applied.metadata.managedFields.find((m) => m.manager === 'kubectl');
    assert.equal(kubectl.operation, 'Apply');
    assert.ok(kubectl.fieldsV1['f:spec']['f:replicas']);

    // Another manager changes spec.replicas with an update (PUT).
    applied.spec.replicas = 3;
    const updated = cp.update('root', applied);
    assert.equal(updated.spec.replicas, 3);
    assert.ok(updated.metadata.managedFields.some((m) => m.operation === 'Update' && m.fieldsV1['f:spec']?.['f:replicas']));

    // Re-applying the same value shares the field; a different value conflicts.
    assert.deepEqual(cp.apply('root', deployment(3)).objects.map((o) => o.action), ['configured']);
    assert.ok(
      cp.get('root', ref).metadata.managedFields.find((m) => m.manager === 'kubectl' && m.operation === 'Apply').fieldsV1['f:spec']['f:replicas'],
      'kubectl shares .spec.replicas',
    );
    const s = expectError(() => cp.apply('root', deployment(5)), 409);
    assert.equal(s.reason, 'Conflict');
    assert.match(s.message, /^Apply failed with 1 conflict: conflict with "kplane"/);
    assert.deepEqual(s.details.causes.map((c) => [c.reason, c.field]), [['FieldManagerConflict', '.spec.replicas']]);
    assert.equal(s.details.name, 'ssa');
    assert.equal(cp.get('root', ref).spec.replicas, 3, 'unchanged after the conflict');

    // Another field manager conflicts the same way.
    expectError(() => cp.apply('root', deployment(5), { fieldManager: 'ci' }), 409);

    // force: the applier takes ownership.
    const forced = cp.apply('root', deployment(5), { force: true });
    assert.deepEqual(forced.objects.map((o) => o.action), ['configured']);
    const after = cp.get('root', ref);
    assert.equal(after.spec.replicas, 5);
    assert.ok(!after.metadata.managedFields.some((m) => m.manager === 'kplane' && m.fieldsV1['f:spec']?.['f:replicas']));
    assert.deepEqual(cp.apply('root', deployment(6)).objects.map((o) => o.action), ['configured'], 'no conflict any more');
  });

  test(`${entry}: create returns the object and warnings; 409 AlreadyExists the second time`, () => {
    const cp = new ControlPlane();
    const r = cp.create('root', CM('one'));
    assertPlain(r);
    assert.deepEqual(Object.keys(r).sort(), ['object', 'warnings']);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.object.metadata.name, 'one');
    assert.equal(r.object.metadata.namespace, 'default');
    assert.match(r.object.metadata.resourceVersion, /^\d+$/);
    assert.ok(r.object.metadata.uid);
    const s = expectError(() => cp.create('root', CM('one')), 409);
    assert.equal(s.reason, 'AlreadyExists');
    assert.equal(s.details.name, 'one');
    // YAML text of one object, a namespace, a field manager.
    cp.apply('root', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    const y = cp.create('root', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\ndata: {k: v}\n', { namespace: 'team', fieldManager: 'me' });
    assert.equal(y.object.metadata.namespace, 'team');
    assert.ok(y.object.metadata.managedFields.some((m) => m.manager === 'me'));
    expectError(() => cp.create('root', CM('x'), { namespace: 'missing' }), 404);
  });

  test(`${entry}: update replaces; a stale resourceVersion is a 409 Conflict`, () => {
    const cp = new ControlPlane();
    const { object: v1 } = cp.create('root', CM('cfg'));
    const v2 = cp.update('root', { ...v1, data: { a: '2' } });
    assertPlain(v2);
    assert.deepEqual(v2.data, { a: '2' });
    assert.ok(Number(v2.metadata.resourceVersion) > Number(v1.metadata.resourceVersion));
    assert.equal(v2.metadata.uid, v1.metadata.uid);
    const s = expectError(() => cp.update('root', { ...v1, data: { a: 'stale' } }), 409);
    assert.equal(s.reason, 'Conflict');
    assert.match(s.message, /the object has been modified; please apply your changes to the latest version and try again/);
    assert.deepEqual(cp.get('root', { kind: 'ConfigMap', name: 'cfg' }).data, { a: '2' });
    // Without a resourceVersion the update is unconditional.
    const { resourceVersion, ...meta } = v2.metadata;
    assert.deepEqual(cp.update('root', { ...v2, metadata: meta, data: { a: '3' } }).data, { a: '3' });
    expectError(() => cp.update('root', CM('missing')), 404);
  });

  test(`${entry}: patch: strategic (default), merge and JSON patch, as objects, arrays, JSON or YAML text`, () => {
    const cp = new ControlPlane();
    const dep = deployment(1);
    dep.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox' });
    cp.apply('root', dep);
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ssa' };
    const images = (d) => d.spec.template.spec.containers.map((c) => `${c.name}=${c.image}`);

    // Strategic merge patch merges containers by name.
    let d = cp.patch('root', ref, { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
    assertPlain(d);
    assert.deepEqual(images(d), ['c=nginx:2', 'sidecar=busybox']);
    d = cp.patch('root', ref, '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:2"}]}}}}', { type: 'strategic' });
    assert.deepEqual(images(d), ['c=nginx:2', 'sidecar=busybox:2']);
    d = cp.patch('root', ref, 'spec:\n  replicas: 2\n');
    assert.equal(d.spec.replicas, 2);

    // JSON patch: an array of operations, or its JSON or YAML text.
    d = cp.patch('root', ref, [{ op: 'replace', path: '/spec/replicas', value: 3 }], { type: 'json' });
    assert.equal(d.spec.replicas, 3);
    d = cp.patch('root', ref, '[{"op":"add","path":"/metadata/labels","value":{"tier":"web"}}]', { type: 'json' });
    assert.deepEqual(d.metadata.labels, { tier: 'web' });
    d = cp.patch('root', ref, '- op: replace\n  path: /spec/replicas\n  value: 4\n', { type: 'json' });
    assert.equal(d.spec.replicas, 4);
    expectError(() => cp.patch('root', ref, [{ op: 'test', path: '/spec/replicas', value: 99 }], { type: 'json' }), 422);
    expectError(() => cp.patch('root', ref, { spec: {} }, { type: 'json' }), 400);

    // JSON merge patch replaces lists and deletes with null.
    d = cp.patch('root', ref, { metadata: { labels: { tier: null } }, spec: { template: { spec: { containers: [{ name: 'only', image: 'redis' }] } } } }, { type: 'merge' });
    assert.deepEqual(images(d), ['only=redis']);
    assert.equal(d.metadata.labels?.tier, undefined);
    assert.equal(cp.get('root', ref).spec.template.spec.containers.length, 1, 'stored');

    expectError(() => cp.patch('root', { kind: 'Deployment', name: 'missing' }, { spec: {} }), 404);
    expectError(() => cp.patch('root', ref, { spec: { replicas: -1 } }), 422);
    expectError(() => cp.patch('root', ref, {}, { type: 'apply' }), 400);
    expectError(() => cp.patch('root', ref, 42), 400);
    expectError(() => cp.patch('root', ref), 400);
    expectError(() => cp.patch('root', ref, '"just a string"'), 400);
    expectError(() => cp.patch('root', ref, '{not json'), 400);
    expectError(() => cp.patch('root', ref, 'a: [unclosed'), 400);
  });

  test(`${entry}: delete with propagationPolicy Orphan leaves the ReplicaSet and its pods`, () => {
    const cp = scenario();
    const deleted = cp.delete('root', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', propagationPolicy: 'Orphan' });
    assert.equal(deleted.metadata.name, 'web');
    cp.runUntilSettled(120);
    assert.equal(cp.get('root', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }), null);
    const rs = cp.list('root', { apiVersion: 'apps/v1', kind: 'ReplicaSet' }).items;
    assert.equal(rs.length, 1);
    assert.deepEqual(rs[0].metadata.ownerReferences ?? [], [], 'orphaned');
    const pods = cp.list('root', { kind: 'Pod', labelSelector: 'app=web' }).items;
    assert.equal(pods.length, 5);
    assert.ok(pods.every((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp));

    // Background (the default) takes the dependents with it; gracePeriodSeconds 0 deletes a pod at once.
    cp.delete('root', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs[0].metadata.name, propagationPolicy: 'Background' });
    cp.runUntilSettled(120);
    assert.equal(cp.list('root', { kind: 'Pod' }).items.length, 0);
    cp.create('root', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    cp.advance(10);
    assert.ok(cp.get('root', { kind: 'Pod', name: 'p' }).spec.nodeName);
    cp.delete('root', { kind: 'Pod', name: 'p', gracePeriodSeconds: 0 });
    assert.equal(cp.get('root', { kind: 'Pod', name: 'p' }), null);
  });

  test(`${entry}: advance(0), NaN or negative and runUntilSettled(0) while a wake-up is pending`, () => {
    const cp = scenario();
    cp.delete('root', { kind: 'Pod', name: cp.list('root', { kind: 'Pod' }).items[0].metadata.name });
    cp.advance(0);
    expectError(() => cp.advance(NaN), 400);
    expectError(() => cp.advance(-1), 400);
    assert.deepEqual(cp.runUntilSettled(0), { settled: false, elapsedSeconds: 0 }, 'a wake-up is pending');
    assert.equal(cp.now(), '2026-01-01T00:01:00Z');
    cp.advance(1);
    assert.equal(cp.now(), '2026-01-01T00:01:01Z');
    assert.equal(cp.list('root', { kind: 'Pod' }).items.length, 5, 'the ReplicaSet replaced the pod');
  });

  test(`${entry}: bad arguments to watch, create, update and patch throw 400`, () => {
    const cp = new ControlPlane();
    const ref = { kind: 'ConfigMap', name: 'c' };
    cp.create('root', CM('c'));
    const before = cp.snapshot();
    expectError(() => cp.watch(1), 400);
    expectError(() => cp.watch('root', 'Pod'), 400);
    expectError(() => cp.watch('root', { resourceVersion: 'abc' }), 400);
    expectError(() => cp.watch('root', { resourceVersion: 5 }), 400);
    expectError(() => cp.watch('root', { kind: 'Pod', labelSelector: 'a in (' }), 400);
    expectError(() => cp.watch('root', { kind: 'Pod', fieldSelector: 'spec.bogus=1' }), 400, 'as list does');
    expectError(() => cp.list('root', { kind: 'Pod', fieldSelector: 'spec.bogus=1' }), 400);
    expectError(() => cp.watch('root', { kind: 'NoSuchKind' }), 404);
    expectError(() => cp.watch('nope'), 404);
    expectError(() => cp.create('root'), 400);
    expectError(() => cp.create('root', 42), 400);
    expectError(() => cp.create('root', [CM('a')]), 400);
    expectError(() => cp.create('root', `${JSON.stringify(CM('a'))}\n${JSON.stringify(CM('b'))}`), 400);
    expectError(() => cp.create('root', CM('a'), 'default'), 400);
    expectError(() => cp.create('root', CM('a'), { fieldValidation: 'Loud' }), 400);
    expectError(() => cp.create('nope', CM('a')), 404);
    expectError(() => cp.update('root'), 400);
    expectError(() => cp.update('root', true), 400);
    expectError(() => cp.patch('root', 'c', {}), 400);
    expectError(() => cp.patch('root', ref, {}, 'json'), 400);
    expectError(() => cp.patch('nope', ref, {}), 404);
    expectError(() => cp.apply('root', CM('a'), { force: 'yes' }), 400);
    assert.match(expectError(() => cp.patch('root', ref, 'data: {k: v}\n---\ndata: {k: w}\n'), 400).message, /multiple YAML documents/);
    expectError(() => cp.patch('root', ref, '['.repeat(100000)), 400);
    expectError(() => cp.patch('root', ref, `a:\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 1)}b:`).join('\n')}`), 400);
    let deep = {};
    const top = deep;
    for (let i = 0; i < 100000; i++) deep = deep.a = {};
    expectError(() => cp.patch('root', ref, top), 400);
    assert.equal(cp.snapshot(), before, 'nothing changed');
  });

  /** A 4-cpu node labelled with its hostname. */
  const node = (name) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
  });
  const readyCondition = (n) => n.status.conditions.find((c) => c.type === 'Ready');

  /** examples/disruption/stable-app.yaml (3 replicas, PDB minAvailable 2), all on n1; then n2 and n3 join. */
  function stableAppOnOneNode() {
    const cp = new ControlPlane({ seed: 1 });
    cp.apply('root', node('n1'));
    cp.apply('root', STABLE_APP);
    cp.advance(10);
    cp.apply('root', [node('n2'), node('n3')]);
    cp.advance(1);
    const pods = cp.list('root', { kind: 'Pod', labelSelector: 'app=stable-app' }).items;
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.spec.nodeName === 'n1' && p.status.phase === 'Running'));
    const pdb = cp.get('root', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', name: 'stable-app' });
    assert.deepEqual(
      [pdb.status.currentHealthy, pdb.status.desiredHealthy, pdb.status.disruptionsAllowed],
      [3, 2, 1],
    );
    return { cp, pods };
  }

  test(`${entry}: evict: stable-app's budget allows one eviction; a second at once is a 429 TooManyRequests`, () => {
    const { cp, pods } = stableAppOnOneNode();
    const [first, second] = pods.map((p) => p.metadata.name);
    const evicted = cp.evict('root', { name: first });
    assertPlain(evicted);
    assert.equal(evicted.kind, 'Pod');
    assert.equal(evicted.metadata.name, first);
    assert.ok(evicted.metadata.deletionTimestamp, 'deleted gracefully');
    // nginx stops at once on SIGTERM: the pod is gone or terminating.
    assert.ok(cp.get('root', { kind: 'Pod', name: first })?.metadata.deletionTimestamp ?? true);

    const s = expectError(() => cp.evict('root', { namespace: 'default', name: second }), 429);
    assert.equal(s.reason, 'TooManyRequests');
    assert.equal(s.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(s.details.causes, [
      { reason: 'DisruptionBudget', message: 'The disruption budget stable-app needs 2 healthy pods and has 2 currently' },
    ]);
    assert.equal(cp.get('root', { kind: 'Pod', name: second }).metadata.deletionTimestamp, undefined, 'not evicted');

    // Once the replacement is Ready, the budget allows the next one.
    cp.advance(40);
    assert.ok(cp.evict('root', { name: second }).metadata.deletionTimestamp);

    expectError(() => cp.evict('root', { name: 'missing' }), 404);
    expectError(() => cp.evict('nope', { name: first }), 404);
  });

  test(`${entry}: kubectl drain n1 waits on stable-app's budget in virtual time, then drains`, () => {
    const { cp } = stableAppOnOneNode();
    const out = cp.kubectl('drain n1 --ignore-daemonsets');
    assertPlain(out);
    assert.equal(out.exitCode, 0, out.stderr);
    assert.match(out.stdout, /^node\/n1 cordoned\nevicting pod default\/stable-app-/);
    assert.equal((out.stdout.match(/^pod\/stable-app-\S+ evicted$/gm) || []).length, 3, out.stdout);
    assert.ok(out.stdout.endsWith('node/n1 drained\n'), out.stdout);
    assert.ok(out.stderr.includes('will retry after 5s'), `the drain had to wait: ${out.stderr}`);
    assert.match(out.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.ok(cp.now() > '2026-01-01T00:00:11Z', 'virtual time passed while it waited');
    const n1 = cp.nodes().find((n) => n.name === 'n1');
    assert.equal(n1.unschedulable, true, 'cordoned');
    assert.deepEqual(n1.pods, []);
    cp.advance(5);
    const pods = cp.list('root', { kind: 'Pod', labelSelector: 'app=stable-app' }).items;
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.spec.nodeName !== 'n1' && p.status.phase === 'Running'), 'replaced on n2 and n3');
  });

  test(`${entry}: stopNode: Ready=Unknown and the unreachable taints after 50s; 300s later its pods run elsewhere`, () => {
    const { cp } = stableAppOnOneNode();
    const stopped = cp.stopNode('n1');
    assertPlain(stopped);
    assert.equal(stopped.kind, 'Node');
    assert.equal(stopped.metadata.annotations['sim.kplane.dev/node-state'], 'Stopped');
    cp.advance(49);
    assert.equal(readyCondition(cp.get('root', { kind: 'Node', name: 'n1' })).status, 'True', 'still within the grace period');
    cp.advance(2);
    const n1 = cp.get('root', { kind: 'Node', name: 'n1' });
    const ready = readyCondition(n1);
    assert.equal(ready.status, 'Unknown');
    assert.equal(ready.reason, 'NodeStatusUnknown');
    assert.ok(n1.spec.taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'), JSON.stringify(n1.spec.taints));
    assert.ok(n1.spec.taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule'));
    assert.equal(cp.nodes().find((n) => n.name === 'n1').ready, false);
    // The pods tolerate node.kubernetes.io/unreachable for 300 s (the default toleration).
    const live = () => cp.list('root', { kind: 'Pod', labelSelector: 'app=stable-app' }).items.filter((p) => !p.metadata.deletionTimestamp);
    assert.ok(live().every((p) => p.spec.nodeName === 'n1'));
    cp.advance(300);
    const replaced = live();
    assert.equal(replaced.length, 3);
    for (const p of replaced) {
      assert.notEqual(p.spec.nodeName, 'n1', p.metadata.name);
      assert.equal(p.status.phase, 'Running', p.metadata.name);
    }
    // The old pods stay Terminating on the unreachable node, as in Kubernetes.
    const old = cp.list('root', { kind: 'Pod', fieldSelector: 'spec.nodeName=n1' }).items;
    assert.ok(old.length === 3 && old.every((p) => p.metadata.deletionTimestamp));

    // restoreNode: the kubelet reports again; the taints go.
    assert.equal(cp.restoreNode('n1').metadata.annotations?.['sim.kplane.dev/node-state'], undefined);
    cp.advance(20);
    const back = cp.get('root', { kind: 'Node', name: 'n1' });
    assert.equal(readyCondition(back).status, 'True');
    assert.ok(!(back.spec.taints || []).some((t) => t.key === 'node.kubernetes.io/unreachable'));
  });

  test(`${entry}: failNode: Ready=False with the not-ready taints; restoreNode: Ready again`, () => {
    const { cp } = stableAppOnOneNode();
    const failed = cp.failNode('n2');
    assertPlain(failed);
    assert.equal(failed.metadata.annotations['sim.kplane.dev/node-state'], 'Failed');
    cp.advance(1);
    const n2 = cp.get('root', { kind: 'Node', name: 'n2' });
    assert.deepEqual([readyCondition(n2).status, readyCondition(n2).reason], ['False', 'KubeletNotReady']);
    assert.ok(n2.spec.taints.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoExecute'));
    assert.deepEqual(cp.nodes().map((n) => [n.name, n.ready]), [['n1', true], ['n2', false], ['n3', true]]);
    cp.restoreNode('n2');
    cp.advance(10);
    assert.equal(readyCondition(cp.get('root', { kind: 'Node', name: 'n2' })).status, 'True');
    assert.deepEqual(cp.nodes().map((n) => n.ready), [true, true, true]);
    for (const m of ['failNode', 'stopNode', 'restoreNode']) {
      assert.equal(expectError(() => cp[m]('n9'), 404).reason, 'NotFound');
      expectError(() => cp[m](), 400);
      expectError(() => cp[m]({ name: 'n1' }), 400);
    }
  });

  test(`${entry}: explain: a Pending pod of examples/scheduling/gpu-taints.yaml, per node the filter that failed`, () => {
    const cp = new ControlPlane({ seed: 1 });
    cp.apply('root', GPU_TAINTS);
    cp.advance(30);
    const pending = cp.list('root', { kind: 'Pod', fieldSelector: 'status.phase=Pending' }).items;
    assert.equal(pending.length, 2);
    const e = cp.explain('root', { name: pending[0].metadata.name });
    assertPlain(e);
    assert.equal(e.name, pending[0].metadata.name);
    assert.equal(e.namespace, 'default');
    assert.equal(e.uid, pending[0].metadata.uid);
    assert.equal(e.result, 'Unschedulable');
    assert.equal(e.selectedNode, undefined);
    assert.match(e.message, /^0\/3 nodes are available: 1 Insufficient cpu, 2 node\(s\) had untolerated taint \{gpu-enabled: true\}\./);
    assert.deepEqual([e.numAllNodes, e.numEvaluatedNodes, e.numFeasibleNodes], [3, 3, 0]);
    assert.deepEqual(e.filterPlugins.slice(0, 3), ['NodeUnschedulable', 'NodeName', 'TaintToleration']);
    assert.ok(e.filterPlugins.includes('NodeResourcesFit'));
    assert.deepEqual(e.scorePlugins, [], 'nothing is scored without two feasible nodes');
    const byNode = Object.fromEntries(e.nodes.map((n) => [n.node, n]));
    assert.deepEqual(Object.keys(byNode).sort(), ['general-1', 'gpu-1', 'gpu-2']);
    assert.deepEqual(byNode['general-1'], {
      node: 'general-1',
      feasible: false,
      failedPlugin: 'NodeResourcesFit',
      code: 'Unschedulable',
      reasons: ['Insufficient cpu'],
    });
    for (const gpu of ['gpu-1', 'gpu-2']) {
      assert.deepEqual(byNode[gpu], {
        node: gpu,
        feasible: false,
        failedPlugin: 'TaintToleration',
        code: 'UnschedulableAndUnresolvable',
        reasons: ['node(s) had untolerated taint {gpu-enabled: true}'],
      });
    }

    // A scheduled trainer pod: the feasible GPU nodes with each score plugin's scores.
    const trainer = cp.list('root', { kind: 'Pod', labelSelector: 'app=trainer' }).items[0];
    const t = cp.explain('root', { namespace: 'default', name: trainer.metadata.name });
    assert.equal(t.result, 'Scheduled');
    assert.equal(t.selectedNode, trainer.spec.nodeName);
    assert.ok(t.scorePlugins.length > 0);
    for (const sp of t.scorePlugins) {
      assert.equal(typeof sp.name, 'string');
      assert.equal(typeof sp.weight, 'number');
      assert.equal(typeof sp.skipped, 'boolean');
    }
    const ran = t.scorePlugins.filter((sp) => !sp.skipped);
    const feasible = t.nodes.filter((n) => n.feasible);
    assert.equal(feasible.length, t.numFeasibleNodes);
    assert.ok(feasible.some((n) => n.node === t.selectedNode));
    for (const n of feasible) {
      assert.deepEqual(n.scores.map((s) => s.plugin), ran.map((sp) => sp.name));
      for (const s of n.scores) {
        const weight = ran.find((sp) => sp.name === s.plugin).weight;
        assert.equal(s.weighted, s.normalized * weight, `${n.node} ${s.plugin}`);
      }
      assert.equal(n.totalScore, n.scores.reduce((sum, s) => sum + s.weighted, 0));
    }
    assert.equal(t.nodes.find((n) => n.node === 'general-1').failedPlugin, 'NodeResourcesFit');

    // examples/scheduling/pod-anti-affinity.yaml: every node fails InterPodAffinity.
    const aa = new ControlPlane({ seed: 1 });
    aa.apply('root', POD_ANTI_AFFINITY);
    aa.advance(30);
    const [stuck] = aa.list('root', { kind: 'Pod', fieldSelector: 'status.phase=Pending' }).items;
    const x = aa.explain('root', { name: stuck.metadata.name });
    assert.equal(x.numFeasibleNodes, 0);
    assert.equal(x.nodes.length, 3);
    assert.ok(x.nodes.every((n) => n.failedPlugin === 'InterPodAffinity'), JSON.stringify(x.nodes));

    // No attempt: null.
    assert.equal(cp.explain('root', { name: 'missing' }), null);
    assert.equal(cp.explain('root', { namespace: 'kube-system', name: pending[0].metadata.name }), null);
  });

  test(`${entry}: bad arguments to evict and explain throw 400`, () => {
    const { cp } = stableAppOnOneNode();
    const before = cp.snapshot();
    for (const m of ['evict', 'explain']) {
      expectError(() => cp[m]('root'), 400);
      expectError(() => cp[m]('root', 'stable-app'), 400);
      expectError(() => cp[m]('root', [{ name: 'x' }]), 400);
      expectError(() => cp[m]('root', {}), 400);
      expectError(() => cp[m]('root', { name: 5 }), 400);
      expectError(() => cp[m]('root', { namespace: 1, name: 'x' }), 400);
      expectError(() => cp[m](7, { name: 'x' }), 400);
    }
    assert.equal(cp.snapshot(), before, 'nothing changed');
  });

  test(`${entry}: list pages with limit and continue`, () => {
    const cp = new ControlPlane();
    cp.apply('root', Array.from({ length: 12 }, (_, i) => CM(`cm-${String(i).padStart(2, '0')}`)));
    // With the namespace's kube-root-ca.crt (the root CA publisher's): 13 ConfigMaps.
    const all = [...Array.from({ length: 12 }, (_, i) => `cm-${String(i).padStart(2, '0')}`), 'kube-root-ca.crt'];
    const names = [];
    let next;
    let pages = 0;
    do {
      const list = cp.list('root', { kind: 'ConfigMap', namespace: 'default', limit: 5, continue: next });
      assertPlain(list);
      pages += 1;
      names.push(...list.items.map((i) => i.metadata.name));
      next = list.metadata.continue;
      if (next) assert.equal(list.metadata.remainingItemCount, all.length - names.length);
    } while (next);
    assert.equal(pages, 3);
    assert.deepEqual(names, all);
    expectError(() => cp.list('root', { kind: 'ConfigMap', continue: 'not base64!' }), 400);
  });

  test(`${entry}: apply goes on past a failing document and reports it`, () => {
    const cp = new ControlPlane();
    const text = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: third}',
    ].join('\n---\n');
    const err = expectError(() => cp.apply('root', text), 422);
    assert.ok(err.reason === 'Invalid');
    let thrown;
    try { cp.apply('root', text); } catch (e) { thrown = e; }
    assert.deepEqual(thrown.result.objects.map((o) => [o.name, o.document, o.line]), [['first', 1, 1], ['third', 3, 9]]);
    assert.deepEqual(thrown.result.errors.map((e) => [e.document, e.line, e.object, e.status.code]), [[2, 5, 'ConfigMap/Bad_Name', 422]]);
    assert.ok(cp.get('root', { kind: 'ConfigMap', name: 'third' }), 'the document after the failure was applied');
  });

  test(`${entry}: kubectlWatch prints what get -w sees as virtual time passes`, () => {
    const cp = new ControlPlane({ seed: 1 });
    cp.apply('root', THREE_NODES);
    const before = cp.now();
    const out = cp.kubectlWatch('get pods -w', 60);
    assert.equal(out.exitCode, 0, out.stderr);
    assert.match(out.stdout, /^NAME +READY +STATUS +RESTARTS +AGE$/m);
    const names = cp.list('root', { kind: 'Pod' }).items.map((p) => p.metadata.name);
    assert.equal(names.length, 5);
    for (const n of names) {
      // Each pod is printed as it goes, ending Running.
      assert.match(out.stdout, new RegExp(`^${n} +1/1 +Running +0 `, 'm'), `${n} reaches Running in the stream`);
    }
    assert.ok(out.stdout.split('\n').length > 6, 'more lines than the first listing');
    assert.equal(Date.parse(cp.now()) - Date.parse(before), 60_000, 'the whole span passed');
    expectError(() => cp.kubectlWatch('get pods -w', -1), 400);
  });

  test(`${entry}: setWorkBudget: a call that spends it stops with a 504 and the next goes on`, () => {
    const cp = new ControlPlane({ seed: 1 });
    cp.apply('root', THREE_NODES);
    cp.setWorkBudget(5);
    const err = expectError(() => cp.advance(60), 504);
    assert.equal(err.reason, 'Timeout');
    const stopped = Date.parse(cp.now());
    assert.ok(stopped < Date.parse('2026-01-01T00:01:00Z'), 'time stopped early');
    cp.setWorkBudget(Infinity);
    cp.advance(60);
    assert.equal(cp.list('root', { kind: 'Pod', fieldSelector: 'status.phase=Running' }).items.length, 5);
    expectError(() => cp.setWorkBudget(0), 400);
    expectError(() => cp.setWorkBudget('many'), 400);
  });
};

module.exports.THREE_NODES = THREE_NODES;
module.exports.assertPlain = assertPlain;
