//! The binding seen from JS, run in Node by wasm-bindgen-test-runner:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test -p kplane-wasm --target wasm32-unknown-unknown`
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use kplane_wasm::ControlPlane;
use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

const THREE_NODES: &str = include_str!("../../examples/three-nodes.yaml");

fn js(v: Value) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn rust(v: &JsValue) -> Value {
    serde_wasm_bindgen::from_value(v.clone()).unwrap()
}

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

fn undef() -> JsValue {
    JsValue::UNDEFINED
}

/// The `status` of a thrown error, after checking it is a `KplaneError` whose message is the
/// Status's message.
fn status_of(err: JsValue) -> Value {
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "not an Error: {err:?}"
    );
    let e: js_sys::Error = err.clone().unchecked_into();
    assert_eq!(e.name(), "KplaneError");
    let status = rust(&Reflect::get(&err, &s("status")).unwrap());
    assert_eq!(status["kind"], "Status");
    assert_eq!(status["apiVersion"], "v1");
    assert_eq!(status["status"], "Failure");
    assert_eq!(
        String::from(e.message()),
        status["message"].as_str().unwrap()
    );
    status
}

fn code(err: JsValue) -> u64 {
    status_of(err)["code"].as_u64().unwrap()
}

/// True when `v` holds only plain objects, arrays and JSON scalars (no `Map`, no `undefined`).
fn plain(v: &JsValue) -> bool {
    if v.is_null() || v.is_string() || v.as_bool().is_some() || v.as_f64().is_some() {
        return true;
    }
    if Array::is_array(v) {
        return Array::from(v).iter().all(|x| plain(&x));
    }
    if v.is_object() {
        let proto = Object::get_prototype_of(v);
        if proto != Object::get_prototype_of(&Object::new()) {
            return false;
        }
        return Object::values(v.unchecked_ref()).iter().all(|x| plain(&x));
    }
    false
}

fn cpu_milli(q: &str) -> i64 {
    match q.strip_suffix('m') {
        Some(m) => m.parse().unwrap(),
        None => (q.parse::<f64>().unwrap() * 1000.0).round() as i64,
    }
}

fn mem_bytes(q: &str) -> i64 {
    for (suffix, mult) in [
        ("Ki", 1i64 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
    ] {
        if let Some(n) = q.strip_suffix(suffix) {
            return n.parse::<i64>().unwrap() * mult;
        }
    }
    q.parse().unwrap()
}

fn scenario() -> ControlPlane {
    let mut cp = ControlPlane::new(js(json!({"seed": 1}))).unwrap();
    let applied = rust(&cp.apply(s("root"), s(THREE_NODES), undef()).unwrap());
    let kinds: Vec<&str> = applied["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Node", "Node", "Node", "Deployment"]);
    assert!(applied["objects"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["action"] == "created"));
    assert_eq!(applied["warnings"], json!([]));
    cp.advance(JsValue::from_f64(60.0)).unwrap();
    cp
}

#[wasm_bindgen_test]
fn three_nodes_all_pods_running_and_fit() {
    let cp = scenario();
    let list = cp
        .list(
            s("root"),
            js(json!({"kind": "Pod", "namespace": "default", "labelSelector": "app=web"})),
        )
        .unwrap();
    assert!(plain(&list), "list must be plain JSON objects");
    let list = rust(&list);
    assert_eq!(list["kind"], "PodList");
    assert_eq!(list["apiVersion"], "v1");
    assert!(list["metadata"]["resourceVersion"].is_string());
    let pods = list["items"].as_array().unwrap();
    assert_eq!(pods.len(), 5);
    let mut used: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for p in pods {
        assert_eq!(p["status"]["phase"], "Running", "{}", p["metadata"]["name"]);
        let node = p["spec"]["nodeName"]
            .as_str()
            .expect("pod is bound")
            .to_string();
        let e = used.entry(node).or_default();
        for c in p["spec"]["containers"].as_array().unwrap() {
            e.0 += cpu_milli(c["resources"]["requests"]["cpu"].as_str().unwrap());
            e.1 += mem_bytes(c["resources"]["requests"]["memory"].as_str().unwrap());
        }
    }
    for (node, (cpu, mem)) in used {
        let n = rust(
            &cp.get(s("root"), js(json!({"kind": "Node", "name": node})))
                .unwrap(),
        );
        let alloc = if n["status"]["allocatable"].is_object() {
            &n["status"]["allocatable"]
        } else {
            &n["status"]["capacity"]
        };
        assert!(
            cpu <= cpu_milli(alloc["cpu"].as_str().unwrap()),
            "{node}: cpu {cpu}m over {alloc}"
        );
        assert!(
            mem <= mem_bytes(alloc["memory"].as_str().unwrap()),
            "{node}: memory {mem} over {alloc}"
        );
    }
    let nodes = cp.nodes().unwrap();
    assert!(plain(&nodes));
    let nodes = rust(&nodes);
    assert_eq!(nodes.as_array().unwrap().len(), 3);
    let placed: usize = nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["pods"].as_array().unwrap().len())
        .sum();
    assert_eq!(placed, 5);
    for n in nodes.as_array().unwrap() {
        assert!(n["requestedMilliCpu"].as_i64() <= n["allocatableMilliCpu"].as_i64());
        assert!(n["requestedMemory"].as_i64() <= n["allocatableMemory"].as_i64());
    }
}

