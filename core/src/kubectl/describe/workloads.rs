//! The workload describers of describe.go: `describeDeployment`, `describeReplicaSet`,
//! `describeReplicationController`, `describeStatefulSet`, `describeDaemonSet`,
//! `describeJob`, `describeCronJob`, `describeHorizontalPodAutoscalerV2/V1`,
//! `describePodDisruptionBudgetV1`.
use super::pods::pod_template;
use super::{annotations, controller, events_section, labels, time_at, Env, W};
use crate::api::object::{self, array_at, str_at};
use crate::api::Value;
use crate::kubectl::printers::{
    format_label_selector, format_labels, int, int_or_string, selector_string,
};
use crate::kubectl::quantity::canonical;
use crate::kubectl::table::human_duration;
use crate::sim::parse_rfc3339;

fn replicas(o: &Value) -> i64 {
    object::i64_at(o, &["spec", "replicas"]).unwrap_or(1)
}

/// `getPodStatusForController`: the phases of the pods this controller owns.
fn pod_counts(env: &Env<'_>, o: &Value) -> (i64, i64, i64, i64) {
    let uid = object::uid(o);
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in env.list("Pod", "v1", Some(object::namespace(o))) {
        if !object::controller_of(&p).is_some_and(|r| r["uid"] == uid) {
            continue;
        }
        match str_at(&p, &["status", "phase"]).unwrap_or("") {
            "Running" => running += 1,
            "Pending" => waiting += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => {}
        }
    }
    (running, waiting, succeeded, failed)
}

fn conditions_type_status_reason(w: &mut W, o: &Value) {
    let conds = array_at(o, &["status", "conditions"]);
    if conds.is_empty() {
        return;
    }
    w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.w(1, "----\t------\t------\n");
    for c in conds {
        w.w(
            1,
            &format!(
                "{} \t{}\t{}\n",
                c["type"].as_str().unwrap_or(""),
                c["status"].as_str().unwrap_or(""),
                c["reason"].as_str().unwrap_or("")
            ),
        );
    }
}

fn header(w: &mut W, o: &Value) {
    w.w(0, &format!("Name:\t{}\n", object::name(o)));
    w.w(0, &format!("Namespace:\t{}\n", object::namespace(o)));
}

fn meta(w: &mut W, o: &Value) {
    labels(w, "Labels", &object::labels(o));
    annotations(
        w,
        "Annotations",
        &object::string_map(o, &["metadata", "annotations"]),
    );
}

pub(crate) fn deployment(env: &Env<'_>, d: &Value) -> String {
    let mut w = W::default();
    header(&mut w, d);
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_at(d, &["metadata", "creationTimestamp"])
        ),
    );
    meta(&mut w, d);
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(d["spec"].get("selector")).unwrap_or_default()
        ),
    );
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            replicas(d),
            int(d, &["status", "updatedReplicas"]),
            int(d, &["status", "replicas"]),
            int(d, &["status", "availableReplicas"]),
            int(d, &["status", "unavailableReplicas"])
        ),
    );
    w.w(
        0,
        &format!(
            "StrategyType:\t{}\n",
            str_at(d, &["spec", "strategy", "type"]).unwrap_or("")
        ),
    );
    w.w(
        0,
        &format!(
            "MinReadySeconds:\t{}\n",
            int(d, &["spec", "minReadySeconds"])
        ),
    );
    if let Some(ru) = d["spec"]["strategy"]
        .get("rollingUpdate")
        .filter(|v| !v.is_null())
    {
        w.w(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                int_or_string(&ru["maxUnavailable"]),
                int_or_string(&ru["maxSurge"])
            ),
        );
    }
    pod_template(&mut w, &d["spec"]["template"]);
    conditions_type_status_reason(&mut w, d);
    // deploymentutil.GetAllReplicaSets: the owned ReplicaSets; the new one has the template.
    let uid = object::uid(d);
    let owned: Vec<Value> = env
        .list("ReplicaSet", "apps/v1", Some(object::namespace(d)))
        .into_iter()
        .filter(|rs| object::controller_of(rs).is_some_and(|r| r["uid"] == uid))
        .collect();
    let strip = |t: &Value| {
        let mut t = t.clone();
        if let Some(l) = t
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            l.shift_remove("pod-template-hash");
        }
        t
    };
    let tmpl = strip(&d["spec"]["template"]);
    let mut new_rs: Vec<&Value> = Vec::new();
    let mut old_rs: Vec<&Value> = Vec::new();
    for rs in &owned {
        if new_rs.is_empty() && strip(&rs["spec"]["template"]) == tmpl {
            new_rs.push(rs);
        } else if int(rs, &["spec", "replicas"]) > 0 || int(rs, &["status", "replicas"]) > 0 {
            old_rs.push(rs);
        }
    }
    let list = |l: &[&Value]| {
        if l.is_empty() {
            return "<none>".to_string();
        }
        l.iter()
            .map(|rs| {
                format!(
                    "{} ({}/{} replicas created)",
                    object::name(rs),
                    int(rs, &["status", "replicas"]),
                    replicas(rs)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !old_rs.is_empty() || !new_rs.is_empty() {
        w.w(0, &format!("OldReplicaSets:\t{}\n", list(&old_rs)));
        w.w(0, &format!("NewReplicaSet:\t{}\n", list(&new_rs)));
    }
    events_section(&mut w, env, d, false);
    w.finish()
}

pub(crate) fn replica_set(env: &Env<'_>, rs: &Value) -> String {
    let mut w = W::default();
    header(&mut w, rs);
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(rs["spec"].get("selector"))
        ),
    );
    meta(&mut w, rs);
    if let Some(c) = controller(rs) {
        w.w(0, &format!("Controlled By:\t{c}\n"));
    }
    w.w(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            int(rs, &["status", "replicas"]),
            replicas(rs)
        ),
    );
    let (r, wt, s, f) = pod_counts(env, rs);
    w.w(0, "Pods Status:\t");
    w.w(
        0,
        &format!("{r} Running / {wt} Waiting / {s} Succeeded / {f} Failed\n"),
    );
    pod_template(&mut w, &rs["spec"]["template"]);
    conditions_type_status_reason(&mut w, rs);
    events_section(&mut w, env, rs, false);
    w.finish()
}

