//! What the EndpointSlice controller and the Endpoints controller compute for a Service from
//! its pods (pure functions; the loop that writes them lives elsewhere):
//! - kubernetes/kubernetes `pkg/controller/endpointslice` and
//!   `staging/src/k8s.io/endpointslice` (`reconciler.go`, `utils.go`: `podToEndpoint`,
//!   `getEndpointPorts`, `newEndpointSlice`, `setEndpointSliceLabels`; `ShouldPodBeInEndpoints`);
//! - `pkg/controller/endpoint/endpoints_controller.go` (`addEndpointSubset`) and
//!   `pkg/api/v1/endpoints` (`RepackSubsets`);
//! - `pkg/api/v1/pod` `FindPort` for named target ports.
//!
//! Slices group endpoints by the ports they resolve to (a named `targetPort` may map to
//! different numbers on different pods), hold at most [`MAX_ENDPOINTS_PER_SLICE`] endpoints, are
//! `IPv4`, and carry the `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`
//! labels. Ordering that upstream leaves to map iteration (endpoints within a slice, subsets)
//! is by pod name and address here, so results are deterministic.
use crate::api::object::{self, array_at, controller_ref, path, str_at};
use crate::api::{Map, Value};
use crate::json;
use std::collections::BTreeMap;

/// `--max-endpoints-per-slice` default.
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;
/// The label naming a slice's Service.
pub const LABEL_SERVICE_NAME: &str = "kubernetes.io/service-name";
/// The label naming the controller that manages a slice.
pub const LABEL_MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
/// The EndpointSlice controller's name in [`LABEL_MANAGED_BY`].
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
/// Set (empty) on slices and Endpoints of headless Services.
pub const LABEL_HEADLESS: &str = "service.kubernetes.io/headless";

/// Whether the controllers manage endpoints for the Service: it has a selector and is not
/// `ExternalName`.
pub fn manages(service: &Value) -> bool {
    let selector = path(service, &["spec", "selector"])
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty());
    selector && str_at(service, &["spec", "type"]) != Some("ExternalName")
}

fn is_headless(service: &Value) -> bool {
    str_at(service, &["spec", "clusterIP"]) == Some("None")
}

/// `helper.IsServiceIPSet`.
fn has_cluster_ip(service: &Value) -> bool {
    str_at(service, &["spec", "clusterIP"]).is_some_and(|ip| !ip.is_empty() && ip != "None")
}

fn selects(service: &Value, pod: &Value) -> bool {
    if object::namespace(pod) != object::namespace(service) {
        return false;
    }
    let labels = object::labels(pod);
    path(service, &["spec", "selector"])
        .and_then(Value::as_object)
        .is_some_and(|sel| {
            !sel.is_empty()
                && sel
                    .iter()
                    .all(|(k, v)| labels.get(k.as_str()).map(String::as_str) == v.as_str())
        })
}

fn pod_ip(pod: &Value) -> Option<&str> {
    str_at(pod, &["status", "podIP"])
        .filter(|ip| !ip.is_empty())
        .or_else(|| {
            array_at(pod, &["status", "podIPs"])
                .first()
                .and_then(|p| p.get("ip").and_then(Value::as_str))
        })
}

/// `ShouldPodBeInEndpoints`: not terminal, has an IP, and — unless `include_terminating` —
/// not terminating.
pub fn should_pod_be_in_endpoints(pod: &Value, include_terminating: bool) -> bool {
    let phase = str_at(pod, &["status", "phase"]).unwrap_or("");
    if phase == "Succeeded" || phase == "Failed" {
        return false;
    }
    if pod_ip(pod).is_none() {
        return false;
    }
    include_terminating || !object::is_terminating(pod)
}

