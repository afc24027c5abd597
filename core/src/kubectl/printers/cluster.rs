//! Printers of cluster-level kinds (printers.go: `printNode`, `printNamespace`, `printEvent`,
//! `printPersistentVolume(Claim)`, `printStorageClass`, `printPriorityClass`,
//! `printRuntimeClass`, `printResourceQuota`, `printCSIDriver`, `printCSINode`,
//! `printVolumeAttachment`, `printLease`, the webhook configurations, the RBAC bindings; and
//! kube-aggregator's APIService printer).
use super::{age, go_bool, int, printer, since, Printer};
use crate::api::object::{self, array_at, str_at};
use crate::api::{KindInfo, Value};
use crate::kubectl::quantity::canonical;

pub(super) fn for_kind(info: &KindInfo) -> Option<Printer> {
    Some(match (info.group, info.kind) {
        ("", "Node") => printer(
            &[
                ("Name", 0),
                ("Status", 0),
                ("Roles", 0),
                ("Age", 0),
                ("Version", 0),
                ("Internal-IP", 1),
                ("External-IP", 1),
                ("OS-Image", 1),
                ("Kernel-Version", 1),
                ("Container-Runtime", 1),
            ],
            |o, now| {
                let addr = |t: &str| {
                    array_at(o, &["status", "addresses"])
                        .iter()
                        .find(|a| a["type"] == t)
                        .and_then(|a| a["address"].as_str())
                        .unwrap_or("<none>")
                        .to_string()
                };
                let info = |k: &str| {
                    str_at(o, &["status", "nodeInfo", k])
                        .filter(|s| !s.is_empty())
                        .unwrap_or("<unknown>")
                        .to_string()
                };
                vec![
                    object::name(o).into(),
                    node_status(o),
                    node_roles(o),
                    age(o, now),
                    str_at(o, &["status", "nodeInfo", "kubeletVersion"])
                        .unwrap_or("")
                        .into(),
                    addr("InternalIP"),
                    addr("ExternalIP"),
                    info("osImage"),
                    info("kernelVersion"),
                    info("containerRuntimeVersion"),
                ]
            },
        ),
        ("", "Namespace") => printer(&[("Name", 0), ("Status", 0), ("Age", 0)], |o, now| {
            vec![
                object::name(o).into(),
                str_at(o, &["status", "phase"]).unwrap_or("").into(),
                age(o, now),
            ]
        }),
        ("", "Event") | ("events.k8s.io", "Event") => printer(
            &[
                ("Last Seen", 0),
                ("Type", 0),
                ("Reason", 0),
                ("Object", 0),
                ("Subobject", 1),
                ("Source", 1),
                ("Message", 0),
                ("First Seen", 1),
                ("Count", 1),
                ("Name", 1),
            ],
            event_row,
        ),
        ("", "PersistentVolume") => printer(
            &[
                ("Name", 0),
                ("Capacity", 0),
                ("Access Modes", 0),
                ("Reclaim Policy", 0),
                ("Status", 0),
                ("Claim", 0),
                ("StorageClass", 0),
                ("VolumeAttributesClass", 0),
                ("Reason", 0),
                ("Age", 0),
                ("VolumeMode", 1),
            ],
            |o, now| {
                let claim = match o["spec"].get("claimRef").filter(|c| !c.is_null()) {
                    Some(c) => format!(
                        "{}/{}",
                        c["namespace"].as_str().unwrap_or(""),
                        c["name"].as_str().unwrap_or("")
                    ),
                    None => String::new(),
                };
                let phase = if object::is_terminating(o) {
                    "Terminating"
                } else {
                    str_at(o, &["status", "phase"]).unwrap_or("")
                };
                vec![
                    object::name(o).into(),
                    str_at(o, &["spec", "capacity", "storage"])
                        .map(canonical)
                        .unwrap_or_else(|| "0".into()),
                    access_modes(array_at(o, &["spec", "accessModes"])),
                    str_at(o, &["spec", "persistentVolumeReclaimPolicy"])
                        .unwrap_or("")
                        .into(),
                    phase.into(),
                    claim,
                    storage_class(o),
                    str_at(o, &["spec", "volumeAttributesClassName"])
                        .unwrap_or("<unset>")
                        .into(),
                    str_at(o, &["status", "reason"]).unwrap_or("").into(),
                    age(o, now),
                    str_at(o, &["spec", "volumeMode"])
                        .unwrap_or("<unset>")
                        .into(),
                ]
            },
        ),
        ("", "PersistentVolumeClaim") => printer(
            &[
                ("Name", 0),
                ("Status", 0),
                ("Volume", 0),
                ("Capacity", 0),
                ("Access Modes", 0),
                ("StorageClass", 0),
                ("VolumeAttributesClass", 0),
                ("Age", 0),
                ("VolumeMode", 1),
            ],
            |o, now| {
                let phase = if object::is_terminating(o) {
                    "Terminating"
                } else {
                    str_at(o, &["status", "phase"]).unwrap_or("")
                };
                let volume = str_at(o, &["spec", "volumeName"]).unwrap_or("");
                let (capacity, modes) = if volume.is_empty() {
                    (String::new(), String::new())
                } else {
                    (
                        str_at(o, &["status", "capacity", "storage"])
                            .map(canonical)
                            .unwrap_or_else(|| "0".into()),
                        access_modes(array_at(o, &["status", "accessModes"])),
                    )
                };
                vec![
                    object::name(o).into(),
                    phase.into(),
                    volume.into(),
                    capacity,
                    modes,
                    storage_class(o),
                    str_at(o, &["spec", "volumeAttributesClassName"])
                        .unwrap_or("<unset>")
                        .into(),
                    age(o, now),
                    str_at(o, &["spec", "volumeMode"])
                        .unwrap_or("<unset>")
                        .into(),
                ]
            },
        ),
        ("storage.k8s.io", "StorageClass") => printer(
            &[
                ("Name", 0),
                ("Provisioner", 0),
                ("ReclaimPolicy", 0),
                ("VolumeBindingMode", 0),
                ("AllowVolumeExpansion", 0),
                ("Age", 0),
            ],
            |o, now| {
                let ann = |k: &str| str_at(o, &["metadata", "annotations", k]) == Some("true");
                let mut name = object::name(o).to_string();
                if ann("storageclass.kubernetes.io/is-default-class")
                    || ann("storageclass.beta.kubernetes.io/is-default-class")
                {
                    name.push_str(" (default)");
                }
                vec![
                    name,
                    str_at(o, &["provisioner"]).unwrap_or("").into(),
                    str_at(o, &["reclaimPolicy"]).unwrap_or("Delete").into(),
                    str_at(o, &["volumeBindingMode"])
                        .unwrap_or("Immediate")
                        .into(),
                    go_bool(o["allowVolumeExpansion"] == true),
                    age(o, now),
                ]
            },
        ),
        ("scheduling.k8s.io", "PriorityClass") => printer(
            &[
                ("Name", 0),
                ("Value", 0),
                ("Global-Default", 0),
                ("Age", 0),
                ("PreemptionPolicy", 0),
            ],
            |o, now| {
                vec![
                    object::name(o).into(),
                    int(o, &["value"]).to_string(),
                    go_bool(o["globalDefault"] == true),
                    age(o, now),
                    str_at(o, &["preemptionPolicy"]).unwrap_or("").into(),
                ]
            },
        ),
        ("node.k8s.io", "RuntimeClass") => {
            printer(&[("Name", 0), ("Handler", 0), ("Age", 0)], |o, now| {
                vec![
                    object::name(o).into(),
                    str_at(o, &["handler"]).unwrap_or("").into(),
                    age(o, now),
                ]
            })
        }
        ("", "ResourceQuota") => printer(
            &[("Name", 0), ("Request", 0), ("Limit", 0), ("Age", 0)],
            |o, now| {
                let hard = o["status"]["hard"].as_object();
                let mut names: Vec<String> = hard
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k.to_string())
                    .collect();
                names.sort();
                let (mut req, mut lim) = (Vec::new(), Vec::new());
                for n in names {
                    let used = str_at(o, &["status", "used", &n])
                        .map(canonical)
                        .unwrap_or_else(|| "0".into());
                    let h = str_at(o, &["status", "hard", &n])
                        .map(canonical)
                        .unwrap_or_else(|| "0".into());
                    let cell = format!("{n}: {used}/{h}");
                    if n.split('.').next() == Some("limits") && n.contains('.') {
                        lim.push(cell);
                    } else {
                        req.push(cell);
                    }
                }
                vec![
                    object::name(o).into(),
                    req.join(", "),
                    lim.join(", "),
                    age(o, now),
                ]
            },
        ),
        ("storage.k8s.io", "CSIDriver") => printer(
            &[
                ("Name", 0),
                ("AttachRequired", 0),
                ("PodInfoOnMount", 0),
                ("StorageCapacity", 0),
                ("TokenRequests", 0),
                ("RequiresRepublish", 0),
                ("Modes", 0),
                ("Age", 0),
            ],
            |o, now| {
                let s = &o["spec"];
                let tokens = match s["tokenRequests"].as_array() {
                    Some(t) => t
                        .iter()
                        .map(|x| x["audience"].as_str().unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join(","),
                    None => "<unset>".into(),
                };
                let modes: Vec<&str> = s["volumeLifecycleModes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                vec![
                    object::name(o).into(),
                    go_bool(s["attachRequired"].as_bool().unwrap_or(true)),
                    go_bool(s["podInfoOnMount"] == true),
                    go_bool(s["storageCapacity"] == true),
                    tokens,
                    go_bool(s["requiresRepublish"] == true),
                    if modes.is_empty() {
                        "<none>".into()
                    } else {
                        modes.join(",")
                    },
                    age(o, now),
                ]
            },
        ),
        ("storage.k8s.io", "CSINode") => {
            printer(&[("Name", 0), ("Drivers", 0), ("Age", 0)], |o, now| {
                vec![
                    object::name(o).into(),
                    array_at(o, &["spec", "drivers"]).len().to_string(),
                    age(o, now),
                ]
            })
        }
        ("storage.k8s.io", "VolumeAttachment") => printer(
            &[
                ("Name", 0),
                ("Attacher", 0),
                ("PV", 0),
                ("Node", 0),
                ("Attached", 0),
                ("Age", 0),
            ],
            |o, now| {
                vec![
                    object::name(o).into(),
                    str_at(o, &["spec", "attacher"]).unwrap_or("").into(),
                    str_at(o, &["spec", "source", "persistentVolumeName"])
                        .unwrap_or("")
                        .into(),
                    str_at(o, &["spec", "nodeName"]).unwrap_or("").into(),
                    go_bool(o["status"]["attached"] == true),
                    age(o, now),
                ]
            },
        ),
        ("coordination.k8s.io", "Lease") => {
            printer(&[("Name", 0), ("Holder", 0), ("Age", 0)], |o, now| {
                vec![
                    object::name(o).into(),
                    str_at(o, &["spec", "holderIdentity"]).unwrap_or("").into(),
                    age(o, now),
                ]
            })
        }
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration")
        | ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration") => {
            printer(&[("Name", 0), ("Webhooks", 0), ("Age", 0)], |o, now| {
                vec![
                    object::name(o).into(),
                    array_at(o, &["webhooks"]).len().to_string(),
                    age(o, now),
                ]
            })
        }
        ("apiregistration.k8s.io", "APIService") => printer(
            &[("Name", 0), ("Service", 0), ("Available", 0), ("Age", 0)],
            |o, now| {
                let svc = match o["spec"].get("service").filter(|s| !s.is_null()) {
                    Some(s) => format!(
                        "{}/{}",
                        s["namespace"].as_str().unwrap_or(""),
                        s["name"].as_str().unwrap_or("")
                    ),
                    None => "Local".into(),
                };
                let available = match array_at(o, &["status", "conditions"])
                    .iter()
                    .find(|c| c["type"] == "Available")
                {
                    Some(c) if c["status"] == "True" => "True".to_string(),
                    Some(c) => format!(
                        "{} ({})",
                        c["status"].as_str().unwrap_or(""),
                        c["reason"].as_str().unwrap_or("")
                    ),
                    None => "Unknown".into(),
                };
                vec![object::name(o).into(), svc, available, age(o, now)]
            },
        ),
        ("rbac.authorization.k8s.io", "RoleBinding")
        | ("rbac.authorization.k8s.io", "ClusterRoleBinding") => printer(
            &[
                ("Name", 0),
                ("Role", 0),
                ("Age", 0),
                ("Users", 1),
                ("Groups", 1),
                ("ServiceAccounts", 1),
            ],
            |o, now| {
                let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
                for s in array_at(o, &["subjects"]) {
                    let name = s["name"].as_str().unwrap_or("");
                    match s["kind"].as_str().unwrap_or("") {
                        "User" => users.push(name.to_string()),
                        "Group" => groups.push(name.to_string()),
                        "ServiceAccount" => {
                            sas.push(format!("{}/{name}", s["namespace"].as_str().unwrap_or("")))
                        }
                        _ => {}
                    }
                }
                vec![
                    object::name(o).into(),
                    format!(
                        "{}/{}",
                        str_at(o, &["roleRef", "kind"]).unwrap_or(""),
                        str_at(o, &["roleRef", "name"]).unwrap_or("")
                    ),
                    age(o, now),
                    users.join(", "),
                    groups.join(", "),
                    sas.join(", "),
                ]
            },
        ),
        _ => return None,
    })
}