pub(crate) fn replication_controller(env: &Env<'_>, rc: &Value) -> String {
    let mut w = W::default();
    header(&mut w, rc);
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_labels(&object::string_map(rc, &["spec", "selector"]))
        ),
    );
    meta(&mut w, rc);
    w.w(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            int(rc, &["status", "replicas"]),
            replicas(rc)
        ),
    );
    let (r, wt, s, f) = pod_counts(env, rc);
    w.w(
        0,
        &format!("Pods Status:\t{r} Running / {wt} Waiting / {s} Succeeded / {f} Failed\n"),
    );
    pod_template(&mut w, &rc["spec"]["template"]);
    conditions_type_status_reason(&mut w, rc);
    events_section(&mut w, env, rc, false);
    w.finish()
}

pub(crate) fn stateful_set(env: &Env<'_>, s: &Value) -> String {
    let mut w = W::default();
    header(&mut w, s);
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_at(s, &["metadata", "creationTimestamp"])
        ),
    );
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(s["spec"].get("selector")).unwrap_or_default()
        ),
    );
    meta(&mut w, s);
    w.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            replicas(s),
            int(s, &["status", "replicas"])
        ),
    );
    w.w(
        0,
        &format!(
            "Update Strategy:\t{}\n",
            str_at(s, &["spec", "updateStrategy", "type"]).unwrap_or("")
        ),
    );
    if let Some(ru) = s["spec"]["updateStrategy"]
        .get("rollingUpdate")
        .filter(|v| !v.is_null())
    {
        if let Some(p) = ru["partition"].as_i64() {
            w.w(1, &format!("Partition:\t{p}\n"));
            if !ru["maxUnavailable"].is_null() {
                w.w(
                    1,
                    &format!(
                        "MaxUnavailable:\t{}\n",
                        int_or_string(&ru["maxUnavailable"])
                    ),
                );
            }
        }
    }
    let (r, wt, sc, f) = pod_counts(env, s);
    w.w(
        0,
        &format!("Pods Status:\t{r} Running / {wt} Waiting / {sc} Succeeded / {f} Failed\n"),
    );
    pod_template(&mut w, &s["spec"]["template"]);
    let templates = array_at(s, &["spec", "volumeClaimTemplates"]);
    if templates.is_empty() {
        w.w(0, "Volume Claims:\t<none>\n");
    } else {
        w.w(0, "Volume Claims:\n");
        for pvc in templates {
            w.w(1, &format!("Name:\t{}\n", object::name(pvc)));
            let class = str_at(
                pvc,
                &[
                    "metadata",
                    "annotations",
                    "volume.beta.kubernetes.io/storage-class",
                ],
            )
            .or_else(|| str_at(pvc, &["spec", "storageClassName"]))
            .unwrap_or("");
            w.w(1, &format!("StorageClass:\t{class}\n"));
            super::labels_multiline(&mut w, "  ", "Labels", "\t", &object::labels(pvc));
            super::labels_multiline(
                &mut w,
                "  ",
                "Annotations",
                "\t",
                &object::string_map(pvc, &["metadata", "annotations"]),
            );
            match str_at(pvc, &["spec", "resources", "requests", "storage"]) {
                Some(c) => w.w(1, &format!("Capacity:\t{}\n", canonical(c))),
                None => w.w(1, "Capacity:\t<default>\n"),
            }
            w.w(
                1,
                &format!(
                    "Access Modes:\t{}\n",
                    super::go_slice(&pvc["spec"]["accessModes"])
                ),
            );
        }
    }
    events_section(&mut w, env, s, false);
    w.finish()
}

