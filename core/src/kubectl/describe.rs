//! `kubectl describe pod|node|deployment NAME`: the sections kubectl prints, ending with the
//! object's Events (k8s.io/kubectl/pkg/describe).
use super::table::{human_duration, render_describe as render};
use super::ws;
use super::{fail, out, resolve, server_error, Flags};
use crate::api::object::{self, array_at, str_at};
use crate::api::quantity::{format_bytes, format_cpu_milli};
use crate::api::Resources;
use crate::api::Value;
use crate::control_plane::{ControlPlane, KubectlOutput};
use crate::server::status::Status;
use crate::sim::{format_rfc1123z, parse_rfc3339};

pub(super) fn describe(cp: &ControlPlane, f: &Flags) -> KubectlOutput {
    let (resource, names): (String, Vec<String>) = match f.positional.as_slice() {
        [one] if one.contains('/') => {
            let (t, n) = one.split_once('/').unwrap_or_default();
            (t.to_string(), vec![n.to_string()])
        }
        [t, rest @ ..] => (t.clone(), rest.to_vec()),
        [] => return fail("error: You must specify the type of resource to describe.".into()),
    };
    let info = match resolve(cp, &resource) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let ns = f.namespace.clone().unwrap_or_else(|| "default".into());
    let objects: Vec<Value> = if names.is_empty() {
        let opts = crate::ListOptions {
            api_version: Some(info.api_version()),
            kind: info.kind.into(),
            namespace: Some(ns.clone()),
            ..Default::default()
        };
        match cp.list_items(&ws(cp), &opts) {
            Ok(items) => items,
            Err(s) => return server_error(&s),
        }
    } else {
        let mut v = Vec::new();
        for n in &names {
            let r = crate::ObjectRef {
                api_version: Some(info.api_version()),
                kind: info.kind.into(),
                namespace: Some(ns.clone()),
                name: n.clone(),
            };
            match cp.get(&ws(cp), &r) {
                Ok(Some(o)) => v.push(o),
                Ok(None) => return server_error(&Status::not_found(info, n)),
                Err(s) => return server_error(&s),
            }
        }
        v
    };
    let now = cp.now_ms();
    let text: Vec<String> = objects
        .iter()
        .map(|o| {
            let body = match info.kind {
                "Pod" => pod(o),
                "Node" => node(cp, o),
                "Deployment" => deployment(o),
                _ => generic(o),
            };
            format!("{body}{}", events(cp, o, now))
        })
        .collect();
    out(text.join("\n\n"))
}

/// `Key:  value` lines aligned as kubectl's describe writer aligns a section.
struct Section {
    rows: Vec<(String, String)>,
}

impl Section {
    fn new() -> Self {
        Section { rows: vec![] }
    }
    fn row(&mut self, k: &str, v: impl Into<String>) -> &mut Self {
        self.rows.push((format!("{k}:"), v.into()));
        self
    }
    fn text(&self) -> String {
        let width = self.rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 2;
        let mut s = String::new();
        for (k, v) in &self.rows {
            let mut lines = v.lines();
            match lines.next().unwrap_or("") {
                "" => s.push_str(&format!("{k}\n")),
                first => s.push_str(&format!("{k:<width$}{first}\n")),
            }
            for l in lines {
                s.push_str(&format!("{:width$}{l}\n", ""));
            }
        }
        s
    }
}

