// kplane's HTTP API at the wire: discovery and OpenAPI documents, Status errors as
// kube-apiserver writes them (never a crash on malformed requests), watch streams (bookmarks,
// 410, sendInitialEvents, time moving), dryRun, deletecollection, tokens, the loopback rule,
// the `kplane serve` bin and the client example.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { start, root, ControlPlane, serveHttp } from './harness.mjs';

let k;
before(async () => {
  k = await start({ users: [{ name: 'bob', groups: ['dev'], token: 'bob-token' }] });
});
after(async () => {
  await k.stop();
});

const json = async (res) => ({ status: res.status, headers: res.headers, body: await res.json() });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('aggregated discovery is answered when asked, legacy otherwise', async () => {
  const agg = await json(await k.fetch('/clusters/root/apis', {
    headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' },
  }));
  assert.equal(agg.status, 200);
  assert.equal(agg.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(agg.body.kind, 'APIGroupDiscoveryList');
  assert.ok(agg.body.items.some((g) => g.metadata.name === 'apps'));
  const legacy = await json(await k.fetch('/apis'));
  assert.equal(legacy.body.kind, 'APIGroupList');
  const core = await json(await k.fetch('/api/v1'));
  assert.ok(core.body.resources.some((r) => r.name === 'pods/eviction' && r.group === 'policy'));
  const version = await json(await k.fetch('/version'));
  assert.equal(version.body.major, '1');
});

test('OpenAPI v3 root URLs keep the workspace prefix; v2 is served', async () => {
  const rootDoc = await json(await k.fetch('/clusters/root/openapi/v3'));
  const url = rootDoc.body.paths['apis/apps/v1'].serverRelativeURL;
  assert.match(url, /^\/clusters\/root\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{64}$/);
  const apps = await json(await k.fetch(url));
  assert.equal(apps.body.openapi, '3.0.0');
  assert.ok(apps.body.components.schemas['io.k8s.api.apps.v1.Deployment']);
  const v2 = await json(await k.fetch('/openapi/v2'));
  assert.equal(v2.body.swagger, '2.0');
});

test('errors are Status objects as kube-apiserver writes them', async () => {
  const nf = await k.fetch('/api/v1/namespaces/default/pods/nope');
  assert.equal(nf.status, 404);
  assert.equal(
    await nf.text(),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"nope\\" not found","reason":"NotFound","details":{"name":"nope","kind":"pods"},"code":404}',
  );
  const cases = [
    ['/api/v1/nosuchresource', {}, 404, 'NotFound'],
    ['/apis/apps/v1/namespaces/default/deployments', { method: 'POST', body: '{not json' }, 400, 'BadRequest'],
    ['/apis/apps/v1/namespaces/default/deployments', { method: 'POST', body: '[]' }, 400, 'BadRequest'],
    ['/apis/apps/v1/namespaces/default/deployments', { method: 'POST', body: '{"apiVersion":"v1","kind":"Pod"}' }, 400, 'BadRequest'],
    ['/apis/apps/v1/namespaces/default/deployments', { method: 'POST', body: '{"metadata":{"name":"x"},"spec":{"replicas":-1}}' }, 422, 'Invalid'],
    ['/api/v1/namespaces/default/configmaps/x', { method: 'PATCH', body: '{}', headers: { 'Content-Type': 'text/plain' } }, 415, 'UnsupportedMediaType'],
    ['/api/v1/namespaces/default/configmaps?limit=-1', {}, 400, 'BadRequest'],
    ['/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20(', {}, 400, 'BadRequest'],
    ['/api/v1/namespaces/default/configmaps?dryRun=Some', { method: 'POST', body: '{}' }, 400, 'BadRequest'],
    ['/clusters/root:nope/api/v1/namespaces/default/pods', {}, 404, 'NotFound'],
    ['/api/v1/namespaces/default/pods', { method: 'PUT', body: '{}' }, 405, 'MethodNotAllowed'],
    ['/kplane/v1/advance?seconds=-5', { method: 'POST' }, 400, 'BadRequest'],
    ['/api/v1/namespaces/default/pods', { token: 'wrong' }, 401, 'Unauthorized'],
    ['/api/v1/namespaces/%zz/pods', {}, 400, 'BadRequest'],
    ['/api/v1/namespaces/default/pods', { method: 'POST', body: 'k8s\u0000\n\u00ff', headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' } }, 400, 'BadRequest'],
    ['/api/v1/namespaces/default/pods/x/log', {}, 404, 'NotFound'],
  ];
  for (const [path, init, code, reason] of cases) {
    const r = await json(await k.fetch(path, init));
    assert.equal(r.status, code, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.kind, 'Status', path);
    assert.equal(r.body.reason, reason, `${path}: ${r.body.message}`);
    assert.equal(r.body.code, code);
  }
  // Still serving.
  assert.equal((await k.fetch('/healthz')).status, 200);
});

test('bearer tokens map to users; RBAC and impersonation answer', async () => {
  const denied = await json(await k.fetch('/api/v1/namespaces/default/pods', { token: 'bob-token' }));
  assert.equal(denied.status, 403);
  assert.equal(denied.body.message, 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"');
  const imp = await json(await k.fetch('/api/v1/namespaces/default/pods', {
    token: 'bob-token',
    headers: { 'Impersonate-User': 'alice' },
  }));
  assert.equal(imp.status, 403);
  assert.match(imp.body.message, /User "bob" cannot impersonate resource "users" in API group ""/);
  const asAdmin = await json(await k.fetch('/api/v1/namespaces/default/pods', {
    headers: { 'Impersonate-User': 'carol', 'Impersonate-Group': 'system:masters' },
  }));
  assert.equal(asAdmin.status, 200);
  // Without a token (kubectl over plain HTTP): system:admin, unless the server says otherwise.
  assert.equal((await fetch(`${k.server.url}/api/v1/namespaces/default/pods`)).status, 200);
  const strict = await serveHttp(new ControlPlane(), { unauthenticated: 'anonymous' });
  const anonymous = await json(await fetch(`${strict.url}/api/v1/namespaces/default/pods`));
  await strict.close();
  assert.equal(anonymous.status, 403);
  assert.equal(anonymous.body.message, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
  assert.match(k.server.kubeconfig('root', { user: 'bob' }), /token: "bob-token"/);
});

test('dryRun=All answers as a write would and persists nothing', async () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: '1' } };
  const r = await json(await k.fetch('/api/v1/namespaces/default/configmaps?dryRun=All', { method: 'POST', body: JSON.stringify(cm) }));
  assert.equal(r.status, 201);
  assert.equal(r.body.metadata.name, 'dry');
  assert.equal(k.cp.get('root', { kind: 'ConfigMap', namespace: 'default', name: 'dry' }), null);
});

test('create, server-side apply by PATCH, table, deletecollection', async () => {
  for (const name of ['a', 'b', 'c']) {
    const r = await k.fetch('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      body: JSON.stringify({ metadata: { name: `col-${name}`, labels: { set: 'col' } }, data: { x: name } }),
    });
    assert.equal(r.status, 201);
  }
  const applied = await json(await k.fetch('/api/v1/namespaces/default/configmaps/col-d?fieldManager=test', {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/apply-patch+yaml' },
    body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: col-d\n  labels: {set: col}\ndata: {x: d}\n',
  }));
  assert.equal(applied.status, 201);
  assert.equal(applied.body.metadata.managedFields[0].manager, 'test');
  const page = await json(await k.fetch('/api/v1/namespaces/default/configmaps?labelSelector=set%3Dcol&limit=2'));
  assert.equal(page.body.items.length, 2);
  assert.ok(page.body.metadata.continue);
  const rest = await json(await k.fetch(`/api/v1/namespaces/default/configmaps?labelSelector=set%3Dcol&limit=2&continue=${encodeURIComponent(page.body.metadata.continue)}`));
  assert.deepEqual(rest.body.items.map((i) => i.metadata.name), ['col-c', 'col-d']);
  const table = await json(await k.fetch('/api/v1/namespaces/default/configmaps?labelSelector=set%3Dcol', {
    headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
  }));
  assert.equal(table.body.kind, 'Table');
  assert.deepEqual(table.body.columnDefinitions.map((c) => c.name), ['Name', 'Data', 'Age']);
  assert.deepEqual(table.body.rows[0].cells.slice(0, 2), ['col-a', '1']);
  const gone = await json(await k.fetch('/api/v1/namespaces/default/configmaps?labelSelector=set%3Dcol', { method: 'DELETE' }));
  assert.equal(gone.status, 200);
  assert.equal(gone.body.items.length, 4);
  assert.equal(k.cp.list('root', { kind: 'ConfigMap', namespace: 'default', labelSelector: 'set=col' }).items.length, 0);
});

/** Reads watch events from a streaming response until `until(events)` or `ms` pass. */
async function readEvents(res, until, ms = 5000, step) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const events = [];
  let buf = '';
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !until(events)) {
    if (step) step();
    const r = await Promise.race([reader.read(), sleep(100).then(() => null)]);
    if (r && r.done) break;
    if (r && r.value) buf += decoder.decode(r.value, { stream: true });
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  }
  await reader.cancel().catch(() => {});
  return events;
}