pub(crate) fn daemon_set(env: &Env<'_>, d: &Value) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", object::name(d)));
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(d["spec"].get("selector")).unwrap_or_default()
        ),
    );
    w.w(
        0,
        &format!(
            "Node-Selector:\t{}\n",
            format_labels(&object::string_map(
                d,
                &["spec", "template", "spec", "nodeSelector"]
            ))
        ),
    );
    meta(&mut w, d);
    w.w(
        0,
        &format!(
            "Desired Number of Nodes Scheduled: {}\n",
            int(d, &["status", "desiredNumberScheduled"])
        ),
    );
    w.w(
        0,
        &format!(
            "Current Number of Nodes Scheduled: {}\n",
            int(d, &["status", "currentNumberScheduled"])
        ),
    );
    w.w(
        0,
        &format!(
            "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
            int(d, &["status", "updatedNumberScheduled"])
        ),
    );
    w.w(
        0,
        &format!(
            "Number of Nodes Scheduled with Available Pods: {}\n",
            int(d, &["status", "numberAvailable"])
        ),
    );
    w.w(
        0,
        &format!(
            "Number of Nodes Misscheduled: {}\n",
            int(d, &["status", "numberMisscheduled"])
        ),
    );
    let (r, wt, s, f) = pod_counts(env, d);
    w.w(
        0,
        &format!("Pods Status:\t{r} Running / {wt} Waiting / {s} Succeeded / {f} Failed\n"),
    );
    pod_template(&mut w, &d["spec"]["template"]);
    events_section(&mut w, env, d, false);
    w.finish()
}