#[wasm_bindgen_test]
fn apply_accepts_objects_and_arrays() {
    let mut cp = ControlPlane::new(undef()).unwrap();
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
        "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}}});
    let one = rust(&cp.apply(s("root"), js(node.clone()), undef()).unwrap());
    assert_eq!(one["objects"][0]["name"], "n1");
    assert_eq!(one["objects"][0]["action"], "created");
    assert!(
        one["objects"][0].get("namespace").is_none(),
        "cluster-scoped: no namespace key"
    );
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    let many = rust(
        &cp.apply(
            s("root"),
            js(json!([node, pod])),
            js(json!({"namespace": "default"})),
        )
        .unwrap(),
    );
    assert_eq!(many["objects"][0]["action"], "unchanged");
    assert_eq!(many["objects"][1]["namespace"], "default");
    let got = cp
        .get(s("root"), js(json!({"kind": "Pod", "name": "p1"})))
        .unwrap();
    assert!(plain(&got));
    assert_eq!(rust(&got)["metadata"]["name"], "p1");
}

#[wasm_bindgen_test]
fn errors_carry_the_status() {
    let mut cp = ControlPlane::new(undef()).unwrap();
    assert_eq!(
        code(cp.apply(s("nope"), s(THREE_NODES), undef()).unwrap_err()),
        404
    );
    assert_eq!(
        code(
            cp.get(s("nope"), js(json!({"kind": "Pod", "name": "x"})))
                .unwrap_err()
        ),
        404
    );
    let bad = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: bad}}\n  template:\n    metadata: {labels: {app: bad}}\n    spec: {containers: [{name: c, image: nginx}]}\n";
    let status = status_of(cp.apply(s("root"), s(bad), undef()).unwrap_err());
    assert_eq!(status["code"], 422);
    assert_eq!(status["reason"], "Invalid");
    let causes = status["details"]["causes"].as_array().unwrap();
    assert!(
        causes.iter().any(|c| c["field"] == "spec.replicas"),
        "{status}"
    );
    assert!(cp
        .get(s("root"), js(json!({"kind": "Pod", "name": "missing"})))
        .unwrap()
        .is_null());
}

#[wasm_bindgen_test]
fn bad_arguments_are_400_not_panics() {
    assert_eq!(code(ControlPlane::new(s("seed")).err().unwrap()), 400);
    assert_eq!(
        code(ControlPlane::new(js(json!({"seed": -1}))).err().unwrap()),
        400
    );
    assert_eq!(
        code(
            ControlPlane::new(js(json!({"start": "yesterday"})))
                .err()
                .unwrap()
        ),
        400
    );
    let mut cp = ControlPlane::new(JsValue::NULL).unwrap();
    assert_eq!(
        code(
            cp.apply(JsValue::from_f64(1.0), s(""), undef())
                .unwrap_err()
        ),
        400
    );
    assert_eq!(
        code(
            cp.apply(s("root"), JsValue::from_f64(1.0), undef())
                .unwrap_err()
        ),
        400
    );
    assert_eq!(
        code(cp.apply(s("root"), undef(), undef()).unwrap_err()),
        400
    );
    assert_eq!(
        code(cp.apply(s("root"), s("{}"), s("default")).unwrap_err()),
        400
    );
    assert_eq!(
        code(
            cp.apply(s("root"), s("kind: [unclosed"), undef())
                .unwrap_err()
        ),
        400
    );
    assert_eq!(code(cp.get(s("root"), undef()).unwrap_err()), 400);
    assert_eq!(
        code(
            cp.get(s("root"), js(json!({"kind": 5, "name": "x"})))
                .unwrap_err()
        ),
        400
    );
    assert_eq!(
        code(cp.list(s("root"), js(json!(["Pod"]))).unwrap_err()),
        400
    );
    assert_eq!(
        code(
            cp.list(
                s("root"),
                js(json!({"kind": "Pod", "labelSelector": "a in ("}))
            )
            .unwrap_err()
        ),
        400
    );
    assert_eq!(code(cp.delete(s("root"), JsValue::TRUE).unwrap_err()), 400);
    assert_eq!(code(cp.advance(s("60")).unwrap_err()), 400);
    assert_eq!(code(cp.run_until_settled(s("1")).unwrap_err()), 400);
    assert_eq!(code(cp.kubectl(undef(), undef()).unwrap_err()), 400);
    assert_eq!(
        code(
            cp.kubectl(s("get pods"), JsValue::from_f64(3.0))
                .unwrap_err()
        ),
        400
    );
    assert_eq!(code(ControlPlane::restore(undef()).err().unwrap()), 400);
    assert_eq!(
        code(ControlPlane::restore(s("not a snapshot")).err().unwrap()),
        400
    );
    // Still usable afterwards: nothing trapped.
    cp.advance(JsValue::from_f64(1.0)).unwrap();
    assert_eq!(cp.now(), "2026-01-01T00:00:01Z");
}

