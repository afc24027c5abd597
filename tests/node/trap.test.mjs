// Trap recovery: a call that traps (a panic inside WebAssembly) throws a KplaneError 500
// InternalError naming the call; the instance is restarted and every live ControlPlane goes on
// with its objects (bindings/js/guard.mjs). Also: JS calls with missing or wrong arguments
// throw a KplaneError 400, never a TypeError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ControlPlane, KplaneError } from '../../bindings/pkg/index.mjs';

const require = createRequire(import.meta.url);
const CM = (name, data) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });
const NODE = 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {capacity: {cpu: "4", memory: 8Gi, pods: "110"}}\n';

function expectTrap(KplaneError, fn, call) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof KplaneError, `expected a KplaneError, got ${err}`);
  assert.equal(err.status.code, 500);
  assert.equal(err.status.reason, 'InternalError');
  assert.match(err.status.message, new RegExp(`kplane trapped in ${call}`));
  assert.ok(err.cause instanceof WebAssembly.RuntimeError);
  return err;
}

for (const [entry, kplane] of [
  ['esm', { ControlPlane, KplaneError }],
  ['cjs', require('../../bindings/pkg/index.cjs')],
]) {
  test(`${entry}: a trap is a 500 naming the call; every control plane of the instance survives it`, () => {
    const { ControlPlane } = kplane;
    const other = new ControlPlane({ seed: 1 });
    other.apply('root', NODE);
    other.create('root', CM('kept', { a: '1' }));
    other.advance(10);
    const alice = other.as('alice', ['system:masters']);
    const before = other.snapshot();

    const victim = new ControlPlane({ seed: 2 });
    victim.create('root', CM('mine', { b: '2' }));
    victim.kubectl('create namespace team');

    expectTrap(kplane.KplaneError, () => victim.__trapForTest(), '__trapForTest');

    // The other control plane: same state, still usable, as are its views.
    assert.equal(other.snapshot(), before);
    assert.deepEqual(other.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'kept' }).data, { a: '1' });
    other.create('root', CM('after', { c: '3' }));
    other.advance(5);
    assert.equal(other.nodes().length, 1);
    assert.equal(alice.whoami().name, 'alice');
    assert.ok(alice.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'after' }));
    // The one whose call trapped: its last consistent state.
    assert.deepEqual(victim.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'mine' }).data, { b: '2' });
    assert.ok(victim.get('root', { apiVersion: 'v1', kind: 'Namespace', name: 'team' }));
    victim.create('root', CM('again', {}));
    // New control planes work; nothing says "recursive use of an object".
    const fresh = new ControlPlane();
    fresh.create('root', CM('x', {}));
    assert.ok(fresh.list('root', { kind: 'ConfigMap', namespace: 'default' }).items.some((c) => c.metadata.name === 'x'));
    // A second trap recovers as well.
    expectTrap(kplane.KplaneError, () => other.__trapForTest(), '__trapForTest');
    assert.ok(other.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'after' }));
    assert.ok(victim.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'again' }));
  });

  test(`${entry}: missing and wrong arguments are a KplaneError 400, not a TypeError`, () => {
    const { ControlPlane, KplaneError } = kplane;
    const cp = new ControlPlane();
    const calls = {
      apply: () => cp.apply(),
      get: () => cp.get(),
      list: () => cp.list('root'),
      create: () => cp.create('root'),
      update: () => cp.update(),
      patch: () => cp.patch('root', { kind: 'ConfigMap', name: 'x' }),
      delete: () => cp.delete('root'),
      advance: () => cp.advance(),
      kubectl: () => cp.kubectl(),
      evict: () => cp.evict('root'),
      failNode: () => cp.failNode(),
      explain: () => cp.explain('root'),
      as: () => cp.as(),
      restore: () => ControlPlane.restore(),
      patchValue: () => ControlPlane.patchValue(),
      statusBody: () => ControlPlane.statusBody(),
      decodeProtobuf: () => ControlPlane.decodeProtobuf(),
      detached: () => ControlPlane.prototype.get.call({}, 'root', { kind: 'Pod', name: 'x' }),
    };
    for (const [name, fn] of Object.entries(calls)) {
      let err;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof KplaneError, `${name}: expected a KplaneError, got ${err && err.name}: ${err && err.message}`);
      assert.equal(err.status.code, 400, `${name}: ${err.message}`);
    }
  });
}