pub(crate) fn job(env: &Env<'_>, j: &Value) -> String {
    let mut w = W::default();
    header(&mut w, j);
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(j["spec"].get("selector")).unwrap_or_default()
        ),
    );
    meta(&mut w, j);
    if let Some(c) = controller(j) {
        w.w(0, &format!("Controlled By:\t{c}\n"));
    }
    let spec = &j["spec"];
    if let Some(p) = spec["parallelism"].as_i64() {
        w.w(0, &format!("Parallelism:\t{p}\n"));
    }
    match spec["completions"].as_i64() {
        Some(c) => w.w(0, &format!("Completions:\t{c}\n")),
        None => w.w(0, "Completions:\t<unset>\n"),
    }
    if let Some(m) = spec["completionMode"].as_str() {
        w.w(0, &format!("Completion Mode:\t{m}\n"));
    }
    if let Some(s) = spec["suspend"].as_bool() {
        w.w(0, &format!("Suspend:\t{s}\n"));
    }
    if let Some(b) = spec["backoffLimit"].as_i64() {
        w.w(0, &format!("Backoff Limit:\t{b}\n"));
    }
    if let Some(t) = spec["ttlSecondsAfterFinished"].as_i64() {
        w.w(0, &format!("TTL Seconds After Finished:\t{t}\n"));
    }
    let start = str_at(j, &["status", "startTime"]).and_then(parse_rfc3339);
    let done = str_at(j, &["status", "completionTime"]).and_then(parse_rfc3339);
    if start.is_some() {
        w.w(
            0,
            &format!("Start Time:\t{}\n", time_at(j, &["status", "startTime"])),
        );
    }
    if done.is_some() {
        w.w(
            0,
            &format!(
                "Completed At:\t{}\n",
                time_at(j, &["status", "completionTime"])
            ),
        );
    }
    if let (Some(s), Some(c)) = (start, done) {
        w.w(0, &format!("Duration:\t{}\n", human_duration(c - s)));
    }
    if let Some(a) = spec["activeDeadlineSeconds"].as_i64() {
        w.w(0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    let st = |k: &str| int(j, &["status", k]);
    match j["status"]["ready"].as_i64() {
        None => w.w(
            0,
            &format!(
                "Pods Statuses:\t{} Active / {} Succeeded / {} Failed\n",
                st("active"),
                st("succeeded"),
                st("failed")
            ),
        ),
        Some(r) => w.w(
            0,
            &format!(
                "Pods Statuses:\t{} Active ({r} Ready) / {} Succeeded / {} Failed\n",
                st("active"),
                st("succeeded"),
                st("failed")
            ),
        ),
    }
    if spec["completionMode"] == "Indexed" {
        let idx = str_at(j, &["status", "completedIndexes"]).unwrap_or("");
        w.w(
            0,
            &format!("Completed Indexes:\t{}\n", cap_indexes(idx, 50)),
        );
    }
    pod_template(&mut w, &spec["template"]);
    events_section(&mut w, env, j, false);
    w.finish()
}

/// `capIndexesListOrNone`.
fn cap_indexes(indexes: &str, soft: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    let b = indexes.as_bytes();
    let mut ix = soft;
    while ix < b.len() && b[ix] != b',' {
        ix += 1;
    }
    if ix >= b.len() {
        return indexes.into();
    }
    format!("{}...", &indexes[..=ix])
}

pub(crate) fn cron_job(env: &Env<'_>, c: &Value) -> String {
    let mut w = W::default();
    header(&mut w, c);
    meta(&mut w, c);
    let spec = &c["spec"];
    w.w(
        0,
        &format!("Schedule:\t{}\n", spec["schedule"].as_str().unwrap_or("")),
    );
    w.w(
        0,
        &format!(
            "Concurrency Policy:\t{}\n",
            spec["concurrencyPolicy"].as_str().unwrap_or("")
        ),
    );
    w.w(
        0,
        &format!(
            "Suspend:\t{}\n",
            crate::kubectl::printers::bool_ptr(&spec["suspend"])
        ),
    );
    for (title, key) in [
        ("Successful Job History Limit", "successfulJobsHistoryLimit"),
        ("Failed Job History Limit", "failedJobsHistoryLimit"),
    ] {
        match spec[key].as_i64() {
            Some(n) => w.w(0, &format!("{title}:\t{n}\n")),
            None => w.w(0, &format!("{title}:\t<unset>\n")),
        }
    }
    match spec["startingDeadlineSeconds"].as_i64() {
        Some(n) => w.w(0, &format!("Starting Deadline Seconds:\t{n}s\n")),
        None => w.w(0, "Starting Deadline Seconds:\t<unset>\n"),
    }
    let jt = &spec["jobTemplate"]["spec"];
    match selector_string(jt.get("selector")) {
        Some(s) => w.w(0, &format!("Selector:\t{s}\n")),
        None => w.w(0, "Selector:\t<unset>\n"),
    }
    for (title, key) in [
        ("Parallelism", "parallelism"),
        ("Completions", "completions"),
    ] {
        match jt[key].as_i64() {
            Some(n) => w.w(0, &format!("{title}:\t{n}\n")),
            None => w.w(0, &format!("{title}:\t<unset>\n")),
        }
    }
    if let Some(a) = jt["activeDeadlineSeconds"].as_i64() {
        w.w(0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    pod_template(&mut w, &jt["template"]);
    if str_at(c, &["status", "lastScheduleTime"]).is_some() {
        w.w(
            0,
            &format!(
                "Last Schedule Time:\t{}\n",
                time_at(c, &["status", "lastScheduleTime"])
            ),
        );
    } else {
        w.w(0, "Last Schedule Time:\t<unset>\n");
    }
    w.w(0, "Active Jobs:\t");
    let active = array_at(c, &["status", "active"]);
    if active.is_empty() {
        w.line("<none>");
    } else {
        let names: Vec<&str> = active
            .iter()
            .map(|j| j["name"].as_str().unwrap_or(""))
            .collect();
        w.w(0, &names.join(", "));
        w.line("");
    }
    events_section(&mut w, env, c, false);
    w.finish()
}

/// A quantity field as `Quantity.String()` prints it.
fn q(v: &Value) -> String {
    canonical(&int_or_string(v))
}

pub(crate) fn hpa(env: &Env<'_>, h: &Value) -> String {
    let mut w = W::default();
    header(&mut w, h);
    meta(&mut w, h);
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_at(h, &["metadata", "creationTimestamp"])
        ),
    );
    let r = &h["spec"]["scaleTargetRef"];
    let kind = r["kind"].as_str().unwrap_or("");
    w.w(
        0,
        &format!("Reference:\t{kind}/{}\n", r["name"].as_str().unwrap_or("")),
    );
    let v1 = object::api_version(h) == "autoscaling/v1";
    let current = array_at(h, &["status", "currentMetrics"]);
    if v1 {
        if let Some(t) = h["spec"]["targetCPUUtilizationPercentage"].as_i64() {
            w.w(0, &format!("Target CPU utilization:\t{t}%\n"));
            let cur = h["status"]["currentCPUUtilizationPercentage"]
                .as_i64()
                .map_or("<unknown>".to_string(), |c| c.to_string());
            w.w(0, &format!("Current CPU utilization:\t{cur}%\n"));
        }
    } else {
        w.w(0, "Metrics:\t( current / target )\n");
        for (i, m) in array_at(h, &["spec", "metrics"]).iter().enumerate() {
            let cur = current.get(i);
            match m["type"].as_str().unwrap_or("") {
                "External" => {
                    let name = m["external"]["metric"]["name"].as_str().unwrap_or("");
                    let t = &m["external"]["target"];
                    let c = cur.map(|c| &c["external"]).filter(|c| !c.is_null());
                    if !t["averageValue"].is_null() {
                        let v = c
                            .map(|c| &c["current"]["averageValue"])
                            .filter(|v| !v.is_null())
                            .map_or("<unknown>".to_string(), q);
                        w.w(
                            1,
                            &format!(
                                "{name:?} (target average value):\t{v} / {}\n",
                                q(&t["averageValue"])
                            ),
                        );
                    } else {
                        let v = c.map_or("<unknown>".to_string(), |c| q(&c["current"]["value"]));
                        w.w(
                            1,
                            &format!("{name:?} (target value):\t{v} / {}\n", q(&t["value"])),
                        );
                    }
                }
                "Pods" => {
                    let name = m["pods"]["metric"]["name"].as_str().unwrap_or("");
                    let v = cur.map(|c| &c["pods"]).filter(|c| !c.is_null()).map_or(
                        "<unknown>".to_string(),
                        |c| q(&c["current"]["averageValue"]),
                    );
                    w.w(
                        1,
                        &format!(
                            "{name:?} on pods:\t{v} / {}\n",
                            q(&m["pods"]["target"]["averageValue"])
                        ),
                    );
                }
                "Object" => {
                    let o = &m["object"];
                    w.w(
                        1,
                        &format!(
                            "\"{}\" on {}/{} ",
                            o["metric"]["name"].as_str().unwrap_or(""),
                            o["describedObject"]["kind"].as_str().unwrap_or(""),
                            o["describedObject"]["name"].as_str().unwrap_or("")
                        ),
                    );
                    let c = cur.map(|c| &c["object"]).filter(|c| !c.is_null());
                    if o["target"]["type"] == "AverageValue" {
                        let v =
                            c.map_or(
                                "<unknown>".to_string(),
                                |c| q(&c["current"]["averageValue"]),
                            );
                        w.w(
                            0,
                            &format!(
                                "(target average value):\t{v} / {}\n",
                                q(&o["target"]["averageValue"])
                            ),
                        );
                    } else {
                        let v = c.map_or("<unknown>".to_string(), |c| q(&c["current"]["value"]));
                        w.w(
                            0,
                            &format!("(target value):\t{v} / {}\n", q(&o["target"]["value"])),
                        );
                    }
                }
                t @ ("Resource" | "ContainerResource") => {
                    let key = if t == "Resource" {
                        "resource"
                    } else {
                        "containerResource"
                    };
                    let res = &m[key];
                    let name = res["name"].as_str().unwrap_or("");
                    if t == "Resource" {
                        w.w(1, &format!("resource {name} on pods"));
                    } else {
                        w.w(
                            1,
                            &format!(
                                "resource {name} of container \"{}\" on pods",
                                res["container"].as_str().unwrap_or("")
                            ),
                        );
                    }
                    let c = cur.map(|c| &c[key]).filter(|c| !c.is_null());
                    if !res["target"]["averageValue"].is_null() {
                        let v =
                            c.map_or(
                                "<unknown>".to_string(),
                                |c| q(&c["current"]["averageValue"]),
                            );
                        w.w(
                            0,
                            &format!(":\t{v} / {}\n", q(&res["target"]["averageValue"])),
                        );
                    } else {
                        let v = c
                            .and_then(|c| {
                                c["current"]["averageUtilization"]
                                    .as_i64()
                                    .map(|u| format!("{u}% ({})", q(&c["current"]["averageValue"])))
                            })
                            .unwrap_or_else(|| "<unknown>".into());
                        let tgt = res["target"]["averageUtilization"]
                            .as_i64()
                            .map_or("<auto>".to_string(), |u| format!("{u}%"));
                        w.w(1, &format!("(as a percentage of request):\t{v} / {tgt}\n"));
                    }
                }
                other => w.w(1, &format!("<unknown metric type {other:?}>\n")),
            }
        }
    }
    let min = h["spec"]["minReplicas"]
        .as_i64()
        .map_or("<unset>".to_string(), |m| m.to_string());
    w.w(0, &format!("Min replicas:\t{min}\n"));
    w.w(
        0,
        &format!("Max replicas:\t{}\n", int(h, &["spec", "maxReplicas"])),
    );
    if !v1 {
        if let Some(b) = h["spec"].get("behavior").filter(|b| !b.is_null()) {
            w.w(0, "Behavior:\n");
            for (dir, key) in [("Scale Up", "scaleUp"), ("Scale Down", "scaleDown")] {
                let r = &b[key];
                if r.is_null() {
                    continue;
                }
                w.w(1, &format!("{dir}:\n"));
                if let Some(s) = r["stabilizationWindowSeconds"].as_i64() {
                    w.w(2, &format!("Stabilization Window: {s} seconds\n"));
                }
                let policies = array_at(r, &["policies"]);
                if !policies.is_empty() {
                    w.w(
                        2,
                        &format!(
                            "Select Policy: {}\n",
                            r["selectPolicy"].as_str().unwrap_or("Max")
                        ),
                    );
                    w.w(2, "Policies:\n");
                    for p in policies {
                        w.w(
                            3,
                            &format!(
                                "- Type: {}\tValue: {}\tPeriod: {} seconds\n",
                                p["type"].as_str().unwrap_or(""),
                                p["value"].as_i64().unwrap_or(0),
                                p["periodSeconds"].as_i64().unwrap_or(0)
                            ),
                        );
                    }
                }
            }
        }
    }
    w.w(0, &format!("{kind} pods:\t"));
    w.w(
        0,
        &format!(
            "{} current / {} desired\n",
            int(h, &["status", "currentReplicas"]),
            int(h, &["status", "desiredReplicas"])
        ),
    );
    let conds = array_at(h, &["status", "conditions"]);
    if !v1 && !conds.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tReason\tMessage\n");
        w.w(1, "----\t------\t------\t-------\n");
        for c in conds {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\n",
                    c["type"].as_str().unwrap_or(""),
                    c["status"].as_str().unwrap_or(""),
                    c["reason"].as_str().unwrap_or(""),
                    c["message"].as_str().unwrap_or("")
                ),
            );
        }
    }
    events_section(&mut w, env, h, false);
    w.finish()
}

