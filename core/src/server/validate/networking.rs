//! NetworkPolicies, Ingresses and IngressClasses: pkg/apis/networking/validation/validation.go
//! (`ValidateNetworkPolicySpec`, `ValidateNetworkPolicyPort`, `ValidateNetworkPolicyPeer`,
//! `ValidateIPBlock`, `ValidateIngressSpec`, `validateIngressBackend`,
//! `ValidateIngressClass`).
use super::meta::{self, s};
use super::names::{self, NameFormat};
use super::render::quote;
use super::Errors;
use crate::api::Value;
use crate::server::status::FieldError;

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `ValidateNetworkPolicy`.
pub fn network_policy(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    meta::label_selector(spec.get("podSelector"), "spec.podSelector", errs);
    for (dir, peers) in [("ingress", "from"), ("egress", "to")] {
        for (i, rule) in arr(spec, dir).iter().enumerate() {
            let rp = format!("spec.{dir}[{i}]");
            for (j, port) in arr(rule, "ports").iter().enumerate() {
                np_port(port, &format!("{rp}.ports[{j}]"), errs);
            }
            for (j, peer) in arr(rule, peers).iter().enumerate() {
                np_peer(peer, &format!("{rp}.{peers}[{j}]"), errs);
            }
        }
    }
    let types = arr(spec, "policyTypes");
    if types.len() > 2 {
        let list: Vec<String> = types
            .iter()
            .map(|t| quote(t.as_str().unwrap_or("")))
            .collect();
        errs.push(FieldError::invalid(
            "spec.policyTypes",
            format!("[{}]", list.join(",")),
            "may not specify more than two policyTypes",
        ));
        return;
    }
    for (i, t) in types.iter().enumerate() {
        let t = t.as_str().unwrap_or("");
        if t != "Ingress" && t != "Egress" {
            errs.push(FieldError::not_supported(
                format!("spec.policyTypes[{i}]"),
                quote(t),
                &["Ingress", "Egress"],
            ));
        }
    }
}

/// `ValidateNetworkPolicyPort`.
fn np_port(port: &Value, p: &str, errs: &mut Errors) {
    if let Some(proto) = port.get("protocol").and_then(Value::as_str) {
        if !["TCP", "UDP", "SCTP"].contains(&proto) {
            errs.push(FieldError::not_supported(
                format!("{p}.protocol"),
                quote(proto),
                &["TCP", "UDP", "SCTP"],
            ));
        }
    }
    let end = port.get("endPort").and_then(Value::as_i64);
    match port.get("port").filter(|v| !v.is_null()) {
        Some(Value::String(name)) => {
            if let Some(e) = end {
                errs.push(FieldError::invalid(
                    format!("{p}.endPort"),
                    e.to_string(),
                    "may not be specified when `port` is non-numeric",
                ));
            }
            for m in names::port_name(name) {
                errs.push(FieldError::invalid(format!("{p}.port"), quote(name), m));
            }
        }
        Some(v) => {
            let n = v.as_i64().unwrap_or(0);
            for m in names::port_num(n) {
                errs.push(FieldError::invalid(format!("{p}.port"), n.to_string(), m));
            }
            if let Some(e) = end {
                if e < n {
                    errs.push(FieldError::invalid(
                        format!("{p}.endPort"),
                        n.to_string(),
                        "must be greater than or equal to `port`",
                    ));
                }
                for m in names::port_num(e) {
                    errs.push(FieldError::invalid(
                        format!("{p}.endPort"),
                        e.to_string(),
                        m,
                    ));
                }
            }
        }
        None => {
            if let Some(e) = end {
                errs.push(FieldError::invalid(
                    format!("{p}.endPort"),
                    e.to_string(),
                    "may not be specified when `port` is not specified",
                ));
            }
        }
    }
}

