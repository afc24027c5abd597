//! Printers of services, networking and configuration (printers.go: `printService`,
//! `printEndpoints`, `printEndpointSlice`, `printIngress`, `printIngressClass`,
//! `printNetworkPolicy`, `printConfigMap`, `printSecret`, `printServiceAccount`).
use super::{age, format_label_selector, format_labels, printer, Printer};
use crate::api::object::{self, array_at, str_at};
use crate::api::{KindInfo, Value};

pub(super) fn for_kind(info: &KindInfo) -> Option<Printer> {
    Some(match (info.group, info.kind) {
        ("", "Service") => printer(
            &[
                ("Name", 0),
                ("Type", 0),
                ("Cluster-IP", 0),
                ("External-IP", 0),
                ("Port(s)", 0),
                ("Age", 0),
                ("Selector", 1),
            ],
            |o, now| {
                let cluster_ip = array_at(o, &["spec", "clusterIPs"])
                    .first()
                    .and_then(Value::as_str)
                    .or_else(|| str_at(o, &["spec", "clusterIP"]))
                    .filter(|s| !s.is_empty())
                    .unwrap_or("<none>");
                let ports = ports(o);
                vec![
                    object::name(o).into(),
                    str_at(o, &["spec", "type"]).unwrap_or("ClusterIP").into(),
                    cluster_ip.into(),
                    external_ip(o),
                    if ports.is_empty() {
                        "<none>".into()
                    } else {
                        ports
                    },
                    age(o, now),
                    format_labels(&object::string_map(o, &["spec", "selector"])),
                ]
            },
        ),
        ("", "Endpoints") => printer(&[("Name", 0), ("Endpoints", 0), ("Age", 0)], |o, now| {
            vec![object::name(o).into(), endpoints(o), age(o, now)]
        }),
        ("discovery.k8s.io", "EndpointSlice") => printer(
            &[
                ("Name", 0),
                ("AddressType", 0),
                ("Ports", 0),
                ("Endpoints", 0),
                ("Age", 0),
            ],
            |o, now| {
                let ports: Vec<String> = array_at(o, &["ports"])
                    .iter()
                    .map(|p| match (p["port"].as_i64(), p["name"].as_str()) {
                        (Some(n), _) => n.to_string(),
                        (None, Some(name)) => name.to_string(),
                        _ => "*".into(),
                    })
                    .collect();
                let addrs: Vec<String> = array_at(o, &["endpoints"])
                    .iter()
                    .flat_map(|e| array_at(e, &["addresses"]).iter())
                    .filter_map(|a| a.as_str().map(String::from))
                    .collect();
                vec![
                    object::name(o).into(),
                    str_at(o, &["addressType"]).unwrap_or("").into(),
                    with_more(ports, 3),
                    with_more(addrs, 3),
                    age(o, now),
                ]
            },
        ),
        ("networking.k8s.io", "Ingress") => printer(
            &[
                ("Name", 0),
                ("Class", 0),
                ("Hosts", 0),
                ("Address", 0),
                ("Ports", 0),
                ("Age", 0),
            ],
            |o, now| {
                let rules = array_at(o, &["spec", "rules"]);
                let mut hosts = Vec::new();
                let mut more = false;
                for r in rules {
                    if hosts.len() == 3 {
                        more = true;
                    }
                    if let Some(h) = r["host"].as_str().filter(|h| !h.is_empty() && !more) {
                        hosts.push(h.to_string());
                    }
                }
                let hosts = if hosts.is_empty() {
                    "*".to_string()
                } else if more {
                    format!("{} + {} more...", hosts.join(","), rules.len() - 3)
                } else {
                    hosts.join(",")
                };
                vec![
                    object::name(o).into(),
                    str_at(o, &["spec", "ingressClassName"])
                        .unwrap_or("<none>")
                        .into(),
                    hosts,
                    load_balancer(array_at(o, &["status", "loadBalancer", "ingress"])),
                    if array_at(o, &["spec", "tls"]).is_empty() {
                        "80".into()
                    } else {
                        "80, 443".into()
                    },
                    age(o, now),
                ]
            },
        ),
        ("networking.k8s.io", "IngressClass") => printer(
            &[
                ("Name", 0),
                ("Controller", 0),
                ("Parameters", 0),
                ("Age", 0),
            ],
            |o, now| {
                let p = &o["spec"]["parameters"];
                let params = if p.is_null() {
                    "<none>".to_string()
                } else {
                    let mut s = p["kind"].as_str().unwrap_or("").to_string();
                    if let Some(g) = p["apiGroup"].as_str() {
                        s = format!("{s}.{g}");
                    }
                    format!("{s}/{}", p["name"].as_str().unwrap_or(""))
                };
                vec![
                    object::name(o).into(),
                    str_at(o, &["spec", "controller"]).unwrap_or("").into(),
                    params,
                    age(o, now),
                ]
            },
        ),
        ("networking.k8s.io", "NetworkPolicy") => {
            printer(&[("Name", 0), ("Pod-Selector", 0), ("Age", 0)], |o, now| {
                vec![
                    object::name(o).into(),
                    format_label_selector(Some(&o["spec"]["podSelector"])),
                    age(o, now),
                ]
            })
        }
        ("", "ConfigMap") => printer(&[("Name", 0), ("Data", 0), ("Age", 0)], |o, now| {
            let n = o["data"].as_object().map_or(0, |m| m.len())
                + o["binaryData"].as_object().map_or(0, |m| m.len());
            vec![object::name(o).into(), n.to_string(), age(o, now)]
        }),
        ("", "Secret") => printer(
            &[("Name", 0), ("Type", 0), ("Data", 0), ("Age", 0)],
            |o, now| {
                vec![
                    object::name(o).into(),
                    str_at(o, &["type"]).unwrap_or("Opaque").into(),
                    o["data"].as_object().map_or(0, |m| m.len()).to_string(),
                    age(o, now),
                ]
            },
        ),
        ("", "ServiceAccount") => printer(&[("Name", 0), ("Secrets", 0), ("Age", 0)], |o, now| {
            vec![
                object::name(o).into(),
                array_at(o, &["secrets"]).len().to_string(),
                age(o, now),
            ]
        }),
        _ => return None,
    })
}