fn is_ready(pod: &Value) -> bool {
    array_at(pod, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

fn publish_not_ready(service: &Value) -> bool {
    path(service, &["spec", "publishNotReadyAddresses"]).and_then(Value::as_bool) == Some(true)
}

fn port_protocol(p: &Value) -> &str {
    p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
}

/// `FindPort`: a service port's `targetPort` on the pod — the number itself, or the container
/// port (of a container or a sidecar) with that name and protocol. `targetPort` defaults to
/// `port`.
pub fn find_port(pod: &Value, service_port: &Value) -> Option<i64> {
    let target = service_port
        .get("targetPort")
        .filter(|t| !t.is_null())
        .or_else(|| service_port.get("port"))?;
    if let Some(n) = target.as_i64() {
        return Some(n);
    }
    let name = target.as_str()?;
    if let Ok(n) = name.parse::<i64>() {
        return Some(n);
    }
    let proto = port_protocol(service_port);
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    array_at(spec, &["containers"])
        .iter()
        .chain(
            array_at(spec, &["initContainers"])
                .iter()
                .filter(|c| c.get("restartPolicy").and_then(Value::as_str) == Some("Always")),
        )
        .flat_map(|c| array_at(c, &["ports"]).iter())
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name) && port_protocol(p) == proto)
        .and_then(|p| p.get("containerPort").and_then(Value::as_i64))
}

/// `getEndpointPorts`: the slice ports a pod offers (service ports whose target it resolves).
fn endpoint_ports(service: &Value, pod: &Value) -> Vec<Value> {
    array_at(service, &["spec", "ports"])
        .iter()
        .filter_map(|sp| {
            let port = find_port(pod, sp)?;
            let mut p = json!({
                "name": sp.get("name").and_then(Value::as_str).unwrap_or(""),
                "port": port,
                "protocol": port_protocol(sp),
            });
            if let Some(ap) = sp.get("appProtocol").filter(|a| !a.is_null()) {
                p["appProtocol"] = ap.clone();
            }
            Some(p)
        })
        .collect()
}

fn target_ref(pod: &Value) -> Value {
    json!({"kind": "Pod", "namespace": object::namespace(pod), "name": object::name(pod), "uid": object::uid(pod)})
}

/// `ShouldSetHostname`: the pod's `hostname` when its `subdomain` is the Service.
fn hostname<'a>(pod: &'a Value, service: &Value) -> Option<&'a str> {
    let h = str_at(pod, &["spec", "hostname"]).filter(|h| !h.is_empty())?;
    (str_at(pod, &["spec", "subdomain"]) == Some(object::name(service))
        && object::namespace(pod) == object::namespace(service))
    .then_some(h)
}

/// `podToEndpoint`: the pod as a slice endpoint, with its conditions, node, zone and hostname.
fn pod_to_endpoint(service: &Value, pod: &Value, nodes: &[Value]) -> Value {
    let serving = is_ready(pod);
    let terminating = object::is_terminating(pod);
    let publish = publish_not_ready(service);
    // Ready never holds for a terminating pod unless not-ready addresses are published.
    let ready = publish || (serving && !terminating);
    let mut ep = json!({
        "addresses": [pod_ip(pod).unwrap_or("")],
        "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
        "targetRef": target_ref(pod),
    });
    if let Some(node) = str_at(pod, &["spec", "nodeName"]).filter(|n| !n.is_empty()) {
        ep["nodeName"] = json!(node);
        let zone = nodes
            .iter()
            .find(|n| object::name(n) == node)
            .and_then(|n| str_at(n, &["metadata", "labels", "topology.kubernetes.io/zone"]))
            .filter(|z| !z.is_empty());
        if let Some(zone) = zone {
            ep["zone"] = json!(zone);
        }
    }
    if let Some(h) = hostname(pod, service) {
        ep["hostname"] = json!(h);
    }
    ep
}

/// `setEndpointSliceLabels`: the Service's labels (reserved keys dropped), the headless label
/// when it has no cluster IP, the service name and the managing controller.
fn slice_labels(service: &Value) -> Map {
    let reserved = [LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS];
    let mut labels = Map::new();
    for (k, v) in object::labels(service) {
        if !reserved.contains(&k.as_str()) {
            labels.insert(k.as_str(), json!(v));
        }
    }
    if !has_cluster_ip(service) {
        labels.insert(LABEL_HEADLESS, json!(""));
    }
    labels.insert(LABEL_SERVICE_NAME, json!(object::name(service)));
    labels.insert(LABEL_MANAGED_BY, json!(CONTROLLER_NAME));
    labels
}