#[wasm_bindgen_test]
fn snapshot_restore_round_trip() {
    let mut cp = scenario();
    let snap = cp.snapshot();
    let mut back = ControlPlane::restore(s(&snap)).unwrap();
    assert_eq!(back.now(), cp.now());
    assert_eq!(back.snapshot(), snap);
    cp.advance(JsValue::from_f64(30.0)).unwrap();
    back.advance(JsValue::from_f64(30.0)).unwrap();
    assert_eq!(back.snapshot(), cp.snapshot());
}

#[wasm_bindgen_test]
fn kubectl_get_pods_prints_a_table() {
    let mut cp = scenario();
    let out = rust(&cp.kubectl(s("get pods"), undef()).unwrap());
    assert_eq!(out["exitCode"], 0, "{out}");
    assert_eq!(out["stderr"], "");
    let stdout = out["stdout"].as_str().unwrap();
    let mut lines = stdout.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.contains("Running")), "{stdout}");
}

#[wasm_bindgen_test]
fn run_until_settled_and_delete() {
    let mut cp = scenario();
    let settled = rust(&cp.run_until_settled(JsValue::from_f64(120.0)).unwrap());
    assert!(settled["settled"].is_boolean());
    assert!(settled["elapsedSeconds"].is_number());
    let deleted = rust(
        &cp.delete(
            s("root"),
            js(json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"})),
        )
        .unwrap(),
    );
    assert_eq!(deleted["metadata"]["name"], "web");
    assert_eq!(
        code(
            cp.delete(
                s("root"),
                js(json!({"kind": "Deployment", "name": "web", "propagationPolicy": "Sideways"}))
            )
            .unwrap_err()
        ),
        400
    );
}

fn config_map(name: &str) -> JsValue {
    js(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"a": "1"}}),
    )
}

#[wasm_bindgen_test]
fn watch_returns_events_then_a_bookmark() {
    let mut cp = ControlPlane::new(undef()).unwrap();
    let rv = rust(
        &cp.list(s("root"), js(json!({"kind": "ConfigMap"})))
            .unwrap(),
    )["metadata"]["resourceVersion"]
        .clone();
    cp.create(s("root"), config_map("w"), undef()).unwrap();
    cp.patch(
        s("root"),
        js(json!({"kind": "ConfigMap", "name": "w"})),
        s("data: {b: '2'}"),
        undef(),
    )
    .unwrap();
    cp.delete(s("root"), js(json!({"kind": "ConfigMap", "name": "w"})))
        .unwrap();
    let events = cp
        .watch(
            s("root"),
            js(json!({"kind": "ConfigMap", "resourceVersion": rv})),
        )
        .unwrap();
    assert!(plain(&events));
    let events = rust(&events);
    let types: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]);
    assert_eq!(events[1]["object"]["data"], json!({"a": "1", "b": "2"}));
    assert!(events[3]["object"]["metadata"]["resourceVersion"].is_string());
    // No options: the current state.
    let now = rust(&cp.watch(s("root"), undef()).unwrap());
    assert_eq!(now.as_array().unwrap().last().unwrap()["type"], "BOOKMARK");
    cp.advance(JsValue::from_f64(660.0)).unwrap();
    let expired = status_of(
        cp.watch(s("root"), js(json!({"resourceVersion": "1"})))
            .unwrap_err(),
    );
    assert_eq!(expired["code"], 410);
    assert_eq!(expired["reason"], "Expired");
}

