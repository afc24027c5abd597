//! The networking describers of describe.go (kubectl v0.32): `describeIngressV1` (with
//! `describeBackendV1`, `describeIngressTLSV1`), `describeIngressClassV1` and
//! `describeNetworkPolicy` (`describeNetworkPolicySpec`).
use super::core::endpoints;
use super::{annotations, events_section, labels, Env, W};
use crate::api::object::{self, array_at, str_at};
use crate::api::Value;
use crate::kubectl::printers::{format_label_selector, int_or_string};
use crate::sim::parse_rfc3339;

/// `serviceBackendStringer`: `name:port` (the number, else the port's name).
fn service_backend(b: &Value) -> String {
    let port = match b["port"]["number"].as_i64().filter(|n| *n != 0) {
        Some(n) => n.to_string(),
        None => b["port"]["name"].as_str().unwrap_or("").to_string(),
    };
    format!("{}:{port}", b["name"].as_str().unwrap_or(""))
}

/// `describeBackendV1`: a service backend with its ready endpoints for the backend's port, or
/// a resource backend.
fn backend(env: &Env<'_>, ns: &str, b: &Value) -> String {
    if let Some(svc) = b.get("service").filter(|s| s.is_object()) {
        let sb = service_backend(svc);
        let name = svc["name"].as_str().unwrap_or("");
        let Some(service) = env
            .list("Service", "v1", Some(ns))
            .into_iter()
            .find(|s| object::name(s) == name)
        else {
            return format!("{sb} (<error: services \"{name}\" not found>)");
        };
        let slices: Vec<Value> = env
            .list("EndpointSlice", "discovery.k8s.io/v1", Some(ns))
            .into_iter()
            .filter(|s| {
                str_at(s, &["metadata", "labels", "kubernetes.io/service-name"]) == Some(name)
            })
            .collect();
        let number = svc["port"]["number"].as_i64().unwrap_or(0);
        let port_name = svc["port"]["name"].as_str().unwrap_or("");
        let mut sp_name = "";
        for sp in array_at(&service, &["spec", "ports"]) {
            let this = sp["name"].as_str().unwrap_or("");
            let by_number = number != 0 && sp["port"].as_i64() == Some(number);
            if by_number || (!port_name.is_empty() && port_name == this) {
                sp_name = this;
            }
        }
        return format!("{sb} ({})", endpoints(&slices, sp_name));
    }
    if let Some(r) = b.get("resource").filter(|r| r.is_object()) {
        return format!(
            "APIGroup: {}, Kind: {}, Name: {}",
            r["apiGroup"].as_str().unwrap_or("<none>"),
            r["kind"].as_str().unwrap_or(""),
            r["name"].as_str().unwrap_or("")
        );
    }
    String::new()
}

/// `ingressLoadBalancerStatusStringerV1(…, wide=true)`: IPs or hostnames, sorted, distinct.
fn load_balancer(ing: &Value) -> String {
    let mut set: Vec<String> = array_at(ing, &["status", "loadBalancer", "ingress"])
        .iter()
        .filter_map(|i| {
            let ip = i["ip"].as_str().unwrap_or("");
            let host = i["hostname"].as_str().unwrap_or("");
            (!ip.is_empty())
                .then(|| ip.to_string())
                .or_else(|| (!host.is_empty()).then(|| host.to_string()))
        })
        .collect();
    set.sort();
    set.dedup();
    set.join(",")
}