test('watch streams events as time moves, with bookmarks', async () => {
  const list = await json(await k.fetch('/api/v1/namespaces/default/pods'));
  const res = await k.fetch(`/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${list.body.metadata.resourceVersion}`);
  assert.equal(res.status, 200);
  k.cp.apply('root', 'apiVersion: v1\nkind: Pod\nmetadata: {name: watched}\nspec: {containers: [{name: c, image: nginx}]}\n');
  k.server.flush();
  const events = await readEvents(
    res,
    (ev) => ev.some((e) => e.type === 'MODIFIED' && e.object.status?.phase === 'Running') && ev.some((e) => e.type === 'BOOKMARK'),
    8000,
    () => {
      k.cp.advance(1);
      k.server.flush();
    },
  );
  assert.equal(events[0].type, 'ADDED');
  assert.equal(events[0].object.metadata.name, 'watched');
  assert.ok(events.some((e) => e.type === 'MODIFIED' && e.object.status?.phase === 'Running'));
  const bookmark = events.find((e) => e.type === 'BOOKMARK');
  assert.ok(bookmark, JSON.stringify(events.map((e) => e.type)));
  assert.match(bookmark.object.metadata.resourceVersion, /^\d+$/);
});

test('a too old resourceVersion is a 410 Expired event; sendInitialEvents ends with the annotated bookmark', async () => {
  // History is compacted every 5 virtual minutes.
  k.cp.advance(600);
  const old = await k.fetch('/api/v1/namespaces/default/pods?watch=1&resourceVersion=1');
  const events = await readEvents(old, (ev) => ev.length > 0, 3000);
  assert.equal(events[0].type, 'ERROR');
  assert.equal(events[0].object.code, 410);
  assert.equal(events[0].object.reason, 'Expired');
  const initial = await k.fetch('/api/v1/namespaces/default/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
  const ev = await readEvents(initial, (e) => e.some((x) => x.type === 'BOOKMARK'), 3000);
  const b = ev.find((e) => e.type === 'BOOKMARK');
  assert.equal(b.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  assert.ok(ev.filter((e) => e.type === 'ADDED').length >= 1);
});

test('the server refuses non-loopback addresses and says why', async () => {
  const cp = new ControlPlane();
  await assert.rejects(serveHttp(cp, { host: '0.0.0.0' }), /refusing to listen on 0\.0\.0\.0: kplane serves plain HTTP \(no TLS\)/);
  await assert.rejects(serveHttp(cp, { port: -1 }), /port must be an integer/);
});

test('POST /kplane/v1/advance moves the clock; speed follows the wall clock', async () => {
  const before = Date.parse(k.cp.now());
  const r = await json(await k.fetch('/clusters/root/kplane/v1/advance?seconds=30', { method: 'POST' }));
  assert.equal(r.status, 200);
  assert.equal(Date.parse(r.body.now) - before, 30000);
  const cp = new ControlPlane();
  const fast = await serveHttp(cp, { speed: 100, tickMs: 20 });
  const t0 = Date.parse(cp.now());
  await sleep(300);
  const moved = Date.parse(cp.now()) - t0;
  await fast.close();
  assert.ok(moved >= 10000, `moved ${moved} ms`);
});

test('kplane serve writes a kubeconfig with a context per workspace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kplane-serve-'));
  const file = join(dir, 'kubeconfig');
  const child = spawn(process.execPath, [join(root, 'bindings', 'pkg', 'bin', 'kplane.cjs'), 'serve', '--kubeconfig', file, '--speed', '0', '-f', join(root, 'examples', 'workspaces', 'organization.yaml')]);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  for (let i = 0; i < 100 && !out.includes('kubeconfig written'); i++) await sleep(50);
  try {
    assert.match(out, /serving the Kubernetes API on http:\/\/127\.0\.0\.1:\d+/);
    const config = readFileSync(file, 'utf8');
    assert.match(config, /server: "http:\/\/127\.0\.0\.1:\d+\/clusters\/root"/);
    assert.match(config, /current-context: "root"/);
    // A context per workspace: examples/workspaces/organization.yaml makes root:acme.
    assert.match(config, /server: "http:\/\/127\.0\.0\.1:\d+\/clusters\/root:acme"/);
    const ns = await new Promise((resolve) =>
      execFile('/usr/bin/kubectl', ['get', 'namespaces', '--context', 'root:acme', '-o', 'name'], { env: { ...process.env, KUBECONFIG: file, KUBECACHEDIR: join(dir, 'cache') } }, (err, stdout, stderr) => resolve({ err, stdout, stderr })),
    );
    assert.equal(ns.err, null, ns.stderr);
    assert.match(ns.stdout, /^namespace\/default$/m);
    const nodes = await new Promise((resolve) =>
      execFile('/usr/bin/kubectl', ['get', 'nodes', '--no-headers'], { env: { ...process.env, KUBECONFIG: file, KUBECACHEDIR: join(dir, 'cache') } }, (err, stdout, stderr) => resolve({ err, stdout, stderr })),
    );
    assert.equal(nodes.err, null, nodes.stderr);
    assert.equal(nodes.stdout.trim().split('\n').length, 3);
  } finally {
    child.kill('SIGTERM');
  }
});