#[wasm_bindgen_test]
fn create_update_patch_and_conflicts() {
    let mut cp = ControlPlane::new(undef()).unwrap();
    let created = rust(&cp.create(s("root"), config_map("c"), undef()).unwrap());
    assert_eq!(created["warnings"], json!([]));
    assert_eq!(created["object"]["metadata"]["namespace"], "default");
    assert_eq!(
        status_of(cp.create(s("root"), config_map("c"), undef()).unwrap_err())["reason"],
        "AlreadyExists"
    );
    let mut v1 = created["object"].clone();
    v1["data"]["a"] = json!("2");
    let v2 = rust(&cp.update(s("root"), js(v1.clone())).unwrap());
    assert_eq!(v2["data"]["a"], "2");
    let stale = status_of(cp.update(s("root"), js(v1)).unwrap_err());
    assert_eq!(stale["code"], 409);
    assert_eq!(stale["reason"], "Conflict");
    let cm = js(json!({"kind": "ConfigMap", "name": "c"}));
    let ops = js(json!([{"op": "replace", "path": "/data/a", "value": "3"}]));
    let patched = rust(
        &cp.patch(s("root"), cm.clone(), ops, js(json!({"type": "json"})))
            .unwrap(),
    );
    assert_eq!(patched["data"]["a"], "3");
    let merged = rust(
        &cp.patch(
            s("root"),
            cm.clone(),
            s(r#"{"data": {"a": null}}"#),
            js(json!({"type": "merge"})),
        )
        .unwrap(),
    );
    assert!(merged["data"].get("a").is_none(), "{merged}");
    assert_eq!(
        code(
            cp.patch(s("root"), cm.clone(), js(json!({})), s("json"))
                .unwrap_err()
        ),
        400
    );
    assert_eq!(
        code(
            cp.patch(s("root"), cm, JsValue::from_f64(1.0), undef())
                .unwrap_err()
        ),
        400
    );
}

#[wasm_bindgen_test]
fn apply_options_field_validation_manager_and_force() {
    let mut cp = ControlPlane::new(undef()).unwrap();
    let dep = |replicas: i64| {
        js(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"replicas": replicas, "replica": 1, "selector": {"matchLabels": {"app": "d"}},
                "template": {"metadata": {"labels": {"app": "d"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}),
        )
    };
    let strict = status_of(
        cp.apply(s("root"), dep(1), js(json!({"fieldValidation": "Strict"})))
            .unwrap_err(),
    );
    assert_eq!(strict["code"], 400);
    let warned = rust(&cp.apply(s("root"), dep(1), undef()).unwrap());
    assert_eq!(
        warned["warnings"],
        json!(["unknown field \"spec.replica\""])
    );
    let conflict = status_of(
        cp.apply(s("root"), dep(2), js(json!({"fieldManager": "other"})))
            .unwrap_err(),
    );
    assert_eq!(conflict["code"], 409);
    assert_eq!(
        conflict["details"]["causes"][0]["field"], ".spec.replicas",
        "{conflict}"
    );
    cp.apply(
        s("root"),
        dep(2),
        js(json!({"fieldManager": "other", "force": true, "fieldValidation": "Ignore"})),
    )
    .unwrap();
    let got = rust(
        &cp.get(
            s("root"),
            js(json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"})),
        )
        .unwrap(),
    );
    assert_eq!(got["spec"]["replicas"], 2);
}

const STABLE_APP: &str = include_str!("../../examples/disruption/stable-app.yaml");
const GPU_TAINTS: &str = include_str!("../../examples/scheduling/gpu-taints.yaml");

fn node(name: &str) -> JsValue {
    js(json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}))
}

fn pods(cp: &ControlPlane, selector: &str) -> Vec<Value> {
    let list = rust(
        &cp.list(
            s("root"),
            js(json!({"kind": "Pod", "labelSelector": selector})),
        )
        .unwrap(),
    );
    list["items"].as_array().unwrap().clone()
}

/// stable-app (PDB minAvailable 2) with its 3 pods on n1; then n2 and n3 join.
fn stable_app_on_one_node() -> ControlPlane {
    let mut cp = ControlPlane::new(js(json!({"seed": 1}))).unwrap();
    cp.apply(s("root"), node("n1"), undef()).unwrap();
    cp.apply(s("root"), s(STABLE_APP), undef()).unwrap();
    cp.advance(JsValue::from_f64(10.0)).unwrap();
    cp.apply(
        s("root"),
        js(json!([rust(&node("n2")), rust(&node("n3"))])),
        undef(),
    )
    .unwrap();
    cp.advance(JsValue::from_f64(1.0)).unwrap();
    cp
}

#[wasm_bindgen_test]
fn evict_respects_the_disruption_budget() {
    let mut cp = stable_app_on_one_node();
    let names: Vec<String> = pods(&cp, "app=stable-app")
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 3);
    let evicted = cp.evict(s("root"), js(json!({"name": names[0]}))).unwrap();
    assert!(plain(&evicted));
    assert_eq!(rust(&evicted)["metadata"]["name"], names[0].as_str());
    let refused = status_of(
        cp.evict(
            s("root"),
            js(json!({"namespace": "default", "name": names[1]})),
        )
        .unwrap_err(),
    );
    assert_eq!(refused["code"], 429);
    assert_eq!(refused["reason"], "TooManyRequests");
    assert_eq!(
        refused["details"]["causes"][0]["reason"],
        "DisruptionBudget"
    );
    assert_eq!(
        refused["details"]["causes"][0]["message"],
        "The disruption budget stable-app needs 2 healthy pods and has 2 currently"
    );
    assert_eq!(
        code(
            cp.evict(s("root"), js(json!({"name": "missing"})))
                .unwrap_err()
        ),
        404
    );
    for bad in [undef(), s("x"), js(json!({})), js(json!({"name": 1}))] {
        assert_eq!(code(cp.evict(s("root"), bad).unwrap_err()), 400);
    }
}