pub(crate) fn ingress(env: &Env<'_>, ing: &Value) -> String {
    let mut w = W::default();
    let ns = object::namespace(ing);
    w.w(0, &format!("Name:\t{}\n", object::name(ing)));
    labels(&mut w, "Labels", &object::labels(ing));
    w.w(0, &format!("Namespace:\t{ns}\n"));
    w.w(0, &format!("Address:\t{}\n", load_balancer(ing)));
    let class = str_at(ing, &["spec", "ingressClassName"]).unwrap_or("<none>");
    w.w(0, &format!("Ingress Class:\t{class}\n"));
    let default = match ing["spec"].get("defaultBackend").filter(|d| d.is_object()) {
        Some(d) => backend(env, ns, d),
        None => "<default>".to_string(),
    };
    w.w(0, &format!("Default backend:\t{default}\n"));
    let tls = array_at(ing, &["spec", "tls"]);
    if !tls.is_empty() {
        w.w(0, "TLS:\n");
        for t in tls {
            let hosts: Vec<&str> = array_at(t, &["hosts"])
                .iter()
                .filter_map(Value::as_str)
                .collect();
            match t["secretName"].as_str().filter(|s| !s.is_empty()) {
                None => w.w(1, &format!("SNI routes {}\n", hosts.join(","))),
                Some(secret) => w.w(1, &format!("{secret} terminates {}\n", hosts.join(","))),
            }
        }
    }
    w.w(0, "Rules:\n  Host\tPath\tBackends\n");
    w.w(1, "----\t----\t--------\n");
    let mut count = 0;
    for rule in array_at(ing, &["spec", "rules"]) {
        let Some(http) = rule.get("http").filter(|h| h.is_object()) else {
            continue;
        };
        count += 1;
        let host = rule["host"]
            .as_str()
            .filter(|h| !h.is_empty())
            .unwrap_or("*");
        w.w(1, &format!("{host}\t\n"));
        for p in array_at(http, &["paths"]) {
            w.w(
                2,
                &format!(
                    "\t{} \t{}\n",
                    p["path"].as_str().unwrap_or(""),
                    backend(env, ns, &p["backend"])
                ),
            );
        }
    }
    if count == 0 {
        w.w(1, &format!("*\t*\t{default}\n"));
    }
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(ing, &["metadata", "annotations"]),
    );
    events_section(&mut w, env, ing, false);
    w.finish()
}

pub(crate) fn ingress_class(env: &Env<'_>, ic: &Value) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", object::name(ic)));
    labels(&mut w, "Labels", &object::labels(ic));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(ic, &["metadata", "annotations"]),
    );
    w.w(
        0,
        &format!(
            "Controller:\t{}\n",
            str_at(ic, &["spec", "controller"]).unwrap_or("")
        ),
    );
    if let Some(p) = ic["spec"].get("parameters").filter(|p| p.is_object()) {
        w.w(0, "Parameters:\n");
        if let Some(g) = p["apiGroup"].as_str() {
            w.w(1, &format!("APIGroup:\t{g}\n"));
        }
        w.w(1, &format!("Kind:\t{}\n", p["kind"].as_str().unwrap_or("")));
        w.w(1, &format!("Name:\t{}\n", p["name"].as_str().unwrap_or("")));
    }
    events_section(&mut w, env, ic, false);
    w.finish()
}

/// Go's `time.Time.String()` of a UTC timestamp: `2026-01-01 00:00:00 +0000 UTC`.
fn go_time_string(ms: Option<i64>) -> String {
    let t = crate::sim::format_rfc3339(ms.unwrap_or(-62_135_596_800_000));
    format!("{} {} +0000 UTC", &t[..10], &t[11..19])
}