test('examples/http/client.mjs lists, creates, watches and prints a table', async () => {
  const out = await new Promise((resolve, reject) =>
    execFile(process.execPath, [join(root, 'examples', 'http', 'client.mjs')], { timeout: 60000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout))),
  );
  assert.match(out, /^nodes: node-1, node-2, node-3$/m);
  assert.match(out, /^created deployment hello$/m);
  assert.match(out, /^(ADDED|MODIFIED)\s+hello-\S+ Running$/m);
  assert.match(out, /^NAME\tREADY\tSTATUS\tRESTARTS\tAGE$/m);
  assert.match(out, /^hello-\S+\t1\/1\tRunning\t0\t/m);
});

test('with speed, the clock follows the wall clock and kubectl rollout status completes by itself', async () => {
  const fast = await start({ speed: 60, tickMs: 50 });
  try {
    const created = await fast.kubectl(['create', 'deployment', 'quick', '--image=nginx', '--replicas=2']);
    assert.equal(created.code, 0, created.stderr);
    const r = await fast.kubectl(['rollout', 'status', 'deployment/quick', '--timeout=30s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment "quick" successfully rolled out/);
    assert.equal(fast.cp.get('root', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'quick' }).status.availableReplicas, 2);
  } finally {
    await fast.stop();
  }
});