/// `newEndpointSlice`: an unnamed slice (`generateName: <service>-`) owned by the Service.
fn new_slice(service: &Value, ports: Value, endpoints: Vec<Value>) -> Value {
    json!({
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "generateName": format!("{}-", object::name(service)),
            "namespace": object::namespace(service),
            "labels": Value::Object(slice_labels(service)),
            "ownerReferences": [controller_ref(service)],
        },
        "addressType": "IPv4",
        "endpoints": if endpoints.is_empty() { Value::Null } else { Value::from(endpoints) },
        "ports": ports,
    })
}

/// The desired endpoints of a Service grouped by the ports they resolve to (port lists in
/// service order; endpoints by pod name).
fn desired(
    service: &Value,
    pods: &[Value],
    nodes: &[Value],
) -> BTreeMap<String, (Value, Vec<Value>)> {
    let mut chosen: Vec<&Value> = pods
        .iter()
        .filter(|p| selects(service, p) && should_pod_be_in_endpoints(p, true))
        .collect();
    chosen.sort_by_key(|p| object::name(p));
    let mut groups: BTreeMap<String, (Value, Vec<Value>)> = BTreeMap::new();
    for pod in chosen {
        let ports = Value::from(endpoint_ports(service, pod));
        let key = ports.to_string();
        groups
            .entry(key)
            .or_insert_with(|| (ports, Vec::new()))
            .1
            .push(pod_to_endpoint(service, pod, nodes));
    }
    groups
}

/// The EndpointSlices the controller would create for a Service with no slices yet: one
/// group per distinct port set, chunked by [`MAX_ENDPOINTS_PER_SLICE`]; a Service selecting
/// no ready-or-not pod gets one placeholder slice without endpoints or ports. Slices are
/// unnamed (`generateName`). Services the controller does not manage get none.
pub fn endpoint_slices(service: &Value, pods: &[Value], nodes: &[Value]) -> Vec<Value> {
    reconcile(service, pods, nodes, &[]).create
}

/// What a reconcile of the Service's slices writes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SliceChanges {
    /// New slices (unnamed; `generateName` set).
    pub create: Vec<Value>,
    /// Existing slices with changed endpoints or labels.
    pub update: Vec<Value>,
    /// Names of slices to delete.
    pub delete: Vec<String>,
}

fn endpoint_key(ep: &Value) -> String {
    str_at(ep, &["targetRef", "uid"])
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "{}/{}",
                str_at(ep, &["targetRef", "namespace"]).unwrap_or(""),
                str_at(ep, &["targetRef", "name"]).unwrap_or("")
            )
        })
}

