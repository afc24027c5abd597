//! A catalogue of hostile and malformed inputs through the public API, each with the exact
//! Status (or kubectl output) upstream gives for it, and a check that a refused call leaves
//! the control plane as it was.
//!
//! Expected texts are written from upstream's rules: pkg/apis/*/validation (k8s 1.35),
//! apimachinery's ObjectMeta and util/validation (messages of `RegexError`, `MaxLenError`,
//! `field.Error.ErrorBody`), encoding/json's `UnmarshalTypeError` with sigs.k8s.io/json's
//! context, `resource.ParseQuantity`, Go's base64 `CorruptInputError`, the API server's
//! request-body limit and etcd's request size limit.
//!
//! Cases kplane cannot pass yet, because the fix belongs outside the request path's
//! validation and decoding, are `#[ignore = "needs ..."]`.
use kplane::api::Value;
use kplane::json;
use kplane::{
    ApplyOptions, ControlPlane, DeleteOptions, FieldValidation, ObjectRef, Options, PatchType,
    Status,
};

// Upstream's format errors (k8s.io/apimachinery/pkg/util/validation and api/validate/content).
const SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS_LABEL: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name' or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name' or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue' or 'my_value' or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName' or 'my.name' or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const CONFIG_KEY: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name' or 'KEY_NAME' or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const QUANTITY: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const PERCENT: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%' or '93%', regex used for validation is '[0-9]+%')";
const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

/// `errors.NewInvalid`'s message for one or more field errors.
fn invalid(kind: &str, name: &str, errs: &[&str]) -> (u16, &'static str, String) {
    let body = if errs.len() == 1 {
        errs[0].to_string()
    } else {
        format!("[{}]", errs.join(", "))
    };
    (
        422,
        "Invalid",
        format!("{kind} \"{name}\" is invalid: {body}"),
    )
}

/// The 400 of a body that does not decode into the kind's Go type.
fn undecodable(kind: &str, err: &str) -> (u16, &'static str, String) {
    (
        400,
        "BadRequest",
        format!("{kind} in version \"v1\" cannot be handled as a {kind}: {err}"),
    )
}

/// A JSON merge patch (RFC 7386) of `patch` onto `base`.
fn merge(base: &Value, patch: &Value) -> Value {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            let mut out = b.clone();
            for (k, v) in p.iter() {
                if v.is_null() {
                    out.shift_remove(k.as_str());
                } else {
                    let merged = merge(b.get(k.as_str()).unwrap_or(&Value::Null), v);
                    out.insert(k.as_str(), merged);
                }
            }
            Value::Object(out)
        }
        (_, p) => p.clone(),
    }
}

fn with(base: Value, patch: Value) -> Value {
    merge(&base, &patch)
}

fn container() -> Value {
    json!({"name": "c", "image": "nginx:1.27"})
}

fn pod(spec: Value) -> Value {
    with(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [container()]}}),
        json!({ "spec": spec }),
    )
}

/// A pod with these containers (replacing the list).
fn pod_containers(containers: Value) -> Value {
    pod(json!({ "containers": containers }))
}

fn ctr(extra: Value) -> Value {
    with(container(), extra)
}

fn deploy(spec: Value) -> Value {
    with(
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container()]}}}}),
        json!({ "spec": spec }),
    )
}

fn template_spec(spec: Value) -> Value {
    json!({"template": {"spec": spec}})
}

fn rs(spec: Value) -> Value {
    let mut d = deploy(spec);
    d["kind"] = json!("ReplicaSet");
    d["metadata"]["name"] = json!("web-rs");
    d
}

fn sts(spec: Value) -> Value {
    with(
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "default"},
            "spec": {"serviceName": "db", "replicas": 1, "selector": {"matchLabels": {"app": "db"}},
                "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [container()]}}}}),
        json!({ "spec": spec }),
    )
}

fn ds(spec: Value) -> Value {
    with(
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [container()]}}}}),
        json!({ "spec": spec }),
    )
}

fn job(spec: Value) -> Value {
    with(
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi", "namespace": "default"},
            "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [container()]}}}}),
        json!({ "spec": spec }),
    )
}

fn cron(spec: Value) -> Value {
    with(
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello", "namespace": "default"},
            "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [container()]}}}}}}),
        json!({ "spec": spec }),
    )
}

fn svc(spec: Value) -> Value {
    with(
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}),
        json!({ "spec": spec }),
    )
}

fn cm(data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "default"}, "data": data})
}

fn secret(ty: &str, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds", "namespace": "default"}, "type": ty, "data": data})
}

fn meta(obj: Value, metadata: Value) -> Value {
    with(obj, json!({ "metadata": metadata }))
}

fn pdb(spec: Value) -> Value {
    with(
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}}}),
        json!({ "spec": spec }),
    )
}

fn pc(name: &str, value: i64) -> Value {
    json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name}, "value": value})
}

fn hpa(spec: Value) -> Value {
    with(
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 5}}),
        json!({ "spec": spec }),
    )
}

fn pvc(spec: Value) -> Value {
    with(
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "default"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
        json!({ "spec": spec }),
    )
}

fn pv(spec: Value) -> Value {
    with(
        json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "vol"},
            "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}, "hostPath": {"path": "/data"}}}),
        json!({ "spec": spec }),
    )
}

fn sc(extra: Value) -> Value {
    with(
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"}, "provisioner": "ebs.csi.aws.com"}),
        extra,
    )
}

fn netpol(spec: Value) -> Value {
    with(
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "default"},
            "spec": {"podSelector": {}}}),
        json!({ "spec": spec }),
    )
}

fn ingress(spec: Value) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": "default"}, "spec": spec})
}

fn backend() -> Value {
    json!({"service": {"name": "web", "port": {"number": 80}}})
}

fn role(rules: Value) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "reader", "namespace": "default"}, "rules": rules})
}

fn binding(kind: &str, role_ref: Value, subjects: Value) -> Value {
    let mut b = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": {"name": "bind", "namespace": "default"},
        "roleRef": role_ref, "subjects": subjects});
    if kind == "ClusterRoleBinding" {
        if let Some(m) = b["metadata"].as_object_mut() {
            m.shift_remove("namespace");
        }
    }
    b
}

fn rref(kind: &str, name: &str) -> Value {
    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": name})
}

fn quota(spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "default"}, "spec": spec})
}

fn limits(items: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l", "namespace": "default"}, "spec": {"limits": items}})
}

fn node(extra: Value) -> Value {
    with(
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n2"}, "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}),
        extra,
    )
}

/// The control plane every case starts from: a node, and objects the update cases change.
fn base() -> ControlPlane {
    let mut cp = ControlPlane::new(Options {
        seed: 7,
        ..Default::default()
    })
    .unwrap();
    let objects = vec![
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}, "spec": {"providerID": "kwok://n1"}, "status": {"capacity": {"cpu": "8", "memory": "32Gi", "pods": "110"}}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "frozen", "namespace": "default"}, "immutable": true, "data": {"a": "1"}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "frozen", "namespace": "default"}, "immutable": true, "type": "Opaque", "data": {"a": "MQ=="}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "basic", "namespace": "default"}, "type": "Opaque", "data": {"username": "YQ=="}}),
        deploy(json!({})),
        sts(json!({})),
        ds(json!({})),
        job(json!({})),
        cron(json!({})),
        meta(
            svc(json!({"clusterIP": "10.96.0.50"})),
            json!({"name": "fixed"}),
        ),
        pvc(json!({})),
        pc("tier1", 1000),
        sc(json!({"parameters": {"type": "gp3"}})),
        binding(
            "RoleBinding",
            rref("ClusterRole", "view"),
            json!([{"kind": "User", "name": "ann"}]),
        ),
        pod(
            json!({"activeDeadlineSeconds": 600, "tolerations": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}]}),
        ),
        quota(json!({"hard": {"pods": "10"}, "scopes": ["BestEffort"]})),
    ];
    for o in objects {
        cp.create("root", o, &ApplyOptions::default())
            .unwrap_or_else(|e| panic!("base object refused: {}", e.message));
    }
    cp.advance(30.0).unwrap();
    cp
}

/// What a refused call must leave unchanged: the snapshot, without the RNG (a refused create
/// still draws a uid; see `refused_creates_leave_the_rng_alone`).
fn state(cp: &ControlPlane) -> serde_json::Value {
    let mut s: serde_json::Value = serde_json::from_str(&cp.snapshot()).unwrap();
    if let Some(m) = s.as_object_mut() {
        m.remove("rng");
    }
    s
}

type Call = Box<dyn Fn(&mut ControlPlane) -> Result<(), Status>>;

fn create(obj: Value) -> Call {
    Box::new(move |cp| {
        cp.create("root", obj.clone(), &ApplyOptions::default())
            .map(|_| ())
    })
}

fn apply_text(text: &str, strict: bool) -> Call {
    let text = text.to_string();
    Box::new(move |cp| {
        let opts = ApplyOptions {
            field_validation: Some(if strict {
                FieldValidation::Strict
            } else {
                FieldValidation::Warn
            }),
            ..Default::default()
        };
        cp.apply("root", &text, &opts).map(|_| ())
    })
}

