//! `describePod`, `describeContainers`, `describeVolumes`, `DescribePodTemplate` and the
//! toleration and topology-spread helpers of describe.go.
use super::{annotations, controller, events_section, labels, labels_multiline, time_at, Env, W};
use crate::api::object::{self, array_at, str_at};
use crate::api::Value;
use crate::kubectl::printers::{format_label_selector, int_or_string};
use crate::kubectl::quantity::canonical;
use std::collections::BTreeMap;

pub(crate) fn pod(env: &Env<'_>, p: &Value) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", object::name(p)));
    w.w(0, &format!("Namespace:\t{}\n", object::namespace(p)));
    if let Some(pr) = p["spec"]["priority"].as_i64() {
        w.w(0, &format!("Priority:\t{pr}\n"));
    }
    if let Some(pc) = str_at(p, &["spec", "priorityClassName"]).filter(|s| !s.is_empty()) {
        w.w(0, &format!("Priority Class Name:\t{pc}\n"));
    }
    if let Some(rc) = str_at(p, &["spec", "runtimeClassName"]).filter(|s| !s.is_empty()) {
        w.w(0, &format!("Runtime Class Name:\t{rc}\n"));
    }
    if let Some(sa) = str_at(p, &["spec", "serviceAccountName"]).filter(|s| !s.is_empty()) {
        w.w(0, &format!("Service Account:\t{sa}\n"));
    }
    match str_at(p, &["spec", "nodeName"]).filter(|s| !s.is_empty()) {
        None => w.w(0, "Node:\t<none>\n"),
        Some(n) => w.w(
            0,
            &format!(
                "Node:\t{n}/{}\n",
                str_at(p, &["status", "hostIP"]).unwrap_or("")
            ),
        ),
    }
    if str_at(p, &["status", "startTime"]).is_some() {
        w.w(
            0,
            &format!("Start Time:\t{}\n", time_at(p, &["status", "startTime"])),
        );
    }
    labels(&mut w, "Labels", &object::labels(p));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(p, &["metadata", "annotations"]),
    );
    let phase = str_at(p, &["status", "phase"]).unwrap_or("");
    if object::is_terminating(p) && phase != "Failed" && phase != "Succeeded" {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                super::age_of(p, &["metadata", "deletionTimestamp"], env.now)
            ),
        );
        w.w(
            0,
            &format!(
                "Termination Grace Period:\t{}s\n",
                p["metadata"]["deletionGracePeriodSeconds"]
                    .as_i64()
                    .unwrap_or(0)
            ),
        );
    } else {
        w.w(0, &format!("Status:\t{phase}\n"));
    }
    if let Some(r) = str_at(p, &["status", "reason"]).filter(|s| !s.is_empty()) {
        w.w(0, &format!("Reason:\t{r}\n"));
    }
    if let Some(m) = str_at(p, &["status", "message"]).filter(|s| !s.is_empty()) {
        w.w(0, &format!("Message:\t{m}\n"));
    }
    if let Some(sp) = p["spec"]["securityContext"]
        .get("seccompProfile")
        .filter(|v| !v.is_null())
    {
        w.w(
            0,
            &format!("SeccompProfile:\t{}\n", sp["type"].as_str().unwrap_or("")),
        );
        if sp["type"] == "Localhost" {
            w.w(
                0,
                &format!(
                    "LocalhostProfile:\t{}\n",
                    sp["localhostProfile"].as_str().unwrap_or("")
                ),
            );
        }
    }
    w.w(
        0,
        &format!("IP:\t{}\n", str_at(p, &["status", "podIP"]).unwrap_or("")),
    );
    let ips: Vec<&str> = array_at(p, &["status", "podIPs"])
        .iter()
        .filter_map(|i| i["ip"].as_str())
        .collect();
    let ips: Vec<&str> = if ips.is_empty() {
        str_at(p, &["status", "podIP"])
            .filter(|s| !s.is_empty())
            .into_iter()
            .collect()
    } else {
        ips
    };
    if ips.is_empty() {
        w.w(0, "IPs:\t<none>\n");
    } else {
        w.w(0, "IPs:\n");
        for ip in ips {
            w.w(1, &format!("IP:\t{ip}\n"));
        }
    }
    if let Some(c) = controller(p) {
        w.w(0, &format!("Controlled By:\t{c}\n"));
    }
    if let Some(n) = str_at(p, &["status", "nominatedNodeName"]).filter(|s| !s.is_empty()) {
        w.w(0, &format!("NominatedNodeName:\t{n}\n"));
    }
    if let Some(r) = p["spec"].get("resources").filter(|r| !r.is_null()) {
        w.w(0, "Resources:\n");
        resources(&mut w, r, 1);
    }
    let inits = array_at(p, &["spec", "initContainers"]);
    if !inits.is_empty() {
        containers(
            &mut w,
            "Init Containers",
            inits,
            Some(array_at(p, &["status", "initContainerStatuses"])),
            "",
            Some(p),
        );
    }
    containers(
        &mut w,
        "Containers",
        array_at(p, &["spec", "containers"]),
        Some(array_at(p, &["status", "containerStatuses"])),
        "",
        Some(p),
    );
    let gates = array_at(p, &["spec", "readinessGates"]);
    let conds = array_at(p, &["status", "conditions"]);
    if !gates.is_empty() {
        w.w(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let t = g["conditionType"].as_str().unwrap_or("");
            let status = conds
                .iter()
                .find(|c| c["type"] == t)
                .and_then(|c| c["status"].as_str())
                .unwrap_or("<none>");
            w.w(1, &format!("{t} \t{status} \n"));
        }
    }
    if !conds.is_empty() {
        w.w(0, "Conditions:\n  Type\tStatus\n");
        for c in conds {
            w.w(
                1,
                &format!(
                    "{} \t{} \n",
                    c["type"].as_str().unwrap_or(""),
                    c["status"].as_str().unwrap_or("")
                ),
            );
        }
    }
    volumes(&mut w, array_at(p, &["spec", "volumes"]), "");
    let qos = str_at(p, &["status", "qosClass"])
        .filter(|s| !s.is_empty())
        .map(String::from)
        .unwrap_or_else(|| qos_class(p));
    w.w(0, &format!("QoS Class:\t{qos}\n"));
    labels(
        &mut w,
        "Node-Selectors",
        &object::string_map(p, &["spec", "nodeSelector"]),
    );
    tolerations(
        &mut w,
        "",
        "Tolerations",
        "\t",
        array_at(p, &["spec", "tolerations"]),
    );
    spread_constraints(
        &mut w,
        array_at(p, &["spec", "topologySpreadConstraints"]),
        "",
    );
    events_section(&mut w, env, p, true);
    w.finish()
}

