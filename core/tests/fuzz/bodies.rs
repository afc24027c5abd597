//! The fuzz targets' bodies, one plain function per target, shared by the cargo-fuzz targets in
//! `fuzz/fuzz_targets/` (libFuzzer, nightly) and by `core/tests/fuzz_smoke.rs` (a seeded
//! mutation driver on stable, run by `cargo test -p kplane`). Each body takes arbitrary bytes
//! and asserts the invariants every entry point keeps for any input:
//! - no panic, and work bounded by the input;
//! - a refusal is a Kubernetes `Status` with an error code (400..=599), a reason and a message;
//! - a refused write leaves the control plane as it was (revision, object count, clock);
//! - a snapshot restores to the same document; garbage restores to a 400.
//!
//! Bodies that need a control plane start each run from a clone of one base control plane
//! per thread (a namespace, a ConfigMap and a Deployment), so runs are independent.
#![allow(dead_code)]

use kplane::api::cron::Schedule;
use kplane::api::quantity::Quantity;
use kplane::api::selector::{FieldSelector, Selector};
use kplane::server::patch::apply_patch;
use kplane::{
    ApplyOptions, ControlPlane, ListOptions, ObjectRef, Options, PatchType, Status, WatchOptions,
};
use std::collections::BTreeMap;

/// The objects of the base control plane every stateful body starts from.
pub const BASE_MANIFEST: &str = "\
apiVersion: v1
kind: Namespace
metadata: {name: fuzz}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: fuzz, labels: {app: web}}
data: {a: '1'}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: fuzz, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: nginx:1.27, resources: {requests: {cpu: 100m}}}]
";

thread_local! {
    static BASE: ControlPlane = {
        let mut cp = ControlPlane::new(Options { seed: 7, ..Default::default() })
            .expect("a control plane");
        cp.apply("root", BASE_MANIFEST, &ApplyOptions::default())
            .expect("the base manifest applies");
        cp
    };
}

/// A fresh copy of the base control plane.
pub fn base() -> ControlPlane {
    BASE.with(|cp| cp.clone())
}

/// What a refused call must not change.
#[derive(Debug, PartialEq, Eq)]
pub struct Fingerprint {
    revision: u64,
    objects: usize,
    now_ms: i64,
}

pub fn fingerprint(cp: &ControlPlane) -> Fingerprint {
    Fingerprint {
        revision: cp.server().store.revision(),
        objects: cp.server().store.len(),
        now_ms: cp.now_ms(),
    }
}

