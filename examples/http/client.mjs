// A Kubernetes client in plain JavaScript (fetch, no library) against kplane's HTTP API:
// list nodes, create a Deployment, watch its pods as virtual time moves, print a Table.
//
// Build the package first (scripts/build-npm.sh), then:
//   node examples/http/client.mjs                       # starts its own server in-process
//   node examples/http/client.mjs --server URL --token T  # against `npx kplane serve`
//     (the token: kubectl config view --raw -o jsonpath='{.users[0].user.token}')
import { ControlPlane, serveHttp } from '../../bindings/pkg/index.mjs'; // in your project: from 'kplane'

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

let server;
let base = arg('--server');
let token = arg('--token');
if (!base) {
  const cp = new ControlPlane({ seed: 1 });
  cp.apply('root', [1, 2, 3].map((i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${i}` },
    status: { capacity: { cpu: '4', memory: '16Gi', pods: '110' } },
  })));
  server = await serveHttp(cp);
  base = `${server.url}/clusters/root`;
  token = server.adminToken;
}

async function api(method, path, body, headers = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${out.reason}: ${out.message}`);
  return out;
}

const nodes = await api('GET', '/api/v1/nodes');
console.log('nodes:', nodes.items.map((n) => n.metadata.name).join(', '));

await api('POST', '/apis/apps/v1/namespaces/default/deployments', {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'hello' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'hello' } },
    template: {
      metadata: { labels: { app: 'hello' } },
      spec: { containers: [{ name: 'hello', image: 'nginx:1.27' }] },
    },
  },
});
console.log('created deployment hello');

// Watch the pods from the list's resourceVersion while the virtual clock moves.
const list = await api('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dhello');
const watch = await fetch(
  `${base}/api/v1/namespaces/default/pods?watch=1&labelSelector=app%3Dhello&resourceVersion=${list.metadata.resourceVersion}`,
  { headers: { Authorization: `Bearer ${token}` } },
);
const reader = watch.body.getReader();
const decoder = new TextDecoder();
let buffered = '';
const running = new Set();
for (let step = 0; step < 20 && running.size < 2; step++) {
  await api('POST', '/kplane/v1/advance?seconds=5');
  const { value } = await Promise.race([
    reader.read(),
    new Promise((r) => setTimeout(() => r({ value: undefined }), 200)),
  ]);
  buffered += value ? decoder.decode(value, { stream: true }) : '';
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const event = JSON.parse(buffered.slice(0, nl));
    buffered = buffered.slice(nl + 1);
    const pod = event.object;
    console.log(`${event.type.padEnd(8)} ${pod.metadata.name} ${pod.status?.phase ?? ''}`);
    if (pod.status?.phase === 'Running') running.add(pod.metadata.name);
  }
}
await reader.cancel();

// Server-side printing, as `kubectl get pods` asks for it.
const table = await api('GET', '/api/v1/namespaces/default/pods', undefined, {
  Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
});
console.log(table.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name.toUpperCase()).join('\t'));
for (const row of table.rows) console.log(row.cells.slice(0, 5).join('\t'));
if (server) await server.close();
