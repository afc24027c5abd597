//! More typed describers of describe.go: `describeServiceAccount`, `describeEndpoints`,
//! `describeEndpointSliceV1`, `describeStorageClass`, the Role/ClusterRole describers (rules
//! broken down and compacted as k8s.io/kubectl/pkg/util/rbac does) and the
//! RoleBinding/ClusterRoleBinding describers.
use super::{annotations, events_section, labels, Env, W};
use crate::api::object::{self, array_at, str_at};
use crate::api::Value;
use crate::kubectl::printers::{bool_ptr, format_labels};

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(String::from))
        .collect()
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|x| x["name"].as_str().unwrap_or("").to_string())
        .collect()
}

fn head(w: &mut W, o: &Value, namespaced: bool) {
    w.w(0, &format!("Name:\t{}\n", object::name(o)));
    if namespaced {
        w.w(0, &format!("Namespace:\t{}\n", object::namespace(o)));
    }
    labels(w, "Labels", &object::labels(o));
    annotations(
        w,
        "Annotations",
        &object::string_map(o, &["metadata", "annotations"]),
    );
}

pub(crate) fn service_account(env: &Env<'_>, sa: &Value) -> String {
    let mut w = W::default();
    head(&mut w, sa, true);
    let secrets = env.list("Secret", "v1", Some(object::namespace(sa)));
    let tokens: Vec<String> = secrets
        .iter()
        .filter(|s| {
            s["type"] == "kubernetes.io/service-account-token"
                && str_at(
                    s,
                    &[
                        "metadata",
                        "annotations",
                        "kubernetes.io/service-account.name",
                    ],
                ) == Some(object::name(sa))
                && str_at(
                    s,
                    &[
                        "metadata",
                        "annotations",
                        "kubernetes.io/service-account.uid",
                    ],
                ) == Some(object::uid(sa))
        })
        .map(|s| object::name(s).to_string())
        .collect();
    let existing: Vec<&str> = secrets.iter().map(object::name).collect();
    // The headers in sorted order, as sets.StringKeySet(types).List() gives them.
    let sections = [
        ("Image pull secrets:", names(&sa["imagePullSecrets"])),
        ("Mountable secrets: ", names(&sa["secrets"])),
        ("Tokens:            ", tokens.clone()),
    ];
    for (header, list) in sections {
        if list.is_empty() {
            w.w(0, &format!("{header}\t<none>\n"));
            continue;
        }
        let mut prefix = header;
        for name in &list {
            let missing = header != "Tokens:            " && !existing.contains(&name.as_str());
            if missing {
                w.w(0, &format!("{prefix}\t{name} (not found)\n"));
            } else {
                w.w(0, &format!("{prefix}\t{name}\n"));
            }
            prefix = "                   ";
        }
    }
    events_section(&mut w, env, sa, false);
    w.finish()
}

pub(crate) fn endpoints(env: &Env<'_>, ep: &Value) -> String {
    let mut w = W::default();
    head(&mut w, ep, true);
    w.w(0, "Subsets:\n");
    for subset in array_at(ep, &["subsets"]) {
        for (title, key) in [
            ("Addresses", "addresses"),
            ("NotReadyAddresses", "notReadyAddresses"),
        ] {
            let ips: Vec<&str> = array_at(subset, &[key])
                .iter()
                .map(|a| a["ip"].as_str().unwrap_or(""))
                .collect();
            let text = if ips.is_empty() {
                "<none>".to_string()
            } else {
                ips.join(",")
            };
            w.w(1, &format!("{title}:\t{text}\n"));
        }
        let ports = array_at(subset, &["ports"]);
        if !ports.is_empty() {
            w.w(1, "Ports:\n");
            w.w(2, "Name\tPort\tProtocol\n");
            w.w(2, "----\t----\t--------\n");
            for p in ports {
                let name = p["name"]
                    .as_str()
                    .filter(|n| !n.is_empty())
                    .unwrap_or("<unset>");
                w.w(
                    2,
                    &format!(
                        "{name}\t{}\t{}\n",
                        p["port"].as_i64().unwrap_or(0),
                        p["protocol"].as_str().unwrap_or("")
                    ),
                );
            }
        }
        w.w(0, "\n");
    }
    events_section(&mut w, env, ep, false);
    w.finish()
}

