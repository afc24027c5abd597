//! The core/v1 describers of describe.go: `describeNode` (with `describeNodeLease` and
//! `describeNodeResource`), `describeService`, the ConfigMap and Secret describers,
//! `describeNamespace` (with `DescribeResourceQuotas` and `DescribeLimitRanges`),
//! `describeQuota`, `describeLimitRange`, `describePersistentVolume(Claim)` and
//! `describePriorityClass`.
use super::{annotations, events, events_section, labels, time_at, Env, W};
use crate::api::object::{self, array_at, str_at};
use crate::api::Value;
use crate::kubectl::base64;
use crate::kubectl::printers::cluster::{access_modes, node_roles, storage_class};
use crate::kubectl::printers::{format_labels, int_or_string, since};
use crate::kubectl::quantity::{canonical, Amount};
use crate::kubectl::taint::taint_text;
use std::collections::BTreeMap;

/// A `ResourceList` as amounts, by name (sorted as `SortableResourceNames`).
type List = BTreeMap<String, Amount>;

fn list_of(v: &Value) -> List {
    v.as_object()
        .into_iter()
        .flatten()
        .map(|(k, q)| (k.to_string(), Amount::of(q)))
        .collect()
}

/// `addResourceList`.
fn add_list(to: &mut List, from: &List) {
    for (k, v) in from {
        match to.get_mut(k) {
            Some(have) => have.add(*v),
            None => {
                to.insert(k.clone(), *v);
            }
        }
    }
}

/// `maxResourceList`.
fn max_list(to: &mut List, from: &List) {
    for (k, v) in from {
        match to.get_mut(k) {
            Some(have) if have.less(v) => *have = *v,
            Some(_) => {}
            None => {
                to.insert(k.clone(), *v);
            }
        }
    }
}

/// `resourcehelper.PodRequestsAndLimits` (k8s.io/kubectl/pkg/util/resource): the sum over
/// containers, raised to the largest init container (restartable init containers add up),
/// plus the overhead (on non-zero limits only).
fn pod_requests_and_limits(p: &Value) -> (List, List) {
    let spec = &p["spec"];
    let mut out = [List::new(), List::new()];
    for (i, key) in ["requests", "limits"].iter().enumerate() {
        let total = &mut out[i];
        for c in array_at(spec, &["containers"]) {
            add_list(total, &list_of(&c["resources"][*key]));
        }
        let mut restartable = List::new();
        let mut init = List::new();
        for c in array_at(spec, &["initContainers"]) {
            let mut own = list_of(&c["resources"][*key]);
            if c["restartPolicy"] == "Always" {
                add_list(total, &own);
                add_list(&mut restartable, &own);
                own = restartable.clone();
            } else {
                add_list(&mut own, &restartable);
            }
            max_list(&mut init, &own);
        }
        max_list(total, &init);
    }
    let overhead = list_of(&spec["overhead"]);
    let [mut reqs, mut limits] = out;
    add_list(&mut reqs, &overhead);
    for (k, v) in &overhead {
        if let Some(l) = limits.get_mut(k).filter(|l| l.milli() != 0) {
            l.add(*v);
        }
    }
    (reqs, limits)
}

fn get(list: &List, name: &str) -> Amount {
    list.get(name).copied().unwrap_or_default()
}

/// `int64(float64(a) / float64(b) * 100)` (0 when `b` is 0, as the totals guard it; the
/// per-pod rows divide anyway and Go prints the overflowed value, which we clamp).
fn percent(a: i64, b: i64) -> i64 {
    if b == 0 {
        return 0;
    }
    (a as f64 / b as f64 * 100.0) as i64
}

