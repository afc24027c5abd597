//! Printers of the workload kinds (printers.go: `printPod`, `printDeployment`,
//! `printReplicaSet`, `printReplicationController`, `printStatefulSet`, `printDaemonSet`,
//! `printJob`, `printCronJob`, `printPodTemplate`, `printControllerRevision`,
//! `printHorizontalPodAutoscaler`, `printPodDisruptionBudget`).
use super::{
    age, bool_ptr, container_cells, format_label_selector, format_labels, int, int_or_string,
    printer, selector_string, since, Printer,
};
use crate::api::object::{self, array_at, str_at};
use crate::api::{KindInfo, Value};
use crate::kubectl::quantity::canonical;
use crate::kubectl::table::human_duration;
use crate::sim::parse_rfc3339;

pub(super) fn for_kind(info: &KindInfo) -> Option<Printer> {
    printer_of(info.group, info.kind)
}

fn printer_of(group: &str, kind: &str) -> Option<Printer> {
    Some(match (group, kind) {
        ("", "Pod") => printer(
            &[
                ("Name", 0),
                ("Ready", 0),
                ("Status", 0),
                ("Restarts", 0),
                ("Age", 0),
                ("IP", 1),
                ("Node", 1),
                ("Nominated Node", 1),
                ("Readiness Gates", 1),
            ],
            pod_row,
        ),
        ("", "PodTemplate") => printer(
            &[
                ("Name", 0),
                ("Containers", 0),
                ("Images", 0),
                ("Pod Labels", 0),
            ],
            |o, _| {
                let (names, images) =
                    container_cells(array_at(o, &["template", "spec", "containers"]));
                vec![
                    object::name(o).into(),
                    names,
                    images,
                    format_labels(&object::string_map(o, &["template", "metadata", "labels"])),
                ]
            },
        ),
        ("", "ReplicationController") => printer(
            &[
                ("Name", 0),
                ("Desired", 0),
                ("Current", 0),
                ("Ready", 0),
                ("Age", 0),
                ("Containers", 1),
                ("Images", 1),
                ("Selector", 1),
            ],
            // printReplicationController: its selector is a plain map.
            |o, now| {
                replica_row(
                    o,
                    now,
                    format_labels(&object::string_map(o, &["spec", "selector"])),
                )
            },
        ),
        ("apps", "ReplicaSet") => printer(
            &[
                ("Name", 0),
                ("Desired", 0),
                ("Current", 0),
                ("Ready", 0),
                ("Age", 0),
                ("Containers", 1),
                ("Images", 1),
                ("Selector", 1),
            ],
            // printReplicaSet: its selector is a LabelSelector.
            |o, now| replica_row(o, now, format_label_selector(o["spec"].get("selector"))),
        ),
        ("apps", "Deployment") => printer(
            &[
                ("Name", 0),
                ("Ready", 0),
                ("Up-to-date", 0),
                ("Available", 0),
                ("Age", 0),
                ("Containers", 1),
                ("Images", 1),
                ("Selector", 1),
            ],
            |o, now| {
                let (names, images) =
                    container_cells(array_at(o, &["spec", "template", "spec", "containers"]));
                vec![
                    object::name(o).into(),
                    format!("{}/{}", int(o, &["status", "readyReplicas"]), replicas(o)),
                    int(o, &["status", "updatedReplicas"]).to_string(),
                    int(o, &["status", "availableReplicas"]).to_string(),
                    age(o, now),
                    names,
                    images,
                    selector_string(o["spec"].get("selector")).unwrap_or_default(),
                ]
            },
        ),
        ("apps", "StatefulSet") => printer(
            &[
                ("Name", 0),
                ("Ready", 0),
                ("Age", 0),
                ("Containers", 1),
                ("Images", 1),
            ],
            |o, now| {
                let (names, images) =
                    container_cells(array_at(o, &["spec", "template", "spec", "containers"]));
                vec![
                    object::name(o).into(),
                    format!("{}/{}", int(o, &["status", "readyReplicas"]), replicas(o)),
                    age(o, now),
                    names,
                    images,
                ]
            },
        ),
        ("apps", "DaemonSet") => printer(
            &[
                ("Name", 0),
                ("Desired", 0),
                ("Current", 0),
                ("Ready", 0),
                ("Up-to-date", 0),
                ("Available", 0),
                ("Node Selector", 0),
                ("Age", 0),
                ("Containers", 1),
                ("Images", 1),
                ("Selector", 1),
            ],
            |o, now| {
                let (names, images) =
                    container_cells(array_at(o, &["spec", "template", "spec", "containers"]));
                vec![
                    object::name(o).into(),
                    int(o, &["status", "desiredNumberScheduled"]).to_string(),
                    int(o, &["status", "currentNumberScheduled"]).to_string(),
                    int(o, &["status", "numberReady"]).to_string(),
                    int(o, &["status", "updatedNumberScheduled"]).to_string(),
                    int(o, &["status", "numberAvailable"]).to_string(),
                    format_labels(&object::string_map(
                        o,
                        &["spec", "template", "spec", "nodeSelector"],
                    )),
                    age(o, now),
                    names,
                    images,
                    format_label_selector(o["spec"].get("selector")),
                ]
            },
        ),
        ("apps", "ControllerRevision") => printer(
            &[("Name", 0), ("Controller", 0), ("Revision", 0), ("Age", 0)],
            |o, now| {
                let controller = match object::controller_of(o) {
                    Some(r) => {
                        let group = r["apiVersion"]
                            .as_str()
                            .and_then(|v| v.split_once('/').map(|(g, _)| g))
                            .unwrap_or("");
                        let kind = r["kind"].as_str().unwrap_or("");
                        let gk = if group.is_empty() {
                            kind.to_string()
                        } else {
                            format!("{kind}.{group}")
                        };
                        format!("{}/{}", gk.to_lowercase(), r["name"].as_str().unwrap_or(""))
                    }
                    None => "<none>".into(),
                };
                vec![
                    object::name(o).into(),
                    controller,
                    int(o, &["revision"]).to_string(),
                    age(o, now),
                ]
            },
        ),
        ("batch", "Job") => printer(
            &[
                ("Name", 0),
                ("Status", 0),
                ("Completions", 0),
                ("Duration", 0),
                ("Age", 0),
                ("Containers", 1),
                ("Images", 1),
                ("Selector", 1),
            ],
            job_row,
        ),
        ("batch", "CronJob") => printer(
            &[
                ("Name", 0),
                ("Schedule", 0),
                ("Timezone", 0),
                ("Suspend", 0),
                ("Active", 0),
                ("Last Schedule", 0),
                ("Age", 0),
                ("Containers", 1),
                ("Images", 1),
                ("Selector", 1),
            ],
            |o, now| {
                let last = match str_at(o, &["status", "lastScheduleTime"]) {
                    Some(t) => since(Some(t), now),
                    None => "<none>".into(),
                };
                let tmpl = &[
                    "spec",
                    "jobTemplate",
                    "spec",
                    "template",
                    "spec",
                    "containers",
                ];
                let (names, images) = container_cells(array_at(o, tmpl));
                vec![
                    object::name(o).into(),
                    str_at(o, &["spec", "schedule"]).unwrap_or("").into(),
                    str_at(o, &["spec", "timeZone"]).unwrap_or("<none>").into(),
                    bool_ptr(&o["spec"]["suspend"]),
                    array_at(o, &["status", "active"]).len().to_string(),
                    last,
                    age(o, now),
                    names,
                    images,
                    format_label_selector(o["spec"]["jobTemplate"]["spec"].get("selector")),
                ]
            },
        ),
        ("autoscaling", "HorizontalPodAutoscaler") => printer(
            &[
                ("Name", 0),
                ("Reference", 0),
                ("Targets", 0),
                ("MinPods", 0),
                ("MaxPods", 0),
                ("Replicas", 0),
                ("Age", 0),
            ],
            |o, now| {
                let r = &o["spec"]["scaleTargetRef"];
                vec![
                    object::name(o).into(),
                    format!(
                        "{}/{}",
                        r["kind"].as_str().unwrap_or(""),
                        r["name"].as_str().unwrap_or("")
                    ),
                    hpa_metrics(o),
                    match o["spec"]["minReplicas"].as_i64() {
                        Some(m) => m.to_string(),
                        None => "<unset>".into(),
                    },
                    int(o, &["spec", "maxReplicas"]).to_string(),
                    int(o, &["status", "currentReplicas"]).to_string(),
                    age(o, now),
                ]
            },
        ),
        ("policy", "PodDisruptionBudget") => printer(
            &[
                ("Name", 0),
                ("Min Available", 0),
                ("Max Unavailable", 0),
                ("Allowed Disruptions", 0),
                ("Age", 0),
            ],
            |o, now| {
                let or_na = |v: &Value| {
                    if v.is_null() {
                        "N/A".to_string()
                    } else {
                        int_or_string(v)
                    }
                };
                vec![
                    object::name(o).into(),
                    or_na(&o["spec"]["minAvailable"]),
                    or_na(&o["spec"]["maxUnavailable"]),
                    int(o, &["status", "disruptionsAllowed"]).to_string(),
                    age(o, now),
                ]
            },
        ),
        _ => return None,
    })
}