pub(crate) fn endpoint_slice(env: &Env<'_>, eps: &Value) -> String {
    let mut w = W::default();
    head(&mut w, eps, true);
    w.w(
        0,
        &format!(
            "AddressType:\t{}\n",
            eps["addressType"].as_str().unwrap_or("")
        ),
    );
    let ports = array_at(eps, &["ports"]);
    if ports.is_empty() {
        w.w(0, "Ports: <unset>\n");
    } else {
        w.w(0, "Ports:\n");
        w.w(1, "Name\tPort\tProtocol\n");
        w.w(1, "----\t----\t--------\n");
        for p in ports {
            let name = p["name"]
                .as_str()
                .filter(|n| !n.is_empty())
                .unwrap_or("<unset>");
            let port = p["port"]
                .as_i64()
                .map_or("<unset>".to_string(), |n| n.to_string());
            w.w(
                1,
                &format!("{name}\t{port}\t{}\n", p["protocol"].as_str().unwrap_or("")),
            );
        }
    }
    let endpoints = array_at(eps, &["endpoints"]);
    if endpoints.is_empty() {
        w.w(0, "Endpoints: <none>\n");
    } else {
        w.w(0, "Endpoints:\n");
        for e in endpoints {
            let addrs = strings(&e["addresses"]);
            let text = if addrs.is_empty() {
                "<none>".to_string()
            } else {
                addrs.join(", ")
            };
            w.w(1, &format!("- Addresses:\t{text}\n"));
            w.w(2, "Conditions:\n");
            let ready = e["conditions"]["ready"]
                .as_bool()
                .map_or("<unset>".to_string(), |b| b.to_string());
            w.w(3, &format!("Ready:\t{ready}\n"));
            let or_unset = |key: &str| e[key].as_str().unwrap_or("<unset>").to_string();
            w.w(2, &format!("Hostname:\t{}\n", or_unset("hostname")));
            if let Some(t) = e.get("targetRef").filter(|t| !t.is_null()) {
                w.w(
                    2,
                    &format!(
                        "TargetRef:\t{}/{}\n",
                        t["kind"].as_str().unwrap_or(""),
                        t["name"].as_str().unwrap_or("")
                    ),
                );
            }
            w.w(2, &format!("NodeName:\t{}\n", or_unset("nodeName")));
            w.w(2, &format!("Zone:\t{}\n", or_unset("zone")));
        }
    }
    events_section(&mut w, env, eps, false);
    w.finish()
}

pub(crate) fn storage_class(env: &Env<'_>, sc: &Value) -> String {
    let mut w = W::default();
    let annotations = object::string_map(sc, &["metadata", "annotations"]);
    let default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| annotations.get(*k).is_some_and(|v| v == "true"));
    w.w(0, &format!("Name:\t{}\n", object::name(sc)));
    w.w(
        0,
        &format!("IsDefaultClass:\t{}\n", if default { "Yes" } else { "No" }),
    );
    w.w(
        0,
        &format!("Annotations:\t{}\n", format_labels(&annotations)),
    );
    w.w(
        0,
        &format!(
            "Provisioner:\t{}\n",
            sc["provisioner"].as_str().unwrap_or("")
        ),
    );
    w.w(
        0,
        &format!(
            "Parameters:\t{}\n",
            format_labels(&object::string_map(sc, &["parameters"]))
        ),
    );
    w.w(
        0,
        &format!(
            "AllowVolumeExpansion:\t{}\n",
            bool_ptr(&sc["allowVolumeExpansion"])
        ),
    );
    let options = strings(&sc["mountOptions"]);
    if options.is_empty() {
        w.w(0, "MountOptions:\t<none>\n");
    } else {
        w.w(0, "MountOptions:\n");
        for o in options {
            w.w(1, &format!("{o}\n"));
        }
    }
    if let Some(p) = sc["reclaimPolicy"].as_str() {
        w.w(0, &format!("ReclaimPolicy:\t{p}\n"));
    }
    if let Some(m) = sc["volumeBindingMode"].as_str() {
        w.w(0, &format!("VolumeBindingMode:\t{m}\n"));
    }
    events_section(&mut w, env, sc, false);
    w.finish()
}

/// A policy rule with single-element fields after `BreakdownRule`.
#[derive(Clone)]
struct Rule {
    verbs: Vec<String>,
    groups: Vec<String>,
    resources: Vec<String>,
    names: Vec<String>,
    urls: Vec<String>,
}

impl Rule {
    /// The generated `PolicyRule.String()` the rules are sorted by.
    fn key(&self) -> String {
        let l = |v: &[String]| format!("[{}]", v.join(" "));
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            l(&self.verbs),
            l(&self.groups),
            l(&self.resources),
            l(&self.names),
            l(&self.urls)
        )
    }
}