pub(crate) fn network_policy(np: &Value) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", object::name(np)));
    w.w(0, &format!("Namespace:\t{}\n", object::namespace(np)));
    let created = str_at(np, &["metadata", "creationTimestamp"]).and_then(parse_rfc3339);
    w.w(0, &format!("Created on:\t{}\n", go_time_string(created)));
    labels(&mut w, "Labels", &object::labels(np));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(np, &["metadata", "annotations"]),
    );
    let spec = &np["spec"];
    w.w(0, "Spec:\n");
    w.w(1, "PodSelector: ");
    let sel = &spec["podSelector"];
    let empty = |k: &str| {
        sel.get(k).is_none_or(|v| {
            v.as_object().is_none_or(|m| m.is_empty()) && v.as_array().is_none_or(Vec::is_empty)
        })
    };
    if empty("matchLabels") && empty("matchExpressions") {
        w.w(
            2,
            "<none> (Allowing the specific traffic to all pods in this namespace)\n",
        );
    } else {
        w.w(2, &format!("{}\n", format_label_selector(Some(sel))));
    }
    let types: Vec<&str> = array_at(np, &["spec", "policyTypes"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if types.contains(&"Ingress") {
        w.w(1, "Allowing ingress traffic:\n");
        rules(
            &mut w,
            array_at(np, &["spec", "ingress"]),
            Direction::Ingress,
        );
    } else {
        w.w(1, "Not affecting ingress traffic\n");
    }
    if types.contains(&"Egress") {
        w.w(1, "Allowing egress traffic:\n");
        rules(&mut w, array_at(np, &["spec", "egress"]), Direction::Egress);
    } else {
        w.w(1, "Not affecting egress traffic\n");
    }
    let types = if types.is_empty() {
        "<none>".to_string()
    } else {
        types.join(", ")
    };
    w.w(1, &format!("Policy Types: {types}\n"));
    w.finish()
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Ingress,
    Egress,
}

/// `printNetworkPolicySpecIngressFrom` / `printNetworkPolicySpecEgressTo` (initial indent
/// four spaces).
fn rules(w: &mut W, list: &[Value], dir: Direction) {
    const IND: &str = "    ";
    let (peers_key, peer_title, isolated, any_peer) = match dir {
        Direction::Ingress => (
            "from",
            "From:",
            "<none> (Selected pods are isolated for ingress connectivity)",
            "From: <any> (traffic not restricted by source)",
        ),
        Direction::Egress => (
            "to",
            "To:",
            "<none> (Selected pods are isolated for egress connectivity)",
            "To: <any> (traffic not restricted by destination)",
        ),
    };
    if list.is_empty() {
        w.w(0, &format!("{IND}{isolated}\n"));
        return;
    }
    for (i, rule) in list.iter().enumerate() {
        let ports = array_at(rule, &["ports"]);
        if ports.is_empty() {
            w.w(
                0,
                &format!("{IND}To Port: <any> (traffic allowed to all ports)\n"),
            );
        }
        for port in ports {
            let proto = port["protocol"].as_str().unwrap_or("TCP");
            // `%s` of a nil *IntOrString prints `<nil>`.
            let p = match port.get("port").filter(|v| !v.is_null()) {
                Some(v) => int_or_string(v),
                None => "<nil>".into(),
            };
            match port["endPort"].as_i64() {
                None => w.w(0, &format!("{IND}To Port: {p}/{proto}\n")),
                Some(end) => w.w(0, &format!("{IND}To Port Range: {p}-{end}/{proto}\n")),
            }
        }
        let peers = array_at(rule, &[peers_key]);
        if peers.is_empty() {
            w.w(0, &format!("{IND}{any_peer}\n"));
        }
        for peer in peers {
            w.w(0, &format!("{IND}{peer_title}\n"));
            let pod = peer.get("podSelector").filter(|v| !v.is_null());
            let ns = peer.get("namespaceSelector").filter(|v| !v.is_null());
            match (pod, ns) {
                (Some(p), Some(n)) => {
                    w.w(
                        1,
                        &format!(
                            "{IND}NamespaceSelector: {}\n",
                            format_label_selector(Some(n))
                        ),
                    );
                    w.w(
                        1,
                        &format!("{IND}PodSelector: {}\n", format_label_selector(Some(p))),
                    );
                }
                (Some(p), None) => {
                    w.w(
                        1,
                        &format!("{IND}PodSelector: {}\n", format_label_selector(Some(p))),
                    );
                }
                (None, Some(n)) => {
                    w.w(
                        1,
                        &format!(
                            "{IND}NamespaceSelector: {}\n",
                            format_label_selector(Some(n))
                        ),
                    );
                }
                (None, None) => {
                    if let Some(b) = peer.get("ipBlock").filter(|b| b.is_object()) {
                        let except: Vec<&str> = array_at(b, &["except"])
                            .iter()
                            .filter_map(Value::as_str)
                            .collect();
                        w.w(1, &format!("{IND}IPBlock:\n"));
                        w.w(
                            2,
                            &format!("{IND}CIDR: {}\n", b["cidr"].as_str().unwrap_or("")),
                        );
                        w.w(2, &format!("{IND}Except: {}\n", except.join(", ")));
                    }
                }
            }
        }
        if i != list.len() - 1 {
            w.w(0, &format!("{IND}----------\n"));
        }
    }
}