fn get(cp: &ControlPlane, kind: &str, ns: Option<&str>, name: &str) -> Value {
    cp.get(
        "root",
        &ObjectRef {
            kind: kind.into(),
            namespace: ns.map(String::from),
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .unwrap_or_else(|| panic!("{kind} {name} exists"))
}

/// An update of a stored object: read it, change it, write it back.
fn update(kind: &'static str, ns: Option<&'static str>, name: &'static str, change: Value) -> Call {
    Box::new(move |cp| {
        let old = get(cp, kind, ns, name);
        let new = merge(&old, &change);
        cp.update("root", new).map(|_| ())
    })
}

/// Runs each case on a copy of the base control plane: the call must fail with exactly this
/// code, reason and message, and leave the state as it was.
fn run(cases: Vec<(&str, Call, (u16, &'static str, String))>) {
    let base = base();
    let before = state(&base);
    let mut failures = Vec::new();
    for (name, call, (code, reason, message)) in cases {
        let mut cp = base.clone();
        match call(&mut cp) {
            Ok(()) => failures.push(format!("{name}: accepted, want {code} {message}")),
            Err(s) => {
                if (s.code, s.reason.as_str(), s.message.as_str())
                    != (code, reason, message.as_str())
                {
                    failures.push(format!(
                        "{name}:\n   got {} {} {}\n  want {code} {reason} {message}",
                        s.code, s.reason, s.message
                    ));
                } else if state(&cp) != before {
                    failures.push(format!("{name}: refused, but the state changed"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Cases upstream accepts: the call succeeds and `check` holds on the stored object.
/// A check of the stored state after an accepted call.
type Check = Box<dyn Fn(&ControlPlane) -> bool>;

fn accepted(cases: Vec<(&str, Call, Check)>) {
    let base = base();
    for (name, call, check) in cases {
        let mut cp = base.clone();
        if let Err(s) = call(&mut cp) {
            panic!("{name}: refused with {} {}", s.code, s.message);
        }
        assert!(
            check(&cp),
            "{name}: accepted, but not as upstream stores it"
        );
    }
}

#[test]
fn object_metadata() {
    let long_label = "a".repeat(64);
    let big = "x".repeat(256 * 1024);
    run(vec![
        ("uppercase name", create(meta(cm(json!({})), json!({"name": "Cfg"}))),
            invalid("ConfigMap", "Cfg", &[&format!("metadata.name: Invalid value: \"Cfg\": {SUBDOMAIN}")])),
        ("underscore in name", create(meta(cm(json!({})), json!({"name": "my_cfg"}))),
            invalid("ConfigMap", "my_cfg", &[&format!("metadata.name: Invalid value: \"my_cfg\": {SUBDOMAIN}")])),
        ("name of 254 characters", create(meta(cm(json!({})), json!({"name": "a".repeat(254)}))),
            invalid("ConfigMap", &"a".repeat(254), &[&format!("metadata.name: Invalid value: \"{}\": must be no more than 253 characters", "a".repeat(254))])),
        ("name ending in a dot", create(meta(cm(json!({})), json!({"name": "cfg."}))),
            invalid("ConfigMap", "cfg.", &[&format!("metadata.name: Invalid value: \"cfg.\": {SUBDOMAIN}")])),
        ("no name", create(meta(cm(json!({})), json!({"name": null}))),
            invalid("ConfigMap", "", &["metadata.name: Required value: name or generateName is required"])),
        ("label value of 64 characters", create(meta(cm(json!({})), json!({"labels": {"app": long_label}}))),
            invalid("ConfigMap", "cfg", &[&format!("metadata.labels: Invalid value: \"{long_label}\": must be no more than 63 bytes")])),
        ("label value with a space", create(meta(cm(json!({})), json!({"labels": {"app": "my app"}}))),
            invalid("ConfigMap", "cfg", &[&format!("metadata.labels: Invalid value: \"my app\": {LABEL_VALUE}")])),
        ("label value starting with a dash", create(meta(cm(json!({})), json!({"labels": {"app": "-web"}}))),
            invalid("ConfigMap", "cfg", &[&format!("metadata.labels: Invalid value: \"-web\": {LABEL_VALUE}")])),
        ("label key with two slashes", create(meta(cm(json!({})), json!({"labels": {"a/b/c": "x"}}))),
            invalid("ConfigMap", "cfg", &["metadata.labels: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName' or 'my.name' or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"])),
        ("label key with an empty prefix", create(meta(cm(json!({})), json!({"labels": {"/app": "x"}}))),
            invalid("ConfigMap", "cfg", &["metadata.labels: Invalid value: \"/app\": prefix part must be non-empty"])),
        ("label key name of 64 characters", create(meta(cm(json!({})), json!({"labels": {"a".repeat(64): "x"}}))),
            invalid("ConfigMap", "cfg", &[&format!("metadata.labels: Invalid value: \"{}\": name part must be no more than 63 bytes", "a".repeat(64))])),
        ("label key with an uppercase prefix", create(meta(cm(json!({})), json!({"labels": {"Example.com/app": "x"}}))),
            invalid("ConfigMap", "cfg", &[&format!("metadata.labels: Invalid value: \"Example.com/app\": prefix part {SUBDOMAIN}")])),
        ("annotation key with a space", create(meta(cm(json!({})), json!({"annotations": {"my note": "x"}}))),
            invalid("ConfigMap", "cfg", &[&format!("metadata.annotations: Invalid value: \"my note\": {NAME_PART}")])),
        ("annotations over 256 KiB", create(meta(cm(json!({})), json!({"annotations": {"a": big}}))),
            invalid("ConfigMap", "cfg", &["metadata.annotations: Too long: may not be more than 262144 bytes"])),
        ("finalizer with a space", create(meta(cm(json!({})), json!({"finalizers": ["my finalizer"]}))),
            invalid("ConfigMap", "cfg", &[&format!("metadata.finalizers: Invalid value: \"my finalizer\": {NAME_PART}")])),
        ("orphan and foreground finalizers", create(meta(cm(json!({})), json!({"finalizers": ["orphan", "foregroundDeletion"]}))),
            invalid("ConfigMap", "cfg", &["metadata.finalizers: Invalid value: [\"orphan\",\"foregroundDeletion\"]: finalizer orphan and foregroundDeletion cannot be both set"])),
        ("owner reference without uid", create(meta(cm(json!({})), json!({"ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "p"}]}))),
            invalid("ConfigMap", "cfg", &["metadata.ownerReferences.uid: Invalid value: \"\": must not be empty"])),
        ("owner reference without version", create(meta(cm(json!({})), json!({"ownerReferences": [{"apiVersion": "", "kind": "Pod", "name": "p", "uid": "u"}]}))),
            invalid("ConfigMap", "cfg", &["metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty"])),
        ("two controller owners", create(meta(cm(json!({})), json!({"ownerReferences": [
                {"apiVersion": "v1", "kind": "Pod", "name": "a", "uid": "1", "controller": true},
                {"apiVersion": "v1", "kind": "Pod", "name": "b", "uid": "2", "controller": true}]}))),
            invalid("ConfigMap", "cfg", &["metadata.ownerReferences: Invalid value: [{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"a\",\"uid\":\"1\",\"controller\":true},{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"b\",\"uid\":\"2\",\"controller\":true}]: Only one reference can have Controller set to true. Found \"true\" in references for Pod/a and Pod/b"])),
        ("an Event as owner", create(meta(cm(json!({})), json!({"ownerReferences": [{"apiVersion": "v1", "kind": "Event", "name": "e", "uid": "1"}]}))),
            invalid("ConfigMap", "cfg", &["metadata.ownerReferences: Invalid value: {\"apiVersion\":\"v1\",\"kind\":\"Event\",\"name\":\"e\",\"uid\":\"1\"}: /v1, Kind=Event is disallowed from being an owner"])),
        ("negative generation", create(meta(cm(json!({})), json!({"generation": -1}))),
            invalid("ConfigMap", "cfg", &["metadata.generation: Invalid value: -1: must be greater than or equal to 0"])),
        ("unknown managedFields operation", create(meta(cm(json!({})), json!({"managedFields": [{"manager": "me", "operation": "Bogus", "fieldsType": "FieldsV1"}]}))),
            invalid("ConfigMap", "cfg", &["metadata.managedFields[0].operation: Invalid value: \"Bogus\": must be `Apply` or `Update`"])),
        ("missing namespace", create(meta(cm(json!({})), json!({"namespace": "nope"}))),
            (404, "NotFound", "namespaces \"nope\" not found".into())),
        ("namespace that is not a DNS label", create(meta(cm(json!({})), json!({"namespace": "Bad_NS"}))),
            (404, "NotFound", "namespaces \"Bad_NS\" not found".into())),
        ("resourceVersion on create", create(meta(cm(json!({})), json!({"resourceVersion": "42"}))),
            (500, "", "resourceVersion should not be set on objects to be created".into())),
        ("labels as a string", create(meta(cm(json!({})), json!({"labels": "app=web"}))),
            undecodable("ConfigMap", "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string")),
        ("label value as a number", create(meta(cm(json!({})), json!({"labels": {"version": 1}}))),
            undecodable("ConfigMap", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")),
        ("metadata as a list", create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": ["cfg"]})),
            undecodable("ConfigMap", "json: cannot unmarshal array into Go struct field ConfigMap.metadata of type v1.ObjectMeta")),
        ("finalizers as a string", create(meta(cm(json!({})), json!({"finalizers": "orphan"}))),
            undecodable("ConfigMap", "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.finalizers of type []string")),
    ]);
}

#[test]
fn config_maps_and_secrets() {
    let mib = "x".repeat(1024 * 1024 + 1);
    run(vec![
        ("data key with a space", create(cm(json!({"my key": "v"}))),
            invalid("ConfigMap", "cfg", &[&format!("data[my key]: Invalid value: \"my key\": {CONFIG_KEY}")])),
        ("data key ..", create(cm(json!({"..": "v"}))),
            invalid("ConfigMap", "cfg", &["data[..]: Invalid value: \"..\": must not be '..'"])),
        ("data key starting with ..", create(cm(json!({"..data": "v"}))),
            invalid("ConfigMap", "cfg", &["data[..data]: Invalid value: \"..data\": must not start with '..'"])),
        ("data key of 254 characters", create(cm(json!({"k".repeat(254): "v"}))),
            invalid("ConfigMap", "cfg", &[&format!("data[{k}]: Invalid value: \"{k}\": must be no more than 253 characters", k = "k".repeat(254))])),
        ("data over 1 MiB", create(cm(json!({"big": mib}))),
            invalid("ConfigMap", "cfg", &["[]: Too long: may not be more than 1048576 bytes"])),
        ("same key in data and binaryData", create(with(cm(json!({"a": "x"})), json!({"binaryData": {"a": "eA=="}}))),
            invalid("ConfigMap", "cfg", &["data[a]: Invalid value: \"a\": duplicate of key present in binaryData"])),
        ("binaryData that is not base64", create(with(cm(json!({})), json!({"binaryData": {"a": "not base64!"}}))),
            undecodable("ConfigMap", "illegal base64 data at input byte 3")),
        ("data value as a number", create(cm(json!({"port": 8080}))),
            undecodable("ConfigMap", "json: cannot unmarshal number into Go struct field ConfigMap.data of type string")),
        ("data as a list", create(cm(json!(["a"]))),
            undecodable("ConfigMap", "json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string")),
        ("immutable as a string", create(with(cm(json!({})), json!({"immutable": "yes"}))),
            undecodable("ConfigMap", "json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool")),
        ("secret data with a $", create(secret("Opaque", json!({"a": "abc$"}))),
            undecodable("Secret", "illegal base64 data at input byte 3")),
        ("secret data without padding", create(secret("Opaque", json!({"a": "YQ"}))),
            undecodable("Secret", "illegal base64 data at input byte 0")),
        ("secret data with padding inside", create(secret("Opaque", json!({"a": "YQ==YQ=="}))),
            undecodable("Secret", "illegal base64 data at input byte 4")),
        ("secret data as a number", create(secret("Opaque", json!({"a": 1}))),
            undecodable("Secret", "json: cannot unmarshal number into Go struct field Secret.data of type []uint8")),
        ("secret data key with a slash", create(secret("Opaque", json!({"a/b": "YQ=="}))),
            invalid("Secret", "creds", &[&format!("data[a/b]: Invalid value: \"a/b\": {CONFIG_KEY}")])),
        ("secret over 1 MiB", create(secret("Opaque", json!({"a": "QUFB".repeat(349_526)}))),
            invalid("Secret", "creds", &["data: Too long: may not be more than 1048576 bytes"])),
        ("stringData key with a space", create(with(secret("Opaque", json!({})), json!({"stringData": {"my key": "v"}}))),
            invalid("Secret", "creds", &[&format!("data[my key]: Invalid value: \"my key\": {CONFIG_KEY}")])),
        ("TLS secret without keys", create(secret("kubernetes.io/tls", json!({}))),
            invalid("Secret", "creds", &["data[tls.crt]: Required value", "data[tls.key]: Required value"])),
        ("basic-auth secret without credentials", create(secret("kubernetes.io/basic-auth", json!({}))),
            invalid("Secret", "creds", &["data[username]: Required value", "data[password]: Required value"])),
        ("ssh-auth secret without a key", create(secret("kubernetes.io/ssh-auth", json!({}))),
            invalid("Secret", "creds", &["data[ssh-privatekey]: Required value"])),
        ("dockerconfigjson secret without config", create(secret("kubernetes.io/dockerconfigjson", json!({}))),
            invalid("Secret", "creds", &["data[.dockerconfigjson]: Required value"])),
        ("service account token without account", create(secret("kubernetes.io/service-account-token", json!({}))),
            invalid("Secret", "creds", &["metadata.annotations[kubernetes.io/service-account.name]: Required value"])),
        ("changing an immutable ConfigMap", update("ConfigMap", Some("default"), "frozen", json!({"data": {"a": "2"}})),
            invalid("ConfigMap", "frozen", &["data: Forbidden: field is immutable when `immutable` is set"])),
        ("unsetting immutable on a ConfigMap", update("ConfigMap", Some("default"), "frozen", json!({"immutable": false})),
            invalid("ConfigMap", "frozen", &["immutable: Forbidden: field is immutable when `immutable` is set"])),
        ("changing an immutable Secret", update("Secret", Some("default"), "frozen", json!({"data": {"a": "Mg=="}})),
            invalid("Secret", "frozen", &["data: Forbidden: field is immutable when `immutable` is set"])),
        ("changing a Secret's type", update("Secret", Some("default"), "basic", json!({"type": "kubernetes.io/basic-auth"})),
            invalid("Secret", "basic", &["type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable"])),
    ]);
}

#[test]
fn pods() {
    let probe = |extra: Value| with(json!({"exec": {"command": ["true"]}}), extra);
    run(vec![
        ("no containers", create(pod_containers(json!([]))),
            invalid("Pod", "p", &["spec.containers: Required value"])),
        ("container name with uppercase", create(pod_containers(json!([ctr(json!({"name": "Web"}))]))),
            invalid("Pod", "p", &[&format!("spec.containers[0].name: Invalid value: \"Web\": {DNS_LABEL}")])),
        ("container name with a dot", create(pod_containers(json!([ctr(json!({"name": "web.1"}))]))),
            invalid("Pod", "p", &["spec.containers[0].name: Invalid value: \"web.1\": must not contain dots"])),
        ("duplicate container names", create(pod_containers(json!([container(), container()]))),
            invalid("Pod", "p", &["spec.containers[1].name: Duplicate value: \"c\""])),
        ("container without image", create(pod_containers(json!([{"name": "c"}]))),
            invalid("Pod", "p", &["spec.containers[0].image: Required value"])),
        ("image with a trailing space", create(pod_containers(json!([ctr(json!({"image": "nginx "}))]))),
            invalid("Pod", "p", &["spec.containers[0].image: Invalid value: \"nginx \": must not have leading or trailing whitespace"])),
        ("container port 0", create(pod_containers(json!([ctr(json!({"ports": [{"containerPort": 0}]}))]))),
            invalid("Pod", "p", &["spec.containers[0].ports[0].containerPort: Required value"])),
        ("container port 70000", create(pod_containers(json!([ctr(json!({"ports": [{"containerPort": 70000}]}))]))),
            invalid("Pod", "p", &[&format!("spec.containers[0].ports[0].containerPort: Invalid value: 70000: {PORT_RANGE}")])),
        ("host port -1", create(pod_containers(json!([ctr(json!({"ports": [{"containerPort": 80, "hostPort": -1}]}))]))),
            invalid("Pod", "p", &[&format!("spec.containers[0].ports[0].hostPort: Invalid value: -1: {PORT_RANGE}")])),
        ("port protocol HTTP", create(pod_containers(json!([ctr(json!({"ports": [{"containerPort": 80, "protocol": "HTTP"}]}))]))),
            invalid("Pod", "p", &["spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""])),
        ("port name with an underscore", create(pod_containers(json!([ctr(json!({"ports": [{"name": "web_port", "containerPort": 80}]}))]))),
            invalid("Pod", "p", &["spec.containers[0].ports[0].name: Invalid value: \"web_port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"])),
        ("port name of digits", create(pod_containers(json!([ctr(json!({"ports": [{"name": "8080", "containerPort": 80}]}))]))),
            invalid("Pod", "p", &["spec.containers[0].ports[0].name: Invalid value: \"8080\": must contain at least one letter (a-z)"])),
        ("duplicate port names", create(pod_containers(json!([ctr(json!({"ports": [{"name": "web", "containerPort": 80}, {"name": "web", "containerPort": 81}]}))]))),
            invalid("Pod", "p", &["spec.containers[0].ports[1].name: Duplicate value: \"web\""])),
        ("host port used twice", create(pod_containers(json!([
                ctr(json!({"ports": [{"containerPort": 80, "hostPort": 80}]})),
                ctr(json!({"name": "d", "ports": [{"containerPort": 81, "hostPort": 80}]}))]))),
            invalid("Pod", "p", &["spec.containers[1].ports[0].hostPort: Duplicate value: \"TCP//80\""])),
        ("env name with =", create(pod_containers(json!([ctr(json!({"env": [{"name": "A=B", "value": "1"}]}))]))),
            invalid("Pod", "p", &["spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"])),
        ("env without a name", create(pod_containers(json!([ctr(json!({"env": [{"value": "1"}]}))]))),
            invalid("Pod", "p", &["spec.containers[0].env[0].name: Required value"])),
        ("env valueFrom without a source", create(pod_containers(json!([ctr(json!({"env": [{"name": "A", "valueFrom": {}}]}))]))),
            invalid("Pod", "p", &["spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"])),
        ("env value and valueFrom", create(pod_containers(json!([ctr(json!({"env": [{"name": "A", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}))]))),
            invalid("Pod", "p", &["spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"])),
        ("env value as a number", create(pod_containers(json!([ctr(json!({"env": [{"name": "PORT", "value": 8080}]}))]))),
            undecodable("Pod", "json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string")),
        ("mount of a missing volume", create(pod_containers(json!([ctr(json!({"volumeMounts": [{"name": "data", "mountPath": "/d"}]}))]))),
            invalid("Pod", "p", &["spec.containers[0].volumeMounts[0].name: Not found: \"data\""])),
        ("mount without a path", create(pod(json!({"volumes": [{"name": "data", "emptyDir": {}}], "containers": [ctr(json!({"volumeMounts": [{"name": "data"}]}))]}))),
            invalid("Pod", "p", &["spec.containers[0].volumeMounts[0].mountPath: Required value"])),
        ("two mounts at one path", create(pod(json!({"volumes": [{"name": "a", "emptyDir": {}}, {"name": "b", "emptyDir": {}}],
                "containers": [ctr(json!({"volumeMounts": [{"name": "a", "mountPath": "/d"}, {"name": "b", "mountPath": "/d"}]}))]}))),
            invalid("Pod", "p", &["spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/d\": must be unique"])),
        ("duplicate volume names", create(pod(json!({"volumes": [{"name": "a", "emptyDir": {}}, {"name": "a", "emptyDir": {}}]}))),
            invalid("Pod", "p", &["spec.volumes[1].name: Duplicate value: \"a\""])),
        ("volume with two sources", create(pod(json!({"volumes": [{"name": "a", "emptyDir": {}, "hostPath": {"path": "/x"}}]}))),
            invalid("Pod", "p", &["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"])),
        ("volume name with uppercase", create(pod(json!({"volumes": [{"name": "Data", "emptyDir": {}}]}))),
            invalid("Pod", "p", &[&format!("spec.volumes[0].name: Invalid value: \"Data\": {DNS_LABEL}")])),
        ("secret volume without a name", create(pod(json!({"volumes": [{"name": "s", "secret": {}}]}))),
            invalid("Pod", "p", &["spec.volumes[0].secret.secretName: Required value"])),
        ("request above limit", create(pod_containers(json!([ctr(json!({"resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}}))]))),
            invalid("Pod", "p", &["spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"])),
        ("request above limit in other units", create(pod_containers(json!([ctr(json!({"resources": {"requests": {"memory": "2Gi"}, "limits": {"memory": "1024Mi"}}}))]))),
            invalid("Pod", "p", &["spec.containers[0].resources.requests: Invalid value: \"2Gi\": must be less than or equal to memory limit of 1Gi"])),
        ("negative memory request", create(pod_containers(json!([ctr(json!({"resources": {"requests": {"memory": "-1Gi"}}}))]))),
            invalid("Pod", "p", &["spec.containers[0].resources.requests[memory]: Invalid value: \"-1Gi\": must be greater than or equal to 0"])),
        ("quantity that is not one", create(pod_containers(json!([ctr(json!({"resources": {"requests": {"cpu": "lots"}}}))]))),
            undecodable("Pod", QUANTITY)),
        ("quantity with a bad suffix", create(pod_containers(json!([ctr(json!({"resources": {"limits": {"memory": "1Ki2"}}}))]))),
            undecodable("Pod", "unable to parse quantity's suffix")),
        ("quantity as a boolean", create(pod_containers(json!([ctr(json!({"resources": {"limits": {"cpu": true}}}))]))),
            undecodable("Pod", QUANTITY)),
        ("extended resource without a limit", create(pod_containers(json!([ctr(json!({"resources": {"requests": {"example.com/gpu": "1"}}}))]))),
            invalid("Pod", "p", &["spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources"])),
        ("fractional extended resource", create(pod_containers(json!([ctr(json!({"resources": {"limits": {"example.com/gpu": "500m"}}}))]))),
            invalid("Pod", "p", &["spec.containers[0].resources.limits[example.com/gpu]: Invalid value: \"500m\": must be an integer", "spec.containers[0].resources.requests[example.com/gpu]: Invalid value: \"500m\": must be an integer"])),
        ("unknown resource name", create(pod_containers(json!([ctr(json!({"resources": {"limits": {"gpus": "1"}}}))]))),
            invalid("Pod", "p", &[
                "spec.containers[0].resources.limits[gpus]: Invalid value: \"gpus\": must be a standard resource type or fully qualified",
                "spec.containers[0].resources.limits[gpus]: Invalid value: \"gpus\": must be a standard resource for containers",
                "spec.containers[0].resources.requests[gpus]: Invalid value: \"gpus\": must be a standard resource type or fully qualified",
                "spec.containers[0].resources.requests[gpus]: Invalid value: \"gpus\": must be a standard resource for containers"])),
        ("pods as a container resource", create(pod_containers(json!([ctr(json!({"resources": {"requests": {"pods": "1"}}}))]))),
            invalid("Pod", "p", &["spec.containers[0].resources.requests[pods]: Invalid value: \"pods\": must be a standard resource for containers"])),
        ("negative probe period", create(pod_containers(json!([ctr(json!({"livenessProbe": probe(json!({"periodSeconds": -1}))}))]))),
            invalid("Pod", "p", &["spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"])),
        ("negative initial delay", create(pod_containers(json!([ctr(json!({"readinessProbe": probe(json!({"initialDelaySeconds": -5}))}))]))),
            invalid("Pod", "p", &["spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -5: must be greater than or equal to 0"])),
        ("liveness success threshold 2", create(pod_containers(json!([ctr(json!({"livenessProbe": probe(json!({"successThreshold": 2}))}))]))),
            invalid("Pod", "p", &["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"])),
        ("startup success threshold 3", create(pod_containers(json!([ctr(json!({"startupProbe": probe(json!({"successThreshold": 3}))}))]))),
            invalid("Pod", "p", &["spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1"])),
        ("probe without a handler", create(pod_containers(json!([ctr(json!({"livenessProbe": {"periodSeconds": 5}}))]))),
            invalid("Pod", "p", &["spec.containers[0].livenessProbe: Required value: must specify a handler type"])),
        ("probe with two handlers", create(pod_containers(json!([ctr(json!({"livenessProbe": probe(json!({"tcpSocket": {"port": 80}}))}))]))),
            invalid("Pod", "p", &["spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"])),
        ("exec probe without a command", create(pod_containers(json!([ctr(json!({"livenessProbe": {"exec": {}}}))]))),
            invalid("Pod", "p", &["spec.containers[0].livenessProbe.exec.command: Required value"])),
        ("httpGet probe on port 0", create(pod_containers(json!([ctr(json!({"livenessProbe": {"httpGet": {"port": 0}}}))]))),
            invalid("Pod", "p", &[&format!("spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: {PORT_RANGE}")])),
        ("httpGet probe over FTP", create(pod_containers(json!([ctr(json!({"livenessProbe": {"httpGet": {"port": 80, "scheme": "FTP"}}}))]))),
            invalid("Pod", "p", &["spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\""])),
        ("readiness probe with a grace period", create(pod_containers(json!([ctr(json!({"readinessProbe": probe(json!({"terminationGracePeriodSeconds": 5}))}))]))),
            invalid("Pod", "p", &["spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes"])),
        ("probe grace period 0", create(pod_containers(json!([ctr(json!({"livenessProbe": probe(json!({"terminationGracePeriodSeconds": 0}))}))]))),
            invalid("Pod", "p", &["spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0"])),
        ("probe period as a string", create(pod_containers(json!([ctr(json!({"livenessProbe": probe(json!({"periodSeconds": "10"}))}))]))),
            undecodable("Pod", "json: cannot unmarshal string into Go struct field Probe.spec.containers.livenessProbe.periodSeconds of type int32")),
        ("restart policy Sometimes", create(pod(json!({"restartPolicy": "Sometimes"}))),
            invalid("Pod", "p", &["spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""])),
        ("DNS policy Bogus", create(pod(json!({"dnsPolicy": "Bogus"}))),
            invalid("Pod", "p", &["spec.dnsPolicy: Unsupported value: \"Bogus\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""])),
        ("image pull policy Sometimes", create(pod_containers(json!([ctr(json!({"imagePullPolicy": "Sometimes"}))]))),
            invalid("Pod", "p", &["spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""])),
        ("termination message policy Bogus", create(pod_containers(json!([ctr(json!({"terminationMessagePolicy": "Bogus"}))]))),
            invalid("Pod", "p", &["spec.containers[0].terminationMessagePolicy: Unsupported value: \"Bogus\": supported values: \"File\", \"FallbackToLogsOnError\""])),
        ("node selector with a bad value", create(pod(json!({"nodeSelector": {"zone": "us east"}}))),
            invalid("Pod", "p", &[&format!("spec.nodeSelector: Invalid value: \"us east\": {LABEL_VALUE}")])),
        ("toleration operator Foo", create(pod(json!({"tolerations": [{"key": "k", "operator": "Foo"}]}))),
            invalid("Pod", "p", &["spec.tolerations[0].operator: Unsupported value: \"Foo\": supported values: \"Equal\", \"Exists\""])),
        ("toleration operator Lt", create(pod(json!({"tolerations": [{"key": "k", "operator": "Lt", "value": "5"}]}))),
            invalid("Pod", "p", &["spec.tolerations[0].operator: Unsupported value: \"Lt\": supported values: \"Equal\", \"Exists\", \"Lt\", \"Gt\""])),
        ("toleration without key using Equal", create(pod(json!({"tolerations": [{"operator": "Equal", "value": "v"}]}))),
            invalid("Pod", "p", &["spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""])),
        ("Exists toleration with a value", create(pod(json!({"tolerations": [{"key": "k", "operator": "Exists", "value": "v"}]}))),
            invalid("Pod", "p", &["spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"])),
        ("toleration effect Bogus", create(pod(json!({"tolerations": [{"key": "k", "operator": "Exists", "effect": "Bogus"}]}))),
            invalid("Pod", "p", &["spec.tolerations[0].effect: Unsupported value: \"Bogus\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""])),
        ("tolerationSeconds with NoSchedule", create(pod(json!({"tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 5}]}))),
            invalid("Pod", "p", &["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"])),
        ("toleration value of 64 characters", create(pod(json!({"tolerations": [{"key": "k", "operator": "Equal", "value": "v".repeat(64)}]}))),
            invalid("Pod", "p", &[&format!("spec.tolerations[0].operator: Invalid value: \"{}\": must be no more than 63 bytes", "v".repeat(64))])),
        ("no node selector terms", create(pod(json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}}}))),
            invalid("Pod", "p", &["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term"])),
        ("node selector operator Bogus", create(pod(json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "Bogus"}]}]}}}}))),
            invalid("Pod", "p", &["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: \"Bogus\": not a valid selector operator"])),
        ("In requirement without values", create(pod(json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In"}]}]}}}}))),
            invalid("Pod", "p", &["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"])),
        ("Gt requirement with two values", create(pod(json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["1", "2"]}]}]}}}}))),
            invalid("Pod", "p", &["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'"])),
        ("preferred term of weight 0", create(pod(json!({"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 0, "preference": {}}]}}}))),
            invalid("Pod", "p", &["spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100"])),
        ("pod affinity without topology key", create(pod(json!({"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "web"}}}]}}}))),
            invalid("Pod", "p", &[
                "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty",
                "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: \"\": name part must be non-empty",
                &format!("spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: \"\": {NAME_PART}")])),
        ("node selector terms as a list (required is an object)", create(pod(json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "Exists"}]}]}]}}}))),
            undecodable("Pod", "json: cannot unmarshal array into Go struct field NodeAffinity.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution of type v1.NodeSelector")),
        ("node selector terms as an object", create(pod(json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": {"matchExpressions": []}}}}}))),
            undecodable("Pod", "json: cannot unmarshal object into Go struct field NodeSelector.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms of type []v1.NodeSelectorTerm")),
        ("active deadline 0", create(pod(json!({"activeDeadlineSeconds": 0}))),
            invalid("Pod", "p", &["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"])),
        ("service account name with uppercase", create(pod(json!({"serviceAccountName": "Admin"}))),
            invalid("Pod", "p", &[&format!("spec.serviceAccountName: Invalid value: \"Admin\": {SUBDOMAIN}")])),
        ("node name with uppercase", create(pod(json!({"nodeName": "Node1"}))),
            invalid("Pod", "p", &[&format!("spec.nodeName: Invalid value: \"Node1\": {SUBDOMAIN}")])),
        ("hostname with a dot", create(pod(json!({"hostname": "a.b"}))),
            invalid("Pod", "p", &["spec.hostname: Invalid value: \"a.b\": must not contain dots"])),
        ("missing priority class", create(pod(json!({"priorityClassName": "nope"}))),
            (403, "Forbidden", "pods \"p\" is forbidden: no PriorityClass with name nope was found".into())),
        ("priority that disagrees with its class", create(pod(json!({"priority": 5}))),
            (403, "Forbidden", "pods \"p\" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name".into())),
        ("topology spread skew 0", create(pod(json!({"topologySpreadConstraints": [{"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}]}))),
            invalid("Pod", "p", &["spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero"])),
        ("topology spread action Bogus", create(pod(json!({"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "Bogus"}]}))),
            invalid("Pod", "p", &["spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: \"Bogus\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\""])),
        ("topology spread repeated", create(pod(json!({"topologySpreadConstraints": [
                {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"},
                {"maxSkew": 2, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}]}))),
            invalid("Pod", "p", &["spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: \"{zone, DoNotSchedule}\""])),
        ("minDomains with ScheduleAnyway", create(pod(json!({"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway", "minDomains": 2}]}))),
            invalid("Pod", "p", &["spec.topologySpreadConstraints[0].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"])),
        ("duplicate scheduling gates", create(pod(json!({"schedulingGates": [{"name": "a.io/g"}, {"name": "a.io/g"}]}))),
            invalid("Pod", "p", &["spec.schedulingGates[1]: Duplicate value: \"a.io/g\""])),
        ("ephemeral containers on create", create(pod(json!({"ephemeralContainers": [{"name": "debug", "image": "busybox"}]}))),
            invalid("Pod", "p", &["spec.ephemeralContainers: Forbidden: cannot be set on create"])),
        ("init container with a liveness probe", create(pod(json!({"initContainers": [ctr(json!({"name": "init", "livenessProbe": probe(json!({}))}))]}))),
            invalid("Pod", "p", &["spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"])),
        ("init container restart policy OnFailure", create(pod(json!({"initContainers": [ctr(json!({"name": "init", "restartPolicy": "OnFailure"}))]}))),
            invalid("Pod", "p", &["spec.initContainers[0].restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""])),
        ("init container named as a container", create(pod(json!({"initContainers": [container()]}))),
            invalid("Pod", "p", &["spec.initContainers[0].name: Duplicate value: \"c\""])),
        ("restart policy on a regular container", create(pod_containers(json!([ctr(json!({"restartPolicy": "Always"}))]))),
            invalid("Pod", "p", &["spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"])),
        ("spec as a string", create(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": "run nginx"})),
            undecodable("Pod", "json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec")),
        ("containers as an object", create(pod(json!({"containers": {"name": "c", "image": "nginx"}}))),
            undecodable("Pod", "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container")),
        ("container port as a string", create(pod_containers(json!([ctr(json!({"ports": [{"containerPort": "80"}]}))]))),
            undecodable("Pod", "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32")),
        ("restart policy as a number", create(pod(json!({"restartPolicy": 1}))),
            undecodable("Pod", "json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy")),
        ("grace period as a string", create(pod(json!({"terminationGracePeriodSeconds": "30"}))),
            undecodable("Pod", "json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64")),
        ("command as a string", create(pod_containers(json!([ctr(json!({"command": "sleep 1"}))]))),
            undecodable("Pod", "json: cannot unmarshal string into Go struct field Container.spec.containers.command of type []string")),
        ("hostNetwork as a string", create(pod(json!({"hostNetwork": "true"}))),
            undecodable("Pod", "json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool")),
        ("removing a toleration", update("Pod", Some("default"), "p", json!({"spec": {"tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}, {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]}})),
            invalid("Pod", "p", &["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"])),
        ("raising the active deadline", update("Pod", Some("default"), "p", json!({"spec": {"activeDeadlineSeconds": 900}})),
            invalid("Pod", "p", &["spec.activeDeadlineSeconds: Invalid value: 900: must be less than or equal to previous value"])),
        ("adding a container", update("Pod", Some("default"), "p", json!({"spec": {"containers": [container(), ctr(json!({"name": "d"}))]}})),
            invalid("Pod", "p", &["spec.containers: Forbidden: pod updates may not add or remove containers"])),
    ]);
}

#[test]
fn pods_upstream_accepts() {
    accepted(vec![
        (
            "probe period 0 is defaulted to 10",
            create(meta(
                pod_containers(json!([ctr(
                    json!({"livenessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 0, "timeoutSeconds": 0}})
                )])),
                json!({"name": "q"}),
            )),
            Box::new(|cp| {
                let p = get(cp, "Pod", Some("default"), "q");
                let probe = &p["spec"]["containers"][0]["livenessProbe"];
                probe["periodSeconds"] == 10 && probe["timeoutSeconds"] == 1
            }),
        ),
        // Upstream accepts a negative grace period (a warning says it is treated as 1).
        (
            "negative termination grace period",
            create(meta(
                pod(json!({"terminationGracePeriodSeconds": -1})),
                json!({"name": "q"}),
            )),
            Box::new(|cp| {
                get(cp, "Pod", Some("default"), "q")["spec"]["terminationGracePeriodSeconds"] == -1
            }),
        ),
        (
            "httpGet path and scheme are defaulted",
            create(meta(
                pod_containers(json!([ctr(
                    json!({"readinessProbe": {"httpGet": {"port": 80}}})
                )])),
                json!({"name": "q"}),
            )),
            Box::new(|cp| {
                let p = get(cp, "Pod", Some("default"), "q");
                let h = &p["spec"]["containers"][0]["readinessProbe"]["httpGet"];
                h["path"] == "/" && h["scheme"] == "HTTP"
            }),
        ),
        (
            "a volume without a source is an emptyDir",
            create(meta(
                pod(json!({"volumes": [{"name": "scratch"}]})),
                json!({"name": "q"}),
            )),
            Box::new(|cp| {
                get(cp, "Pod", Some("default"), "q")["spec"]["volumes"][0]["emptyDir"] == json!({})
            }),
        ),
        (
            "updating an image",
            update(
                "Pod",
                Some("default"),
                "p",
                json!({"spec": {"containers": [ctr(json!({"image": "nginx:1.28"}))]}}),
            ),
            Box::new(|cp| {
                get(cp, "Pod", Some("default"), "p")["spec"]["containers"][0]["image"]
                    == "nginx:1.28"
            }),
        ),
    ]);
}

#[test]
fn workloads() {
    let d = "Deployment.apps";
    run(vec![
        ("negative replicas", create(deploy(json!({"replicas": -1}))),
            invalid(d, "web", &["spec.replicas: Invalid value: -1: must be greater than or equal to 0"])),
        ("replicas above int32", create(deploy(json!({"replicas": 3_000_000_000u64}))),
            undecodable("Deployment", "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32")),
        ("replicas as a string", create(deploy(json!({"replicas": "3"}))),
            undecodable("Deployment", "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")),
        ("fractional replicas", create(deploy(json!({"replicas": 1.5}))),
            undecodable("Deployment", "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32")),
        ("selector that does not match", create(deploy(json!({"selector": {"matchLabels": {"app": "api"}}}))),
            invalid(d, "web", &["spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`"])),
        ("no selector", create(deploy(json!({"selector": null}))),
            invalid(d, "web", &["spec.selector: Required value", "spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`"])),
        ("empty selector", create(deploy(json!({"selector": {"matchLabels": null}}))),
            invalid(d, "web", &["spec.selector: Invalid value: {}: empty selector is invalid for deployment"])),
        ("selector operator Gt", create(deploy(json!({"selector": {"matchLabels": null, "matchExpressions": [{"key": "app", "operator": "Gt", "values": ["1"]}]}}))),
            invalid(d, "web", &[
                "spec.selector.matchExpressions[0].operator: Invalid value: \"Gt\": not a valid selector operator",
                "spec.selector: Invalid value: {\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Gt\",\"values\":[\"1\"]}]}: invalid label selector"])),
        ("maxSurge and maxUnavailable both 0", create(deploy(json!({"strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}}))),
            invalid(d, "web", &["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"])),
        ("maxSurge and maxUnavailable both 0%", create(deploy(json!({"strategy": {"rollingUpdate": {"maxSurge": "0%", "maxUnavailable": "0%"}}}))),
            invalid(d, "web", &["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": may not be 0 when `maxSurge` is 0"])),
        ("maxUnavailable 110%", create(deploy(json!({"strategy": {"rollingUpdate": {"maxUnavailable": "110%"}}}))),
            invalid(d, "web", &["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"110%\": must not be greater than 100%"])),
        ("maxSurge of -1", create(deploy(json!({"strategy": {"rollingUpdate": {"maxSurge": -1}}}))),
            invalid(d, "web", &["spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"])),
        ("maxSurge that is not a percent", create(deploy(json!({"strategy": {"rollingUpdate": {"maxSurge": "twenty"}}}))),
            invalid(d, "web", &[&format!("spec.strategy.rollingUpdate.maxSurge: Invalid value: \"twenty\": {PERCENT}")])),
        ("maxSurge as a boolean", create(deploy(json!({"strategy": {"rollingUpdate": {"maxSurge": true}}}))),
            undecodable("Deployment", "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32")),
        ("strategy type Bogus", create(deploy(json!({"strategy": {"type": "Bogus"}}))),
            invalid(d, "web", &["spec.strategy: Unsupported value: {\"Type\":\"Bogus\",\"RollingUpdate\":null}: supported values: \"Recreate\", \"RollingUpdate\""])),
        ("Recreate with rollingUpdate", create(deploy(json!({"strategy": {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}}))),
            invalid(d, "web", &["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"])),
        ("progress deadline not above minReadySeconds", create(deploy(json!({"minReadySeconds": 30, "progressDeadlineSeconds": 30}))),
            invalid(d, "web", &["spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds"])),
        ("negative minReadySeconds", create(deploy(json!({"minReadySeconds": -1}))),
            invalid(d, "web", &["spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"])),
        ("negative revision history", create(deploy(json!({"revisionHistoryLimit": -1}))),
            invalid(d, "web", &["spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"])),
        ("template restart policy Never", create(deploy(template_spec(json!({"restartPolicy": "Never"})))),
            invalid(d, "web", &["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""])),
        ("template with a deadline", create(deploy(template_spec(json!({"activeDeadlineSeconds": 10})))),
            invalid(d, "web", &["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"])),
        ("template label with a space", create(deploy(json!({"template": {"metadata": {"labels": {"app": "web", "tier": "a b"}}}}))),
            invalid(d, "web", &[&format!("spec.template.labels: Invalid value: \"a b\": {LABEL_VALUE}")])),
        ("template container without image", create(deploy(template_spec(json!({"containers": [{"name": "c"}]})))),
            invalid(d, "web", &["spec.template.spec.containers[0].image: Required value"])),
        ("name with uppercase", create(meta(deploy(json!({})), json!({"name": "Web"}))),
            invalid(d, "Web", &[&format!("metadata.name: Invalid value: \"Web\": {SUBDOMAIN}")])),
        ("changing the selector", update("Deployment", Some("default"), "web", json!({"spec": {"selector": {"matchLabels": {"app": "web", "v": "2"}}, "template": {"metadata": {"labels": {"app": "web", "v": "2"}}}}})),
            invalid(d, "web", &["spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web\",\"v\":\"2\"}}: field is immutable"])),
        ("ReplicaSet with negative replicas", create(rs(json!({"replicas": -2}))),
            invalid("ReplicaSet.apps", "web-rs", &["spec.replicas: Invalid value: -2: must be greater than or equal to 0"])),
        ("ReplicaSet with an empty selector", create(rs(json!({"selector": {"matchLabels": null}}))),
            invalid("ReplicaSet.apps", "web-rs", &["spec.selector: Invalid value: {}: empty selector is invalid for deployment"])),
        ("StatefulSet name with a dot", create(meta(sts(json!({})), json!({"name": "db.main"}))),
            invalid("StatefulSet.apps", "db.main", &["metadata.name: Invalid value: \"db.main\": must not contain dots"])),
        ("StatefulSet pod management Bogus", create(sts(json!({"podManagementPolicy": "Bogus"}))),
            invalid("StatefulSet.apps", "db", &["spec.podManagementPolicy: Invalid value: \"Bogus\": must be 'OrderedReady' or 'Parallel'"])),
        ("StatefulSet update strategy Bogus", create(sts(json!({"updateStrategy": {"type": "Bogus"}}))),
            invalid("StatefulSet.apps", "db", &["spec.updateStrategy: Invalid value: {\"Type\":\"Bogus\",\"RollingUpdate\":null}: must be 'RollingUpdate' or 'OnDelete'"])),
        ("StatefulSet maxUnavailable 0", create(sts(json!({"updateStrategy": {"rollingUpdate": {"maxUnavailable": 0}}}))),
            invalid("StatefulSet.apps", "db", &["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0"])),
        ("StatefulSet negative partition", create(sts(json!({"updateStrategy": {"rollingUpdate": {"partition": -1}}}))),
            invalid("StatefulSet.apps", "db", &["spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"])),
        ("StatefulSet retention policy Keep", create(sts(json!({"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Keep"}}))),
            invalid("StatefulSet.apps", "db", &["spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\""])),
        ("changing a StatefulSet's service", update("StatefulSet", Some("default"), "db", json!({"spec": {"serviceName": "other"}})),
            invalid("StatefulSet.apps", "db", &["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"])),
        ("DaemonSet maxSurge and maxUnavailable both 0", create(ds(json!({"updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}}))),
            invalid("DaemonSet.apps", "agent", &["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"])),
        ("DaemonSet maxSurge and maxUnavailable both set", create(ds(json!({"updateStrategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}}))),
            invalid("DaemonSet.apps", "agent", &["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"])),
        ("DaemonSet update strategy Bogus", create(ds(json!({"updateStrategy": {"type": "Bogus"}}))),
            invalid("DaemonSet.apps", "agent", &["spec.updateStrategy: Unsupported value: {\"Type\":\"Bogus\",\"RollingUpdate\":null}: supported values: \"RollingUpdate\", \"OnDelete\""])),
        ("DaemonSet maxUnavailable 200%", create(ds(json!({"updateStrategy": {"rollingUpdate": {"maxUnavailable": "200%"}}}))),
            invalid("DaemonSet.apps", "agent", &["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: \"200%\": must not be greater than 100%"])),
        ("changing a DaemonSet's selector", update("DaemonSet", Some("default"), "agent", json!({"spec": {"selector": {"matchLabels": {"app": "agent2"}}, "template": {"metadata": {"labels": {"app": "agent2"}}}}})),
            invalid("DaemonSet.apps", "agent", &["spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"agent2\"}}: field is immutable"])),
    ]);
}

#[test]
fn jobs_and_cronjobs() {
    let j = "Job.batch";
    let c = "CronJob.batch";
    run(vec![
        ("Job with restart policy Always", create(job(json!({"template": {"spec": {"restartPolicy": "Always"}}}))),
            invalid(j, "pi", &["spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""])),
        ("Job without a restart policy", create(job(json!({"template": {"spec": {"restartPolicy": null}}}))),
            invalid(j, "pi", &["spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""])),
        ("negative parallelism", create(job(json!({"parallelism": -1}))),
            invalid(j, "pi", &["spec.parallelism: Invalid value: -1: must be greater than or equal to 0"])),
        ("negative completions", create(job(json!({"completions": -1}))),
            invalid(j, "pi", &["spec.completions: Invalid value: -1: must be greater than or equal to 0"])),
        ("negative backoff limit", create(job(json!({"backoffLimit": -1}))),
            invalid(j, "pi", &["spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"])),
        ("negative deadline", create(job(json!({"activeDeadlineSeconds": -1}))),
            invalid(j, "pi", &["spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"])),
        ("negative TTL", create(job(json!({"ttlSecondsAfterFinished": -1}))),
            invalid(j, "pi", &["spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0"])),
        ("completions above int32", create(job(json!({"completions": 2_147_483_648u64}))),
            undecodable("Job", "json: cannot unmarshal number 2147483648 into Go struct field JobSpec.spec.completions of type int32")),
        ("completion mode Sometimes", create(job(json!({"completionMode": "Sometimes"}))),
            invalid(j, "pi", &["spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\""])),
        ("Indexed without completions", create(job(json!({"completionMode": "Indexed", "completions": null, "parallelism": 2}))),
            invalid(j, "pi", &["spec.completions: Required value: when completion mode is Indexed"])),
        ("Indexed with parallelism above 100000", create(job(json!({"completionMode": "Indexed", "completions": 10, "parallelism": 100001}))),
            invalid(j, "pi", &["spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed"])),
        ("maxFailedIndexes above completions", create(job(json!({"completionMode": "Indexed", "completions": 3, "backoffLimitPerIndex": 1, "maxFailedIndexes": 4}))),
            invalid(j, "pi", &["spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions"])),
        ("backoffLimitPerIndex without Indexed", create(job(json!({"backoffLimitPerIndex": 1}))),
            invalid(j, "pi", &["spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"])),
        ("maxFailedIndexes alone", create(job(json!({"maxFailedIndexes": 1}))),
            invalid(j, "pi", &["spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified", "spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode"])),
        ("Indexed name too long for its pods", create(meta(job(json!({"completionMode": "Indexed", "completions": 10})), json!({"name": "a".repeat(62)}))),
            invalid(j, &"a".repeat(62), &[&format!("metadata.name: Invalid value: \"{n}\": will not able to create pod with invalid DNS label: {n}-9", n = "a".repeat(62))])),
        ("pod failure policy with OnFailure", create(job(json!({"template": {"spec": {"restartPolicy": "OnFailure"}}, "podFailurePolicy": {"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [42]}}]}}))),
            invalid(j, "pi", &["spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified"])),
        ("pod failure rule without a condition", create(job(json!({"podFailurePolicy": {"rules": [{"action": "Ignore"}]}}))),
            invalid(j, "pi", &["spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required"])),
        ("pod failure action Retry", create(job(json!({"podFailurePolicy": {"rules": [{"action": "Retry", "onExitCodes": {"operator": "In", "values": [1]}}]}}))),
            invalid(j, "pi", &["spec.podFailurePolicy.rules[0].action: Unsupported value: \"Retry\": supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\""])),
        ("exit code 0 with In", create(job(json!({"podFailurePolicy": {"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [0]}}]}}))),
            invalid(j, "pi", &["spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator"])),
        ("unordered exit codes", create(job(json!({"podFailurePolicy": {"rules": [{"action": "FailJob", "onExitCodes": {"operator": "NotIn", "values": [3, 1]}}]}}))),
            invalid(j, "pi", &["spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,1]: must be ordered"])),
        ("pod replacement policy Sometimes", create(job(json!({"podReplacementPolicy": "Sometimes"}))),
            invalid(j, "pi", &["spec.podReplacementPolicy: Unsupported value: \"Sometimes\": supported values: \"Failed\", \"TerminatingOrFailed\""])),
        ("manual selector without a selector", create(job(json!({"manualSelector": true}))),
            invalid(j, "pi", &["spec.selector: Required value", "spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`"])),
        ("Job completions as a string", create(job(json!({"completions": "5"}))),
            undecodable("Job", "json: cannot unmarshal string into Go struct field JobSpec.spec.completions of type int32")),
        ("changing a Job's completions", update("Job", Some("default"), "pi", json!({"spec": {"completions": 3}})),
            invalid(j, "pi", &["spec.completions: Invalid value: 3: field is immutable"])),
        ("changing a Job's completion mode", update("Job", Some("default"), "pi", json!({"spec": {"completionMode": "Indexed"}})),
            invalid(j, "pi", &["spec.completionMode: Invalid value: \"Indexed\": field is immutable"])),
        ("no schedule", create(cron(json!({"schedule": ""}))),
            invalid(c, "hello", &["spec.schedule: Required value"])),
        ("minute 61", create(cron(json!({"schedule": "61 * * * *"}))),
            invalid(c, "hello", &["spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"])),
        ("four fields", create(cron(json!({"schedule": "* * * *"}))),
            invalid(c, "hello", &["spec.schedule: Invalid value: \"* * * *\": expected exactly 5 fields, found 4: [* * * *]"])),
        ("TZ= in the schedule", create(cron(json!({"schedule": "TZ=UTC 0 * * * *"}))),
            invalid(c, "hello", &["spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"])),
        ("CRON_TZ= with an unknown zone", create(cron(json!({"schedule": "CRON_TZ=Mars/Olympus 0 * * * *"}))),
            invalid(c, "hello", &[
                "spec.schedule: Invalid value: \"CRON_TZ=Mars/Olympus 0 * * * *\": provided bad location Mars/Olympus: unknown time zone Mars/Olympus",
                "spec.schedule: Invalid value: \"CRON_TZ=Mars/Olympus 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"])),
        ("unknown time zone", create(cron(json!({"timeZone": "Europe/InvalidRome"}))),
            invalid(c, "hello", &["spec.timeZone: Invalid value: \"Europe/InvalidRome\": unknown time zone Europe/InvalidRome"])),
        ("empty time zone", create(cron(json!({"timeZone": ""}))),
            invalid(c, "hello", &["spec.timeZone: Invalid value: \"\": timeZone must be nil or non-empty string"])),
        ("time zone Local", create(cron(json!({"timeZone": "Local"}))),
            invalid(c, "hello", &["spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"])),
        ("time zone with a space", create(cron(json!({"timeZone": "Europe/Rome "}))),
            invalid(c, "hello", &["spec.timeZone: Invalid value: \"Europe/Rome \": unknown time zone Europe/Rome "])),
        ("concurrency policy Sometimes", create(cron(json!({"concurrencyPolicy": "Sometimes"}))),
            invalid(c, "hello", &["spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\""])),
        ("CronJob name of 53 characters", create(meta(cron(json!({})), json!({"name": "c".repeat(53)}))),
            invalid(c, &"c".repeat(53), &[&format!("metadata.name: Invalid value: \"{}\": must be no more than 52 characters", "c".repeat(53))])),
        ("job template restart policy Always", create(cron(json!({"jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "Always"}}}}}))),
            invalid(c, "hello", &["spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""])),
        ("negative starting deadline", create(cron(json!({"startingDeadlineSeconds": -1}))),
            invalid(c, "hello", &["spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"])),
        ("negative history limit", create(cron(json!({"successfulJobsHistoryLimit": -1}))),
            invalid(c, "hello", &["spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0"])),
        ("job template with a selector", create(cron(json!({"jobTemplate": {"spec": {"selector": {"matchLabels": {"a": "b"}}}}}))),
            invalid(c, "hello", &["spec.jobTemplate.spec.selector: Invalid value: {\"matchLabels\":{\"a\":\"b\"}}: `selector` will be auto-generated"])),
        ("every with a bad duration", create(cron(json!({"schedule": "@every soon"}))),
            invalid(c, "hello", &["spec.schedule: Invalid value: \"@every soon\": failed to parse duration @every soon: time: invalid duration \"soon\""])),
        ("schedule as a number", create(cron(json!({"schedule": 5}))),
            undecodable("CronJob", "json: cannot unmarshal number into Go struct field CronJobSpec.spec.schedule of type string")),
    ]);
}

#[test]
fn services_namespaces_and_nodes() {
    let s = "Service";
    run(vec![
        ("no ports", create(svc(json!({"ports": []}))),
            invalid(s, "web", &["spec.ports: Required value"])),
        ("type Magic", create(svc(json!({"type": "Magic"}))),
            invalid(s, "web", &["spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""])),
        ("port 0", create(svc(json!({"ports": [{"port": 0, "targetPort": 80}]}))),
            invalid(s, "web", &[&format!("spec.ports[0].port: Invalid value: 0: {PORT_RANGE}")])),
        ("port 65536", create(svc(json!({"ports": [{"port": 65536}]}))),
            invalid(s, "web", &[&format!("spec.ports[0].port: Invalid value: 65536: {PORT_RANGE}"), &format!("spec.ports[0].targetPort: Invalid value: 65536: {PORT_RANGE}")])),
        ("two ports without names", create(svc(json!({"ports": [{"port": 80}, {"port": 443}]}))),
            invalid(s, "web", &["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"])),
        ("duplicate port names", create(svc(json!({"ports": [{"name": "web", "port": 80}, {"name": "web", "port": 443}]}))),
            invalid(s, "web", &["spec.ports[1].name: Duplicate value: \"web\""])),
        ("protocol HTTP", create(svc(json!({"ports": [{"port": 80, "protocol": "HTTP"}]}))),
            invalid(s, "web", &["spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""])),
        ("target port name with an underscore", create(svc(json!({"ports": [{"port": 80, "targetPort": "web_port"}]}))),
            invalid(s, "web", &["spec.ports[0].targetPort: Invalid value: \"web_port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"])),
        ("node port on a ClusterIP Service", create(svc(json!({"ports": [{"port": 80, "nodePort": 30080}]}))),
            invalid(s, "web", &["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"])),
        ("session affinity Sticky", create(svc(json!({"sessionAffinity": "Sticky"}))),
            invalid(s, "web", &["spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\""])),
        ("ExternalName without a name", create(svc(json!({"type": "ExternalName", "ports": []}))),
            invalid(s, "web", &["spec.externalName: Required value"])),
        ("name starting with a digit", create(meta(svc(json!({})), json!({"name": "1web"}))),
            invalid(s, "1web", &[&format!("metadata.name: Invalid value: \"1web\": {DNS1035}")])),
        ("selector with a bad value", create(svc(json!({"selector": {"app": "my app"}}))),
            invalid(s, "web", &[&format!("spec.selector: Invalid value: \"my app\": {LABEL_VALUE}")])),
        ("external traffic policy on a ClusterIP Service", create(svc(json!({"externalTrafficPolicy": "Local"}))),
            invalid(s, "web", &["spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services"])),
        ("port as a string", create(svc(json!({"ports": [{"port": "80"}]}))),
            undecodable("Service", "json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32")),
        ("changing the cluster IP", update("Service", Some("default"), "fixed", json!({"spec": {"clusterIP": "10.96.0.51", "clusterIPs": ["10.96.0.51"]}})),
            invalid(s, "fixed", &["spec.clusterIPs[0]: Invalid value: [\"10.96.0.51\"]: may not change once set"])),
        ("namespace name with a dot", create(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team.a"}})),
            invalid("Namespace", "team.a", &["metadata.name: Invalid value: \"team.a\": must not contain dots"])),
        ("namespace finalizer not qualified", create(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}, "spec": {"finalizers": ["custom"]}})),
            invalid("Namespace", "team", &["spec.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified"])),
        ("node taint effect Bogus", create(node(json!({"spec": {"taints": [{"key": "gpu", "effect": "Bogus"}]}}))),
            invalid("Node", "n2", &["metadata.taints[0].effect: Unsupported value: \"Bogus\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""])),
        ("node taint without effect", create(node(json!({"spec": {"taints": [{"key": "gpu"}]}}))),
            invalid("Node", "n2", &["metadata.taints[0].effect: Required value"])),
        ("node taint repeated", create(node(json!({"spec": {"taints": [{"key": "gpu", "effect": "NoSchedule"}, {"key": "gpu", "value": "x", "effect": "NoSchedule"}]}}))),
            invalid("Node", "n2", &["metadata.taints[1]: Duplicate value: {\"key\":\"gpu\",\"value\":\"x\",\"effect\":\"NoSchedule\"}: taints must be unique by key and effect pair"])),
        ("negative node capacity", create(node(json!({"status": {"capacity": {"cpu": "-1"}}}))),
            invalid("Node", "n2", &["status.capacity.cpu: Invalid value: \"-1\": must be greater than or equal to 0"])),
        ("changing a node's provider ID", update("Node", None, "n1", json!({"spec": {"providerID": "kwok://other"}})),
            invalid("Node", "n1", &["spec.providerID: Forbidden: node updates may not change providerID except from \"\" to valid"])),
        ("taints as an object", create(node(json!({"spec": {"taints": {"key": "gpu"}}}))),
            undecodable("Node", "json: cannot unmarshal object into Go struct field NodeSpec.spec.taints of type []v1.Taint")),
    ]);
}

#[test]
fn policies_and_autoscaling() {
    let p = "PodDisruptionBudget.policy";
    let h = "HorizontalPodAutoscaler.autoscaling";
    let pcs = "PriorityClass.scheduling.k8s.io";
    run(vec![
        ("minAvailable and maxUnavailable", create(pdb(json!({"minAvailable": 1, "maxUnavailable": 1}))),
            invalid(p, "web", &["spec: Invalid value: {\"MinAvailable\":1,\"Selector\":{\"matchLabels\":{\"app\":\"web\"}},\"MaxUnavailable\":1,\"UnhealthyPodEvictionPolicy\":null}: minAvailable and maxUnavailable cannot be both set"])),
        ("minAvailable 120%", create(pdb(json!({"minAvailable": "120%"}))),
            invalid(p, "web", &["spec.minAvailable: Invalid value: \"120%\": must not be greater than 100%"])),
        ("negative maxUnavailable", create(pdb(json!({"maxUnavailable": -1}))),
            invalid(p, "web", &["spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"])),
        ("minAvailable not a percent", create(pdb(json!({"minAvailable": "half"}))),
            invalid(p, "web", &[&format!("spec.minAvailable: Invalid value: \"half\": {PERCENT}")])),
        ("unhealthy pod eviction policy Sometimes", create(pdb(json!({"minAvailable": 1, "unhealthyPodEvictionPolicy": "Sometimes"}))),
            invalid(p, "web", &["spec.unhealthyPodEvictionPolicy: Unsupported value: \"Sometimes\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\""])),
        ("PDB selector operator Bogus", create(pdb(json!({"minAvailable": 1, "selector": {"matchExpressions": [{"key": "app", "operator": "Bogus"}]}}))),
            invalid(p, "web", &["spec.selector.matchExpressions[0].operator: Invalid value: \"Bogus\": not a valid selector operator"])),
        ("PDB name with a percent sign", create(meta(pdb(json!({"minAvailable": 1})), json!({"name": "a%b"}))),
            invalid(p, "a%b", &["metadata.name: Invalid value: \"a%b\": may not contain '%'"])),
        ("minAvailable as a boolean", create(pdb(json!({"minAvailable": true}))),
            undecodable("PodDisruptionBudget", "json: cannot unmarshal bool into Go struct field PodDisruptionBudgetSpec.spec.minAvailable of type int32")),
        ("user priority above 1000000000", create(pc("urgent", 1_000_000_001)),
            invalid(pcs, "urgent", &["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"])),
        ("system- prefix", create(pc("system-urgent", 10)),
            invalid(pcs, "system-urgent", &["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-urgent is not a known system priority class"])),
        ("system class with another value", create(pc("system-node-critical", 5)),
            invalid(pcs, "system-node-critical", &["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"])),
        ("preemption policy Sometimes", create(with(pc("low", 1), json!({"preemptionPolicy": "Sometimes"}))),
            invalid(pcs, "low", &["preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"PreemptLowerPriority\", \"Never\""])),
        ("priority above int32", create(pc("huge", 3_000_000_000)),
            undecodable("PriorityClass", "json: cannot unmarshal number 3000000000 into Go struct field PriorityClass.value of type int32")),
        ("changing a priority's value", update("PriorityClass", None, "tier1", json!({"value": 2000})),
            invalid(pcs, "tier1", &["value: Forbidden: may not be changed in an update."])),
        ("maxReplicas below minReplicas", create(hpa(json!({"minReplicas": 5, "maxReplicas": 2}))),
            invalid(h, "web", &["spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"])),
        ("minReplicas 0", create(hpa(json!({"minReplicas": 0}))),
            invalid(h, "web", &["spec.minReplicas: Invalid value: 0: must be greater than or equal to 1", "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas"])),
        ("maxReplicas 0", create(hpa(json!({"maxReplicas": 0}))),
            invalid(h, "web", &["spec.maxReplicas: Invalid value: 0: must be greater than 0", "spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`"])),
        ("target without kind", create(hpa(json!({"scaleTargetRef": {"kind": null}}))),
            invalid(h, "web", &["spec.scaleTargetRef.kind: Required value"])),
        ("utilization 0", create(hpa(json!({"metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 0}}}]}))),
            invalid(h, "web", &["spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0"])),
        ("metric type Magic", create(hpa(json!({"metrics": [{"type": "Magic"}]}))),
            invalid(h, "web", &["spec.metrics[0].type: Unsupported value: \"Magic\": supported values: \"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\""])),
        ("scaling policy of 1801 seconds", create(hpa(json!({"behavior": {"scaleUp": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 1801}]}}}))),
            invalid(h, "web", &["spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800"])),
        ("scaling policy type Nodes", create(hpa(json!({"behavior": {"scaleDown": {"policies": [{"type": "Nodes", "value": 1, "periodSeconds": 60}]}}}))),
            invalid(h, "web", &["spec.behavior.scaleDown.policies[0].type: Unsupported value: \"Nodes\": supported values: \"Percent\", \"Pods\""])),
        ("stabilization window of 3601 seconds", create(hpa(json!({"behavior": {"scaleDown": {"stabilizationWindowSeconds": 3601}}}))),
            invalid(h, "web", &["spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600"])),
    ]);
}

#[test]
fn storage_networking_and_rbac() {
    run(vec![
        ("claim without access modes or size", create(pvc(json!({"accessModes": [], "resources": null}))),
            invalid("PersistentVolumeClaim", "data", &["spec.accessModes: Required value: at least 1 access mode is required", "spec.resources[storage]: Required value"])),
        ("access mode ReadWriteSometimes", create(pvc(json!({"accessModes": ["ReadWriteSometimes"]}))),
            invalid("PersistentVolumeClaim", "data", &["spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\""])),
        ("ReadWriteOncePod with another mode", create(pvc(json!({"accessModes": ["ReadWriteOncePod", "ReadWriteOnce"]}))),
            invalid("PersistentVolumeClaim", "data", &["spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"])),
        ("claim of size 0", create(pvc(json!({"resources": {"requests": {"storage": "0"}}}))),
            invalid("PersistentVolumeClaim", "data", &["spec.resources[storage]: Invalid value: \"0\": must be greater than zero"])),
        ("volume mode Raw", create(pvc(json!({"volumeMode": "Raw"}))),
            invalid("PersistentVolumeClaim", "data", &["spec.volumeMode: Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\""])),
        ("changing an unbound claim's size", update("PersistentVolumeClaim", Some("default"), "data", json!({"spec": {"resources": {"requests": {"storage": "2Gi"}}}})),
            invalid("PersistentVolumeClaim", "data", &["spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"])),
        ("volume without a source", create(pv(json!({"hostPath": null}))),
            invalid("PersistentVolume", "vol", &["spec: Required value: must specify a volume type"])),
        ("volume without capacity", create(pv(json!({"capacity": null}))),
            invalid("PersistentVolume", "vol", &["spec.capacity: Required value", "spec.capacity: Unsupported value: null: supported values: \"storage\""])),
        ("reclaim policy Keep", create(pv(json!({"persistentVolumeReclaimPolicy": "Keep"}))),
            invalid("PersistentVolume", "vol", &["spec.persistentVolumeReclaimPolicy: Unsupported value: \"Keep\": supported values: \"Delete\", \"Recycle\", \"Retain\""])),
        ("storage class without provisioner", create(sc(json!({"provisioner": null}))),
            invalid("StorageClass.storage.k8s.io", "fast", &["provisioner: Required value"])),
        ("storage class reclaim policy Recycle", create(sc(json!({"reclaimPolicy": "Recycle"}))),
            invalid("StorageClass.storage.k8s.io", "fast", &["reclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\""])),
        ("binding mode Later", create(sc(json!({"volumeBindingMode": "Later"}))),
            invalid("StorageClass.storage.k8s.io", "fast", &["volumeBindingMode: Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\""])),
        ("changing storage class parameters", update("StorageClass", None, "fast", json!({"parameters": {"type": "io2"}})),
            invalid("StorageClass.storage.k8s.io", "fast", &["parameters: Forbidden: updates to parameters are forbidden."])),
        ("policy type Sideways", create(netpol(json!({"policyTypes": ["Sideways"]}))),
            invalid("NetworkPolicy.networking.k8s.io", "deny", &["spec.policyTypes[0]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\""])),
        ("three policy types", create(netpol(json!({"policyTypes": ["Ingress", "Egress", "Ingress"]}))),
            invalid("NetworkPolicy.networking.k8s.io", "deny", &["spec.policyTypes: Invalid value: [\"Ingress\",\"Egress\",\"Ingress\"]: may not specify more than two policyTypes"])),
        ("endPort below port", create(netpol(json!({"ingress": [{"ports": [{"port": 8080, "endPort": 80}]}]}))),
            invalid("NetworkPolicy.networking.k8s.io", "deny", &["spec.ingress[0].ports[0].endPort: Invalid value: 8080: must be greater than or equal to `port`"])),
        ("empty peer", create(netpol(json!({"egress": [{"to": [{}]}]}))),
            invalid("NetworkPolicy.networking.k8s.io", "deny", &["spec.egress[0].to[0]: Required value: must specify a peer"])),
        ("CIDR /33", create(netpol(json!({"ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/33"}}]}]}))),
            invalid("NetworkPolicy.networking.k8s.io", "deny", &["spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"])),
        ("ipBlock with a pod selector", create(netpol(json!({"ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}]}]}))),
            invalid("NetworkPolicy.networking.k8s.io", "deny", &["spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"])),
        ("network policy port protocol ICMP", create(netpol(json!({"ingress": [{"ports": [{"protocol": "ICMP"}]}]}))),
            invalid("NetworkPolicy.networking.k8s.io", "deny", &["spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\""])),
        ("ingress without rules or backend", create(ingress(json!({}))),
            invalid("Ingress.networking.k8s.io", "web", &["spec.rules: Invalid value: null: either `defaultBackend` or `rules` must be specified"])),
        ("relative ingress path", create(ingress(json!({"rules": [{"http": {"paths": [{"path": "api", "pathType": "Prefix", "backend": backend()}]}}]}))),
            invalid("Ingress.networking.k8s.io", "web", &["spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path"])),
        ("ingress path without type", create(ingress(json!({"rules": [{"http": {"paths": [{"path": "/", "backend": backend()}]}}]}))),
            invalid("Ingress.networking.k8s.io", "web", &["spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"])),
        ("ingress path type Glob", create(ingress(json!({"rules": [{"http": {"paths": [{"path": "/", "pathType": "Glob", "backend": backend()}]}}]}))),
            invalid("Ingress.networking.k8s.io", "web", &["spec.rules[0].http.paths[0].pathType: Unsupported value: \"Glob\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""])),
        ("ingress backend without a port", create(ingress(json!({"defaultBackend": {"service": {"name": "web"}}}))),
            invalid("Ingress.networking.k8s.io", "web", &["spec.defaultBackend: Required value: port name or number is required"])),
        ("ingress host that is an IP", create(ingress(json!({"rules": [{"host": "10.0.0.1", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend()}]}}]}))),
            invalid("Ingress.networking.k8s.io", "web", &["spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address"])),
        ("role rule without verbs", create(role(json!([{"apiGroups": [""], "resources": ["pods"]}]))),
            invalid("Role.rbac.authorization.k8s.io", "reader", &["rules[0].verbs: Required value: verbs must contain at least one value"])),
        ("role rule without groups or resources", create(role(json!([{"verbs": ["get"]}]))),
            invalid("Role.rbac.authorization.k8s.io", "reader", &["rules[0].apiGroups: Required value: resource rules must supply at least one api group", "rules[0].resources: Required value: resource rules must supply at least one resource"])),
        ("namespaced rule on a URL", create(role(json!([{"verbs": ["get"], "nonResourceURLs": ["/healthz"]}]))),
            invalid("Role.rbac.authorization.k8s.io", "reader", &["rules[0].nonResourceURLs: Invalid value: [\"/healthz\"]: namespaced rules cannot apply to non-resource URLs"])),
        ("binding to a Thing", create(binding("RoleBinding", rref("Thing", "view"), json!([]))),
            invalid("RoleBinding.rbac.authorization.k8s.io", "bind", &["roleRef.kind: Unsupported value: \"Thing\": supported values: \"Role\", \"ClusterRole\""])),
        ("cluster binding to a Role", create(binding("ClusterRoleBinding", rref("Role", "view"), json!([]))),
            invalid("ClusterRoleBinding.rbac.authorization.k8s.io", "bind", &["roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\""])),
        ("subject kind Robot", create(binding("RoleBinding", rref("ClusterRole", "view"), json!([{"kind": "Robot", "name": "r2"}]))),
            invalid("RoleBinding.rbac.authorization.k8s.io", "bind", &["subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\""])),
        ("service account subject without namespace", create(binding("ClusterRoleBinding", rref("ClusterRole", "view"), json!([{"kind": "ServiceAccount", "name": "bot"}]))),
            invalid("ClusterRoleBinding.rbac.authorization.k8s.io", "bind", &["subjects[0].namespace: Required value"])),
        ("roleRef of another group", create(binding("RoleBinding", json!({"apiGroup": "example.com", "kind": "ClusterRole", "name": "view"}), json!([]))),
            invalid("RoleBinding.rbac.authorization.k8s.io", "bind", &["roleRef.apiGroup: Unsupported value: \"example.com\": supported values: \"rbac.authorization.k8s.io\""])),
        ("changing a binding's role", update("RoleBinding", Some("default"), "bind", json!({"roleRef": {"name": "edit"}})),
            invalid("RoleBinding.rbac.authorization.k8s.io", "bind", &["roleRef: Invalid value: {\"APIGroup\":\"rbac.authorization.k8s.io\",\"Kind\":\"ClusterRole\",\"Name\":\"edit\"}: cannot change roleRef"])),
        ("quota on gpus", create(quota(json!({"hard": {"gpus": "1"}}))),
            invalid("ResourceQuota", "q", &["spec.hard[gpus]: Invalid value: \"gpus\": must be a standard resource type or fully qualified"])),
        ("negative quota", create(quota(json!({"hard": {"pods": "-1"}}))),
            invalid("ResourceQuota", "q", &["spec.hard[pods]: Invalid value: \"-1\": must be greater than or equal to 0"])),
        ("quota scope Sometimes", create(quota(json!({"hard": {"pods": "1"}, "scopes": ["Sometimes"]}))),
            invalid("ResourceQuota", "q", &["spec.scopes: Unsupported value: \"Sometimes\": supported values: \"BestEffort\", \"CrossNamespacePodAffinity\", \"NotBestEffort\", \"NotTerminating\", \"PriorityClass\", \"Terminating\", \"VolumeAttributesClass\""])),
        ("changing quota scopes", update("ResourceQuota", Some("default"), "q", json!({"spec": {"scopes": ["NotBestEffort"]}})),
            invalid("ResourceQuota", "q", &["spec.scopes: Invalid value: [\"NotBestEffort\"]: field is immutable"])),
        ("limit range min above max", create(limits(json!([{"type": "Container", "min": {"cpu": "2"}, "max": {"cpu": "1"}}]))),
            invalid("LimitRange", "l", &[
                "spec.limits[0].min[cpu]: Invalid value: \"2\": min value 2 is greater than max value 1",
                "spec.limits[0].defaultRequest[cpu]: Invalid value: \"1\": min value 2 is greater than default request value 1",
                "spec.limits[0].default[cpu]: Invalid value: \"2\": min value 2 is greater than default value 1"])),
        ("limit range type Node", create(limits(json!([{"type": "Node", "max": {"cpu": "1"}}]))),
            invalid("LimitRange", "l", &["spec.limits[0].type: Invalid value: \"Node\": must be a standard limit type or fully qualified"])),
        ("pod limit range with a default", create(limits(json!([{"type": "Pod", "default": {"cpu": "1"}}]))),
            invalid("LimitRange", "l", &["spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"])),
        ("service account name with uppercase", create(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "Bot", "namespace": "default"}})),
            invalid("ServiceAccount", "Bot", &[&format!("metadata.name: Invalid value: \"Bot\": {SUBDOMAIN}")])),
    ]);
}

#[test]
fn decoding() {
    let deep = format!("{}1{}", "{\"a\":".repeat(150), "}".repeat(150));
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  a: \"{}\"\n",
        "x".repeat(3 * 1024 * 1024)
    );
    let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let deploy_yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: REPLICAS\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
    let with_replicas = |r: &str| deploy_yaml.replace("REPLICAS", r);
    run(vec![
        ("no apiVersion and no kind", apply_text("metadata: {name: x}\n", false),
            (400, "BadRequest", "error validating data: [apiVersion not set, kind not set]".into())),
        ("no kind", apply_text("apiVersion: v1\nmetadata: {name: x}\n", false),
            (400, "BadRequest", "error validating data: kind not set".into())),
        ("unknown kind", apply_text("apiVersion: v1\nkind: Widget\nmetadata: {name: x}\n", false),
            (404, "NotFound", "no matches for kind \"Widget\" in version \"v1\"".into())),
        ("removed version", apply_text("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: x}\n", false),
            (404, "NotFound", "no matches for kind \"Deployment\" in version \"apps/v1beta1\"".into())),
        ("nesting deeper than 100", apply_text(&deep, false),
            (400, "BadRequest", "error parsing document 1: exceeded max depth of 100".into())),
        ("document above 3 MiB", apply_text(&big, false),
            (413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728".into())),
        ("replicas as a word", apply_text(&with_replicas("three"), false),
            undecodable("Deployment", "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")),
        ("replicas above int64", apply_text(&with_replicas("99999999999999999999"), false),
            undecodable("Deployment", "json: cannot unmarshal number 100000000000000000000 into Go struct field DeploymentSpec.spec.replicas of type int32")),
        ("replicas above int32", apply_text(&with_replicas("2147483648"), false),
            undecodable("Deployment", "json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32")),
        ("replicas as a list", apply_text(&with_replicas("[1]"), false),
            undecodable("Deployment", "json: cannot unmarshal array into Go struct field DeploymentSpec.spec.replicas of type int32")),
        ("replicas as YAML true", apply_text(&with_replicas("yes"), false),
            undecodable("Deployment", "json: cannot unmarshal bool into Go struct field DeploymentSpec.spec.replicas of type int32")),
        ("label version 1.0 (a number in YAML)", apply_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {version: 1.0}\n", false),
            undecodable("ConfigMap", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")),
        ("env value 8080 (a number in YAML)", apply_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    env:\n    - name: PORT\n      value: 8080\n", false),
            undecodable("Pod", "json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string")),
        ("required node affinity as a list in YAML", apply_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - nodeSelectorTerms:\n        - matchExpressions: [{key: zone, operator: Exists}]\n", false),
            undecodable("Pod", "json: cannot unmarshal array into Go struct field NodeAffinity.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution of type v1.NodeSelector")),
        ("quantity 1.5.5", apply_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources: {requests: {cpu: 1.5.5}}\n", false),
            undecodable("Pod", QUANTITY)),
        ("secret data that is not base64", apply_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: hunter2!}\n", false),
            undecodable("Secret", "illegal base64 data at input byte 7")),
        ("unknown field under Strict", apply_text(&deploy_yaml.replace("  replicas: REPLICAS\n", "  replica: 3\n"), true),
            (400, "BadRequest", "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"".into())),
        ("two unknown fields under Strict", apply_text(&deploy_yaml.replace("  replicas: REPLICAS\n", "  replica: 3\n  pause: true\n"), true),
            (400, "BadRequest", "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\", unknown field \"spec.pause\"".into())),
        // (kubectl goes on past a failing item: a List whose other items are valid applies them.)
        ("a List whose item is invalid", apply_text("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: Bad}\n", false),
            invalid("ConfigMap", "Bad", &[&format!("metadata.name: Invalid value: \"Bad\": {SUBDOMAIN}")])),
        ("an object above etcd's 1.5 MiB", create(pod_containers(json!([ctr(json!({"args": ["x".repeat(1024 * 1024), "y".repeat(600 * 1024)]}))]))),
            (500, "", "etcdserver: request is too large".into())),
    ]);
    // Texts that are not manifests: refused with a 400 whose wording is kplane's YAML/JSON
    // parser's (upstream's is goyaml's); the code, the reason and the document are checked.
    let base = base();
    let before = state(&base);
    for text in [
        "a: [1, 2\n",
        "{\"kind\": \"Pod\",",
        "- 1\n- 2\n",
        "just a string\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkey: [unclosed\n",
        bomb.as_str(),
        "\t- tab\n",
    ] {
        let mut cp = base.clone();
        let e = cp
            .apply("root", text, &ApplyOptions::default())
            .unwrap_err();
        assert_eq!(
            (e.code, e.reason.as_str()),
            (400, "BadRequest"),
            "{text:?}: {}",
            e.message
        );
        assert!(
            e.message.starts_with("error parsing"),
            "{text:?}: {}",
            e.message
        );
        assert_eq!(state(&cp), before, "{text:?}");
    }
}

#[test]
fn api_misuse() {
    run(vec![
        ("creating what exists", create(meta(cm(json!({})), json!({"name": "frozen"}))),
            (409, "AlreadyExists", "configmaps \"frozen\" already exists".into())),
        ("updating what does not exist", Box::new(|cp: &mut ControlPlane| cp.update("root", cm(json!({}))).map(|_| ())),
            (404, "NotFound", "configmaps \"cfg\" not found".into())),
        ("updating with a stale resourceVersion", Box::new(|cp: &mut ControlPlane| {
                let mut o = get(cp, "ConfigMap", Some("default"), "frozen");
                o["metadata"]["resourceVersion"] = json!("1");
                cp.update("root", o).map(|_| ())
            }),
            (409, "Conflict", "Operation cannot be fulfilled on configmaps \"frozen\": the object has been modified; please apply your changes to the latest version and try again".into())),
        ("deleting what does not exist", Box::new(|cp: &mut ControlPlane| cp.delete("root", &DeleteOptions { kind: "ConfigMap".into(), name: "nope".into(), ..Default::default() }).map(|_| ())),
            (404, "NotFound", "configmaps \"nope\" not found".into())),
        ("deleting the default namespace", Box::new(|cp: &mut ControlPlane| cp.delete("root", &DeleteOptions { kind: "Namespace".into(), name: "default".into(), ..Default::default() }).map(|_| ())),
            (403, "Forbidden", "namespaces \"default\" is forbidden: this namespace may not be deleted".into())),
        ("deleting kube-system", Box::new(|cp: &mut ControlPlane| cp.delete("root", &DeleteOptions { kind: "Namespace".into(), name: "kube-system".into(), ..Default::default() }).map(|_| ())),
            (403, "Forbidden", "namespaces \"kube-system\" is forbidden: this namespace may not be deleted".into())),
        ("deleting kube-public", Box::new(|cp: &mut ControlPlane| cp.delete("root", &DeleteOptions { kind: "Namespace".into(), name: "kube-public".into(), ..Default::default() }).map(|_| ())),
            (403, "Forbidden", "namespaces \"kube-public\" is forbidden: this namespace may not be deleted".into())),
        ("patching what does not exist", Box::new(|cp: &mut ControlPlane| cp.patch("root", &ObjectRef { kind: "ConfigMap".into(), name: "nope".into(), ..Default::default() }, &json!({"data": {"a": "b"}}), PatchType::Merge).map(|_| ())),
            (404, "NotFound", "configmaps \"nope\" not found".into())),
        ("a patch to negative replicas", Box::new(|cp: &mut ControlPlane| cp.patch("root", &ObjectRef { kind: "Deployment".into(), name: "web".into(), ..Default::default() }, &json!({"spec": {"replicas": -3}}), PatchType::Merge).map(|_| ())),
            invalid("Deployment.apps", "web", &["spec.replicas: Invalid value: -3: must be greater than or equal to 0"])),
        ("a patch to string replicas", Box::new(|cp: &mut ControlPlane| cp.patch("root", &ObjectRef { kind: "Deployment".into(), name: "web".into(), ..Default::default() }, &json!({"spec": {"replicas": "3"}}), PatchType::Merge).map(|_| ())),
            undecodable("Deployment", "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")),
        ("a patch to an immutable ConfigMap", Box::new(|cp: &mut ControlPlane| cp.patch("root", &ObjectRef { kind: "ConfigMap".into(), name: "frozen".into(), ..Default::default() }, &json!({"data": {"a": "9"}}), PatchType::Strategic).map(|_| ())),
            invalid("ConfigMap", "frozen", &["data: Forbidden: field is immutable when `immutable` is set"])),
        ("evicting a pod that does not exist", Box::new(|cp: &mut ControlPlane| cp.evict("root", "default", "nope").map(|_| ())),
            (404, "NotFound", "pods \"nope\" not found".into())),
        ("a workspace that does not exist", Box::new(|cp: &mut ControlPlane| cp.create("root:nope", cm(json!({})), &ApplyOptions::default()).map(|_| ())),
            (404, "NotFound", "workspaces.tenancy.kcp.io \"root:nope\" not found".into())),
        ("server-side apply with an empty field manager", Box::new(|cp: &mut ControlPlane| cp.apply("root", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", &ApplyOptions { field_manager: Some(String::new()), ..Default::default() }).map(|_| ())),
            (422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch".into())),
        ("server-side apply with a 129-byte field manager", Box::new(|cp: &mut ControlPlane| cp.apply("root", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", &ApplyOptions { field_manager: Some("m".repeat(129)), ..Default::default() }).map(|_| ())),
            (422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes".into())),
    ]);
}

#[test]
fn kubectl_lines() {
    let base = base();
    let before = state(&base);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("delete namespace default", "", "Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted\n"),
        ("delete namespace kube-system", "", "Error from server (Forbidden): namespaces \"kube-system\" is forbidden: this namespace may not be deleted\n"),
        ("get widgets", "", "error: the server doesn't have a resource type \"widgets\"\n"),
        ("delete pod nope", "", "Error from server (NotFound): pods \"nope\" not found\n"),
        ("get pod nope", "", "Error from server (NotFound): pods \"nope\" not found\n"),
        ("delete deployment nope -n kube-system", "", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
        ("create -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen}\n", "Error from server (AlreadyExists): error when creating \"STDIN\": configmaps \"frozen\" already exists\n"),
        ("create -f -", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: \"abc$\"}\n", "Error from server (BadRequest): error when creating \"STDIN\": Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3\n"),
    ];
    for (line, stdin, stderr) in cases {
        let mut cp = base.clone();
        let out = cp.kubectl(line, stdin);
        assert_eq!(
            (out.exit_code, out.stderr.as_str()),
            (1, stderr),
            "kubectl {line}"
        );
        assert_eq!(state(&cp), before, "kubectl {line}");
    }
}

/// kubectl prints an error without a reason as `Error from server: ...`.
#[test]
fn kubectl_prints_errors_without_a_reason() {
    let mut cp = base();
    let out = cp.kubectl(
        "create -f -",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, resourceVersion: \"12\"}\n",
    );
    assert_eq!(
        out.stderr,
        "Error from server: error when creating \"STDIN\": resourceVersion should not be set on objects to be created\n"
    );
}

/// kubectl prints a 422 as `cmdutil.CheckErr` does: `The <Kind> "<name>" is invalid: ...`.
#[test]
fn kubectl_prints_invalid_objects_as_kubectl_does() {
    let mut cp = base();
    let out = cp.kubectl(
        "apply -f -",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web2}\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec: {containers: [{name: c, image: nginx}]}\n",
    );
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "The Deployment \"web2\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
    );
}

#[test]
fn snapshots() {
    let base = base();
    // Restore has no upstream counterpart: the parser's wording is kplane's own.
    for text in [
        "",
        "{}",
        "[]",
        "null",
        "\"KplaneSnapshot\"",
        "{\"kind\": 1}",
    ] {
        let e = ControlPlane::restore(text).expect_err("refused");
        assert_eq!((e.code, e.reason.as_str()), (400, "BadRequest"), "{text:?}");
        assert!(
            e.message.starts_with("invalid snapshot: "),
            "{text:?}: {}",
            e.message
        );
    }
    let snap = base.snapshot();
    let mut doc: serde_json::Value = serde_json::from_str(&snap).unwrap();
    doc["kind"] = serde_json::json!("Other");
    let e = ControlPlane::restore(&doc.to_string()).err().unwrap();
    assert_eq!(
        e.message,
        "unsupported snapshot: kind \"Other\" version 2 (expected KplaneSnapshot version 2)"
    );
    doc["kind"] = serde_json::json!("KplaneSnapshot");
    doc["version"] = serde_json::json!(3);
    let e = ControlPlane::restore(&doc.to_string()).err().unwrap();
    assert_eq!(e.message, "unsupported snapshot: kind \"KplaneSnapshot\" version 3 (expected KplaneSnapshot version 2)");
    let truncated = &snap[..snap.len() / 2];
    let e = ControlPlane::restore(truncated).err().unwrap();
    assert_eq!((e.code, e.reason.as_str()), (400, "BadRequest"));
    // A snapshot survives a round trip through a JSON value.
    let reparsed: serde_json::Value = serde_json::from_str(&snap).unwrap();
    let restored = ControlPlane::restore(&reparsed.to_string()).unwrap();
    assert_eq!(state(&restored), state(&base));
}

/// JavaScript's `JSON.parse` keeps numbers as doubles: a snapshot must survive that.
#[test]
fn snapshots_survive_javascript_numbers() {
    fn as_doubles(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Number(n) => {
                if let Some(f) = n.as_f64() {
                    if let Some(m) = serde_json::Number::from_f64(f) {
                        if n.as_u64().is_some_and(|u| u > (1u64 << 53)) {
                            *n = m;
                        }
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(as_doubles),
            serde_json::Value::Object(m) => m.values_mut().for_each(as_doubles),
            _ => {}
        }
    }
    let cp = base();
    let mut doc: serde_json::Value = serde_json::from_str(&cp.snapshot()).unwrap();
    as_doubles(&mut doc);
    let restored = ControlPlane::restore(&doc.to_string()).unwrap();
    assert_eq!(restored.snapshot(), cp.snapshot());
}

/// After a restore, a write gets a revision above every stored one.
#[test]
fn revisions_never_go_backwards_after_a_restore() {
    let cp = base();
    let mut restored = ControlPlane::restore(&cp.snapshot()).unwrap();
    let highest = cp
        .watch("root", &Default::default())
        .unwrap()
        .iter()
        .filter_map(|e| {
            e.object["metadata"]["resourceVersion"]
                .as_str()
                .and_then(|v| v.parse::<u64>().ok())
        })
        .max()
        .unwrap();
    let (created, _) = restored
        .create("root", cm(json!({})), &ApplyOptions::default())
        .unwrap();
    let rv: u64 = created["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(rv > highest, "{rv} <= {highest}");
}

/// A refused create leaves nothing behind, not even a step of the RNG.
#[test]
fn refused_creates_leave_the_rng_alone() {
    let mut cp = base();
    let before = cp.snapshot();
    let _ = cp.create(
        "root",
        deploy(json!({"replicas": -1})),
        &ApplyOptions::default(),
    );
    assert_eq!(cp.snapshot(), before);
}

/// Duplicate keys are a strict decoding error under Strict and a warning otherwise.
#[test]
fn duplicate_keys() {
    let text = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}, \"data\": {\"a\": \"1\", \"a\": \"2\"}}";
    let mut cp = base();
    let strict = ApplyOptions {
        field_validation: Some(FieldValidation::Strict),
        ..Default::default()
    };
    let e = cp.apply("root", text, &strict).unwrap_err();
    assert_eq!(e.message, "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: duplicate field \"data.a\"");
    let r = cp.apply("root", text, &ApplyOptions::default()).unwrap();
    assert_eq!(r.warnings, vec!["duplicate field \"data.a\""]);
    let yaml =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  a: \"1\"\n  a: \"2\"\n";
    let r = cp.apply("root", yaml, &ApplyOptions::default()).unwrap();
    assert_eq!(r.warnings, vec!["line 6: key \"a\" already set in map"]);
}

/// `advance` takes seconds: NaN, negative and infinite values are refused with a Status.
#[test]
fn advance_refuses_non_finite_and_negative_seconds() {
    let mut cp = base();
    let before = cp.now_ms();
    for s in [f64::NAN, -1.0, f64::INFINITY, f64::NEG_INFINITY] {
        let e = cp.advance(s).unwrap_err();
        assert_eq!((e.code, e.reason.as_str()), (400, "BadRequest"));
        assert_eq!(cp.now_ms(), before, "advance({s}) moved time");
    }
}

/// Huge replica counts are accepted (they are valid int32) and must not hang the controllers.
#[test]
fn huge_replica_counts_do_not_hang() {
    let mut cp = base();
    cp.create(
        "root",
        meta(
            deploy(json!({"replicas": 2_000_000_000})),
            json!({"name": "huge"}),
        ),
        &ApplyOptions::default(),
    )
    .unwrap();
    cp.advance(1.0).unwrap();
    // The ReplicaSet controller's client spends its burst of 30 and then 20 writes a second
    // (kube-controller-manager's --kube-api-qps=20 --kube-api-burst=30): a running
    // controller, a handful of pods, not two billion at one instant.
    let pods = cp
        .list_items(
            "root",
            &kplane::ListOptions {
                kind: "Pod".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .len();
    assert!((1..=60).contains(&pods), "{pods} pods after one second");
    let rs = cp
        .list_items(
            "root",
            &kplane::ListOptions {
                kind: "ReplicaSet".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let huge: Vec<_> = rs
        .iter()
        .filter(|r| {
            r["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("huge-"))
        })
        .collect();
    assert_eq!(huge.len(), 1);
    assert_eq!(huge[0]["spec"]["replicas"], 2_000_000_000);
}
