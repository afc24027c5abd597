"""Generates core/src/kubectl/explain/docs.json: the OpenAPI v3 schemas `kubectl explain`
renders for the built-in kinds kplane serves. Sources, first match wins:
kubernetes/kubectl testdata/openapi/v3 (api/v1, apis/apps/v1, apis/autoscaling/v2, v1) and
kubernetes/client-go openapi/openapitest/testdata (batch/v1, discovery.k8s.io/v1), then the
v1.27 swagger of kubernetes/kube-openapi pkg/schemaconv/testdata/swagger.json converted as the
API server publishes v3 (a $ref with siblings wrapped in allOf). Only the keys the explain
template reads are kept, and the list and patch extensions that the API server's OpenAPI documents
carry for `kubectl apply`'s strategic merge patch (see core/src/rest/openapi.rs).
Sources: kubernetes/kubectl 79ce958f4^ (testdata/openapi/v3), kubernetes/client-go and
kubernetes/kube-openapi as of the same time; stdin lists the served kinds, `group version kind`."""
import json,sys
KEEP={'description','type','properties','required','items','additionalProperties','allOf','$ref','enum',
      'x-kubernetes-patch-strategy','x-kubernetes-patch-merge-key','x-kubernetes-list-type',
      'x-kubernetes-list-map-keys','x-kubernetes-map-type'}
def conv(s):
    if not isinstance(s,dict): return s
    o={}
    for k,v in s.items():
        if k=='properties': o[k]={pk:conv(pv) for pk,pv in v.items()}
        elif k in ('items','additionalProperties'): o[k]=conv(v) if isinstance(v,dict) else v
        elif k=='allOf': o[k]=[conv(x) for x in v]
        elif k=='$ref': o[k]=v.split('/')[-1]
        elif k in KEEP: o[k]=v
    if '$ref' in o and any(k!='$ref' for k in s):
        ref=o.pop('$ref')
        o['allOf']=[{'$ref':ref}]
    return o
sources=[]
for f in ['api__v1','apps__v1','batch__v1','autoscaling__v2','autoscaling__v1','discovery.k8s.io__v1']:
    sources.append(json.load(open(f'/tmp/oas/{f}.json'))['components']['schemas'])
sources.append(json.load(open('/tmp/oas/swagger127.json'))['definitions'])
served=[l.split() for l in sys.stdin.read().split('\n') if l.strip()]
out={'schemas':{},'kinds':[]}
def refs(x):
    if isinstance(x,dict):
        for k,v in x.items():
            if k=='$ref' and isinstance(v,str): yield v
            else: yield from refs(v)
    elif isinstance(x,list):
        for v in x: yield from refs(v)
for group,version,kind in served:
    g='' if group=='core' else group
    for src in sources:
        found=None
        for name,s in src.items():
            for x in s.get('x-kubernetes-group-version-kind',[]):
                if x['group']==g and x['version']==version and x['kind']==kind:
                    found=name
        if found: break
    if not found:
        print('missing',group,version,kind,file=sys.stderr); continue
    out['kinds'].append([g,version,kind,found])
    todo=[found]
    while todo:
        n=todo.pop()
        if n in out['schemas']: continue
        out['schemas'][n]=conv(src[n])
        todo.extend(refs(out['schemas'][n]))
s=json.dumps(out,separators=(',',':'),sort_keys=True)
print(len(s),len(out['schemas']),file=sys.stderr)
open(sys.argv[1],'w').write(s)
