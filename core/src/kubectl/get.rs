//! `kubectl get`: kubectl's columns for the common kinds, `-o wide|yaml|json|name`, `-A`, `-l`.
use super::table::{human_duration, render};
use super::{fail, out, resolve, server_error, Flags};
use crate::api::object::{self, array_at, str_at};
use crate::api::KindInfo;
use crate::api::Value;
use crate::control_plane::{ControlPlane, KubectlOutput, ListOptions};
use crate::json;
use crate::server::ROOT;
use crate::sim::parse_rfc3339;

pub(super) fn get(cp: &ControlPlane, f: &Flags) -> KubectlOutput {
    let Some(first) = f.positional.first() else {
        return fail("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.".into());
    };
    let (resource, mut names): (String, Vec<String>) = match first.split_once('/') {
        Some((t, n)) => (t.to_string(), vec![n.to_string()]),
        None => (first.clone(), vec![]),
    };
    names.extend(f.positional[1..].iter().cloned());
    let info = match resolve(&resource) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let namespace = if f.all_namespaces || !info.namespaced {
        None
    } else {
        Some(f.namespace.clone().unwrap_or_else(|| "default".into()))
    };
    let mut items = Vec::new();
    if names.is_empty() {
        let opts = ListOptions {
            api_version: Some(info.api_version()),
            kind: info.kind.into(),
            namespace: namespace.clone(),
            label_selector: f.selector.clone(),
            field_selector: f.field_selector.clone(),
            ..ListOptions::default()
        };
        match cp.list_items(ROOT, &opts) {
            Ok(i) => items = i,
            Err(s) => return server_error(&s),
        }
    } else {
        for n in &names {
            match cp
                .server()
                .get(ROOT, info, namespace.as_deref().unwrap_or(""), n)
            {
                Some(o) => items.push(o.clone()),
                None => return server_error(&crate::Status::not_found(info, n)),
            }
        }
    }
    let single = !names.is_empty() && items.len() == 1;
    // kubectl hides managedFields unless --show-managed-fields.
    if !f.show_managed_fields {
        for o in items.iter_mut() {
            if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
                m.shift_remove("managedFields");
            }
        }
    }
    match f.output.as_deref() {
        Some("json") => {
            let v = if single { items.remove(0) } else { json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}) };
            out(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n")
        }
        Some("yaml") => {
            let v = if single { items.remove(0) } else { json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}) };
            out(serde_saphyr::to_string(&v).unwrap_or_default())
        }
        Some("name") => out(items.iter().map(|o| super::resource_ref(info, object::name(o)) + "\n").collect()),
        None | Some("wide") => {
            if items.is_empty() {
                let msg = match (&namespace, info.namespaced) {
                    (Some(ns), true) => format!("No resources found in {ns} namespace.\n"),
                    _ => "No resources found\n".to_string(),
                };
                return KubectlOutput { stdout: String::new(), stderr: msg, exit_code: 0 };
            }
            let wide = f.output.as_deref() == Some("wide");
            let now = cp.now_ms();
            // Karpenter's kinds print their CRDs' printer columns.
            if let Some(table) = crate::controllers::karpenter::columns::table(info.kind, &items, wide, now, &human_duration) {
                return out(render(&table));
            }
            let (mut header, rows_fn) = columns(info, wide);
            let mut rows = Vec::new();
            for o in &items {
                let mut row = rows_fn(o, now);
                if f.show_labels {
                    let labels: Vec<String> = object::labels(o).iter().map(|(k, v)| format!("{k}={v}")).collect();
                    row.push(if labels.is_empty() { "<none>".into() } else { labels.join(",") });
                }
                if f.all_namespaces && info.namespaced {
                    row.insert(0, object::namespace(o).to_string());
                }
                rows.push(row);
            }
            if f.show_labels {
                header.push("LABELS");
            }
            if f.all_namespaces && info.namespaced {
                header.insert(0, "NAMESPACE");
            }
            let mut table = vec![header.into_iter().map(String::from).collect::<Vec<_>>()];
            table.extend(rows);
            out(render(&table))
        }
        Some(other) => fail(format!(
            "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,wide,yaml"
        )),
    }
}

type RowFn = fn(&Value, i64) -> Vec<String>;

fn age(o: &Value, now: i64) -> String {
    match str_at(o, &["metadata", "creationTimestamp"]).and_then(parse_rfc3339) {
        Some(t) => human_duration(now - t),
        None => "<unknown>".into(),
    }
}

fn int(o: &Value, keys: &[&str]) -> i64 {
    object::i64_at(o, keys).unwrap_or(0)
}

