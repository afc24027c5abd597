// What if we apply examples/three-nodes.yaml? Where do the pods land, and what cannot schedule?
// Build the package first (scripts/build-npm.sh), then: node examples/node/what-if.mjs [manifests.yaml]
import { readFileSync } from 'node:fs';
import { ControlPlane } from '../../bindings/pkg/index.mjs'; // in your project: from 'kplane'

const cp = new ControlPlane({ seed: 1 });
cp.apply('root', readFileSync(process.argv[2] ?? new URL('../three-nodes.yaml', import.meta.url), 'utf8'));
cp.advance(60);
for (const n of cp.nodes()) {
  console.log(`${n.name} (${n.requestedMilliCpu}m of ${n.allocatableMilliCpu}m cpu): ${n.pods.map((p) => `${p.name} ${p.status}`).join(', ') || '-'}`);
}
for (const p of cp.list('root', { kind: 'Pod', fieldSelector: 'spec.nodeName=' }).items) {
  console.log(`${p.metadata.name} pending: ${p.status.conditions?.find((c) => c.type === 'PodScheduled')?.message}`);
}