/// `ValidateNetworkPolicyPeer`.
fn np_peer(peer: &Value, p: &str, errs: &mut Errors) {
    let mut n = 0;
    for key in ["podSelector", "namespaceSelector"] {
        if let Some(sel) = peer.get(key).filter(|v| !v.is_null()) {
            n += 1;
            meta::label_selector(Some(sel), &format!("{p}.{key}"), errs);
        }
    }
    let ip_block = peer.get("ipBlock").filter(|v| !v.is_null());
    if let Some(b) = ip_block {
        n += 1;
        let bp = format!("{p}.ipBlock");
        let cidr = s(b, "cidr");
        if cidr.is_empty() {
            errs.push(FieldError::required(format!("{bp}.cidr"), ""));
        } else if parse_cidr(cidr).is_none() {
            errs.push(FieldError::invalid(
                format!("{bp}.cidr"),
                quote(cidr),
                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            ));
        }
        for (i, e) in arr(b, "except").iter().enumerate() {
            let e = e.as_str().unwrap_or("");
            if parse_cidr(e).is_none() {
                errs.push(FieldError::invalid(
                    format!("{bp}.except[{i}]"),
                    quote(e),
                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                ));
            }
        }
    }
    if n == 0 {
        errs.push(FieldError::required(p, "must specify a peer"));
    } else if n > 1 && ip_block.is_some() {
        errs.push(FieldError::forbidden(
            p,
            "may not specify both ipBlock and another peer",
        ));
    }
}

/// An IP network `addr/bits` (IPv4 or IPv6).
fn parse_cidr(s: &str) -> Option<(std::net::IpAddr, u8)> {
    let (addr, bits) = s.split_once('/')?;
    let addr: std::net::IpAddr = addr.parse().ok()?;
    let bits: u8 = bits.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (bits <= max && !s.contains(' ')).then_some((addr, bits))
}