#[wasm_bindgen_test]
fn stop_fail_and_restore_nodes() {
    let mut cp = stable_app_on_one_node();
    let ready = |cp: &ControlPlane, name: &str| {
        let n = rust(
            &cp.get(s("root"), js(json!({"kind": "Node", "name": name})))
                .unwrap(),
        );
        let c = n["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Ready")
            .unwrap()
            .clone();
        (
            c["status"].as_str().unwrap().to_string(),
            n["spec"]["taints"].clone(),
        )
    };
    let stopped = rust(&cp.stop_node(s("n1")).unwrap());
    assert_eq!(
        stopped["metadata"]["annotations"]["sim.kplane.dev/node-state"],
        "Stopped"
    );
    cp.advance(JsValue::from_f64(51.0)).unwrap();
    let (status, taints) = ready(&cp, "n1");
    assert_eq!(status, "Unknown");
    assert!(
        taints
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["key"] == "node.kubernetes.io/unreachable" && t["effect"] == "NoExecute"),
        "{taints}"
    );
    cp.fail_node(s("n2")).unwrap();
    cp.advance(JsValue::from_f64(1.0)).unwrap();
    assert_eq!(ready(&cp, "n2").0, "False");
    cp.restore_node(s("n1")).unwrap();
    cp.restore_node(s("n2")).unwrap();
    cp.advance(JsValue::from_f64(10.0)).unwrap();
    assert_eq!(ready(&cp, "n1").0, "True");
    assert_eq!(ready(&cp, "n2").0, "True");
    assert_eq!(code(cp.stop_node(s("nope")).unwrap_err()), 404);
    assert_eq!(code(cp.fail_node(undef()).unwrap_err()), 400);
    assert_eq!(
        code(cp.restore_node(JsValue::from_f64(1.0)).unwrap_err()),
        400
    );
}

#[wasm_bindgen_test]
fn explain_a_pending_pod() {
    let mut cp = ControlPlane::new(js(json!({"seed": 1}))).unwrap();
    cp.apply(s("root"), s(GPU_TAINTS), undef()).unwrap();
    cp.advance(JsValue::from_f64(30.0)).unwrap();
    let pending: Vec<Value> = pods(&cp, "app=web")
        .into_iter()
        .filter(|p| p["spec"]["nodeName"].is_null())
        .collect();
    assert_eq!(pending.len(), 2);
    let name = pending[0]["metadata"]["name"].as_str().unwrap();
    let e = cp.explain(s("root"), js(json!({"name": name}))).unwrap();
    assert!(plain(&e));
    let e = rust(&e);
    assert_eq!(e["result"], "Unschedulable");
    assert_eq!(e["numFeasibleNodes"], 0);
    let failed: Vec<(&str, &str)> = e["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["node"].as_str().unwrap(),
                n["failedPlugin"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            ("general-1", "NodeResourcesFit"),
            ("gpu-1", "TaintToleration"),
            ("gpu-2", "TaintToleration")
        ]
    );
    assert!(cp
        .explain(s("root"), js(json!({"name": "missing"})))
        .unwrap()
        .is_null());
    assert_eq!(code(cp.explain(s("root"), s("x")).unwrap_err()), 400);
}
