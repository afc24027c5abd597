// What does consolidation do to my bill, and to my PDBs? Runs examples/karpenter/critical-web-service.yaml:
// a burst makes Karpenter launch nodes, the burst ends, consolidation moves the web pods to
// cheaper nodes. Prints the cost before and after, and why the last nodes stay.
// Build the package first (scripts/build-npm.sh), then: node examples/node/karpenter-cost.mjs
import { readFileSync } from 'node:fs';
import { ControlPlane } from '../../bindings/pkg/index.mjs'; // in your project: from 'kplane'

const cp = new ControlPlane({ seed: 3 });
cp.apply('root', readFileSync(new URL('../karpenter/critical-web-service.yaml', import.meta.url), 'utf8'));
cp.advance(90);
const before = cp.cost();
console.log(`burst: ${before.nodes.length} nodes, $${before.pricePerHour.toFixed(3)}/h`);
cp.kubectl('scale deployment batch-burst --replicas=0');
let minAvailable = Infinity;
for (let t = 0; t < 900; t += 5) {
  cp.advance(5);
  const web = cp.list('root', { kind: 'Pod', labelSelector: 'app=critical-web-service' }).items;
  const ready = web.filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  minAvailable = Math.min(minAvailable, ready.length);
}
const after = cp.cost();
console.log(`consolidated: ${after.nodes.length} nodes, $${after.pricePerHour.toFixed(3)}/h, ${after.nodes.map((n) => n.instanceType).join(', ')}`);
console.log(`web replicas available throughout: at least ${minAvailable}`);
for (const n of after.nodes) {
  const e = cp.explainNode(n.name);
  console.log(`${n.name}: ${e.simulation.decision} (${e.simulation.message})`);
}
console.log(`spent: $${after.total.toFixed(2)}`);