/// `spec.replicas` as the defaulted typed object has it (1 when unset).
fn replicas(o: &Value) -> i64 {
    object::i64_at(o, &["spec", "replicas"]).unwrap_or(1)
}

fn condition_true(o: &Value, kind: &str) -> bool {
    // hasJobCondition / isPodInitializedConditionTrue: the first condition of the type decides.
    array_at(o, &["status", "conditions"])
        .iter()
        .find(|c| c["type"] == kind)
        .is_some_and(|c| c["status"] == "True")
}

fn job_row(o: &Value, now: i64) -> Vec<String> {
    let succeeded = int(o, &["status", "succeeded"]);
    let completions = match o["spec"]["completions"].as_i64() {
        Some(c) => format!("{succeeded}/{c}"),
        None => match o["spec"]["parallelism"].as_i64().unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let time = |k: &str| str_at(o, &["status", k]).and_then(parse_rfc3339);
    let duration = match (time("startTime"), time("completionTime")) {
        (None, _) => String::new(),
        (Some(s), None) => human_duration(now - s),
        (Some(s), Some(c)) => human_duration(c - s),
    };
    let status = if condition_true(o, "Complete") {
        "Complete"
    } else if condition_true(o, "Failed") {
        "Failed"
    } else if object::is_terminating(o) {
        "Terminating"
    } else if condition_true(o, "Suspended") {
        "Suspended"
    } else if condition_true(o, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let (names, images) = container_cells(array_at(o, &["spec", "template", "spec", "containers"]));
    vec![
        object::name(o).into(),
        status.into(),
        completions,
        duration,
        age(o, now),
        names,
        images,
        format_label_selector(o["spec"].get("selector")),
    ]
}

/// `formatHPAMetrics` (autoscaling/v2 specs; an autoscaling/v1 object's
/// `targetCPUUtilizationPercentage` is the CPU utilization metric it converts to).
fn hpa_metrics(o: &Value) -> String {
    let mut specs: Vec<Value> = array_at(o, &["spec", "metrics"]).to_vec();
    let mut statuses: Vec<Value> = array_at(o, &["status", "currentMetrics"]).to_vec();
    if specs.is_empty() {
        if let Some(t) = o["spec"]["targetCPUUtilizationPercentage"].as_i64() {
            specs.push(crate::json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": t}}}));
            if let Some(c) = o["status"]["currentCPUUtilizationPercentage"].as_i64() {
                statuses = vec![
                    crate::json!({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": c}}}),
                ];
            }
        }
    }
    if specs.is_empty() {
        return "<none>".into();
    }
    let q = |v: &Value| canonical(&int_or_string(v));
    let mut list = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let status = statuses.get(i);
        let item = match spec["type"].as_str().unwrap_or("") {
            t @ ("External" | "Object") => {
                let key = if t == "External" {
                    "external"
                } else {
                    "object"
                };
                let target = &spec[key]["target"];
                let current = status.map(|s| &s[key]).filter(|c| !c.is_null());
                if !target["averageValue"].is_null() {
                    let cur = current
                        .map(|c| &c["current"]["averageValue"])
                        .filter(|v| !v.is_null())
                        .map_or("<unknown>".to_string(), q);
                    format!("{cur}/{} (avg)", q(&target["averageValue"]))
                } else {
                    let cur =
                        current.map_or("<unknown>".to_string(), |c| q(&c["current"]["value"]));
                    format!("{cur}/{}", q(&target["value"]))
                }
            }
            "Pods" => {
                let cur = status.map(|s| &s["pods"]).filter(|c| !c.is_null()).map_or(
                    "<unknown>".to_string(),
                    |c| q(&c["current"]["averageValue"]),
                );
                format!("{cur}/{}", q(&spec["pods"]["target"]["averageValue"]))
            }
            t @ ("Resource" | "ContainerResource") => {
                let key = if t == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let name = spec[key]["name"].as_str().unwrap_or("");
                let target = &spec[key]["target"];
                let current = status.map(|s| &s[key]).filter(|c| !c.is_null());
                if !target["averageValue"].is_null() {
                    let cur = current.map_or("<unknown>".to_string(), |c| {
                        q(&c["current"]["averageValue"])
                    });
                    format!("{name}: {cur}/{}", q(&target["averageValue"]))
                } else {
                    let cur = current
                        .and_then(|c| c["current"]["averageUtilization"].as_i64())
                        .map_or("<unknown>".to_string(), |u| format!("{u}%"));
                    let tgt = target["averageUtilization"]
                        .as_i64()
                        .map_or("<auto>".to_string(), |u| format!("{u}%"));
                    format!("{name}: {cur}/{tgt}")
                }
            }
            _ => "<unknown type>".into(),
        };
        list.push(item);
    }
    let count = list.len();
    if count > 2 {
        list.truncate(2);
        return format!("{} + {} more...", list.join(", "), count - 2);
    }
    list.join(", ")
}

/// The READY, STATUS and RESTARTS of `printPod`.
struct PodSummary {
    ready: usize,
    total: usize,
    reason: String,
    restarts: String,
}

fn finished_at(c: &Value) -> Option<i64> {
    str_at(c, &["lastState", "terminated", "finishedAt"]).and_then(parse_rfc3339)
}

fn summarize(p: &Value, now: i64) -> PodSummary {
    let init_specs = array_at(p, &["spec", "initContainers"]);
    let restartable = |name: &Value| {
        init_specs
            .iter()
            .any(|s| s["name"] == *name && s["restartPolicy"] == "Always")
    };
    let mut total = array_at(p, &["spec", "containers"]).len();
    total += init_specs
        .iter()
        .filter(|s| s["restartPolicy"] == "Always")
        .count();
    let mut ready = 0;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut last_restart: Option<i64> = None;
    let mut last_sidecar_restart: Option<i64> = None;
    let mut reason = str_at(p, &["status", "reason"])
        .filter(|r| !r.is_empty())
        .or_else(|| str_at(p, &["status", "phase"]))
        .unwrap_or("")
        .to_string();
    if array_at(p, &["status", "conditions"])
        .iter()
        .any(|c| c["type"] == "PodScheduled" && c["reason"] == "SchedulingGated")
    {
        reason = "SchedulingGated".into();
    }
    let mut initializing = false;
    for (i, c) in array_at(p, &["status", "initContainerStatuses"])
        .iter()
        .enumerate()
    {
        let count = c["restartCount"].as_i64().unwrap_or(0);
        restarts = restarts.saturating_add(count);
        if let Some(t) = finished_at(c) {
            last_restart = last_restart.max(Some(t));
        }
        let sidecar = restartable(&c["name"]);
        if sidecar {
            sidecar_restarts = sidecar_restarts.saturating_add(count);
            if let Some(t) = finished_at(c) {
                last_sidecar_restart = last_sidecar_restart.max(Some(t));
            }
        }
        let state = &c["state"];
        let terminated = state.get("terminated").filter(|t| !t.is_null());
        let waiting = state.get("waiting").filter(|w| !w.is_null());
        if terminated.is_some_and(|t| t["exitCode"].as_i64().unwrap_or(0) == 0) {
            continue;
        }
        if sidecar && c["started"] == true {
            if c["ready"] == true {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match t["reason"].as_str().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => match t["signal"].as_i64().filter(|s| *s != 0) {
                    Some(s) => format!("Init:Signal:{s}"),
                    None => format!("Init:ExitCode:{}", t["exitCode"].as_i64().unwrap_or(0)),
                },
            };
        } else if let Some(w) = waiting
            .and_then(|w| w["reason"].as_str())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{w}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }
    let initialized = condition_true(p, "Initialized");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for c in array_at(p, &["status", "containerStatuses"]).iter().rev() {
            restarts = restarts.saturating_add(c["restartCount"].as_i64().unwrap_or(0));
            if let Some(t) = finished_at(c) {
                last_restart = last_restart.max(Some(t));
            }
            let state = &c["state"];
            let terminated = state.get("terminated").filter(|t| !t.is_null());
            if let Some(w) = state["waiting"]["reason"]
                .as_str()
                .filter(|r| !r.is_empty())
            {
                reason = w.to_string();
            } else if let Some(t) = terminated {
                reason = match t["reason"].as_str().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => match t["signal"].as_i64().filter(|s| *s != 0) {
                        Some(s) => format!("Signal:{s}"),
                        None => format!("ExitCode:{}", t["exitCode"].as_i64().unwrap_or(0)),
                    },
                };
            } else if c["ready"] == true && state.get("running").is_some_and(|r| !r.is_null()) {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(p, "Ready") {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    let phase = str_at(p, &["status", "phase"]).unwrap_or("");
    if object::is_terminating(p) && str_at(p, &["status", "reason"]) == Some("NodeLost") {
        reason = "Unknown".into();
    } else if object::is_terminating(p) && !matches!(phase, "Succeeded" | "Failed") {
        reason = "Terminating".into();
    }
    let restarts = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", human_duration(now - t)),
        _ => restarts.to_string(),
    };
    PodSummary {
        ready,
        total,
        reason,
        restarts,
    }
}

fn pod_row(p: &Value, now: i64) -> Vec<String> {
    let s = summarize(p, now);
    let none = |v: Option<&str>| v.filter(|x| !x.is_empty()).unwrap_or("<none>").to_string();
    let ip = str_at(p, &["status", "podIP"])
        .filter(|x| !x.is_empty())
        .or_else(|| {
            array_at(p, &["status", "podIPs"])
                .first()
                .and_then(|i| i["ip"].as_str())
        });
    let gates = array_at(p, &["spec", "readinessGates"]);
    let readiness = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let conds = array_at(p, &["status", "conditions"]);
        let ok = gates
            .iter()
            .filter(|g| {
                conds
                    .iter()
                    .find(|c| c["type"] == g["conditionType"])
                    .is_some_and(|c| c["status"] == "True")
            })
            .count();
        format!("{ok}/{}", gates.len())
    };
    vec![
        object::name(p).into(),
        format!("{}/{}", s.ready, s.total),
        s.reason,
        s.restarts,
        age(p, now),
        none(ip),
        none(str_at(p, &["spec", "nodeName"])),
        none(str_at(p, &["status", "nominatedNodeName"])),
        readiness,
    ]
}

/// The STATUS column of `kubectl get pods` (`printPod` in pkg/printers/internalversion).
pub fn pod_status(o: &Value) -> String {
    summarize(o, 0).reason
}

/// A ReplicationController's or ReplicaSet's row (printers.go printReplicationController and
/// printReplicaSet print the same cells; only the selector's form differs).
fn replica_row(o: &Value, now: i64, selector: String) -> Vec<String> {
    let (names, images) = container_cells(array_at(o, &["spec", "template", "spec", "containers"]));
    vec![
        object::name(o).into(),
        replicas(o).to_string(),
        int(o, &["status", "replicas"]).to_string(),
        int(o, &["status", "readyReplicas"]).to_string(),
        age(o, now),
        names,
        images,
        selector,
    ]
}
