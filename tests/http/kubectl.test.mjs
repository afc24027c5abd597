// The real kubectl (1.32 from the system, 1.35 from tools/) against serveHttp: each command's
// printed output and the state it leaves in the control plane.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { start, root, haveTools, haveKubectl132 } from './harness.mjs';

const WEB = join(root, 'examples', 'http', 'web.yaml');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let k;
before(async () => {
  k = await start({ users: [{ name: 'alice', groups: ['dev'] }] });
});
after(async () => {
  await k.stop();
});

/** Runs a client command while the virtual clock moves `step` seconds every 20 ms. */
async function advancing(command, step = 2) {
  let done = false;
  const p = command.finally(() => {
    done = true;
  });
  while (!done) {
    k.cp.advance(step);
    k.server.flush();
    await sleep(20);
  }
  return p;
}

const deployment = (name) =>
  k.cp.get('root', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name });

function ok(r) {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

test('kubectl api-resources lists kplane kinds from aggregated discovery', { skip: !haveKubectl132 }, async () => {
  const out = ok(await k.kubectl(['api-resources']));
  assert.match(out, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
  assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  assert.match(out, /^nodepools\s+karpenter\.sh\/v1\s+false\s+NodePool$/m);
  const wide = ok(await k.kubectl(['api-resources', '--api-group=apps', '-o', 'wide']));
  assert.match(wide, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment\s+create,delete,deletecollection,get,list,patch,update,watch\s+all$/m);
});

test('kubectl get nodes prints the server-side table', { skip: !haveKubectl132 }, async () => {
  const out = ok(await k.kubectl(['get', 'nodes']));
  const lines = out.trim().split('\n');
  assert.match(lines[0], /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
  assert.equal(lines.length, 4);
  assert.match(lines[1], /^node-1\s+Ready\s+<none>\s+\S+\s+v1\.\d+/);
  const wide = ok(await k.kubectl(['get', 'nodes', '-o', 'wide']));
  assert.match(wide.split('\n')[0], /INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE/);
  const labels = ok(await k.kubectl(['get', 'nodes', '--show-labels', '-l', 'topology.kubernetes.io/zone=zone-2']));
  assert.match(labels, /node-2\s.*topology\.kubernetes\.io\/zone=zone-2/);
  assert.doesNotMatch(labels, /node-1/);
});

test('kubectl apply (client-side) creates, then configures, with last-applied-configuration', { skip: !haveKubectl132 }, async () => {
  const out = ok(await k.kubectl(['apply', '-f', WEB]));
  assert.equal(out, 'deployment.apps/web created\nservice/web created\n');
  const d = deployment('web');
  assert.equal(d.spec.replicas, 3);
  assert.ok(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  await advancing(Promise.resolve());
  k.cp.advance(30);
  const again = ok(await k.kubectl(['apply', '-f', WEB]));
  assert.equal(again, 'deployment.apps/web unchanged\nservice/web unchanged\n');
  // A container field changed in the file: a strategic merge patch computed by kubectl from
  // the OpenAPI v3 schema (containers merged by name).
  const changed = ok(await k.kubectl(['apply', '-f', '-'], {
    stdin: readFileSync(WEB, 'utf8').replace('nginx:1.27', 'nginx:1.28'),
  }));
  assert.match(changed, /^deployment\.apps\/web configured$/m);
  const c = deployment('web').spec.template.spec.containers;
  assert.equal(c.length, 1);
  assert.equal(c[0].image, 'nginx:1.28');
  assert.deepEqual(c[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
});

test('kubectl get -o yaml, json, jsonpath and wide', { skip: !haveKubectl132 }, async () => {
  const yaml = ok(await k.kubectl(['get', 'deploy', 'web', '-o', 'yaml']));
  assert.match(yaml, /^apiVersion: apps\/v1\nkind: Deployment\n/);
  assert.match(yaml, /^ {2}replicas: 3$/m);
  const json = JSON.parse(ok(await k.kubectl(['get', 'svc', 'web', '-o', 'json'])));
  assert.equal(json.kind, 'Service');
  assert.equal(json.spec.ports[0].port, 80);
  const jp = ok(await k.kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']));
  assert.equal(jp, 'nginx:1.28');
  const wide = ok(await k.kubectl(['get', 'pods', '-o', 'wide', '-l', 'app=web']));
  assert.match(wide.split('\n')[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
  assert.match(wide, /web-\S+\s+1\/1\s+Running\s+0\s+\S+\s+\S+\s+node-\d/);
  const all = ok(await k.kubectl(['get', 'pods', '-A', '--no-headers']));
  assert.match(all, /^default\s+web-/m);
});

test('kubectl describe prints the object and its events', { skip: !haveKubectl132 }, async () => {
  k.cp.advance(120); // the image change of the apply test rolls out
  const out = ok(await k.kubectl(['describe', 'deployment', 'web']));
  assert.match(out, /^Name:\s+web$/m);
  assert.match(out, /^Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$/m);
  assert.match(out, /ScalingReplicaSet/);
  const node = ok(await k.kubectl(['describe', 'node', 'node-1']));
  assert.match(node, /^Name:\s+node-1$/m);
  assert.match(node, /Allocatable:/);
});

test('kubectl create, patch (three types), scale and delete', { skip: !haveKubectl132 }, async () => {
  assert.equal(ok(await k.kubectl(['create', 'namespace', 'tools'])), 'namespace/tools created\n');
  assert.equal(
    ok(await k.kubectl(['create', 'deployment', 'api', '--image=nginx', '-n', 'tools'])),
    'deployment.apps/api created\n',
  );
  const api = () => k.cp.get('root', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'tools', name: 'api' });
  assert.equal(api().spec.replicas, 1);
  assert.equal(
    ok(await k.kubectl(['patch', 'deploy', 'api', '-n', 'tools', '-p', '{"spec":{"replicas":2}}'])),
    'deployment.apps/api patched\n',
  );
  assert.equal(api().spec.replicas, 2);
  ok(await k.kubectl(['patch', 'deploy', 'api', '-n', 'tools', '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":"backend"}}}']));
  assert.equal(api().metadata.labels.tier, 'backend');
  ok(await k.kubectl(['patch', 'deploy', 'api', '-n', 'tools', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]']));
  assert.equal(api().spec.replicas, 3);
  assert.equal(ok(await k.kubectl(['scale', 'deploy', 'api', '-n', 'tools', '--replicas=5'])), 'deployment.apps/api scaled\n');
  assert.equal(api().spec.replicas, 5);
  const err = await k.kubectl(['scale', 'deploy', 'nope', '--replicas=1']);
  assert.notEqual(err.code, 0);
  assert.match(err.stderr, /deployments\.apps "nope" not found/);
  assert.equal(ok(await k.kubectl(['delete', 'deploy', 'api', '-n', 'tools'])), 'deployment.apps "api" deleted\n');
  assert.equal(api(), null);
});

test('kubectl apply --server-side owns fields and reports conflicts', { skip: !haveKubectl132 }, async () => {
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n';
  assert.equal(ok(await k.kubectl(['apply', '--server-side', '-f', '-'], { stdin: cm })), 'configmap/settings serverside-applied\n');
  const stored = k.cp.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'settings' });
  assert.equal(stored.data.mode, 'fast');
  assert.ok(stored.metadata.managedFields.some((f) => f.manager === 'kubectl' && f.operation === 'Apply'));
  const conflict = await k.kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], { stdin: cm.replace('fast', 'slow') });
  assert.notEqual(conflict.code, 0);
  assert.match(conflict.stderr, /conflict/i);
  ok(await k.kubectl(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], { stdin: cm.replace('fast', 'slow') }));
  assert.equal(k.cp.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'settings' }).data.mode, 'slow');
  // --dry-run=server writes nothing.
  const dry = ok(await k.kubectl(['apply', '--server-side', '--force-conflicts', '--dry-run=server', '-f', '-'], { stdin: cm.replace('fast', 'dry') }));
  assert.match(dry, /serverside-applied \(server dry run\)/);
  assert.equal(k.cp.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'settings' }).data.mode, 'slow');
});

test('kubectl rollout status follows a rollout as virtual time moves; rollout undo restores the image', { skip: !haveKubectl132 }, async () => {
  ok(await k.kubectl(['set', 'image', 'deployment/web', 'nginx=nginx:1.29']));
  const out = ok(await advancing(k.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s'])));
  assert.match(out, /deployment "web" successfully rolled out/);
  assert.equal(deployment('web').status.updatedReplicas, 3);
  const history = ok(await k.kubectl(['rollout', 'history', 'deployment/web']));
  assert.match(history, /^REVISION\s+CHANGE-CAUSE$/m);
  assert.equal(ok(await k.kubectl(['rollout', 'undo', 'deployment/web'])), 'deployment.apps/web rolled back\n');
  assert.equal(deployment('web').spec.template.spec.containers[0].image, 'nginx:1.28');
  ok(await advancing(k.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s'])));
});

test('kubectl wait returns when the condition holds', { skip: !haveKubectl132 }, async () => {
  ok(await k.kubectl(['scale', 'deploy', 'web', '--replicas=4']));
  const out = ok(await advancing(k.kubectl(['wait', '--for=condition=Available', 'deployment/web', '--timeout=60s'])));
  assert.equal(out, 'deployment.apps/web condition met\n');
  const jp = ok(await advancing(k.kubectl(['wait', '--for=jsonpath={.status.readyReplicas}=4', 'deployment/web', '--timeout=60s'])));
  assert.equal(jp, 'deployment.apps/web condition met\n');
});

test('kubectl cordon and drain evict through the Eviction API', { skip: !haveKubectl132 }, async () => {
  assert.equal(ok(await k.kubectl(['cordon', 'node-3'])), 'node/node-3 cordoned\n');
  assert.equal(k.cp.get('root', { kind: 'Node', name: 'node-3' }).spec.unschedulable, true);
  const out = ok(await advancing(k.kubectl(['drain', 'node-1', '--ignore-daemonsets', '--timeout=60s'])));
  assert.match(out, /^node\/node-1 cordoned$/m);
  assert.match(out, /^node\/node-1 drained$/m);
  const onNode = k.cp.list('root', { kind: 'Pod', fieldSelector: 'spec.nodeName=node-1' }).items;
  assert.deepEqual(onNode.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name), []);
  ok(await k.kubectl(['uncordon', 'node-1']));
  ok(await k.kubectl(['uncordon', 'node-3']));
  assert.equal(k.cp.get('root', { kind: 'Node', name: 'node-1' }).spec.unschedulable, undefined);
});

test('kubectl get -w streams rows as pods change', { skip: !haveKubectl132 }, async () => {
  const watching = k.kubectl(['get', 'pods', '-l', 'app=web', '-w', '--request-timeout=4s'], { timeout: 15000 });
  await sleep(800);
  ok(await k.kubectl(['scale', 'deploy', 'web', '--replicas=5']));
  for (let i = 0; i < 20; i++) {
    k.cp.advance(1);
    k.server.flush();
    await sleep(50);
  }
  const r = await watching;
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  // The initial rows, then rows for the new pod as it is scheduled and starts.
  assert.ok(lines.filter((l) => /\bRunning\b/.test(l)).length > 4, r.stdout);
  assert.ok(lines.some((l) => /\bPending\b|ContainerCreating/.test(l)), r.stdout);
});

test('kubectl explain reads the OpenAPI v3 schema', { skip: !haveKubectl132 }, async () => {
  const out = ok(await k.kubectl(['explain', 'deployment.spec.replicas']));
  assert.match(out, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n\nFIELD: replicas <integer>/);
  const pod = ok(await k.kubectl(['explain', 'pods']));
  assert.match(pod, /^KIND:\s+Pod\nVERSION:\s+v1\n/);
  assert.match(pod, /^ {2}spec\t<PodSpec>$/m);
});

test('RBAC answers real clients: kubeconfig users and --as impersonation', { skip: !haveKubectl132 }, async () => {
  const denied = await k.kubectl(['get', 'pods', '--as=alice']);
  assert.notEqual(denied.code, 0);
  assert.match(
    denied.stderr,
    /Error from server \(Forbidden\): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/,
  );
  // The kubeconfig's user entry for alice (as: alice, as-groups: [dev]).
  const asUser = await k.kubectl(['get', 'deploy', '--user=alice']);
  assert.match(asUser.stderr, /deployments\.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps"/);
  assert.equal((await k.kubectl(['auth', 'can-i', 'list', 'pods', '--as=alice'])).stdout, 'no\n');
  assert.equal(ok(await k.kubectl(['auth', 'whoami', '--user=alice', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}'])), 'alice ["dev","system:authenticated"]');
  // A typed client's create: the RoleBinding comes as protobuf.
  assert.equal(ok(await k.kubectl(['create', 'rolebinding', 'dev-view', '--clusterrole=view', '--group=dev'])), 'rolebinding.rbac.authorization.k8s.io/dev-view created\n');
  assert.equal(ok(await k.kubectl(['auth', 'can-i', 'list', 'pods', '--user=alice'])), 'yes\n');
  const allowed = ok(await k.kubectl(['get', 'pods', '--user=alice', '-l', 'app=web', '--no-headers']));
  assert.match(allowed, /^web-/m);
  const write = await k.kubectl(['delete', 'svc', 'web', '--user=alice']);
  assert.match(write.stderr, /services "web" is forbidden: User "alice" cannot delete resource "services"/);
  assert.ok(k.cp.get('root', { kind: 'Service', namespace: 'default', name: 'web' }));
});

test('a CRD is served at once: discovery, printer columns, client-side apply of its objects', { skip: !haveKubectl132 }, async () => {
  const crd = join(root, 'examples', 'crds', 'prometheuses.monitoring.coreos.com.yaml');
  const obj = join(root, 'examples', 'crds', 'prometheus.yaml');
  assert.match(ok(await k.kubectl(['apply', '-f', crd])), /customresourcedefinition\.apiextensions\.k8s\.io\/prometheuses\.monitoring\.coreos\.com created/);
  assert.equal(ok(await k.kubectl(['apply', '-f', obj])), 'prometheus.monitoring.coreos.com/prometheus created\n');
  const table = ok(await k.kubectl(['get', 'prom']));
  assert.match(table, /^NAME\s+VERSION\s+DESIRED\s+READY\s+RECONCILED\s+AVAILABLE\s+AGE$/m);
  assert.match(table, /^prometheus\s+v3\.5\.0\s+2\s+/m);
  // A changed field: kubectl computes a JSON merge patch for a custom kind.
  const changed = readFileSync(obj, 'utf8').replace('replicas: 2', 'replicas: 3');
  assert.equal(ok(await k.kubectl(['apply', '-f', '-'], { stdin: changed })), 'prometheus.monitoring.coreos.com/prometheus configured\n');
  assert.equal(k.cp.get('root', { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', namespace: 'default', name: 'prometheus' }).spec.replicas, 3);
  const resources = ok(await k.kubectl(['api-resources', '--api-group=monitoring.coreos.com']));
  assert.match(resources, /^prometheuses\s+prom\s+monitoring\.coreos\.com\/v1\s+true\s+Prometheus$/m);
});

test('kubectl 1.35 drives the same server', { skip: !haveTools }, async () => {
  const out = ok(await k.kubectl135(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.name}']));
  assert.equal(out, 'web');
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-135}\ndata: {k: v}\n';
  assert.equal(ok(await k.kubectl135(['apply', '--server-side', '-f', '-'], { stdin: cm })), 'configmap/from-135 serverside-applied\n');
  const table = ok(await k.kubectl135(['get', 'cm', 'from-135']));
  assert.match(table, /^NAME\s+DATA\s+AGE\nfrom-135\s+1\s+/);
  const explain = ok(await k.kubectl135(['explain', 'configmap.data']));
  assert.match(explain, /FIELD: data <map\[string\]string>/);
});

test('kubectl sim advance moves the virtual clock through the plugin', { skip: !haveKubectl132 }, async () => {
  const before = Date.parse(k.cp.now());
  const out = ok(await k.kubectl(['sim', 'advance', '2m']));
  assert.match(out, /^virtual time is now \S+Z$/m);
  assert.equal(Date.parse(k.cp.now()) - before, 120000);
  assert.equal(ok(await k.kubectl(['sim', 'now'])).trim(), k.cp.now());
});