/// `reconciler.reconcile`, simplified but with the same invariants: existing slices of the
/// Service keep the endpoints still desired (updated when they changed) and lose the others;
/// slices whose port set is no longer desired, or that end up empty, are deleted; new endpoints
/// first fill the slices already being updated, then new slices of up to
/// [`MAX_ENDPOINTS_PER_SLICE`]. One placeholder slice remains when nothing is desired.
pub fn reconcile(
    service: &Value,
    pods: &[Value],
    nodes: &[Value],
    existing: &[Value],
) -> SliceChanges {
    let mut out = SliceChanges::default();
    let mine: Vec<&Value> = existing
        .iter()
        .filter(|s| {
            object::namespace(s) == object::namespace(service)
                && str_at(s, &["metadata", "labels", LABEL_SERVICE_NAME])
                    == Some(object::name(service))
                && str_at(s, &["metadata", "labels", LABEL_MANAGED_BY]) == Some(CONTROLLER_NAME)
        })
        .collect();
    if !manages(service) {
        out.delete = mine.iter().map(|s| object::name(s).to_string()).collect();
        return out;
    }
    let mut groups = desired(service, pods, nodes);
    let labels = Value::Object(slice_labels(service));
    let mut kept: Vec<Value> = Vec::new();
    let mut updated: Vec<Value> = Vec::new();
    for slice in &mine {
        let key = path(slice, &["ports"]).cloned().unwrap_or(Value::Null);
        let key = if key.is_null() {
            "[]".to_string()
        } else {
            key.to_string()
        };
        let Some((_, wanted)) = groups.get_mut(&key) else {
            out.delete.push(object::name(slice).to_string());
            continue;
        };
        let mut endpoints = Vec::new();
        let mut changed = false;
        for ep in array_at(slice, &["endpoints"]) {
            let k = endpoint_key(ep);
            match wanted.iter().position(|w| endpoint_key(w) == k) {
                Some(i) => {
                    let w = wanted.remove(i);
                    changed |= w != *ep;
                    endpoints.push(w);
                }
                None => changed = true,
            }
        }
        if endpoints.is_empty() && !array_at(slice, &["endpoints"]).is_empty() {
            out.delete.push(object::name(slice).to_string());
            continue;
        }
        let mut s = (*slice).clone();
        if path(slice, &["metadata", "labels"]) != Some(&labels) {
            s["metadata"]["labels"] = labels.clone();
            changed = true;
        }
        s["endpoints"] = if endpoints.is_empty() {
            Value::Null
        } else {
            Value::from(endpoints)
        };
        if changed {
            updated.push(s);
        } else {
            kept.push(s);
        }
    }
    // Fill the slices being updated, then create new ones.
    for (key, (ports, wanted)) in groups.iter_mut() {
        for s in updated.iter_mut() {
            let skey = path(s, &["ports"])
                .map(Value::to_string)
                .unwrap_or_default();
            if &skey != key {
                continue;
            }
            let mut eps: Vec<Value> = array_at(s, &["endpoints"]).to_vec();
            while eps.len() < MAX_ENDPOINTS_PER_SLICE && !wanted.is_empty() {
                eps.push(wanted.remove(0));
            }
            s["endpoints"] = if eps.is_empty() {
                Value::Null
            } else {
                Value::from(eps)
            };
        }
        for chunk in wanted.chunks(MAX_ENDPOINTS_PER_SLICE) {
            out.create
                .push(new_slice(service, ports.clone(), chunk.to_vec()));
        }
    }
    out.update = updated;
    let remaining = out.create.len() + out.update.len() + kept.len();
    if remaining == 0 {
        // A placeholder keeps the Service visible to consumers.
        match mine
            .iter()
            .find(|s| !out.delete.contains(&object::name(s).to_string()))
        {
            Some(_) => {}
            None => {
                if let Some(reuse) = out.delete.pop() {
                    let slice = mine
                        .iter()
                        .find(|s| object::name(s) == reuse)
                        .expect("listed");
                    let mut s = (*slice).clone();
                    s["endpoints"] = Value::Null;
                    s["ports"] = Value::Null;
                    s["metadata"]["labels"] = labels;
                    out.update.push(s);
                } else {
                    out.create.push(new_slice(service, Value::Null, vec![]));
                }
            }
        }
    }
    out
}