/// `rbac.BreakdownRule`.
fn breakdown(rule: &Value) -> Vec<Rule> {
    let (verbs, groups, resources, rnames, urls) = (
        strings(&rule["verbs"]),
        strings(&rule["apiGroups"]),
        strings(&rule["resources"]),
        strings(&rule["resourceNames"]),
        strings(&rule["nonResourceURLs"]),
    );
    let one = |s: &str| vec![s.to_string()];
    let mut out = Vec::new();
    for g in &groups {
        for r in &resources {
            for v in &verbs {
                if rnames.is_empty() {
                    out.push(Rule {
                        verbs: one(v),
                        groups: one(g),
                        resources: one(r),
                        names: vec![],
                        urls: vec![],
                    });
                }
                for n in &rnames {
                    out.push(Rule {
                        verbs: one(v),
                        groups: one(g),
                        resources: one(r),
                        names: one(n),
                        urls: vec![],
                    });
                }
            }
        }
    }
    for u in &urls {
        for v in &verbs {
            out.push(Rule {
                verbs: one(v),
                groups: vec![],
                resources: vec![],
                names: vec![],
                urls: one(u),
            });
        }
    }
    out
}

/// `rbac.CompactRules`: simple rules (one group, one resource, at most one name) of the same
/// resource merge their verbs.
fn compact(rules: Vec<Rule>) -> Vec<Rule> {
    let mut simple: Vec<Rule> = Vec::new();
    let mut others = Vec::new();
    for r in rules {
        let is_simple = r.names.len() <= 1
            && r.urls.is_empty()
            && r.groups.len() == 1
            && r.resources.len() == 1;
        if !is_simple {
            others.push(r);
            continue;
        }
        match simple
            .iter_mut()
            .find(|s| s.groups == r.groups && s.resources == r.resources && s.names == r.names)
        {
            Some(s) => {
                for v in r.verbs {
                    if !s.verbs.contains(&v) {
                        s.verbs.push(v);
                    }
                }
            }
            None => simple.push(r),
        }
    }
    others.extend(simple);
    others
}

/// `CombineResourceGroup`: `deployments.apps/scale`.
fn resource_group(r: &Rule) -> String {
    let Some(first) = r.resources.first() else {
        return String::new();
    };
    let (res, sub) = match first.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (first.as_str(), None),
    };
    let mut out = res.to_string();
    if let Some(g) = r.groups.first().filter(|g| !g.is_empty()) {
        out = format!("{out}.{g}");
    }
    if let Some(s) = sub {
        out = format!("{out}/{s}");
    }
    out
}

pub(crate) fn role(r: &Value) -> String {
    let mut w = W::default();
    head(&mut w, r, false);
    let mut rules = compact(array_at(r, &["rules"]).iter().flat_map(breakdown).collect());
    rules.sort_by_key(Rule::key);
    w.w(0, "PolicyRule:\n");
    w.w(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
    w.w(1, "---------\t-----------------\t--------------\t-----\n");
    let l = |v: &[String]| format!("[{}]", v.join(" "));
    for rule in &rules {
        w.w(
            1,
            &format!(
                "{}\t{}\t{}\t{}\n",
                resource_group(rule),
                l(&rule.urls),
                l(&rule.names),
                l(&rule.verbs)
            ),
        );
    }
    w.finish()
}

pub(crate) fn binding(b: &Value) -> String {
    let mut w = W::default();
    head(&mut w, b, false);
    w.w(0, "Role:\n");
    w.w(
        1,
        &format!("Kind:\t{}\n", str_at(b, &["roleRef", "kind"]).unwrap_or("")),
    );
    w.w(
        1,
        &format!("Name:\t{}\n", str_at(b, &["roleRef", "name"]).unwrap_or("")),
    );
    w.w(0, "Subjects:\n");
    w.w(1, "Kind\tName\tNamespace\n");
    w.w(1, "----\t----\t---------\n");
    for s in array_at(b, &["subjects"]) {
        w.w(
            1,
            &format!(
                "{}\t{}\t{}\n",
                s["kind"].as_str().unwrap_or(""),
                s["name"].as_str().unwrap_or(""),
                s["namespace"].as_str().unwrap_or("")
            ),
        );
    }
    w.finish()
}

/// `describeCSINode`.
pub(crate) fn csi_node(env: &Env<'_>, csi: &Value) -> String {
    let mut w = W::default();
    head(&mut w, csi, false);
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            super::time_at(csi, &["metadata", "creationTimestamp"])
        ),
    );
    w.w(0, "Spec:\n");
    if let Some(drivers) = csi["spec"]["drivers"].as_array() {
        w.w(1, "Drivers:\n");
        for d in drivers {
            w.w(2, &format!("{}:\n", d["name"].as_str().unwrap_or("")));
            w.w(
                3,
                &format!("Node ID:\t{}\n", d["nodeID"].as_str().unwrap_or("")),
            );
            if let Some(count) = d["allocatable"]["count"].as_i64() {
                w.w(3, "Allocatables:\n");
                w.w(4, &format!("Count:\t{count}\n"));
            }
            if d.get("topologyKeys").is_some_and(|k| !k.is_null()) {
                w.w(
                    3,
                    &format!("Topology Keys:\t{}\n", super::go_slice(&d["topologyKeys"])),
                );
            }
        }
    }
    events_section(&mut w, env, csi, false);
    w.finish()
}