pub(crate) fn node(env: &Env<'_>, n: &Value) -> String {
    let mut w = W::default();
    let name = object::name(n);
    w.w(0, &format!("Name:\t{name}\n"));
    w.w(0, &format!("Roles:\t{}\n", node_roles(n)));
    labels(&mut w, "Labels", &object::labels(n));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(n, &["metadata", "annotations"]),
    );
    w.w(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_at(n, &["metadata", "creationTimestamp"])
        ),
    );
    // printNodeTaintsMultiline: sorted by effect, then key.
    let mut taints: Vec<&Value> = array_at(n, &["spec", "taints"]).iter().collect();
    taints.sort_by_key(|t| {
        format!(
            "{},{}",
            t["effect"].as_str().unwrap_or(""),
            t["key"].as_str().unwrap_or("")
        )
    });
    w.w(0, "Taints:\t");
    if taints.is_empty() {
        w.line("<none>");
    }
    for (i, t) in taints.iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        w.w(0, &format!("{}\n", taint_text(t)));
    }
    w.w(
        0,
        &format!("Unschedulable:\t{}\n", n["spec"]["unschedulable"] == true),
    );
    let lease = env
        .list("Lease", "coordination.k8s.io/v1", Some("kube-node-lease"))
        .into_iter()
        .find(|l| object::name(l) == name);
    match lease {
        Some(l) => {
            w.w(0, "Lease:\n");
            let unset = |s: Option<String>| s.unwrap_or_else(|| "<unset>".into());
            w.w(
                1,
                &format!(
                    "HolderIdentity:\t{}\n",
                    unset(str_at(&l, &["spec", "holderIdentity"]).map(String::from))
                ),
            );
            for (title, key) in [("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")] {
                let t = str_at(&l, &["spec", key]).map(|_| time_at(&l, &["spec", key]));
                w.w(1, &format!("{title}:\t{}\n", unset(t)));
            }
        }
        None => w.w(
            0,
            &format!(
                "Lease:\tFailed to get lease: leases.coordination.k8s.io \"{name}\" not found\n"
            ),
        ),
    }
    let conds = array_at(n, &["status", "conditions"]);
    if !conds.is_empty() {
        w.w(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conds {
            w.w(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c["type"].as_str().unwrap_or(""),
                    c["status"].as_str().unwrap_or(""),
                    time_at(c, &["lastHeartbeatTime"]),
                    time_at(c, &["lastTransitionTime"]),
                    c["reason"].as_str().unwrap_or(""),
                    c["message"].as_str().unwrap_or("")
                ),
            );
        }
    }
    w.w(0, "Addresses:\n");
    for a in array_at(n, &["status", "addresses"]) {
        w.w(
            1,
            &format!(
                "{}:\t{}\n",
                a["type"].as_str().unwrap_or(""),
                a["address"].as_str().unwrap_or("")
            ),
        );
    }
    let capacity = list_of(&n["status"]["capacity"]);
    let allocatable_own = list_of(&n["status"]["allocatable"]);
    for (title, list) in [("Capacity", &capacity), ("Allocatable", &allocatable_own)] {
        if !list.is_empty() {
            w.w(0, &format!("{title}:\n"));
            for (k, v) in list {
                w.w(0, &format!("  {k}:\t{v}\n"));
            }
        }
    }
    let info = &n["status"]["nodeInfo"];
    w.w(0, "System Info:\n");
    for (title, key) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        w.w(
            0,
            &format!("  {title}:\t{}\n", info[key].as_str().unwrap_or("")),
        );
    }
    if let Some(c) = str_at(n, &["spec", "podCIDR"]).filter(|s| !s.is_empty()) {
        w.w(0, &format!("PodCIDR:\t{c}\n"));
    }
    let cidrs: Vec<&str> = array_at(n, &["spec", "podCIDRs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !cidrs.is_empty() {
        w.w(0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    if let Some(p) = str_at(n, &["spec", "providerID"]).filter(|s| !s.is_empty()) {
        w.w(0, &format!("ProviderID:\t{p}\n"));
    }
    // Non-terminated pods: spec.nodeName=name, phase not Succeeded/Failed.
    let pods: Vec<Value> = env
        .list("Pod", "v1", None)
        .into_iter()
        .filter(|p| {
            str_at(p, &["spec", "nodeName"]) == Some(name)
                && !matches!(
                    str_at(p, &["status", "phase"]),
                    Some("Succeeded") | Some("Failed")
                )
        })
        .collect();
    let allocatable = if allocatable_own.is_empty() {
        capacity
    } else {
        allocatable_own
    };
    node_resources(&mut w, &pods, &allocatable, env.now);
    if env.show_events {
        // Events name the node by uid (controllers) or by name (kubelet).
        let mut evs = env.events_for(n, false);
        let mut by_name = n.clone();
        if let Some(m) = by_name.get_mut("metadata").and_then(Value::as_object_mut) {
            m.insert("uid", Value::from(name));
        }
        if object::uid(n) != name {
            evs.extend(env.events_for(&by_name, false));
        }
        events(&mut w, &evs, env.now);
    }
    w.finish()
}

/// `describeNodeResource`.
fn node_resources(w: &mut W, pods: &[Value], allocatable: &List, now: i64) {
    w.w(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.w(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.w(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let alloc_cpu = get(allocatable, "cpu").milli();
    let alloc_mem = get(allocatable, "memory").value();
    let mut reqs = List::new();
    let mut limits = List::new();
    for p in pods {
        let (r, l) = pod_requests_and_limits(p);
        let (cr, cl, mr, ml) = (
            get(&r, "cpu"),
            get(&l, "cpu"),
            get(&r, "memory"),
            get(&l, "memory"),
        );
        w.w(
            1,
            &format!(
                "{}\t{}\t\t{cr} ({}%)\t{cl} ({}%)\t{mr} ({}%)\t{ml} ({}%)\t{}\n",
                object::namespace(p),
                object::name(p),
                percent(cr.milli(), alloc_cpu),
                percent(cl.milli(), alloc_cpu),
                percent(mr.value(), alloc_mem),
                percent(ml.value(), alloc_mem),
                since(str_at(p, &["metadata", "creationTimestamp"]), now)
            ),
        );
        add_list(&mut reqs, &r);
        add_list(&mut limits, &l);
    }
    w.w(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.w(1, "Resource\tRequests\tLimits\n");
    w.w(1, "--------\t--------\t------\n");
    for (name, of) in [
        ("cpu", Amount::milli as fn(&Amount) -> i64),
        ("memory", Amount::value),
        ("ephemeral-storage", Amount::value),
    ] {
        let (r, l, a) = (
            get(&reqs, name),
            get(&limits, name),
            of(&get(allocatable, name)),
        );
        w.w(
            1,
            &format!(
                "{name}\t{r} ({}%)\t{l} ({}%)\n",
                percent(of(&r), a),
                percent(of(&l), a)
            ),
        );
    }
    let standard = |r: &str| {
        matches!(
            r,
            "cpu" | "memory" | "ephemeral-storage" | "storage" | "pods"
        ) || r.starts_with("requests.")
            || r.starts_with("limits.")
    };
    let huge: Vec<&String> = allocatable
        .keys()
        .filter(|k| k.starts_with("hugepages-"))
        .collect();
    let ext: Vec<&String> = allocatable
        .keys()
        .filter(|k| !k.starts_with("hugepages-") && !standard(k))
        .collect();
    for h in huge {
        let (r, l, a) = (get(&reqs, h), get(&limits, h), get(allocatable, h).value());
        w.w(
            1,
            &format!(
                "{h}\t{r} ({}%)\t{l} ({}%)\n",
                percent(r.value(), a),
                percent(l.value(), a)
            ),
        );
    }
    for e in ext {
        w.w(1, &format!("{e}\t{}\t{}\n", get(&reqs, e), get(&limits, e)));
    }
}

/// `formatEndpointSlices` for one service port (by name): at most three `ip:port`, then
/// ` + N more...`; `<none>` without slices.
pub(super) fn endpoints(slices: &[Value], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let (mut list, mut more, mut count) = (Vec::new(), false, 0usize);
    let ready = |e: &Value| e["conditions"]["ready"].as_bool().unwrap_or(true);
    for s in slices {
        let ports = array_at(s, &["ports"]);
        if ports.is_empty() {
            for e in array_at(s, &["endpoints"]) {
                if list.len() == max {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(e["addresses"][0].as_str().unwrap_or("").to_string());
                }
                count += 1;
            }
            continue;
        }
        for port in ports {
            if port["name"].as_str().unwrap_or("") != port_name {
                continue;
            }
            for e in array_at(s, &["endpoints"]) {
                if list.len() == max {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    let addr = e["addresses"][0].as_str().unwrap_or("");
                    let p = port["port"].as_i64().unwrap_or(0);
                    list.push(if addr.contains(':') {
                        format!("[{addr}]:{p}")
                    } else {
                        format!("{addr}:{p}")
                    });
                }
                count += 1;
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count.saturating_sub(max))
    } else {
        ret
    }
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

pub(crate) fn service(env: &Env<'_>, s: &Value) -> String {
    let mut w = W::default();
    let spec = &s["spec"];
    w.w(0, &format!("Name:\t{}\n", object::name(s)));
    w.w(0, &format!("Namespace:\t{}\n", object::namespace(s)));
    labels(&mut w, "Labels", &object::labels(s));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(s, &["metadata", "annotations"]),
    );
    w.w(
        0,
        &format!(
            "Selector:\t{}\n",
            format_selector_map(&object::string_map(s, &["spec", "selector"]))
        ),
    );
    w.w(
        0,
        &format!("Type:\t{}\n", spec["type"].as_str().unwrap_or("")),
    );
    if let Some(p) = spec["ipFamilyPolicy"].as_str() {
        w.w(0, &format!("IP Family Policy:\t{p}\n"));
    }
    let fams = strings(&spec["ipFamilies"]);
    w.w(
        0,
        &format!(
            "IP Families:\t{}\n",
            if fams.is_empty() {
                "<none>".into()
            } else {
                fams.join(",")
            }
        ),
    );
    w.w(
        0,
        &format!("IP:\t{}\n", spec["clusterIP"].as_str().unwrap_or("")),
    );
    let ips = strings(&spec["clusterIPs"]);
    w.w(
        0,
        &format!(
            "IPs:\t{}\n",
            if ips.is_empty() {
                "<none>".into()
            } else {
                ips.join(",")
            }
        ),
    );
    let ext = strings(&spec["externalIPs"]);
    if !ext.is_empty() {
        w.w(0, &format!("External IPs:\t{}\n", ext.join(",")));
    }
    if let Some(ip) = spec["loadBalancerIP"].as_str().filter(|s| !s.is_empty()) {
        w.w(0, &format!("Desired LoadBalancer IP:\t{ip}\n"));
    }
    if let Some(n) = spec["externalName"].as_str().filter(|s| !s.is_empty()) {
        w.w(0, &format!("External Name:\t{n}\n"));
    }
    let ingress = array_at(s, &["status", "loadBalancer", "ingress"]);
    if !ingress.is_empty() {
        let list: Vec<String> = ingress
            .iter()
            .map(|i| match i["ip"].as_str().filter(|s| !s.is_empty()) {
                Some(ip) => match i["ipMode"].as_str() {
                    Some(m) => format!("{ip} ({m})"),
                    None => ip.to_string(),
                },
                None => i["hostname"].as_str().unwrap_or("").to_string(),
            })
            .collect();
        w.w(0, &format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    let slices: Vec<Value> = env
        .list(
            "EndpointSlice",
            "discovery.k8s.io/v1",
            Some(object::namespace(s)),
        )
        .into_iter()
        .filter(|e| {
            str_at(e, &["metadata", "labels", "kubernetes.io/service-name"])
                == Some(object::name(s))
        })
        .collect();
    for p in array_at(s, &["spec", "ports"]) {
        let raw = p["name"].as_str().unwrap_or("");
        let name = if raw.is_empty() { "<unset>" } else { raw };
        let proto = p["protocol"].as_str().unwrap_or("");
        w.w(
            0,
            &format!(
                "Port:\t{name}\t{}/{proto}\n",
                p["port"].as_i64().unwrap_or(0)
            ),
        );
        w.w(
            0,
            &format!("TargetPort:\t{}/{proto}\n", int_or_string(&p["targetPort"])),
        );
        if let Some(np) = p["nodePort"].as_i64().filter(|n| *n != 0) {
            w.w(0, &format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        w.w(0, &format!("Endpoints:\t{}\n", endpoints(&slices, raw)));
    }
    w.w(
        0,
        &format!(
            "Session Affinity:\t{}\n",
            spec["sessionAffinity"].as_str().unwrap_or("")
        ),
    );
    if let Some(p) = spec["externalTrafficPolicy"]
        .as_str()
        .filter(|s| !s.is_empty())
    {
        w.w(0, &format!("External Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = spec["internalTrafficPolicy"].as_str() {
        w.w(0, &format!("Internal Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = spec["healthCheckNodePort"].as_i64().filter(|n| *n != 0) {
        w.w(0, &format!("HealthCheck NodePort:\t{p}\n"));
    }
    let ranges = strings(&spec["loadBalancerSourceRanges"]);
    if !ranges.is_empty() {
        w.w(
            0,
            &format!("LoadBalancer Source Ranges:\t{}\n", ranges.join(",")),
        );
    }
    events_section(&mut w, env, s, false);
    w.finish()
}

/// `labels.FormatLabels` of a map.
fn format_selector_map(m: &BTreeMap<String, String>) -> String {
    format_labels(m)
}

pub(crate) fn configmap(env: &Env<'_>, c: &Value) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", object::name(c)));
    w.w(0, &format!("Namespace:\t{}\n", object::namespace(c)));
    labels(&mut w, "Labels", &object::labels(c));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(c, &["metadata", "annotations"]),
    );
    w.w(0, "\nData\n====\n");
    for (k, v) in object::string_map(c, &["data"]) {
        w.w(0, &format!("{k}:\n----\n"));
        w.w(0, &format!("{v}\n"));
        w.w(0, "\n");
    }
    w.w(0, "\nBinaryData\n====\n");
    for (k, v) in object::string_map(c, &["binaryData"]) {
        let len = base64::decode(&v).map_or(0, |b| b.len());
        w.w(0, &format!("{k}: {len} bytes\n"));
    }
    w.w(0, "\n");
    events_section(&mut w, env, c, false);
    w.finish()
}

pub(crate) fn secret(s: &Value) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", object::name(s)));
    w.w(0, &format!("Namespace:\t{}\n", object::namespace(s)));
    labels(&mut w, "Labels", &object::labels(s));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(s, &["metadata", "annotations"]),
    );
    let ty = s["type"].as_str().unwrap_or("");
    w.w(0, &format!("\nType:\t{ty}\n"));
    w.w(0, "\nData\n====\n");
    for (k, v) in object::string_map(s, &["data"]) {
        let bytes = base64::decode(&v).unwrap_or_default();
        if k == "token" && ty == "kubernetes.io/service-account-token" {
            w.w(0, &format!("{k}:\t{}\n", String::from_utf8_lossy(&bytes)));
        } else {
            w.w(0, &format!("{k}:\t{} bytes\n", bytes.len()));
        }
    }
    w.finish()
}

pub(crate) fn namespace(env: &Env<'_>, n: &Value) -> String {
    let mut w = W::default();
    let name = object::name(n);
    w.w(0, &format!("Name:\t{name}\n"));
    labels(&mut w, "Labels", &object::labels(n));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(n, &["metadata", "annotations"]),
    );
    w.w(
        0,
        &format!(
            "Status:\t{}\n",
            str_at(n, &["status", "phase"]).unwrap_or("")
        ),
    );
    let conds = array_at(n, &["status", "conditions"]);
    if !conds.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.w(1, "----\t------\t------------------\t------\t-------\n");
        for c in conds {
            w.w(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    c["type"].as_str().unwrap_or(""),
                    c["status"].as_str().unwrap_or(""),
                    time_at(c, &["lastTransitionTime"]),
                    c["reason"].as_str().unwrap_or(""),
                    c["message"].as_str().unwrap_or("")
                ),
            );
        }
    }
    w.w(0, "\n");
    let mut quotas = env.list("ResourceQuota", "v1", Some(name));
    if quotas.is_empty() {
        w.w(0, "No resource quota.\n");
    } else {
        quotas.sort_by(|a, b| object::name(a).cmp(object::name(b)));
        w.w(0, "Resource Quotas\n");
        for q in &quotas {
            w.w(1, &format!("Name:\t{}\n", object::name(q)));
            quota_scopes(&mut w, q, 1, "* ");
            w.w(1, "Resource\tUsed\tHard\n");
            w.w(1, "--------\t---\t---\n");
            for (r, hard) in list_of(&q["status"]["hard"]) {
                let used = Amount::of(&q["status"]["used"][r.as_str()]);
                w.w(1, &format!("{r}\t{used}\t{hard}\n"));
            }
        }
    }
    w.w(0, "\n");
    let ranges = env.list("LimitRange", "v1", Some(name));
    if ranges.is_empty() {
        w.w(0, "No LimitRange resource.\n");
    } else {
        w.w(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
        w.w(
            0,
            " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
        );
        for r in &ranges {
            limit_range_spec(&mut w, r, " ");
        }
    }
    w.finish()
}

/// `helpTextForResourceQuotaScope`.
fn scope_help(scope: &str) -> &'static str {
    match scope {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => "",
    }
}

fn quota_scopes(w: &mut W, q: &Value, level: usize, bullet: &str) {
    let mut scopes = strings(&q["spec"]["scopes"]);
    if scopes.is_empty() {
        return;
    }
    scopes.sort_unstable();
    w.w(level, &format!("Scopes:\t{}\n", scopes.join(", ")));
    for s in scopes {
        let help = scope_help(s);
        if !help.is_empty() {
            w.w(level, &format!("{bullet}{help}\n"));
        }
    }
}

pub(crate) fn quota(q: &Value) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", object::name(q)));
    w.w(0, &format!("Namespace:\t{}\n", object::namespace(q)));
    quota_scopes(&mut w, q, 0, " * ");
    w.w(0, "Resource\tUsed\tHard\n");
    w.w(0, "--------\t----\t----\n");
    for (r, hard) in list_of(&q["status"]["hard"]) {
        let used = Amount::of(&q["status"]["used"][r.as_str()]).in_format_of(&hard);
        w.w(0, &format!("{r}\t{used}\t{hard}\n"));
    }
    w.finish()
}

/// `describeLimitRangeSpec` (resources sorted; Go iterates a map).
fn limit_range_spec(w: &mut W, lr: &Value, prefix: &str) {
    for item in array_at(lr, &["spec", "limits"]) {
        let fields = [
            "min",
            "max",
            "defaultRequest",
            "default",
            "maxLimitRequestRatio",
        ];
        let mut names: Vec<String> = fields
            .iter()
            .flat_map(|f| {
                item[*f]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k.to_string())
            })
            .collect();
        names.sort();
        names.dedup();
        for k in names {
            let cell = |f: &str| match item[f].get(k.as_str()) {
                Some(v) => canonical(&int_or_string(v)),
                None => "-".into(),
            };
            w.w(
                0,
                &format!(
                    "{prefix}{}\t{k}\t{}\t{}\t{}\t{}\t{}\n",
                    item["type"].as_str().unwrap_or(""),
                    cell("min"),
                    cell("max"),
                    cell("defaultRequest"),
                    cell("default"),
                    cell("maxLimitRequestRatio")
                ),
            );
        }
    }
}

pub(crate) fn limit_range(lr: &Value) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", object::name(lr)));
    w.w(0, &format!("Namespace:\t{}\n", object::namespace(lr)));
    w.w(
        0,
        "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    );
    w.w(
        0,
        "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
    );
    limit_range_spec(&mut w, lr, "");
    w.finish()
}

/// `%v` of a string slice field (`[a b]`, `[]` when absent).
fn go_strings(v: &Value) -> String {
    format!("[{}]", strings(v).join(" "))
}

pub(crate) fn pv(env: &Env<'_>, pv: &Value) -> String {
    let mut w = W::default();
    let spec = &pv["spec"];
    w.w(0, &format!("Name:\t{}\n", object::name(pv)));
    labels(&mut w, "Labels", &object::labels(pv));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(pv, &["metadata", "annotations"]),
    );
    w.w(
        0,
        &format!(
            "Finalizers:\t{}\n",
            go_strings(&pv["metadata"]["finalizers"])
        ),
    );
    w.w(0, &format!("StorageClass:\t{}\n", storage_class(pv)));
    volume_status(&mut w, pv, env.now);
    let claim = match spec.get("claimRef").filter(|c| !c.is_null()) {
        Some(c) => format!(
            "{}/{}",
            c["namespace"].as_str().unwrap_or(""),
            c["name"].as_str().unwrap_or("")
        ),
        None => String::new(),
    };
    w.w(0, &format!("Claim:\t{claim}\n"));
    w.w(
        0,
        &format!(
            "Reclaim Policy:\t{}\n",
            spec["persistentVolumeReclaimPolicy"].as_str().unwrap_or("")
        ),
    );
    w.w(
        0,
        &format!(
            "Access Modes:\t{}\n",
            access_modes(array_at(spec, &["accessModes"]))
        ),
    );
    if let Some(m) = spec["volumeMode"].as_str() {
        w.w(0, &format!("VolumeMode:\t{m}\n"));
    }
    w.w(
        0,
        &format!("Capacity:\t{}\n", Amount::of(&spec["capacity"]["storage"])),
    );
    // printVolumeNodeAffinity.
    w.w(0, "Node Affinity:\t");
    match spec["nodeAffinity"]
        .get("required")
        .filter(|r| !r.is_null())
    {
        None => w.line("<none>"),
        Some(req) => {
            w.line("");
            w.w(1, "Required Terms:\t");
            let terms = array_at(req, &["nodeSelectorTerms"]);
            if terms.is_empty() {
                w.line("<none>");
            } else {
                w.line("");
                for (i, t) in terms.iter().enumerate() {
                    w.w(2, &format!("Term {i}:\t"));
                    let exprs = array_at(t, &["matchExpressions"]);
                    if exprs.is_empty() {
                        w.line("<none>");
                    }
                    for (j, e) in exprs.iter().enumerate() {
                        if j != 0 {
                            w.w(2, "\t");
                        }
                        let mut s = format!(
                            "{} {}",
                            e["key"].as_str().unwrap_or(""),
                            e["operator"].as_str().unwrap_or("").to_lowercase()
                        );
                        let vals = strings(&e["values"]);
                        if !vals.is_empty() {
                            s.push_str(&format!(" [{}]", vals.join(", ")));
                        }
                        w.w(0, &format!("{s}\n"));
                    }
                }
            }
        }
    }
    w.w(
        0,
        &format!(
            "Message:\t{}\n",
            str_at(pv, &["status", "message"]).unwrap_or("")
        ),
    );
    w.w(0, "Source:\n");
    let b = |v: &Value| v.as_bool().unwrap_or(false);
    if let Some(h) = spec.get("hostPath").filter(|v| !v.is_null()) {
        w.w(
            2,
            &format!(
                "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                h["path"].as_str().unwrap_or(""),
                h["type"].as_str().unwrap_or("<none>")
            ),
        );
    } else if let Some(n) = spec.get("nfs").filter(|v| !v.is_null()) {
        w.w(
            2,
            &format!(
                "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
                n["server"].as_str().unwrap_or(""),
                n["path"].as_str().unwrap_or(""),
                b(&n["readOnly"])
            ),
        );
    } else if let Some(l) = spec.get("local").filter(|v| !v.is_null()) {
        w.w(
            2,
            &format!(
                "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n",
                l["path"].as_str().unwrap_or("")
            ),
        );
    } else if let Some(c) = spec.get("csi").filter(|v| !v.is_null()) {
        w.w(
            2,
            &format!(
                "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n",
                c["driver"].as_str().unwrap_or(""),
                c["fsType"].as_str().unwrap_or(""),
                c["volumeHandle"].as_str().unwrap_or(""),
                b(&c["readOnly"])
            ),
        );
        // printCSIPersistentVolumeAttributesMultiline.
        let attrs = object::string_map(c, &["volumeAttributes"]);
        w.w(0, "    VolumeAttributes:\t");
        if attrs.is_empty() {
            w.line("<none>");
        }
        for (i, (k, v)) in attrs.iter().enumerate() {
            if i != 0 {
                w.w(0, "    \t");
            }
            w.w(0, &format!("   {k}={v}\n"));
        }
    } else {
        w.w(1, "<unknown>\n");
    }
    events_section(&mut w, env, pv, false);
    w.finish()
}

pub(crate) fn pvc(env: &Env<'_>, c: &Value) -> String {
    let mut w = W::default();
    let spec = &c["spec"];
    let name = object::name(c);
    w.w(0, &format!("Name:\t{name}\n"));
    w.w(0, &format!("Namespace:\t{}\n", object::namespace(c)));
    w.w(0, &format!("StorageClass:\t{}\n", storage_class(c)));
    volume_status(&mut w, c, env.now);
    let volume = spec["volumeName"].as_str().unwrap_or("");
    w.w(0, &format!("Volume:\t{volume}\n"));
    labels(&mut w, "Labels", &object::labels(c));
    annotations(
        &mut w,
        "Annotations",
        &object::string_map(c, &["metadata", "annotations"]),
    );
    w.w(
        0,
        &format!(
            "Finalizers:\t{}\n",
            go_strings(&c["metadata"]["finalizers"])
        ),
    );
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            Amount::of(&c["status"]["capacity"]["storage"]).to_string(),
            access_modes(array_at(c, &["status", "accessModes"])),
        )
    };
    w.w(0, &format!("Capacity:\t{capacity}\n"));
    w.w(0, &format!("Access Modes:\t{modes}\n"));
    if let Some(m) = spec["volumeMode"].as_str() {
        w.w(0, &format!("VolumeMode:\t{m}\n"));
    }
    if let Some(ds) = spec.get("dataSource").filter(|d| !d.is_null()) {
        w.w(0, "DataSource:\n");
        if let Some(g) = ds["apiGroup"].as_str() {
            w.w(1, &format!("APIGroup:\t{g}\n"));
        }
        w.w(
            1,
            &format!("Kind:\t{}\n", ds["kind"].as_str().unwrap_or("")),
        );
        w.w(
            1,
            &format!("Name:\t{}\n", ds["name"].as_str().unwrap_or("")),
        );
    }
    // getPodsForPVC: pods mounting the claim (once per volume), then owner pods.
    let pods = env.list("Pod", "v1", Some(object::namespace(c)));
    let mut users: Vec<&Value> = Vec::new();
    for p in &pods {
        for v in array_at(p, &["spec", "volumes"]) {
            if v["persistentVolumeClaim"]["claimName"] == name {
                users.push(p);
            }
        }
    }
    for owner in array_at(c, &["metadata", "ownerReferences"]) {
        if owner["kind"] != "Pod" {
            continue;
        }
        if let Some(p) = pods.iter().find(|p| owner["uid"] == object::uid(p)) {
            if !users.iter().any(|u| object::uid(u) == object::uid(p)) {
                users.push(p);
            }
        }
    }
    users.sort_by(|a, b| object::name(a).cmp(object::name(b)));
    w.w(0, "Used By:\t");
    if users.is_empty() {
        w.line("<none>");
    }
    for (i, p) in users.iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        w.w(0, &format!("{}\n", object::name(p)));
    }
    let conds = array_at(c, &["status", "conditions"]);
    if !conds.is_empty() {
        w.w(0, "Conditions:\n");
        w.w(
            1,
            "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for cond in conds {
            w.w(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    cond["type"].as_str().unwrap_or(""),
                    cond["status"].as_str().unwrap_or(""),
                    time_at(cond, &["lastProbeTime"]),
                    time_at(cond, &["lastTransitionTime"]),
                    cond["reason"].as_str().unwrap_or(""),
                    cond["message"].as_str().unwrap_or("")
                ),
            );
        }
    }
    events_section(&mut w, env, c, false);
    w.finish()
}

pub(crate) fn priority_class(env: &Env<'_>, pc: &Value) -> String {
    let mut w = W::default();
    w.w(0, &format!("Name:\t{}\n", object::name(pc)));
    w.w(
        0,
        &format!("Value:\t{}\n", pc["value"].as_i64().unwrap_or(0)),
    );
    w.w(
        0,
        &format!("GlobalDefault:\t{}\n", pc["globalDefault"] == true),
    );
    w.w(
        0,
        &format!(
            "PreemptionPolicy:\t{}\n",
            pc["preemptionPolicy"]
                .as_str()
                .unwrap_or("PreemptLowerPriority")
        ),
    );
    w.w(
        0,
        &format!(
            "Description:\t{}\n",
            pc["description"].as_str().unwrap_or("")
        ),
    );
    w.w(
        0,
        &format!(
            "Annotations:\t{}\n",
            format_labels(&object::string_map(pc, &["metadata", "annotations"]))
        ),
    );
    events_section(&mut w, env, pc, false);
    w.finish()
}

/// The `Status:` line of a PersistentVolume or claim: `Terminating (lasts AGE)` while it is
/// being deleted, else its phase (describe.go describePersistentVolume and
/// describePersistentVolumeClaim print it the same way).
fn volume_status(w: &mut W, o: &Value, now: i64) {
    if o["metadata"]
        .get("deletionTimestamp")
        .is_some_and(|t| !t.is_null())
    {
        w.w(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                since(str_at(o, &["metadata", "deletionTimestamp"]), now)
            ),
        );
    } else {
        w.w(
            0,
            &format!(
                "Status:\t{}\n",
                str_at(o, &["status", "phase"]).unwrap_or("")
            ),
        );
    }
}