fn map_lines(v: &Value, keys: &[&str]) -> String {
    let m = object::string_map(v, keys);
    if m.is_empty() {
        "<none>".into()
    } else {
        m.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn time(v: &Value, keys: &[&str]) -> String {
    str_at(v, keys)
        .and_then(parse_rfc3339)
        .map(format_rfc1123z)
        .unwrap_or_else(|| "<unknown>".into())
}

fn resources_lines(list: &Value) -> String {
    let r = Resources::from_list(Some(list));
    let keys: Vec<&crate::api::value::Str> = list
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .collect();
    let width = keys.iter().map(|k| k.len() + 1).max().unwrap_or(0) + 2;
    let mut out = Vec::new();
    for k in keys {
        let v = match k.as_str() {
            "cpu" => format_cpu_milli(r.milli_cpu),
            "memory" => format_bytes(r.memory),
            other => r.get(other).to_string(),
        };
        out.push(format!("  {:<width$}{v}", format!("{k}:")));
    }
    out.join("\n")
}

fn pod(p: &Value) -> String {
    let mut s = Section::new();
    let node = match (
        str_at(p, &["spec", "nodeName"]),
        str_at(p, &["status", "hostIP"]),
    ) {
        (Some(n), Some(ip)) => format!("{n}/{ip}"),
        (Some(n), None) => n.to_string(),
        _ => "<none>".into(),
    };
    s.row("Name", object::name(p))
        .row("Namespace", object::namespace(p))
        .row(
            "Priority",
            object::i64_at(p, &["spec", "priority"])
                .unwrap_or(0)
                .to_string(),
        )
        .row(
            "Service Account",
            str_at(p, &["spec", "serviceAccountName"]).unwrap_or("default"),
        )
        .row("Node", node);
    if str_at(p, &["status", "startTime"]).is_some() {
        s.row("Start Time", time(p, &["status", "startTime"]));
    }
    s.row("Labels", map_lines(p, &["metadata", "labels"]))
        .row("Annotations", map_lines(p, &["metadata", "annotations"]))
        .row("Status", super::pod_status(p));
    if object::is_terminating(p) {
        s.row(
            "Termination Grace Period",
            format!(
                "{}s",
                object::i64_at(p, &["metadata", "deletionGracePeriodSeconds"]).unwrap_or(0)
            ),
        );
    }
    s.row("IP", str_at(p, &["status", "podIP"]).unwrap_or(""));
    if let Some(c) = object::controller_of(p) {
        s.row(
            "Controlled By",
            format!(
                "{}/{}",
                c["kind"].as_str().unwrap_or(""),
                c["name"].as_str().unwrap_or("")
            ),
        );
    }
    let mut text = s.text();
    for (list, title, statuses) in [
        ("initContainers", "Init Containers", "initContainerStatuses"),
        ("containers", "Containers", "containerStatuses"),
    ] {
        let containers = array_at(p, &["spec", list]);
        if containers.is_empty() {
            continue;
        }
        text.push_str(&format!("{title}:\n"));
        for c in containers {
            let name = c["name"].as_str().unwrap_or("");
            let st = array_at(p, &["status", statuses])
                .iter()
                .find(|s| s["name"] == name)
                .cloned()
                .unwrap_or(Value::Null);
            let mut cs = Section::new();
            cs.row("Image", c["image"].as_str().unwrap_or(""));
            let ports: Vec<String> = array_at(c, &["ports"])
                .iter()
                .map(|p| {
                    format!(
                        "{}/{}",
                        p["containerPort"],
                        p["protocol"].as_str().unwrap_or("TCP")
                    )
                })
                .collect();
            cs.row(
                "Port",
                if ports.is_empty() {
                    "<none>".to_string()
                } else {
                    ports.join(", ")
                },
            );
            let state = &st["state"];
            let (label, detail) = if let Some(r) = state.get("running") {
                (
                    "Running",
                    format!("Started:      {}", time(r, &["startedAt"])),
                )
            } else if let Some(t) = state.get("terminated") {
                (
                    "Terminated",
                    format!(
                        "Reason:       {}\nExit Code:    {}",
                        t["reason"].as_str().unwrap_or(""),
                        t["exitCode"]
                    ),
                )
            } else if let Some(w) = state.get("waiting") {
                (
                    "Waiting",
                    format!("Reason:       {}", w["reason"].as_str().unwrap_or("")),
                )
            } else {
                ("Waiting", String::new())
            };
            cs.row(
                "State",
                if detail.is_empty() {
                    label.to_string()
                } else {
                    format!("{label}\n  {}", detail.replace('\n', "\n  "))
                },
            );
            cs.row("Ready", if st["ready"] == true { "True" } else { "False" });
            cs.row(
                "Restart Count",
                st["restartCount"].as_i64().unwrap_or(0).to_string(),
            );
            for (k, title) in [("limits", "Limits"), ("requests", "Requests")] {
                if let Some(l) = c["resources"]
                    .get(k)
                    .filter(|l| l.as_object().is_some_and(|m| !m.is_empty()))
                {
                    cs.row(title, format!("\n{}", resources_lines(l)));
                }
            }
            text.push_str(&format!("  {name}:\n"));
            for line in cs.text().lines() {
                text.push_str(&format!("    {line}\n"));
            }
        }
    }
    // kubectl writes these cells with a trailing space ("%v \t%v \n").
    let mut rows = vec![vec!["  Type ".to_string(), "Status".to_string()]];
    for c in array_at(p, &["status", "conditions"]) {
        rows.push(vec![
            format!("  {} ", c["type"].as_str().unwrap_or("")),
            format!("{} ", c["status"].as_str().unwrap_or("")),
        ]);
    }
    text.push_str("Conditions:\n");
    text.push_str(&render(&rows));
    let tolerations: Vec<String> = array_at(p, &["spec", "tolerations"])
        .iter()
        .map(|t| {
            let mut s = t["key"].as_str().unwrap_or("").to_string();
            if let Some(v) = t["value"].as_str().filter(|v| !v.is_empty()) {
                s.push_str(&format!("={v}"));
            }
            if let Some(e) = t["effect"].as_str().filter(|e| !e.is_empty()) {
                s.push_str(&format!(":{e}"));
            }
            if t["operator"] == "Exists" {
                s.push_str(" op=Exists");
            }
            if let Some(secs) = t["tolerationSeconds"].as_i64() {
                s.push_str(&format!(" for {secs}s"));
            }
            s
        })
        .collect();
    let mut tail = Section::new();
    tail.row(
        "QoS Class",
        str_at(p, &["status", "qosClass"]).unwrap_or(""),
    )
    .row("Node-Selectors", map_lines(p, &["spec", "nodeSelector"]))
    .row(
        "Tolerations",
        if tolerations.is_empty() {
            "<none>".into()
        } else {
            tolerations.join("\n")
        },
    );
    text.push_str(&tail.text());
    text
}

fn node(cp: &ControlPlane, n: &Value) -> String {
    let mut s = Section::new();
    let taints: Vec<String> = array_at(n, &["spec", "taints"])
        .iter()
        .map(|t| {
            let v = t["value"]
                .as_str()
                .filter(|v| !v.is_empty())
                .map(|v| format!("={v}"))
                .unwrap_or_default();
            format!(
                "{}{v}:{}",
                t["key"].as_str().unwrap_or(""),
                t["effect"].as_str().unwrap_or("")
            )
        })
        .collect();
    s.row("Name", object::name(n))
        .row("Labels", map_lines(n, &["metadata", "labels"]))
        .row(
            "CreationTimestamp",
            time(n, &["metadata", "creationTimestamp"]),
        )
        .row(
            "Taints",
            if taints.is_empty() {
                "<none>".into()
            } else {
                taints.join("\n")
            },
        )
        .row(
            "Unschedulable",
            (n["spec"]["unschedulable"] == true).to_string(),
        );
    let mut text = s.text();
    let mut rows = vec![vec![
        "  Type".to_string(),
        "Status".into(),
        "Reason".into(),
        "Message".into(),
    ]];
    for c in array_at(n, &["status", "conditions"]) {
        rows.push(vec![
            format!("  {}", c["type"].as_str().unwrap_or("")),
            c["status"].as_str().unwrap_or("").into(),
            c["reason"].as_str().unwrap_or("").into(),
            c["message"].as_str().unwrap_or("").into(),
        ]);
    }
    text.push_str("Conditions:\n");
    text.push_str(&render(&rows));
    for (title, key) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
        text.push_str(&format!("{title}:\n"));
        for (k, v) in n["status"][key].as_object().into_iter().flatten() {
            text.push_str(&format!(
                "  {k}:  {}\n",
                v.as_str()
                    .map(String::from)
                    .unwrap_or_else(|| v.to_string())
            ));
        }
    }
    let summary = cp.nodes().into_iter().find(|s| s.name == object::name(n));
    if let Some(sum) = summary {
        text.push_str(&format!(
            "Non-terminated Pods:          ({} in total)\n",
            sum.pods.len()
        ));
        let pct = |a: i64, b: i64| if b == 0 { 0 } else { a * 100 / b };
        text.push_str("Allocated resources:\n");
        let rows = vec![
            vec!["  Resource".to_string(), "Requests".into()],
            vec!["  --------".to_string(), "--------".into()],
            vec![
                "  cpu".to_string(),
                format!(
                    "{} ({}%)",
                    format_cpu_milli(sum.requested_milli_cpu),
                    pct(sum.requested_milli_cpu, sum.allocatable_milli_cpu)
                ),
            ],
            vec![
                "  memory".to_string(),
                format!(
                    "{} ({}%)",
                    format_bytes(sum.requested_memory),
                    pct(sum.requested_memory, sum.allocatable_memory)
                ),
            ],
        ];
        text.push_str(&render(&rows));
    }
    text
}

fn deployment(d: &Value) -> String {
    let int = |k: &[&str]| object::i64_at(d, k).unwrap_or(0);
    let mut s = Section::new();
    s.row("Name", object::name(d))
        .row("Namespace", object::namespace(d))
        .row(
            "CreationTimestamp",
            time(d, &["metadata", "creationTimestamp"]),
        )
        .row("Labels", map_lines(d, &["metadata", "labels"]))
        .row("Annotations", map_lines(d, &["metadata", "annotations"]))
        .row(
            "Selector",
            object::string_map(d, &["spec", "selector", "matchLabels"])
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
        )
        .row(
            "Replicas",
            format!(
                "{} desired | {} updated | {} total | {} available | {} unavailable",
                int(&["spec", "replicas"]),
                int(&["status", "updatedReplicas"]),
                int(&["status", "replicas"]),
                int(&["status", "availableReplicas"]),
                int(&["status", "unavailableReplicas"])
            ),
        )
        .row(
            "StrategyType",
            str_at(d, &["spec", "strategy", "type"]).unwrap_or(""),
        )
        .row(
            "MinReadySeconds",
            int(&["spec", "minReadySeconds"]).to_string(),
        );
    if let Some(ru) = d["spec"]["strategy"].get("rollingUpdate") {
        s.row(
            "RollingUpdateStrategy",
            format!(
                "{} max unavailable, {} max surge",
                plain(&ru["maxUnavailable"]),
                plain(&ru["maxSurge"])
            ),
        );
    }
    let mut text = s.text();
    let mut rows = vec![
        vec!["  Type".to_string(), "Status".into(), "Reason".into()],
        vec!["  ----".to_string(), "------".into(), "------".into()],
    ];
    for c in array_at(d, &["status", "conditions"]) {
        rows.push(vec![
            format!("  {}", c["type"].as_str().unwrap_or("")),
            c["status"].as_str().unwrap_or("").into(),
            c["reason"].as_str().unwrap_or("").into(),
        ]);
    }
    text.push_str("Conditions:\n");
    text.push_str(&render(&rows));
    text
}

fn plain(v: &Value) -> String {
    v.as_str()
        .map(String::from)
        .unwrap_or_else(|| v.to_string())
}

fn generic(o: &Value) -> String {
    let mut s = Section::new();
    s.row("Name", object::name(o));
    if !object::namespace(o).is_empty() {
        s.row("Namespace", object::namespace(o));
    }
    s.row("Labels", map_lines(o, &["metadata", "labels"]))
        .row("Annotations", map_lines(o, &["metadata", "annotations"]));
    s.text()
}

/// The Events section: the object's Events, oldest first, as `describe` prints them.
fn events(cp: &ControlPlane, o: &Value, now: i64) -> String {
    let uid = object::uid(o);
    let ns = match object::namespace(o) {
        "" => "default",
        n => n,
    };
    let workspace = ws(cp);
    let mut evs: Vec<&Value> = cp
        .server()
        .list(
            &workspace,
            crate::controllers::kind("v1", "Event"),
            Some(ns),
        )
        .filter(|e| e["involvedObject"]["uid"] == uid)
        .collect();
    if evs.is_empty() {
        return "Events:  <none>\n".into();
    }
    evs.sort_by_key(|e| {
        (
            str_at(e, &["firstTimestamp"]).unwrap_or("").to_string(),
            str_at(e, &["lastTimestamp"]).unwrap_or("").to_string(),
        )
    });
    let age = |e: &Value, k: &str| {
        str_at(e, &[k])
            .and_then(parse_rfc3339)
            .map(|t| human_duration(now - t))
            .unwrap_or_else(|| "<unknown>".into())
    };
    let mut rows = vec![
        vec![
            "  Type".to_string(),
            "Reason".into(),
            "Age".into(),
            "From".into(),
            "Message".into(),
        ],
        vec![
            "  ----".to_string(),
            "------".into(),
            "----".into(),
            "----".into(),
            "-------".into(),
        ],
    ];
    for e in evs {
        let count = e["count"].as_i64().unwrap_or(1);
        let when = if count > 1 {
            format!(
                "{} (x{count} over {})",
                age(e, "lastTimestamp"),
                age(e, "firstTimestamp")
            )
        } else {
            age(e, "lastTimestamp")
        };
        rows.push(vec![
            format!("  {}", e["type"].as_str().unwrap_or("")),
            e["reason"].as_str().unwrap_or("").into(),
            when,
            e["source"]["component"].as_str().unwrap_or("").into(),
            e["message"].as_str().unwrap_or("").into(),
        ]);
    }
    format!("Events:\n{}", render(&rows))
}
