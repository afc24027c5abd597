// Watch a rolling update: list the pods, patch the Deployment's image, let 2 virtual minutes
// pass, then read every pod change since the list from watch(), as a controller would.
// Build the package first (scripts/build-npm.sh), then: node examples/node/rollout-watch.mjs
import { readFileSync } from 'node:fs';
import { ControlPlane } from '../../bindings/pkg/index.mjs'; // in your project: from 'kplane'

const cp = new ControlPlane({ seed: 1 });
cp.apply('root', readFileSync(new URL('../three-nodes.yaml', import.meta.url), 'utf8'));
cp.advance(60);

const { metadata } = cp.list('root', { kind: 'Pod', labelSelector: 'app=web' });
cp.patch('root', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, {
  spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } },
}); // a strategic merge patch: the container is matched by name
cp.advance(120);

const counts = {};
for (const { type, object } of cp.watch('root', { kind: 'Pod', labelSelector: 'app=web', resourceVersion: metadata.resourceVersion })) {
  counts[type] = (counts[type] ?? 0) + 1;
  if (type === 'ADDED' || type === 'DELETED') {
    console.log(`${type.padEnd(7)} ${object.metadata.name} ${object.spec.containers[0].image}`);
  } else if (type === 'BOOKMARK') {
    console.log(`resume from resourceVersion ${object.metadata.resourceVersion}`);
  }
}
console.log(JSON.stringify(counts));
