"""Generates core/src/rest/proto.txt: the protobuf messages of the kinds kplane serves, as
k8s.io/api and k8s.io/apimachinery declare them (generated.proto, v0.32.0), for decoding the
protobuf request bodies client-go's typed clients send (kubectl create rolebinding, Helm's
release Secrets). Usage: python3 gen_proto.py OUT.txt FILE.proto...

The inputs: k8s.io/api v0.32.0 {core,apps,batch,policy,networking,storage,scheduling,node,rbac,
coordination,discovery,events,admissionregistration,authorization,authentication}/v1 and
autoscaling/{v1,v2} generated.proto; k8s.io/apimachinery v0.32.0 pkg/apis/meta/v1,
pkg/api/resource, pkg/util/intstr and pkg/runtime generated.proto.

Each line is `package.Message num:name:type[*] ...`: `*` marks a repeated field; `type` is a
scalar (string, bytes, int32, int64, bool, double, float), a fully qualified message, or
`map<K,V>` with K and V so written."""
import re, sys

SCALARS = {'string', 'bytes', 'int32', 'int64', 'bool', 'double', 'float', 'uint32', 'uint64', 'fixed64', 'sfixed64'}
out = {}
for path in sys.argv[2:]:
    text = open(path).read()
    pkg = re.search(r'^package ([\w.]+);', text, re.M).group(1)
    def qualify(t):
        t = t.lstrip('.')
        if t in SCALARS or '.' in t:
            return t
        return f'{pkg}.{t}'
    for m in re.finditer(r'^message (\w+) \{(.*?)^\}', text, re.M | re.S):
        name, body = m.group(1), m.group(2)
        fields = []
        for f in re.finditer(r'^\s*(optional|repeated)?\s*(map<\s*(\w+)\s*,\s*([\w.]+)\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+)', body, re.M):
            label, typ, mk, mv, fname, num = f.groups()
            if mk:
                typ = f'map<{qualify(mk)},{qualify(mv)}>'
            else:
                typ = qualify(typ)
            fields.append(f'{num}:{fname}:{typ}{"*" if label == "repeated" else ""}')
        out[f'{pkg}.{name}'] = fields
with open(sys.argv[1], 'w') as f:
    for name in sorted(out):
        f.write(name + ' ' + ' '.join(out[name]) + '\n')
print(len(out), 'messages', file=sys.stderr)
