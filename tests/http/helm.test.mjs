// The real helm 4 against serveHttp: examples/helm/web installs, upgrades and rolls back, and
// helm list/status/history read the releases back (Helm keeps them in Secrets).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, root, haveTools } from './harness.mjs';

const CHART = join(root, 'examples', 'helm', 'web');
let k;
before(async () => {
  if (haveTools) k = await start();
});
after(async () => {
  if (k) await k.stop();
});

function ok(r) {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

const deployment = () =>
  k.cp.get('root', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'shop' });

test('helm install, upgrade, rollback, list, status and history', { skip: !haveTools }, async () => {
  const install = ok(await k.helm(['install', 'shop', CHART]));
  assert.match(install, /^NAME: shop$/m);
  assert.match(install, /^STATUS: deployed$/m);
  assert.match(install, /^REVISION: 1$/m);
  assert.equal(deployment().spec.replicas, 2);
  const cm = k.cp.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'shop-config' });
  assert.equal(cm.data.GREETING, 'hello from kplane');
  assert.ok(k.cp.get('root', { kind: 'Service', namespace: 'default', name: 'shop' }));
  k.cp.advance(30);

  const upgrade = ok(await k.helm(['upgrade', 'shop', CHART, '--set', 'replicaCount=4', '--set', 'greeting=hi']));
  assert.match(upgrade, /^STATUS: deployed$/m);
  assert.match(upgrade, /^REVISION: 2$/m);
  assert.equal(deployment().spec.replicas, 4);
  assert.equal(k.cp.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'shop-config' }).data.GREETING, 'hi');
  k.cp.advance(30);

  const list = ok(await k.helm(['list']));
  assert.match(list, /^NAME\s+NAMESPACE\s+REVISION\s+UPDATED\s+STATUS\s+CHART\s+APP VERSION$/m);
  assert.match(list, /^shop\s+default\s+2\s+.+\s+deployed\s+web-0\.1\.0\s+1\.27\s*$/m);

  const rollback = ok(await k.helm(['rollback', 'shop', '1']));
  assert.match(rollback, /Rollback was a success/);
  assert.equal(deployment().spec.replicas, 2);
  assert.equal(k.cp.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'shop-config' }).data.GREETING, 'hello from kplane');

  const status = ok(await k.helm(['status', 'shop']));
  assert.match(status, /^STATUS: deployed$/m);
  assert.match(status, /^REVISION: 3$/m);
  const history = ok(await k.helm(['history', 'shop']));
  assert.match(history, /^1\s+.+\s+superseded\s+web-0\.1\.0/m);
  assert.match(history, /^3\s+.+\s+deployed\s+web-0\.1\.0\s+1\.27\s+Rollback to 1\s*$/m);
  // Releases are Secrets of type helm.sh/release.v1, labelled owner=helm.
  const secrets = k.cp.list('root', { kind: 'Secret', namespace: 'default', labelSelector: 'owner=helm,name=shop' }).items;
  assert.deepEqual(secrets.map((s) => s.metadata.labels.version).sort(), ['1', '2', '3']);

  const uninstall = ok(await k.helm(['uninstall', 'shop']));
  assert.match(uninstall, /release "shop" uninstalled/);
  assert.equal(deployment(), null);
});