/// A refusal is a well-formed Status error.
pub fn check_status(what: &str, s: &Status) {
    assert!(
        (400..=599).contains(&s.code),
        "{what}: a refusal with code {} ({s:?})",
        s.code
    );
    assert!(
        !s.reason.is_empty(),
        "{what}: a refusal without a reason ({s:?})"
    );
    assert!(
        !s.message.is_empty(),
        "{what}: a refusal without a message ({s:?})"
    );
    assert_eq!(s.status, "Failure", "{what}: {s:?}");
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Splits the input at the first NUL byte (or in the middle when there is none) into two texts.
fn two_texts(data: &[u8]) -> (String, String) {
    let at = data.iter().position(|b| *b == 0).unwrap_or(data.len() / 2);
    let rest = data.get(at + 1..).unwrap_or_default();
    (text(&data[..at]), text(rest))
}

/// Manifest decoding and apply: YAML, JSON and `kind: List`. Every document's outcome is an
/// object or a Status; when every document is refused nothing changed; a single decoded
/// object refused by `create` changes nothing; the controllers then run for a virtual second.
pub fn manifests(data: &[u8]) {
    let input = text(data);
    if let Err(s) = kplane::server::decode::decode(&input) {
        check_status("decode", &s);
    }
    let mut cp = base();
    let before = fingerprint(&cp);
    match cp.apply_documents("root", &input, &ApplyOptions::default()) {
        Err(s) => {
            check_status("apply", &s);
            assert_eq!(
                fingerprint(&cp),
                before,
                "a refused apply changed the state"
            );
        }
        Ok(result) => {
            let all_failed = result.objects.is_empty();
            if let Some(s) = result.first_error() {
                check_status("apply document", s);
                if all_failed {
                    assert_eq!(
                        fingerprint(&cp),
                        before,
                        "refused documents changed the state"
                    );
                }
            }
        }
    }
    if let Ok(docs) = kplane::server::decode::decode(&input) {
        for d in docs.into_iter().take(4) {
            let mut fresh = base();
            let before = fingerprint(&fresh);
            if let Err(s) = fresh.create("root", d.object, &ApplyOptions::default()) {
                check_status("create", &s);
                assert_eq!(
                    fingerprint(&fresh),
                    before,
                    "a refused create changed the state"
                );
            }
        }
    }
    if let Err(s) = cp.advance(1.0) {
        check_status("advance", &s);
    }
}

/// Quantities: a parsed quantity's canonical form parses back to the same amount.
pub fn quantity(data: &[u8]) {
    let input = text(data);
    if let Ok((q, format)) = Quantity::parse_with_format(&input) {
        let canonical = q.canonical(format);
        let again = Quantity::parse(&canonical)
            .unwrap_or_else(|e| panic!("canonical {canonical:?} of {input:?} is refused: {e:?}"));
        assert_eq!(
            again.canonical(format),
            canonical,
            "canonical form of {input:?} is not stable"
        );
        let _ = (q.milli(), q.value(), q.nanos(), q.round_up_units());
    }
}

/// Label and field selectors, parsed directly and through `list`/`watch` (a refusal there is
/// a 400 and changes nothing).
pub fn selectors(data: &[u8]) {
    let (label, field) = two_texts(data);
    let labels: BTreeMap<String, String> = [("app", "web"), ("tier", "1")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Ok(s) = Selector::parse(&label) {
        let _ = s.matches(&labels);
    }
    if let Ok(f) = FieldSelector::parse(&field) {
        let _ = f.matches(&kplane::json!({"metadata": {"name": "cm", "namespace": "fuzz"}}));
        let _ = f.check_supported(&["metadata.name", "metadata.namespace"]);
    }
    let cp = base();
    let before = fingerprint(&cp);
    for (kind, namespace) in [("ConfigMap", Some("fuzz")), ("Pod", None)] {
        let o = ListOptions {
            kind: kind.into(),
            namespace: namespace.map(String::from),
            label_selector: Some(label.clone()),
            field_selector: Some(field.clone()),
            ..Default::default()
        };
        if let Err(s) = cp.list("root", &o) {
            check_status("list", &s);
        }
    }
    let w = WatchOptions {
        kind: Some("ConfigMap".into()),
        label_selector: Some(label),
        field_selector: Some(field),
        ..Default::default()
    };
    if let Err(s) = cp.watch("root", &w) {
        check_status("watch", &s);
    }
    assert_eq!(fingerprint(&cp), before, "a read changed the state");
}

/// Cron schedules: each next run is after the instant asked about.
pub fn cron(data: &[u8]) {
    let input = text(data);
    if let Ok(s) = Schedule::parse(&input) {
        let mut t: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
        for _ in 0..4 {
            match s.next(t) {
                Some(n) => {
                    assert!(n > t, "{input:?}: next({t}) = {n} is not later");
                    t = n;
                }
                None => break,
            }
        }
        let _ = s.next(i64::MAX - 1);
        let _ = s.next(i64::MIN + 1);
    }
}

/// JSON, merge and strategic merge patches: on a value (the input's first half, or the base
/// ConfigMap) and through `patch` on stored objects, where a refusal changes nothing.
pub fn patches(data: &[u8]) {
    let (target, patch) = two_texts(data);
    let target = kplane::server::decode::decode_value(&target)
        .unwrap_or_else(|_| kplane::json!({"metadata": {"name": "cm"}, "data": {"a": "1"}}));
    let patch = match kplane::server::decode::decode_value(&patch) {
        Ok(p) => p,
        Err(s) => return check_status("decode patch", &s),
    };
    for kind in [PatchType::Json, PatchType::Merge, PatchType::Strategic] {
        if let Err(s) = apply_patch(&target, &patch, kind) {
            check_status("apply_patch", &s);
        }
    }
    if !(patch.is_object() || patch.is_array()) {
        return;
    }
    let mut cp = base();
    for (kind, object) in [
        (PatchType::Merge, ("ConfigMap", "cm")),
        (PatchType::Strategic, ("Deployment", "web")),
        (PatchType::Json, ("Deployment", "web")),
    ] {
        let before = fingerprint(&cp);
        let r = ObjectRef {
            api_version: None,
            kind: object.0.into(),
            namespace: Some("fuzz".into()),
            name: object.1.into(),
        };
        if let Err(s) = cp.patch("root", &r, &patch, kind) {
            check_status("patch", &s);
            assert_eq!(
                fingerprint(&cp),
                before,
                "a refused patch changed the state"
            );
        }
    }
    if let Err(s) = cp.advance(1.0) {
        check_status("advance", &s);
    }
}

/// kubectl command lines (the first line; the rest is stdin): a non-zero exit says something
/// (on stderr, or `no` on stdout as `auth can-i` does).
pub fn kubectl(data: &[u8]) {
    let input = text(data);
    let (line, stdin) = input.split_once('\n').unwrap_or((&input, ""));
    let mut cp = base();
    let out = cp.kubectl(line, stdin);
    if out.exit_code != 0 {
        assert!(
            !out.stderr.is_empty() || !out.stdout.is_empty(),
            "kubectl {line:?} exited {} without a message",
            out.exit_code
        );
    }
}

/// Snapshot restore: garbage is a 400; a document that restores snapshots to itself.
pub fn restore(data: &[u8]) {
    let input = text(data);
    match ControlPlane::restore(&input) {
        Err(s) => {
            check_status("restore", &s);
            assert_eq!(s.code, 400, "restore refused with {s:?}");
        }
        Ok(mut cp) => {
            let snapshot = cp.snapshot();
            let again = ControlPlane::restore(&snapshot)
                .unwrap_or_else(|e| panic!("a restored snapshot does not restore: {e:?}"));
            assert_eq!(
                again.snapshot(),
                snapshot,
                "restore(snapshot) is not the same"
            );
            let revision = cp.server().store.revision();
            let created = cp.create(
                "root",
                kplane::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "after-restore"}}),
                &ApplyOptions::default(),
            );
            if let Ok((obj, _)) = created {
                let rv: u64 = obj["metadata"]["resourceVersion"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                assert!(rv > revision, "a create after restore reused revision {rv}");
            }
            if let Err(s) = cp.advance(1.0) {
                check_status("advance", &s);
            }
        }
    }
}