fn columns(info: &KindInfo, wide: bool) -> (Vec<&'static str>, RowFn) {
    match (info.kind, wide) {
        ("Pod", false) => (
            vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            |o, now| {
                let (ready, total, restarts) = pod_counts(o);
                vec![
                    object::name(o).into(),
                    format!("{ready}/{total}"),
                    pod_status(o),
                    restarts.to_string(),
                    age(o, now),
                ]
            },
        ),
        ("Pod", true) => (
            vec![
                "NAME",
                "READY",
                "STATUS",
                "RESTARTS",
                "AGE",
                "IP",
                "NODE",
                "NOMINATED NODE",
                "READINESS GATES",
            ],
            |o, now| {
                let (ready, total, restarts) = pod_counts(o);
                vec![
                    object::name(o).into(),
                    format!("{ready}/{total}"),
                    pod_status(o),
                    restarts.to_string(),
                    age(o, now),
                    str_at(o, &["status", "podIP"]).unwrap_or("<none>").into(),
                    str_at(o, &["spec", "nodeName"]).unwrap_or("<none>").into(),
                    str_at(o, &["status", "nominatedNodeName"])
                        .unwrap_or("<none>")
                        .into(),
                    "<none>".into(),
                ]
            },
        ),
        ("Node", false) => (
            vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            |o, now| {
                vec![
                    object::name(o).into(),
                    node_status(o),
                    node_roles(o),
                    age(o, now),
                    str_at(o, &["status", "nodeInfo", "kubeletVersion"])
                        .unwrap_or("")
                        .into(),
                ]
            },
        ),
        ("Node", true) => (
            vec![
                "NAME",
                "STATUS",
                "ROLES",
                "AGE",
                "VERSION",
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
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
        ("Deployment", _) => (
            vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            |o, now| {
                vec![
                    object::name(o).into(),
                    format!(
                        "{}/{}",
                        int(o, &["status", "readyReplicas"]),
                        int(o, &["spec", "replicas"])
                    ),
                    int(o, &["status", "updatedReplicas"]).to_string(),
                    int(o, &["status", "availableReplicas"]).to_string(),
                    age(o, now),
                ]
            },
        ),
        ("ReplicaSet", _) => (
            vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            |o, now| {
                vec![
                    object::name(o).into(),
                    int(o, &["spec", "replicas"]).to_string(),
                    int(o, &["status", "replicas"]).to_string(),
                    int(o, &["status", "readyReplicas"]).to_string(),
                    age(o, now),
                ]
            },
        ),
        ("StatefulSet", _) => (vec!["NAME", "READY", "AGE"], |o, now| {
            vec![
                object::name(o).into(),
                format!(
                    "{}/{}",
                    int(o, &["status", "readyReplicas"]),
                    object::i64_at(o, &["spec", "replicas"]).unwrap_or(1)
                ),
                age(o, now),
            ]
        }),
        ("DaemonSet", _) => (
            vec![
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            |o, now| {
                let selector: Vec<String> =
                    object::string_map(o, &["spec", "template", "spec", "nodeSelector"])
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                vec![
                    object::name(o).into(),
                    int(o, &["status", "desiredNumberScheduled"]).to_string(),
                    int(o, &["status", "currentNumberScheduled"]).to_string(),
                    int(o, &["status", "numberReady"]).to_string(),
                    int(o, &["status", "updatedNumberScheduled"]).to_string(),
                    int(o, &["status", "numberAvailable"]).to_string(),
                    if selector.is_empty() {
                        "<none>".into()
                    } else {
                        selector.join(",")
                    },
                    age(o, now),
                ]
            },
        ),
        ("Job", _) => (
            vec!["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
            |o, now| {
                let has = |t: &str| {
                    array_at(o, &["status", "conditions"])
                        .iter()
                        .any(|c| c["type"] == t && c["status"] == "True")
                };
                let status = if has("Complete") {
                    "Complete"
                } else if has("Failed") {
                    "Failed"
                } else if object::is_terminating(o) {
                    "Terminating"
                } else if has("Suspended") {
                    "Suspended"
                } else if has("FailureTarget") {
                    "FailureTarget"
                } else if has("SuccessCriteriaMet") {
                    "SuccessCriteriaMet"
                } else {
                    "Running"
                };
                let succeeded = int(o, &["status", "succeeded"]);
                let completions = match (
                    object::i64_at(o, &["spec", "completions"]),
                    object::i64_at(o, &["spec", "parallelism"]),
                ) {
                    (Some(c), _) => format!("{succeeded}/{c}"),
                    (None, Some(p)) if p > 1 => format!("{succeeded}/1 of {p}"),
                    _ => format!("{succeeded}/1"),
                };
                let time = |k: &str| str_at(o, &["status", k]).and_then(parse_rfc3339);
                let duration = match (time("startTime"), time("completionTime")) {
                    (None, _) => String::new(),
                    (Some(s), None) => human_duration(now - s),
                    (Some(s), Some(c)) => human_duration(c - s),
                };
                vec![
                    object::name(o).into(),
                    status.into(),
                    completions,
                    duration,
                    age(o, now),
                ]
            },
        ),
        ("CronJob", _) => (
            vec![
                "NAME",
                "SCHEDULE",
                "TIMEZONE",
                "SUSPEND",
                "ACTIVE",
                "LAST SCHEDULE",
                "AGE",
            ],
            |o, now| {
                let last = str_at(o, &["status", "lastScheduleTime"])
                    .and_then(parse_rfc3339)
                    .map_or_else(|| "<none>".to_string(), |t| human_duration(now - t));
                let suspend = match o["spec"]["suspend"].as_bool() {
                    Some(true) => "True",
                    Some(false) => "False",
                    None => "<unset>",
                };
                vec![
                    object::name(o).into(),
                    str_at(o, &["spec", "schedule"]).unwrap_or("").into(),
                    str_at(o, &["spec", "timeZone"]).unwrap_or("<none>").into(),
                    suspend.into(),
                    array_at(o, &["status", "active"]).len().to_string(),
                    last,
                    age(o, now),
                ]
            },
        ),
        ("Service", _) => (
            vec![
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            |o, now| {
                let kind = str_at(o, &["spec", "type"]).unwrap_or("ClusterIP");
                let external = match kind {
                    "LoadBalancer" => {
                        let ingress: Vec<String> =
                            array_at(o, &["status", "loadBalancer", "ingress"])
                                .iter()
                                .filter_map(|i| {
                                    i["ip"]
                                        .as_str()
                                        .or(i["hostname"].as_str())
                                        .map(String::from)
                                })
                                .collect();
                        if ingress.is_empty() {
                            "<pending>".to_string()
                        } else {
                            ingress.join(",")
                        }
                    }
                    "ExternalName" => str_at(o, &["spec", "externalName"])
                        .unwrap_or("<none>")
                        .to_string(),
                    _ => "<none>".to_string(),
                };
                let ports: Vec<String> = array_at(o, &["spec", "ports"])
                    .iter()
                    .map(|p| {
                        let proto = p["protocol"].as_str().unwrap_or("TCP");
                        match p["nodePort"].as_i64() {
                            Some(n) => format!("{}:{n}/{proto}", p["port"]),
                            None => format!("{}/{proto}", p["port"]),
                        }
                    })
                    .collect();
                vec![
                    object::name(o).into(),
                    kind.into(),
                    str_at(o, &["spec", "clusterIP"]).unwrap_or("<none>").into(),
                    external,
                    if ports.is_empty() {
                        "<none>".into()
                    } else {
                        ports.join(",")
                    },
                    age(o, now),
                ]
            },
        ),
        ("ServiceAccount", _) => (vec!["NAME", "SECRETS", "AGE"], |o, now| {
            vec![
                object::name(o).into(),
                array_at(o, &["secrets"]).len().to_string(),
                age(o, now),
            ]
        }),
        ("PriorityClass", _) => (
            vec!["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"],
            |o, now| {
                vec![
                    object::name(o).into(),
                    o["value"].as_i64().unwrap_or(0).to_string(),
                    (o["globalDefault"] == true).to_string(),
                    age(o, now),
                    str_at(o, &["preemptionPolicy"])
                        .unwrap_or("PreemptLowerPriority")
                        .into(),
                ]
            },
        ),
        ("Namespace", _) => (vec!["NAME", "STATUS", "AGE"], |o, now| {
            vec![
                object::name(o).into(),
                str_at(o, &["status", "phase"]).unwrap_or("Active").into(),
                age(o, now),
            ]
        }),
        ("Event", _) => (
            vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
            |o, now| {
                let last = str_at(o, &["lastTimestamp"])
                    .and_then(parse_rfc3339)
                    .map(|t| human_duration(now - t));
                vec![
                    last.unwrap_or_else(|| "<unknown>".into()),
                    str_at(o, &["type"]).unwrap_or("").into(),
                    str_at(o, &["reason"]).unwrap_or("").into(),
                    format!(
                        "{}/{}",
                        str_at(o, &["involvedObject", "kind"])
                            .unwrap_or("")
                            .to_ascii_lowercase(),
                        str_at(o, &["involvedObject", "name"]).unwrap_or("")
                    ),
                    str_at(o, &["message"]).unwrap_or("").into(),
                ]
            },
        ),
        _ => (vec!["NAME", "AGE"], |o, now| {
            vec![object::name(o).into(), age(o, now)]
        }),
    }
}

/// The STATUS column of `kubectl get nodes`.
pub fn node_status(o: &Value) -> String {
    let ready = array_at(o, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == "Ready");
    let mut s = match ready.and_then(|c| c["status"].as_str()) {
        Some("True") => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if o["spec"]["unschedulable"] == true {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// `node-role.kubernetes.io/<role>` labels (and `kubernetes.io/role`), or `<none>`.
fn node_roles(o: &Value) -> String {
    let mut roles: Vec<String> = object::labels(o)
        .iter()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(r) if !r.is_empty() => Some(r.to_string()),
            _ if k == "kubernetes.io/role" => Some(v.clone()),
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

/// (ready containers, total containers, restarts) as `printPod` counts them.
fn pod_counts(o: &Value) -> (usize, usize, i64) {
    let sidecars = array_at(o, &["spec", "initContainers"])
        .iter()
        .filter(|c| c["restartPolicy"] == "Always")
        .count();
    let total = array_at(o, &["spec", "containers"]).len() + sidecars;
    let statuses = array_at(o, &["status", "containerStatuses"]);
    let init = array_at(o, &["status", "initContainerStatuses"]);
    let ready = statuses
        .iter()
        .chain(init)
        .filter(|c| c["ready"] == true && c["state"].get("running").is_some())
        .count();
    let restarts = statuses
        .iter()
        .chain(init)
        .map(|c| c["restartCount"].as_i64().unwrap_or(0))
        .sum();
    (ready, total, restarts)
}

/// The STATUS column of `kubectl get pods` (`printPod` in pkg/printers/internalversion).
pub fn pod_status(o: &Value) -> String {
    let mut reason = str_at(o, &["status", "reason"])
        .filter(|r| !r.is_empty())
        .or_else(|| str_at(o, &["status", "phase"]))
        .unwrap_or("Pending")
        .to_string();
    let gated = array_at(o, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "PodScheduled" && c["reason"] == "SchedulingGated");
    if gated {
        reason = "SchedulingGated".into();
    }
    let init_specs = array_at(o, &["spec", "initContainers"]);
    let mut initializing = false;
    for (i, c) in array_at(o, &["status", "initContainerStatuses"])
        .iter()
        .enumerate()
    {
        let state = &c["state"];
        let sidecar = init_specs
            .iter()
            .any(|s| s["name"] == c["name"] && s["restartPolicy"] == "Always");
        if state["terminated"]["exitCode"] == 0 && state.get("terminated").is_some() {
            continue;
        }
        if sidecar && c["started"] == true {
            continue;
        }
        initializing = true;
        reason = if let Some(t) = state.get("terminated") {
            match t["reason"].as_str().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => format!("Init:ExitCode:{}", t["exitCode"]),
            }
        } else if let Some(w) = state["waiting"]["reason"]
            .as_str()
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            format!("Init:{w}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        break;
    }
    // kubectl 1.28+: once the pod is Initialized, the containers' state wins.
    let initialized = array_at(o, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "Initialized" && c["status"] == "True");
    if !initializing || initialized {
        let mut has_running = false;
        for c in array_at(o, &["status", "containerStatuses"]).iter().rev() {
            let state = &c["state"];
            if let Some(w) = state["waiting"]["reason"]
                .as_str()
                .filter(|r| !r.is_empty())
            {
                reason = w.to_string();
            } else if let Some(t) = state.get("terminated") {
                reason = match t["reason"].as_str().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => format!("ExitCode:{}", t["exitCode"]),
                };
            } else if c["ready"] == true && state.get("running").is_some() {
                has_running = true;
            }
        }
        if reason == "Completed" && has_running {
            reason = if crate::controllers::is_pod_ready(o) {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    let terminal = matches!(
        str_at(o, &["status", "phase"]),
        Some("Succeeded") | Some("Failed")
    );
    if object::is_terminating(o) && str_at(o, &["status", "reason"]) == Some("NodeLost") {
        reason = "Unknown".into();
    } else if object::is_terminating(o) && !terminal {
        reason = "Terminating".into();
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_status_column() {
        let creating = json!({"status": {"phase": "Pending", "containerStatuses": [{"state": {"waiting": {"reason": "ContainerCreating"}}}]}});
        assert_eq!(pod_status(&creating), "ContainerCreating");
        let running = json!({"status": {"phase": "Running", "containerStatuses": [{"ready": true, "state": {"running": {}}}]}});
        assert_eq!(pod_status(&running), "Running");
        let crash = json!({"status": {"phase": "Running", "containerStatuses": [{"state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}});
        assert_eq!(pod_status(&crash), "CrashLoopBackOff");
        let init = json!({"spec": {"initContainers": [{"name": "a"}, {"name": "b"}]}, "status": {"phase": "Pending", "initContainerStatuses": [
            {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            {"name": "b", "state": {"running": {}}}]}});
        assert_eq!(pod_status(&init), "Init:1/2");
        let terminating = json!({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}, "status": {"phase": "Running"}});
        assert_eq!(pod_status(&terminating), "Terminating");
    }
}