/// The legacy Endpoints object the Endpoints controller writes for the Service: ready
/// addresses and `notReadyAddresses` (terminating pods left out unless
/// `publishNotReadyAddresses`), repacked into subsets of pods offering the same ports.
pub fn endpoints(service: &Value, pods: &[Value]) -> Option<Value> {
    if !manages(service) {
        return None;
    }
    let publish = publish_not_ready(service);
    let svc_ports = array_at(service, &["spec", "ports"]);
    // ports key → (ports, ready addresses, not-ready addresses)
    let mut subsets: BTreeMap<String, (Value, Vec<Value>, Vec<Value>)> = BTreeMap::new();
    for pod in pods
        .iter()
        .filter(|p| selects(service, p) && should_pod_be_in_endpoints(p, publish))
    {
        let mut addr = json!({"ip": pod_ip(pod).unwrap_or(""), "targetRef": target_ref(pod)});
        if let Some(node) = str_at(pod, &["spec", "nodeName"]).filter(|n| !n.is_empty()) {
            addr["nodeName"] = json!(node);
        }
        if let Some(h) = hostname(pod, service) {
            addr["hostname"] = json!(h);
        }
        let ports: Vec<Value> = svc_ports
            .iter()
            .filter_map(|sp| {
                let port = find_port(pod, sp)?;
                let mut p = json!({"port": port, "protocol": port_protocol(sp)});
                if let Some(n) = sp
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|n| !n.is_empty())
                {
                    p["name"] = json!(n);
                }
                if let Some(ap) = sp.get("appProtocol").filter(|a| !a.is_null()) {
                    p["appProtocol"] = ap.clone();
                }
                Some(p)
            })
            .collect();
        if ports.is_empty() && !(svc_ports.is_empty() && is_headless(service)) {
            continue;
        }
        let key = Value::from(ports.clone()).to_string();
        let entry = subsets
            .entry(key)
            .or_insert_with(|| (Value::from(ports), Vec::new(), Vec::new()));
        if publish || is_ready(pod) {
            entry.1.push(addr);
        } else {
            entry.2.push(addr);
        }
    }
    let by_ip = |a: &Value| a["ip"].as_str().unwrap_or("").to_string();
    let mut list: Vec<Value> = subsets
        .into_values()
        .map(|(ports, mut ready, mut not_ready)| {
            ready.sort_by_key(by_ip);
            not_ready.sort_by_key(by_ip);
            let mut s = Map::new();
            if !ready.is_empty() {
                s.insert("addresses", Value::from(ready));
            }
            if !not_ready.is_empty() {
                s.insert("notReadyAddresses", Value::from(not_ready));
            }
            if ports.as_array().is_some_and(|p| !p.is_empty()) {
                s.insert("ports", ports);
            }
            Value::Object(s)
        })
        .collect();
    list.sort_by_key(|s| {
        s.get("addresses")
            .or_else(|| s.get("notReadyAddresses"))
            .and_then(|a| a.get_index(0))
            .map(by_ip)
            .unwrap_or_default()
    });
    let mut labels = Map::new();
    for (k, v) in object::labels(service) {
        if k != LABEL_HEADLESS {
            labels.insert(k.as_str(), json!(v));
        }
    }
    if is_headless(service) {
        labels.insert(LABEL_HEADLESS, json!(""));
    }
    let mut ep = json!({
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": object::name(service), "namespace": object::namespace(service)},
    });
    if !labels.is_empty() {
        ep["metadata"]["labels"] = Value::Object(labels);
    }
    if !list.is_empty() {
        ep["subsets"] = Value::from(list);
    }
    Some(ep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(spec: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"namespace": "default", "name": "web", "uid": "svc-uid", "labels": {"app": "web"}},
               "spec": spec})
    }

    fn pod(name: &str, ip: &str, ready: bool, port_name: &str, port: i64) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"namespace": "default", "name": name, "uid": format!("uid-{name}"), "labels": {"app": "web"}},
               "spec": {"nodeName": "n1", "containers": [{"name": "c", "ports": [{"name": port_name, "containerPort": port}]}]},
               "status": {"phase": "Running", "podIP": ip,
                          "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}})
    }

    fn nodes() -> Vec<Value> {
        vec![
            json!({"metadata": {"name": "n1", "labels": {"topology.kubernetes.io/zone": "us-east-1a"}}}),
        ]
    }

    #[test]
    fn slices_list_pods_with_conditions_and_named_ports() {
        let svc = service(
            json!({"clusterIP": "10.96.0.10", "selector": {"app": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}),
        );
        let mut terminating = pod("c", "10.0.0.3", true, "http", 8080);
        terminating["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        let pods = vec![
            pod("a", "10.0.0.1", true, "http", 8080),
            pod("b", "10.0.0.2", false, "http", 8080),
            terminating,
            pod("d", "10.0.0.4", true, "web", 9090),
        ];
        let slices = endpoint_slices(&svc, &pods, &nodes());
        // Pod d has no port named http: it resolves no port and lands in its own slice.
        assert_eq!(slices.len(), 2);
        let s = slices
            .iter()
            .find(|s| s["ports"][0]["port"] == 8080)
            .unwrap();
        assert_eq!(
            s["ports"],
            json!([{"name": "http", "port": 8080, "protocol": "TCP"}])
        );
        assert_eq!(s["addressType"], "IPv4");
        assert_eq!(s["metadata"]["generateName"], "web-");
        assert_eq!(
            s["metadata"]["labels"],
            json!({"app": "web", LABEL_SERVICE_NAME: "web", LABEL_MANAGED_BY: CONTROLLER_NAME})
        );
        assert_eq!(s["metadata"]["ownerReferences"][0]["kind"], "Service");
        let conds: Vec<Value> = s["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["conditions"].clone())
            .collect();
        assert_eq!(
            conds,
            vec![
                json!({"ready": true, "serving": true, "terminating": false}),
                json!({"ready": false, "serving": false, "terminating": false}),
                json!({"ready": false, "serving": true, "terminating": true}),
            ]
        );
        assert_eq!(s["endpoints"][0]["zone"], "us-east-1a");
        assert_eq!(s["endpoints"][0]["targetRef"]["name"], "a");
        let other = slices.iter().find(|s| s["ports"] == json!([])).unwrap();
        assert_eq!(other["endpoints"][0]["addresses"], json!(["10.0.0.4"]));

        // The legacy Endpoints: ready and not-ready addresses; terminating pods dropped.
        let ep = endpoints(&svc, &pods).unwrap();
        assert_eq!(
            ep["subsets"],
            json!([{
                "addresses": [{"ip": "10.0.0.1", "nodeName": "n1", "targetRef": {"kind": "Pod", "namespace": "default", "name": "a", "uid": "uid-a"}}],
                "notReadyAddresses": [{"ip": "10.0.0.2", "nodeName": "n1", "targetRef": {"kind": "Pod", "namespace": "default", "name": "b", "uid": "uid-b"}}],
                "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]
            }])
        );
    }

    #[test]
    fn headless_placeholder_and_chunking() {
        let svc = service(
            json!({"clusterIP": "None", "selector": {"app": "web"}, "ports": [{"port": 80}]}),
        );
        let slices = endpoint_slices(&svc, &[], &nodes());
        assert_eq!(slices.len(), 1, "placeholder");
        assert!(slices[0]["endpoints"].is_null());
        assert_eq!(slices[0]["metadata"]["labels"][LABEL_HEADLESS], "");
        let pods: Vec<Value> = (0..250)
            .map(|i| {
                pod(
                    &format!("p{i:03}"),
                    &format!("10.1.{}.{}", i / 200, i % 200),
                    true,
                    "x",
                    1,
                )
            })
            .collect();
        let slices = endpoint_slices(&svc, &pods, &nodes());
        let sizes: Vec<usize> = slices
            .iter()
            .map(|s| s["endpoints"].as_array().unwrap().len())
            .collect();
        assert_eq!(sizes, vec![100, 100, 50]);
        assert_eq!(
            slices[0]["ports"],
            json!([{"name": "", "port": 80, "protocol": "TCP"}])
        );
        // No selector: not managed.
        let manual = service(json!({"ports": [{"port": 80}]}));
        assert!(endpoint_slices(&manual, &pods, &nodes()).is_empty());
        assert!(endpoints(&manual, &pods).is_none());
    }

    #[test]
    fn reconcile_keeps_slices_and_updates_in_place() {
        let svc = service(
            json!({"clusterIP": "10.96.0.10", "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}),
        );
        let a = pod("a", "10.0.0.1", true, "http", 8080);
        let b = pod("b", "10.0.0.2", true, "http", 8080);
        let mut first = endpoint_slices(&svc, std::slice::from_ref(&a), &nodes());
        first[0]["metadata"]["name"] = json!("web-abcde");
        // Nothing changed: nothing to write.
        assert_eq!(
            reconcile(&svc, std::slice::from_ref(&a), &nodes(), &first),
            SliceChanges::default()
        );
        // A changed slice is updated in place and takes the new pod.
        let mut not_ready = a.clone();
        not_ready["status"]["conditions"][0]["status"] = json!("False");
        let c = reconcile(&svc, &[not_ready, b.clone()], &nodes(), &first);
        assert!(c.create.is_empty());
        assert_eq!(c.update.len(), 1);
        assert_eq!(c.update[0]["metadata"]["name"], "web-abcde");
        assert_eq!(c.update[0]["endpoints"].as_array().unwrap().len(), 2);
        assert_eq!(c.update[0]["endpoints"][0]["conditions"]["ready"], false);
        // All pods gone: the slice stays as the placeholder.
        let c = reconcile(&svc, &[], &nodes(), &first);
        assert!(c.delete.is_empty());
        assert!(c.update[0]["endpoints"].is_null());
    }
}
