// Workspaces through the npm package: the scenarios of examples/workspaces/ (an organization
// with two teams applying the same Deployment, a user denied until a RoleBinding, an API
// exported by a platform team and bound by two teams), identity views and the kubectl context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ControlPlane, KplaneError } from '../../bindings/pkg/index.mjs';

const example = (name) => readFileSync(new URL(`../../examples/workspaces/${name}`, import.meta.url), 'utf8');

function organization() {
  const cp = new ControlPlane({ seed: 4 });
  cp.apply('root', example('nodes.yaml'));
  cp.apply('root', example('organization.yaml'));
  cp.apply('root:acme', example('teams.yaml'));
  return cp;
}

function expectError(fn, code) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KplaneError, `not a KplaneError: ${e}`);
    assert.equal(e.status.code, code, e.message);
    return e;
  }
  assert.fail(`expected a ${code}`);
}

test('workspaces: an organization with two teams applying the same Deployment', () => {
  const cp = organization();
  const acme = cp.get('root', { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', name: 'acme' });
  assert.equal(acme.status.phase, 'Ready');
  assert.deepEqual(acme.spec.type, { name: 'organization', path: 'root' });
  for (const team of ['root:acme:team-a', 'root:acme:team-b']) {
    cp.apply(team, example('web.yaml'));
    assert.deepEqual(
      cp.list(team, { kind: 'Namespace' }).items.map((n) => n.metadata.name),
      ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
    );
  }
  const a = cp.get('root:acme:team-a', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' });
  const b = cp.get('root:acme:team-b', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' });
  assert.notEqual(a.metadata.uid, b.metadata.uid);
  assert.equal(cp.get('root:acme', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }), null);
  // The shared data plane: root's nodes, readable from a team, not writable there.
  assert.deepEqual(cp.list('root:acme:team-a', { kind: 'Node' }).items.map((n) => n.metadata.name), ['node-1', 'node-2']);
  const e = expectError(() => cp.apply('root:acme:team-a', 'apiVersion: v1\nkind: Node\nmetadata: {name: mine}\n'), 403);
  assert.match(e.message, /shared data plane/);
  // Paths that are not paths, and paths to nothing.
  expectError(() => cp.list('root:acme:team-a:..', { kind: 'Pod' }), 400);
  expectError(() => cp.list('root:acme:team-c', { kind: 'Pod' }), 404);
});

test('workspaces: a team member is denied until a RoleBinding, through a view', () => {
  const cp = organization();
  const alice = cp.as('alice', ['dev']);
  assert.deepEqual(alice.whoami(), { name: 'alice', groups: ['dev', 'system:authenticated'] });
  assert.deepEqual(cp.whoami(), { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] });
  const e = expectError(() => alice.list('root:acme:team-a', { kind: 'Pod', namespace: 'default' }), 403);
  assert.equal(e.message, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
  assert.equal(e.status.reason, 'Forbidden');
  cp.apply('root:acme:team-a', example('alice-edit.yaml'));
  alice.apply('root:acme:team-a', example('web.yaml'));
  assert.equal(alice.list('root:acme:team-a', { kind: 'Deployment', namespace: 'default' }).items.length, 1);
  expectError(() => alice.list('root:acme:team-b', { kind: 'Pod', namespace: 'default' }), 403);
  // The control plane itself still calls as system:admin.
  assert.equal(cp.list('root:acme:team-b', { kind: 'Pod', namespace: 'default' }).items.length, 0);
  assert.equal(cp.kubectl('auth can-i create deployments --as alice -n default').stdout, 'no\n');
});

test('workspaces: an API exported by a platform team and bound by two teams', () => {
  const cp = organization();
  cp.apply('root:acme', example('platform.yaml'));
  cp.apply('root:acme:platform', example('database-api.yaml'));
  const bob = cp.as('bob', ['acme-developers', 'system:masters']);
  for (const team of ['root:acme:team-a', 'root:acme:team-b']) {
    bob.apply(team, example('database-binding.yaml'));
    const binding = cp.get(team, { apiVersion: 'apis.kcp.io/v1alpha1', kind: 'APIBinding', name: 'databases' });
    assert.equal(binding.status.phase, 'Bound');
    cp.apply(team, example('database.yaml'));
    const db = cp.get(team, { apiVersion: 'platform.acme.io/v1', kind: 'Database', namespace: 'default', name: 'orders' });
    assert.deepEqual(db.spec, { engine: 'postgres', size: 'small', replicas: 1 });
  }
  const invalid = expectError(
    () => cp.apply('root:acme:team-a', 'apiVersion: platform.acme.io/v1\nkind: Database\nmetadata: {name: x, namespace: default}\nspec: {engine: oracle}\n'),
    422,
  );
  assert.equal(invalid.status.details.causes[0].field, 'spec.engine');
  const content = cp.listExportContent('root:acme:platform', 'databases', { kind: 'Database' });
  assert.deepEqual(
    content.items.map((i) => [i.metadata.annotations['kcp.io/cluster'], i.metadata.name]),
    [['root:acme:team-a', 'orders'], ['root:acme:team-b', 'orders']],
  );
  expectError(() => cp.apply('root:acme', example('database.yaml')), 404);
});

test('workspaces: kubectl keeps a current workspace across calls', () => {
  const cp = organization();
  assert.deepEqual(cp.kubectlContext(), { workspace: 'root' });
  assert.equal(cp.kubectl('ws acme:team-a').stdout, "Current workspace is 'root:acme:team-a' (type root:team).\n");
  assert.deepEqual(cp.kubectlContext(), { workspace: 'root:acme:team-a', previous: 'root' });
  assert.equal(cp.kubectl('apply -f -', example('web.yaml')).stdout, 'deployment.apps/web created\n');
  assert.equal(cp.list('root:acme:team-a', { kind: 'Deployment' }).items.length, 1);
  assert.equal(cp.list('root', { kind: 'Deployment' }).items.length, 0);
  assert.equal(cp.kubectl('ws :').stdout, "Current workspace is 'root'.\n");
  assert.equal(cp.kubectl('ws tree').stdout, '.\n└── root\n    └── acme\n        ├── team-a\n        └── team-b\n\n');
});

test('workspaces: scale and status subresources, deleteCollection', () => {
  const cp = organization();
  cp.apply('root:acme:team-a', example('web.yaml'));
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' };
  assert.equal(cp.getScale('root:acme:team-a', ref).spec.replicas, 2);
  assert.equal(cp.scale('root:acme:team-a', ref, 3).spec.replicas, 3);
  assert.equal(cp.get('root:acme:team-a', ref).spec.replicas, 3);
  expectError(() => cp.scale('root:acme:team-a', ref, 1.5), 400);
  const deleted = cp.deleteCollection('root:acme:team-a', { kind: 'Deployment', namespace: 'default' });
  assert.deepEqual(deleted.map((d) => d.metadata.name), ['web']);
});