/// A fuzz target's body.
pub type Body = fn(&[u8]);

/// Every target by name, for drivers.
pub const TARGETS: &[(&str, Body)] = &[
    ("manifests", manifests),
    ("quantity", quantity),
    ("selectors", selectors),
    ("cron", cron),
    ("patches", patches),
    ("kubectl", kubectl),
    ("restore", restore),
];

/// Tokens the mutator inserts: YAML, JSON, Kubernetes and kubectl syntax.
pub const DICTIONARY: &[&str] = &[
    "---\n",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    ",",
    "\n",
    "  ",
    "&a ",
    "*a",
    "<<: ",
    "!!str ",
    "!!binary ",
    "|\n  ",
    ">-\n  ",
    "#",
    "~",
    "null",
    "true",
    "false",
    "-1",
    "0",
    "2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "1e308",
    "NaN",
    ".inf",
    "0x10",
    "1.5",
    "apiVersion: v1\n",
    "kind: List\n",
    "items:\n",
    "kind: Pod\n",
    "kind: Deployment\n",
    "kind: CronJob\n",
    "kind: Job\n",
    "metadata:\n",
    "name: ",
    "namespace: ",
    "labels:\n",
    "annotations:\n",
    "spec:\n",
    "replicas: ",
    "selector:\n",
    "matchLabels:\n",
    "matchExpressions:\n",
    "template:\n",
    "containers:\n",
    "schedule: ",
    "resourceVersion: ",
    "uid: ",
    "ownerReferences:\n",
    "finalizers:\n",
    "data:\n",
    "\"op\":\"add\"",
    "\"op\":\"remove\"",
    "\"op\":\"replace\"",
    "\"op\":\"move\"",
    "\"op\":\"copy\"",
    "\"op\":\"test\"",
    "\"path\":\"/",
    "\"from\":\"/",
    "\"value\":",
    "$patch: delete",
    "$patch: replace",
    "$setElementOrder/",
    "$retainKeys",
    "$deleteFromPrimitiveList/",
    "/-",
    "~1",
    "~0",
    "m",
    "Ki",
    "Mi",
    "Gi",
    "Ti",
    "Pi",
    "Ei",
    "k",
    "M",
    "G",
    "E",
    "e3",
    "n",
    "u",
    "in (",
    "notin (",
    "!",
    "=",
    "==",
    "!=",
    "exists",
    ",",
    "metadata.name=",
    "spec.nodeName=",
    "status.phase!=",
    "*",
    "*/",
    "?",
    "@hourly",
    "@every ",
    "L",
    "W",
    "#",
    "TZ=",
    "CRON_TZ=",
    "America/New_York ",
    "Mon-Fri",
    "JAN-DEC",
    "0-59",
    "1-31",
    "kubectl ",
    "get ",
    "apply ",
    "create ",
    "delete ",
    "scale ",
    "patch ",
    "label ",
    "annotate ",
    "rollout ",
    "run ",
    "expose ",
    "set ",
    "edit ",
    "wait ",
    "logs ",
    "top ",
    "describe ",
    "explain ",
    "cordon ",
    "drain ",
    "taint ",
    "autoscale ",
    "config ",
    "ws ",
    "auth can-i ",
    "-f - ",
    "-o yaml ",
    "-o json ",
    "-o jsonpath={.items[*]} ",
    "-o custom-columns=A:.x ",
    "-o go-template={{.}} ",
    "-l ",
    "--field-selector ",
    "-n ",
    "-A ",
    "--replicas=",
    "--timeout=",
    "--for=delete ",
    "--for=condition=Ready ",
    "--type=json ",
    "--type=merge ",
    "-p ",
    "--dry-run=server ",
    "--grace-period=",
    "--overwrite ",
    "--all ",
    "--selector=",
    "--image=",
    "--port=",
    "--schedule=",
    "--restart=Never ",
    "--",
    "deploy/web ",
    "deployment web ",
    "cm cm ",
    "pods ",
    "nodes ",
    "ns fuzz ",
];