/// `listWithMoreString`.
fn with_more(list: Vec<String>, max: usize) -> String {
    let count = list.len();
    if count > max {
        return format!("{} + {} more...", list[..max].join(","), count - max);
    }
    if list.is_empty() {
        return "<unset>".into();
    }
    list.join(",")
}

/// `makePortString`.
fn ports(o: &Value) -> String {
    array_at(o, &["spec", "ports"])
        .iter()
        .map(|p| {
            let port = p["port"].as_i64().unwrap_or(0);
            let proto = p["protocol"].as_str().unwrap_or("TCP");
            match p["nodePort"].as_i64().filter(|n| *n > 0) {
                Some(n) => format!("{port}:{n}/{proto}"),
                None => format!("{port}/{proto}"),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `loadBalancerStatusStringer` with `wide` (the server prints wide tables): IPs or
/// hostnames, de-duplicated and sorted.
fn load_balancer(ingress: &[Value]) -> String {
    let mut set: Vec<String> = ingress
        .iter()
        .filter_map(|i| {
            i["ip"]
                .as_str()
                .filter(|s| !s.is_empty())
                .or_else(|| i["hostname"].as_str().filter(|s| !s.is_empty()))
                .map(String::from)
        })
        .collect();
    set.sort();
    set.dedup();
    set.join(",")
}

/// `getServiceExternalIP`.
fn external_ip(o: &Value) -> String {
    let external: Vec<&str> = array_at(o, &["spec", "externalIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    match str_at(o, &["spec", "type"]).unwrap_or("ClusterIP") {
        "ClusterIP" | "NodePort" => {
            if external.is_empty() {
                "<none>".into()
            } else {
                external.join(",")
            }
        }
        "LoadBalancer" => {
            let lb = load_balancer(array_at(o, &["status", "loadBalancer", "ingress"]));
            if !external.is_empty() {
                let mut all: Vec<String> = Vec::new();
                if !lb.is_empty() {
                    all.extend(lb.split(',').map(String::from));
                }
                all.extend(external.iter().map(|s| s.to_string()));
                return all.join(",");
            }
            if lb.is_empty() {
                "<pending>".into()
            } else {
                lb
            }
        }
        "ExternalName" => str_at(o, &["spec", "externalName"]).unwrap_or("").into(),
        _ => "<unknown>".into(),
    }
}

/// `formatEndpoints` (all ports).
fn endpoints(o: &Value) -> String {
    let subsets = array_at(o, &["subsets"]);
    if subsets.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let mut list = Vec::new();
    let mut more = false;
    let mut count = 0;
    for ss in subsets {
        let addrs = array_at(ss, &["addresses"]);
        let ports = array_at(ss, &["ports"]);
        if ports.is_empty() {
            count += addrs.len();
            for a in addrs {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(a["ip"].as_str().unwrap_or("").to_string());
            }
            continue;
        }
        for p in ports {
            count += addrs.len();
            for a in addrs {
                if list.len() == max {
                    more = true;
                    break;
                }
                let ip = a["ip"].as_str().unwrap_or("");
                let port = p["port"].as_i64().unwrap_or(0);
                list.push(if ip.contains(':') {
                    format!("[{ip}]:{port}")
                } else {
                    format!("{ip}:{port}")
                });
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - max)
    } else {
        ret
    }
}