pub(crate) fn pdb(env: &Env<'_>, p: &Value) -> String {
    let mut w = W::default();
    header(&mut w, p);
    if !p["spec"]["minAvailable"].is_null() {
        w.w(
            0,
            &format!(
                "Min available:\t{}\n",
                int_or_string(&p["spec"]["minAvailable"])
            ),
        );
    } else if !p["spec"]["maxUnavailable"].is_null() {
        w.w(
            0,
            &format!(
                "Max unavailable:\t{}\n",
                int_or_string(&p["spec"]["maxUnavailable"])
            ),
        );
    }
    match p["spec"].get("selector").filter(|s| !s.is_null()) {
        Some(s) => w.w(
            0,
            &format!("Selector:\t{}\n", format_label_selector(Some(s))),
        ),
        None => w.w(0, "Selector:\t<unset>\n"),
    }
    w.w(0, "Status:\n");
    w.w(
        2,
        &format!(
            "Allowed disruptions:\t{}\n",
            int(p, &["status", "disruptionsAllowed"])
        ),
    );
    w.w(
        2,
        &format!("Current:\t{}\n", int(p, &["status", "currentHealthy"])),
    );
    w.w(
        2,
        &format!("Desired:\t{}\n", int(p, &["status", "desiredHealthy"])),
    );
    w.w(
        2,
        &format!("Total:\t{}\n", int(p, &["status", "expectedPods"])),
    );
    events_section(&mut w, env, p, false);
    w.finish()
}