/// `qos.ComputePodQOS`.
fn qos_class(p: &Value) -> String {
    let mut all: Vec<&Value> = array_at(p, &["spec", "containers"]).iter().collect();
    all.extend(array_at(p, &["spec", "initContainers"]).iter());
    let mut any = false;
    let mut guaranteed = true;
    for c in &all {
        let req = &c["resources"]["requests"];
        let lim = &c["resources"]["limits"];
        let nonzero = |m: &Value, k: &str| {
            m[k].as_str()
                .and_then(|q| crate::api::Quantity::parse(q).ok())
                .is_some_and(|q| q != crate::api::Quantity::ZERO)
        };
        for k in ["cpu", "memory"] {
            if nonzero(req, k) || nonzero(lim, k) {
                any = true;
            }
            let l = lim[k]
                .as_str()
                .and_then(|q| crate::api::Quantity::parse(q).ok());
            let r = req[k]
                .as_str()
                .and_then(|q| crate::api::Quantity::parse(q).ok())
                .or(l);
            if l.is_none() || l != r {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort".into()
    } else if guaranteed {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}

/// `describeResources`: sorted quantities at `level`.
pub(crate) fn resources(w: &mut W, r: &Value, level: usize) {
    for (title, key) in [("Limits", "limits"), ("Requests", "requests")] {
        let m = sorted(&r[key]);
        if !m.is_empty() {
            w.w(level, &format!("{title}:\n"));
        }
        for (k, v) in m {
            w.w(level + 1, &format!("{k}:\t{}\n", canonical(&v)));
        }
    }
}

fn sorted(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .into_iter()
        .flatten()
        .map(|(k, x)| (k.to_string(), int_or_string(x)))
        .collect()
}

/// `describeContainers` (statuses `None` in pod templates).
pub(crate) fn containers(
    w: &mut W,
    label: &str,
    list: &[Value],
    statuses: Option<&[Value]>,
    space: &str,
    pod: Option<&Value>,
) {
    let none = if list.is_empty() { " <none>" } else { "" };
    w.w(0, &format!("{space}{label}:{none}\n"));
    for c in list {
        let name = c["name"].as_str().unwrap_or("");
        let status = statuses.and_then(|s| s.iter().find(|x| x["name"] == name));
        let indent = if space.is_empty() { "" } else { " " };
        w.w(1, &format!("{indent}{name}:\n"));
        if let Some(s) = status {
            w.w(
                2,
                &format!(
                    "Container ID:\t{}\n",
                    s["containerID"].as_str().unwrap_or("")
                ),
            );
        }
        w.w(
            2,
            &format!("Image:\t{}\n", c["image"].as_str().unwrap_or("")),
        );
        if let Some(s) = status {
            w.w(
                2,
                &format!("Image ID:\t{}\n", s["imageID"].as_str().unwrap_or("")),
            );
        }
        let ports = array_at(c, &["ports"]);
        let fmt_ports = |key: &str| -> String {
            ports
                .iter()
                .map(|p| {
                    format!(
                        "{}/{}",
                        p[key].as_i64().unwrap_or(0),
                        p["protocol"].as_str().unwrap_or("TCP")
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let port_string = fmt_ports("containerPort");
        if port_string.contains(',') {
            w.w(2, &format!("Ports:\t{port_string}\n"));
        } else {
            w.w(2, &format!("Port:\t{}\n", or_none(&port_string)));
        }
        let host = fmt_ports("hostPort");
        if host.contains(',') {
            w.w(2, &format!("Host Ports:\t{host}\n"));
        } else {
            w.w(2, &format!("Host Port:\t{}\n", or_none(&host)));
        }
        if let Some(sp) = c["securityContext"]
            .get("seccompProfile")
            .filter(|v| !v.is_null())
        {
            w.w(
                2,
                &format!("SeccompProfile:\t{}\n", sp["type"].as_str().unwrap_or("")),
            );
        }
        for (title, key) in [("Command", "command"), ("Args", "args")] {
            let items = array_at(c, &[key]);
            if !items.is_empty() {
                w.w(2, &format!("{title}:\n"));
                for item in items {
                    for s in item.as_str().unwrap_or("").split('\n') {
                        w.w(3, &format!("{s}\n"));
                    }
                }
            }
        }
        if let Some(s) = status {
            state(w, "State", &s["state"]);
            if s["lastState"]
                .get("terminated")
                .is_some_and(|t| !t.is_null())
            {
                state(w, "Last State", &s["lastState"]);
            }
            w.w(
                2,
                &format!(
                    "Ready:\t{}\n",
                    if s["ready"] == true { "True" } else { "False" }
                ),
            );
            w.w(
                2,
                &format!(
                    "Restart Count:\t{}\n",
                    s["restartCount"].as_i64().unwrap_or(0)
                ),
            );
        }
        resources(w, &c["resources"], 2);
        for (title, key) in [
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ] {
            if let Some(probe) = c.get(key).filter(|v| !v.is_null()) {
                w.w(2, &format!("{title}:\t{}\n", describe_probe(probe)));
            }
        }
        let env_from = array_at(c, &["envFrom"]);
        if !env_from.is_empty() {
            w.w(2, "Environment Variables from:\n");
            for e in env_from {
                let (from, r) = if let Some(r) = e.get("configMapRef").filter(|v| !v.is_null()) {
                    ("ConfigMap", r)
                } else if let Some(r) = e.get("secretRef").filter(|v| !v.is_null()) {
                    ("Secret", r)
                } else {
                    ("", &Value::Null)
                };
                let optional = r["optional"] == true;
                let name = r["name"].as_str().unwrap_or("");
                match e["prefix"].as_str().filter(|s| !s.is_empty()) {
                    None => w.w(3, &format!("{name}\t{from}\tOptional: {optional}\n")),
                    Some(p) => w.w(
                        3,
                        &format!("{name}\t{from} with prefix '{p}'\tOptional: {optional}\n"),
                    ),
                }
            }
        }
        let env = array_at(c, &["env"]);
        w.w(
            2,
            &format!(
                "Environment:{}\n",
                if env.is_empty() { "\t<none>" } else { "" }
            ),
        );
        for e in env {
            let name = e["name"].as_str().unwrap_or("");
            let from = &e["valueFrom"];
            if from.is_null() {
                for (i, s) in e["value"].as_str().unwrap_or("").split('\n').enumerate() {
                    if i == 0 {
                        w.w(3, &format!("{name}:\t{s}\n"));
                    } else {
                        w.w(3, &format!("\t{s}\n"));
                    }
                }
                continue;
            }
            if let Some(f) = from.get("fieldRef").filter(|v| !v.is_null()) {
                let path = f["fieldPath"].as_str().unwrap_or("");
                let value = pod.map(|p| field_value(p, path)).unwrap_or_default();
                w.w(
                    3,
                    &format!(
                        "{name}:\t{value} ({}:{path})\n",
                        f["apiVersion"].as_str().unwrap_or("v1")
                    ),
                );
            } else if let Some(r) = from.get("resourceFieldRef").filter(|v| !v.is_null()) {
                let res = r["resource"].as_str().unwrap_or("");
                let mut value = resource_field(c, res);
                if value == "0" && (res == "limits.cpu" || res == "limits.memory") {
                    value = "node allocatable".into();
                }
                w.w(3, &format!("{name}:\t{value} ({res})\n"));
            } else if let Some(s) = from.get("secretKeyRef").filter(|v| !v.is_null()) {
                w.w(
                    3,
                    &format!(
                        "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                        s["key"].as_str().unwrap_or(""),
                        s["name"].as_str().unwrap_or(""),
                        s["optional"] == true
                    ),
                );
            } else if let Some(s) = from.get("configMapKeyRef").filter(|v| !v.is_null()) {
                w.w(
                    3,
                    &format!(
                        "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                        s["key"].as_str().unwrap_or(""),
                        s["name"].as_str().unwrap_or(""),
                        s["optional"] == true
                    ),
                );
            }
        }
        let mut mounts: Vec<&Value> = array_at(c, &["volumeMounts"]).iter().collect();
        w.w(
            2,
            &format!(
                "Mounts:{}\n",
                if mounts.is_empty() { "\t<none>" } else { "" }
            ),
        );
        mounts.sort_by(|a, b| a["mountPath"].as_str().cmp(&b["mountPath"].as_str()));
        for m in mounts {
            let mut flags = vec![if m["readOnly"] == true {
                "ro".to_string()
            } else {
                "rw".to_string()
            }];
            if let Some(sp) = m["subPath"].as_str().filter(|s| !s.is_empty()) {
                flags.push(format!("path={sp:?}"));
            }
            w.w(
                3,
                &format!(
                    "{} from {} ({})\n",
                    m["mountPath"].as_str().unwrap_or(""),
                    m["name"].as_str().unwrap_or(""),
                    flags.join(",")
                ),
            );
        }
        let mut devices: Vec<&Value> = array_at(c, &["volumeDevices"]).iter().collect();
        if !devices.is_empty() {
            w.w(2, "Devices:\n");
            devices.sort_by(|a, b| a["devicePath"].as_str().cmp(&b["devicePath"].as_str()));
            for d in devices {
                w.w(
                    3,
                    &format!(
                        "{} from {}\n",
                        d["devicePath"].as_str().unwrap_or(""),
                        d["name"].as_str().unwrap_or("")
                    ),
                );
            }
        }
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "<none>"
    } else {
        s
    }
}

/// A downward-API field of the pod (`fieldpath.ExtractFieldPathAsString` for common paths).
fn field_value(p: &Value, path: &str) -> String {
    match path {
        "metadata.name" => object::name(p).into(),
        "metadata.namespace" => object::namespace(p).into(),
        "metadata.uid" => object::uid(p).into(),
        "spec.nodeName" => str_at(p, &["spec", "nodeName"]).unwrap_or("").into(),
        "spec.serviceAccountName" => str_at(p, &["spec", "serviceAccountName"])
            .unwrap_or("")
            .into(),
        "status.podIP" => str_at(p, &["status", "podIP"]).unwrap_or("").into(),
        "status.hostIP" => str_at(p, &["status", "hostIP"]).unwrap_or("").into(),
        _ => {
            if let Some(k) = path
                .strip_prefix("metadata.labels['")
                .and_then(|r| r.strip_suffix("']"))
            {
                return str_at(p, &["metadata", "labels", k]).unwrap_or("").into();
            }
            if let Some(k) = path
                .strip_prefix("metadata.annotations['")
                .and_then(|r| r.strip_suffix("']"))
            {
                return str_at(p, &["metadata", "annotations", k])
                    .unwrap_or("")
                    .into();
            }
            String::new()
        }
    }
}

/// `ExtractContainerResourceValue` for `limits.*`/`requests.*` (divisor 1).
fn resource_field(c: &Value, res: &str) -> String {
    let Some((kind, name)) = res.split_once('.') else {
        return String::new();
    };
    match str_at(c, &["resources", kind, name]).and_then(|q| crate::api::Quantity::parse(q).ok()) {
        Some(q) => q.value().to_string(),
        None => "0".into(),
    }
}

/// `describeStatus`.
fn state(w: &mut W, name: &str, st: &Value) {
    if let Some(r) = st.get("running").filter(|v| !v.is_null()) {
        w.w(2, &format!("{name}:\tRunning\n"));
        w.w(3, &format!("Started:\t{}\n", time_at(r, &["startedAt"])));
    } else if let Some(wt) = st.get("waiting").filter(|v| !v.is_null()) {
        w.w(2, &format!("{name}:\tWaiting\n"));
        if let Some(r) = wt["reason"].as_str().filter(|s| !s.is_empty()) {
            w.w(3, &format!("Reason:\t{r}\n"));
        }
    } else if let Some(t) = st.get("terminated").filter(|v| !v.is_null()) {
        w.w(2, &format!("{name}:\tTerminated\n"));
        if let Some(r) = t["reason"].as_str().filter(|s| !s.is_empty()) {
            w.w(3, &format!("Reason:\t{r}\n"));
        }
        if let Some(m) = t["message"].as_str().filter(|s| !s.is_empty()) {
            w.w(3, &format!("Message:\t{m}\n"));
        }
        w.w(
            3,
            &format!("Exit Code:\t{}\n", t["exitCode"].as_i64().unwrap_or(0)),
        );
        if let Some(s) = t["signal"].as_i64().filter(|s| *s > 0) {
            w.w(3, &format!("Signal:\t{s}\n"));
        }
        w.w(3, &format!("Started:\t{}\n", time_at(t, &["startedAt"])));
        w.w(3, &format!("Finished:\t{}\n", time_at(t, &["finishedAt"])));
    } else {
        w.w(2, &format!("{name}:\tWaiting\n"));
    }
}

/// `DescribeProbe`.
fn describe_probe(p: &Value) -> String {
    let n = |k: &str, d: i64| p[k].as_i64().unwrap_or(d);
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        n("initialDelaySeconds", 0),
        n("timeoutSeconds", 1),
        n("periodSeconds", 10),
        n("successThreshold", 1),
        n("failureThreshold", 3)
    );
    if let Some(e) = p.get("exec").filter(|v| !v.is_null()) {
        return format!("exec {} {attrs}", super::go_slice(&e["command"]));
    }
    if let Some(h) = p.get("httpGet").filter(|v| !v.is_null()) {
        let scheme = h["scheme"].as_str().unwrap_or("").to_lowercase();
        let port = int_or_string(&h["port"]);
        let host = h["host"].as_str().unwrap_or("");
        let hostport = if port.is_empty() {
            host.to_string()
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let path = h["path"].as_str().unwrap_or("");
        // net/url `URL.String()`.
        let mut url = String::new();
        if !scheme.is_empty() {
            url.push_str(&scheme);
            url.push(':');
        }
        if (!scheme.is_empty() || !hostport.is_empty())
            && (!hostport.is_empty() || !path.is_empty())
        {
            url.push_str("//");
            url.push_str(&hostport);
        }
        if !path.is_empty() && !path.starts_with('/') && !hostport.is_empty() {
            url.push('/');
        }
        url.push_str(path);
        return format!("http-get {url} {attrs}");
    }
    if let Some(t) = p.get("tcpSocket").filter(|v| !v.is_null()) {
        return format!(
            "tcp-socket {}:{} {attrs}",
            t["host"].as_str().unwrap_or(""),
            int_or_string(&t["port"])
        );
    }
    if let Some(g) = p.get("grpc").filter(|v| !v.is_null()) {
        return format!(
            "grpc <pod>:{} {} {attrs}",
            g["port"].as_i64().unwrap_or(0),
            g["service"].as_str().unwrap_or("")
        );
    }
    format!("unknown {attrs}")
}

/// `describeVolumes` (the common volume sources).
pub(crate) fn volumes(w: &mut W, vols: &[Value], space: &str) {
    if vols.is_empty() {
        w.w(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.w(0, &format!("{space}Volumes:\n"));
    let indent = if space.is_empty() { "" } else { " " };
    for v in vols {
        w.w(
            1,
            &format!("{indent}{}:\n", v["name"].as_str().unwrap_or("")),
        );
        let s = |k: &str| v.get(k).filter(|x| !x.is_null());
        if let Some(h) = s("hostPath") {
            w.w(2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n", h["path"].as_str().unwrap_or(""), h["type"].as_str().unwrap_or("<none>")));
        } else if let Some(e) = s("emptyDir") {
            let limit = e["sizeLimit"]
                .as_str()
                .map(canonical)
                .filter(|x| x != "0")
                .unwrap_or_else(|| "<unset>".into());
            w.w(2, &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{limit}\n", e["medium"].as_str().unwrap_or("")));
        } else if let Some(sec) = s("secret") {
            w.w(2, &format!("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n", sec["secretName"].as_str().unwrap_or(""), sec["optional"] == true));
        } else if let Some(cm) = s("configMap") {
            w.w(2, &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n", cm["name"].as_str().unwrap_or(""), cm["optional"] == true));
        } else if let Some(c) = s("persistentVolumeClaim") {
            w.w(2, &format!("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n", c["claimName"].as_str().unwrap_or(""), c["readOnly"] == true));
        } else if let Some(p) = s("projected") {
            w.w(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            for src in array_at(p, &["sources"]) {
                let opt = |x: &Value| match x["optional"].as_bool() {
                    Some(b) => b.to_string(),
                    None => "<nil>".into(),
                };
                if let Some(sec) = src.get("secret").filter(|x| !x.is_null()) {
                    w.w(
                        2,
                        &format!(
                            "SecretName:\t{}\n    SecretOptionalName:\t{}\n",
                            sec["name"].as_str().unwrap_or(""),
                            opt(sec)
                        ),
                    );
                } else if src.get("downwardAPI").is_some_and(|x| !x.is_null()) {
                    w.w(2, "DownwardAPI:\ttrue\n");
                } else if let Some(cm) = src.get("configMap").filter(|x| !x.is_null()) {
                    w.w(
                        2,
                        &format!(
                            "ConfigMapName:\t{}\n    ConfigMapOptional:\t{}\n",
                            cm["name"].as_str().unwrap_or(""),
                            opt(cm)
                        ),
                    );
                } else if let Some(t) = src.get("serviceAccountToken").filter(|x| !x.is_null()) {
                    w.w(
                        2,
                        &format!(
                            "TokenExpirationSeconds:\t{}\n",
                            t["expirationSeconds"].as_i64().unwrap_or(3607)
                        ),
                    );
                }
            }
        } else if let Some(n) = s("nfs") {
            w.w(2, &format!("Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n", n["server"].as_str().unwrap_or(""), n["path"].as_str().unwrap_or(""), n["readOnly"] == true));
        } else if s("downwardAPI").is_some() {
            w.w(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
            for item in array_at(v, &["downwardAPI", "items"]) {
                if let Some(f) = item.get("fieldRef").filter(|x| !x.is_null()) {
                    w.w(
                        3,
                        &format!(
                            "{} -> {}\n",
                            f["fieldPath"].as_str().unwrap_or(""),
                            item["path"].as_str().unwrap_or("")
                        ),
                    );
                }
            }
        } else if let Some(c) = s("csi") {
            w.w(2, &format!("Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n", c["driver"].as_str().unwrap_or(""), c["fsType"].as_str().unwrap_or(""), c["readOnly"] == true));
        } else if s("ephemeral").is_some() {
            w.w(2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n");
        } else {
            w.w(1, "<unknown>\n");
        }
    }
}

/// `printTolerationsMultilineWithIndent`.
pub(crate) fn tolerations(w: &mut W, initial: &str, title: &str, inner: &str, list: &[Value]) {
    w.w(0, &format!("{initial}{title}:{inner}"));
    if list.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&Value> = list.iter().collect();
    sorted.sort_by(|a, b| {
        a["key"]
            .as_str()
            .unwrap_or("")
            .cmp(b["key"].as_str().unwrap_or(""))
    });
    for (i, t) in sorted.iter().enumerate() {
        if i != 0 {
            w.w(0, initial);
            w.w(0, inner);
        }
        let key = t["key"].as_str().unwrap_or("");
        let value = t["value"].as_str().unwrap_or("");
        let effect = t["effect"].as_str().unwrap_or("");
        let mut s = key.to_string();
        if !value.is_empty() {
            s.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            s.push_str(&format!(":{effect}"));
        }
        if t["operator"] == "Exists" && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                s.push_str(" op=Exists");
            } else {
                s.push_str("op=Exists");
            }
        }
        if let Some(secs) = t["tolerationSeconds"].as_i64() {
            s.push_str(&format!(" for {secs}s"));
        }
        w.w(0, &format!("{s}\n"));
    }
}

/// `describeTopologySpreadConstraints`.
pub(crate) fn spread_constraints(w: &mut W, list: &[Value], space: &str) {
    if list.is_empty() {
        return;
    }
    let mut sorted: Vec<&Value> = list.iter().collect();
    sorted.sort_by(|a, b| a["topologyKey"].as_str().cmp(&b["topologyKey"].as_str()));
    w.w(0, &format!("{space}Topology Spread Constraints:\t"));
    for (i, t) in sorted.iter().enumerate() {
        if i != 0 {
            w.w(0, space);
            w.w(0, "\t");
        }
        let mut s = format!(
            "{}:{} when max skew {} is exceeded",
            t["topologyKey"].as_str().unwrap_or(""),
            t["whenUnsatisfiable"].as_str().unwrap_or(""),
            t["maxSkew"].as_i64().unwrap_or(0)
        );
        if t.get("labelSelector").is_some_and(|l| !l.is_null()) {
            s.push_str(&format!(
                " for selector {}",
                format_label_selector(t.get("labelSelector"))
            ));
        }
        w.w(0, &format!("{s}\n"));
    }
}

/// `DescribePodTemplate`.
pub(crate) fn pod_template(w: &mut W, t: &Value) {
    w.w(0, "Pod Template:\n");
    if t.is_null() {
        w.w(1, "<unset>");
        return;
    }
    labels_multiline(w, "", "  Labels", "\t", &object::labels(t));
    let ann = object::string_map(t, &["metadata", "annotations"]);
    if !ann.is_empty() {
        annotations(w, "  Annotations", &ann);
    }
    let spec = &t["spec"];
    if let Some(sa) = spec["serviceAccountName"]
        .as_str()
        .filter(|s| !s.is_empty())
    {
        w.w(1, &format!("Service Account:\t{sa}\n"));
    }
    let inits = array_at(spec, &["initContainers"]);
    if !inits.is_empty() {
        containers(w, "Init Containers", inits, None, "  ", None);
    }
    containers(
        w,
        "Containers",
        array_at(spec, &["containers"]),
        None,
        "  ",
        None,
    );
    volumes(w, array_at(spec, &["volumes"]), "  ");
    spread_constraints(w, array_at(spec, &["topologySpreadConstraints"]), "  ");
    if let Some(pc) = spec["priorityClassName"].as_str().filter(|s| !s.is_empty()) {
        w.w(1, &format!("Priority Class Name:\t{pc}\n"));
    }
    labels_multiline(
        w,
        "",
        "  Node-Selectors",
        "\t",
        &object::string_map(spec, &["nodeSelector"]),
    );
    tolerations(
        w,
        "",
        "  Tolerations",
        "\t",
        array_at(spec, &["tolerations"]),
    );
}