/// `helper.GetAccessModesAsString`.
pub(crate) fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|x| x == m);
    let mut out = Vec::new();
    for (mode, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if has(mode) {
            out.push(short);
        }
    }
    out.join(",")
}

/// `GetPersistentVolume(Claim)Class`: the beta annotation, else `spec.storageClassName`.
pub(crate) fn storage_class(o: &Value) -> String {
    str_at(
        o,
        &[
            "metadata",
            "annotations",
            "volume.beta.kubernetes.io/storage-class",
        ],
    )
    .or_else(|| str_at(o, &["spec", "storageClassName"]))
    .unwrap_or("")
    .to_string()
}

fn event_row(o: &Value, now: i64) -> Vec<String> {
    // events.k8s.io/v1 names: regarding, note, deprecated* (converted to core/v1 for printing).
    let involved = o
        .get("involvedObject")
        .or_else(|| o.get("regarding"))
        .cloned()
        .unwrap_or_default();
    let message = str_at(o, &["message"])
        .or_else(|| str_at(o, &["note"]))
        .unwrap_or("");
    let first_ts =
        str_at(o, &["firstTimestamp"]).or_else(|| str_at(o, &["deprecatedFirstTimestamp"]));
    let last_ts = str_at(o, &["lastTimestamp"]).or_else(|| str_at(o, &["deprecatedLastTimestamp"]));
    let first = if first_ts.is_some() {
        since(first_ts, now)
    } else {
        since(str_at(o, &["eventTime"]), now)
    };
    let mut last = if last_ts.is_some() {
        since(last_ts, now)
    } else {
        first.clone()
    };
    let mut count = o["count"]
        .as_i64()
        .or_else(|| o["deprecatedCount"].as_i64())
        .unwrap_or(0);
    if let Some(series) = o.get("series").filter(|s| !s.is_null()) {
        last = since(series["lastObservedTime"].as_str(), now);
        count = series["count"].as_i64().unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    let kind = involved["kind"].as_str().unwrap_or("").to_lowercase();
    let target = match involved["name"].as_str().filter(|n| !n.is_empty()) {
        Some(n) => format!("{kind}/{n}"),
        None => kind,
    };
    let component = str_at(o, &["source", "component"])
        .filter(|s| !s.is_empty())
        .or_else(|| str_at(o, &["reportingComponent"]).filter(|s| !s.is_empty()))
        .or_else(|| str_at(o, &["reportingController"]))
        .unwrap_or("");
    let host = str_at(o, &["source", "host"])
        .filter(|s| !s.is_empty())
        .or_else(|| str_at(o, &["reportingInstance"]))
        .unwrap_or("");
    let source = if host.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {host}")
    };
    vec![
        last,
        str_at(o, &["type"]).unwrap_or("").into(),
        str_at(o, &["reason"]).unwrap_or("").into(),
        target,
        involved["fieldPath"].as_str().unwrap_or("").into(),
        source,
        message.trim().into(),
        first,
        count.to_string(),
        object::name(o).into(),
    ]
}

/// The STATUS column of `kubectl get nodes` (`printNode`).
pub fn node_status(o: &Value) -> String {
    let mut status = match array_at(o, &["status", "conditions"])
        .iter()
        .rev()
        .find(|c| c["type"] == "Ready")
    {
        Some(c) if c["status"] == "True" => vec!["Ready"],
        Some(_) => vec!["NotReady"],
        None => vec!["Unknown"],
    };
    if o["spec"]["unschedulable"] == true {
        status.push("SchedulingDisabled");
    }
    status.join(",")
}

/// `findNodeRoles`: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`.
pub(crate) fn node_roles(o: &Value) -> String {
    let mut roles: Vec<String> = object::labels(o)
        .iter()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(r) if !r.is_empty() => Some(r.to_string()),
            _ if k == "kubernetes.io/role" && !v.is_empty() => Some(v.clone()),
            _ => None,
        })
        .collect();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}
