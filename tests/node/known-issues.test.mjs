// Known core bugs, reported and not yet fixed. Marked `todo`, they do not fail the run; drop
// the `todo` (or move the test into suite.cjs) once the core fix lands. A reproduction that
// panics must run in a child process: a panic poisons the WebAssembly instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';

test(
  "kubectl patch --type json with a one-operation array patches",
  { todo: 'core: kubectl patch decodes -p with decode::decode, which unwraps a JSON array of one element into that element' },
  async () => {
    const { ControlPlane } = await import('../../bindings/pkg/index.mjs');
    const cp = new ControlPlane();
    cp.create('root', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } });
    const out = cp.kubectl(`patch configmap c --type json -p '[{"op":"replace","path":"/data/a","value":"2"}]'`);
    assert.equal(out.exitCode, 0, out.stderr);
    assert.deepEqual(cp.get('root', { kind: 'ConfigMap', name: 'c' }).data, { a: '2' });
  },
);

test(
  'watch with a field selector the kind does not support is a 400, as list is',
  { todo: 'core: ControlPlane::watch parses the field selector but skips check_supported, which list_items does' },
  async () => {
    const { ControlPlane } = await import('../../bindings/pkg/index.mjs');
    const cp = new ControlPlane();
    assert.throws(() => cp.list('root', { kind: 'Pod', fieldSelector: 'spec.bogus=1' }), (e) => e.status.code === 400);
    assert.throws(() => cp.watch('root', { kind: 'Pod', fieldSelector: 'spec.bogus=1' }), (e) => e.status.code === 400);
  },
);