/// `ValidateIngressSpec` (networking.k8s.io/v1).
pub fn ingress(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let rules = arr(spec, "rules");
    let default = spec.get("defaultBackend").filter(|v| !v.is_null());
    if let Some(b) = default {
        backend(b, "spec.defaultBackend", errs);
    } else if rules.is_empty() {
        errs.push(FieldError::invalid(
            "spec.rules",
            "null",
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    for (i, rule) in rules.iter().enumerate() {
        let rp = format!("spec.rules[{i}]");
        let host = s(rule, "host");
        if !host.is_empty() {
            if host.parse::<std::net::IpAddr>().is_ok() {
                errs.push(FieldError::invalid(
                    format!("{rp}.host"),
                    quote(host),
                    "must be a DNS name, not an IP address",
                ));
            }
            let msgs = if host.contains('*') {
                names::wildcard_dns1123_subdomain(host)
            } else {
                names::dns1123_subdomain(host)
            };
            for m in msgs {
                errs.push(FieldError::invalid(format!("{rp}.host"), quote(host), m));
            }
        }
        let Some(http) = rule.get("http").filter(|v| !v.is_null()) else {
            continue;
        };
        let paths = arr(http, "paths");
        if paths.is_empty() {
            errs.push(FieldError::required(format!("{rp}.http.paths"), ""));
        }
        for (j, hp) in paths.iter().enumerate() {
            let pp = format!("{rp}.http.paths[{j}]");
            let path = s(hp, "path");
            match hp.get("pathType").and_then(Value::as_str) {
                None => errs.push(FieldError::required(
                    format!("{pp}.pathType"),
                    "pathType must be specified",
                )),
                Some("Exact" | "Prefix") => {
                    if !path.starts_with('/') {
                        errs.push(FieldError::invalid(
                            format!("{pp}.path"),
                            quote(path),
                            "must be an absolute path",
                        ));
                    }
                }
                Some("ImplementationSpecific") => {
                    if !path.is_empty() && !path.starts_with('/') {
                        errs.push(FieldError::invalid(
                            format!("{pp}.path"),
                            quote(path),
                            "must be an absolute path",
                        ));
                    }
                }
                Some(other) => errs.push(FieldError::not_supported(
                    format!("{pp}.pathType"),
                    quote(other),
                    &["Exact", "ImplementationSpecific", "Prefix"],
                )),
            }
            backend(
                hp.get("backend").unwrap_or(&Value::Null),
                &format!("{pp}.backend"),
                errs,
            );
        }
    }
    if let Some(c) = spec.get("ingressClassName").and_then(Value::as_str) {
        for m in names::dns1123_subdomain(c) {
            errs.push(FieldError::invalid("spec.ingressClassName", quote(c), m));
        }
    }
}

/// `validateIngressBackend`.
fn backend(b: &Value, p: &str, errs: &mut Errors) {
    let service = b.get("service").filter(|v| !v.is_null());
    let resource = b.get("resource").filter(|v| !v.is_null());
    match (service, resource) {
        (Some(_), Some(_)) => errs.push(FieldError::invalid(
            p,
            quote(""),
            "cannot set both resource and service backends",
        )),
        (None, None) => errs.push(FieldError::invalid(
            p,
            quote(""),
            "resource or service backend is required",
        )),
        (Some(svc), None) => {
            let name = s(svc, "name");
            if name.is_empty() {
                errs.push(FieldError::required(format!("{p}.service.name"), ""));
            } else {
                for m in names::dns1035_label(name) {
                    errs.push(FieldError::invalid(
                        format!("{p}.service.name"),
                        quote(name),
                        m,
                    ));
                }
            }
            let port = svc.get("port").unwrap_or(&Value::Null);
            let pname = s(port, "name");
            let pnum = port.get("number").and_then(Value::as_i64).unwrap_or(0);
            let pp = format!("{p}.service.port");
            if !pname.is_empty() && pnum != 0 {
                errs.push(FieldError::invalid(
                    p,
                    quote(""),
                    "cannot set both port name & port number",
                ));
            } else if !pname.is_empty() {
                for m in names::port_name(pname) {
                    errs.push(FieldError::invalid(format!("{pp}.name"), quote(pname), m));
                }
            } else if pnum != 0 {
                for m in names::port_num(pnum) {
                    errs.push(FieldError::invalid(
                        format!("{pp}.number"),
                        pnum.to_string(),
                        m,
                    ));
                }
            } else {
                errs.push(FieldError::required(p, "port name or number is required"));
            }
        }
        (None, Some(_)) => {}
    }
}

/// `ValidateIngressClass`.
pub fn ingress_class(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, false, NameFormat::Dns1123Subdomain, errs);
    let controller = s(obj.get("spec").unwrap_or(&Value::Null), "controller");
    if controller.len() > 250 {
        errs.push(FieldError::too_long("spec.controller", 250));
    }
    if controller.is_empty() {
        errs.push(FieldError::required("spec.controller", ""));
    } else if controller
        .split_once('/')
        .is_none_or(|(h, r)| h.is_empty() || r.is_empty())
    {
        errs.push(FieldError::invalid(
            "spec.controller",
            quote(controller),
            "must be a domain-prefixed path (such as \"acme.io/foo\")",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn run(f: fn(&Value, &mut Errors), obj: Value) -> Vec<String> {
        let mut e = Vec::new();
        f(&obj, &mut e);
        e.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn network_policies() {
        let np =
            |spec: Value| json!({"metadata": {"name": "n", "namespace": "default"}, "spec": spec});
        assert_eq!(
            run(
                network_policy,
                np(json!({"podSelector": {}, "policyTypes": ["Ingress"]}))
            ),
            Vec::<String>::new()
        );
        assert_eq!(run(network_policy, np(json!({"podSelector": {}, "policyTypes": ["Sideways"]}))), vec!["spec.policyTypes[0]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\""]);
        assert_eq!(run(network_policy, np(json!({"podSelector": {}, "ingress": [{"ports": [{"port": 80, "endPort": 70}]}]}))), vec!["spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`"]);
        assert_eq!(
            run(
                network_policy,
                np(json!({"podSelector": {}, "ingress": [{"from": [{}]}]}))
            ),
            vec!["spec.ingress[0].from[0]: Required value: must specify a peer"]
        );
        assert_eq!(run(network_policy, np(json!({"podSelector": {}, "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/33"}}]}]}))), vec!["spec.egress[0].to[0].ipBlock.cidr: Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]);
    }

    #[test]
    fn ingresses() {
        let ing =
            |spec: Value| json!({"metadata": {"name": "i", "namespace": "default"}, "spec": spec});
        let ok = json!({"rules": [{"host": "a.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]});
        assert_eq!(run(ingress, ing(ok)), Vec::<String>::new());
        assert_eq!(run(ingress, ing(json!({}))), vec!["spec.rules: Invalid value: null: either `defaultBackend` or `rules` must be specified"]);
        assert_eq!(
            run(
                ingress,
                ing(
                    json!({"rules": [{"http": {"paths": [{"path": "x", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]})
                )
            ),
            vec![
                "spec.rules[0].http.paths[0].path: Invalid value: \"x\": must be an absolute path"
            ]
        );
    }
}
