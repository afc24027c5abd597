//! NetworkPolicy (networking.k8s.io/v1) evaluation: which policies isolate a pod, and whether
//! traffic from one endpoint reaches another — with the policy (or the absence of one) that
//! decides each direction.
//!
//! Semantics follow kubernetes.io/docs/concepts/services-networking/network-policies and the
//! in-memory model of the upstream conformance tooling (kubernetes-sigs/network-policy-api
//! `policy-assistant/pkg/matcher`: builder.go, portmatcher.go, ippeermatcher.go, policy.go):
//!
//! - A pod is isolated for a direction when a policy in its namespace selects it
//!   (`spec.podSelector`, `{}` = every pod) and lists the direction in its effective
//!   `policyTypes`: `Ingress` always, plus `Egress` when `spec.egress` has rules, unless
//!   `policyTypes` is given (`SetDefaults_NetworkPolicy`, pkg/apis/networking/v1/defaults.go).
//! - An isolated pod accepts only what some selecting policy's rule allows; policies are
//!   additive (a union of allows, never a deny). `ingress: []` or no `ingress` allows nothing;
//!   `ingress: [{}]` allows everything.
//! - A rule matches when one of its peers **and** one of its ports match; missing or empty
//!   `from`/`to`/`ports` match everything.
//! - A peer's `podSelector` alone selects pods in the policy's namespace; `namespaceSelector`
//!   alone selects every pod of the matching namespaces; both in one peer must both hold
//!   (AND); separate peers are alternatives (OR). `ipBlock` matches the address (`cidr` minus
//!   every `except`) — here, pod IPs as well as external addresses.
//! - A port entry matches its `protocol` (default TCP) and, when given, its `port`: a number,
//!   a range up to `endPort`, or a name resolved against the **destination** pod's container
//!   ports (for egress too). Named ports never match external destinations.
//! - Traffic needs the source's egress and the destination's ingress; replies are implicit.
//!   NetworkPolicy behaviour for `hostNetwork` pods is undefined (the docs say so), and
//!   reported as such.
use super::object::{self, array_at, path};
use super::selector::Selector;
use super::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

/// A transport protocol NetworkPolicy ports name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// `TCP`, `UDP`, `SCTP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }

    /// Parses `TCP`/`UDP`/`SCTP` (the API's spelling).
    pub fn parse(s: &str) -> Option<Protocol> {
        match s {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The destination port of the traffic: a number, or a container port name of the
/// destination pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Port {
    Number(i32),
    Name(String),
}

impl From<i32> for Port {
    fn from(n: i32) -> Port {
        Port::Number(n)
    }
}

impl From<&str> for Port {
    fn from(s: &str) -> Port {
        match s.parse::<i32>() {
            Ok(n) => Port::Number(n),
            Err(_) => Port::Name(s.to_string()),
        }
    }
}

/// One end of the traffic: a pod, or an address outside the cluster.
#[derive(Debug, Clone, Copy)]
pub enum Endpoint<'a> {
    Pod(&'a Value),
    External(IpAddr),
}

impl Endpoint<'_> {
    fn describe(&self) -> String {
        match self {
            Endpoint::Pod(p) => pod_ref(p),
            Endpoint::External(ip) => ip.to_string(),
        }
    }
}

/// The objects that decide reachability in one workspace: its NetworkPolicies and Namespaces
/// (whose labels `namespaceSelector` reads).
#[derive(Debug, Clone, Copy)]
pub struct Cluster<'a> {
    pub policies: &'a [Value],
    pub namespaces: &'a [Value],
}

/// A NetworkPolicy, by namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PolicyRef {
    pub namespace: String,
    pub name: String,
}

impl fmt::Display for PolicyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// A traffic direction as `policyTypes` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn word(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

/// The decision for one direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectionVerdict {
    pub direction: Direction,
    pub allowed: bool,
    /// The policies that isolate the subject pod for this direction (empty: not isolated).
    pub isolated_by: Vec<PolicyRef>,
    /// The isolating policies with a rule that allows this traffic.
    pub allowed_by: Vec<PolicyRef>,
    /// One line saying which policy (or the absence of one) decides.
    pub reason: String,
}

/// The overall outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied,
    /// NetworkPolicy does not define the answer (hostNetwork pods, unresolvable named port).
    Undefined,
}

impl Outcome {
    /// The cell of a reachability table: `.` allowed, `X` denied, `?` undefined (the truth
    /// table notation of the upstream conformance tooling).
    pub fn symbol(self) -> char {
        match self {
            Outcome::Allowed => '.',
            Outcome::Denied => 'X',
            Outcome::Undefined => '?',
        }
    }
}

/// The answer to "can `from` reach `to` on this port?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    /// The source pod's egress decision (none for external sources or undefined traffic).
    pub egress: Option<DirectionVerdict>,
    /// The destination pod's ingress decision (none for external destinations or undefined
    /// traffic).
    pub ingress: Option<DirectionVerdict>,
    /// A one-line explanation of the outcome.
    pub reason: String,
}

/// `namespace/name` of a pod.
fn pod_ref(pod: &Value) -> String {
    format!("{}/{}", pod_namespace(pod), object::name(pod))
}

fn pod_namespace(obj: &Value) -> &str {
    match object::namespace(obj) {
        "" => "default",
        ns => ns,
    }
}

fn policy_ref(policy: &Value) -> PolicyRef {
    PolicyRef {
        namespace: pod_namespace(policy).to_string(),
        name: object::name(policy).to_string(),
    }
}

/// A `LabelSelector` that the API treats as a struct (absent = empty = everything).
fn selector_or_all(v: Option<&Value>) -> Option<Selector> {
    match v.filter(|v| !v.is_null()) {
        None => Some(Selector::default()),
        Some(v) => Selector::from_label_selector(Some(v)).ok(),
    }
}

/// The effective `policyTypes` as (ingress, egress) (`SetDefaults_NetworkPolicy`).
pub fn policy_types(policy: &Value) -> (bool, bool) {
    let types = array_at(policy, &["spec", "policyTypes"]);
    if types.is_empty() {
        let egress = !array_at(policy, &["spec", "egress"]).is_empty();
        return (true, egress);
    }
    let has = |t: &str| types.iter().any(|v| v.as_str() == Some(t));
    (has("Ingress"), has("Egress"))
}

/// Whether `policy` selects `pod` (same namespace, `spec.podSelector` matches its labels).
pub fn selects(policy: &Value, pod: &Value) -> bool {
    pod_namespace(policy) == pod_namespace(pod)
        && selector_or_all(path(policy, &["spec", "podSelector"]))
            .is_some_and(|s| s.matches(&object::labels(pod)))
}

/// The policies that isolate `pod` for `direction`, in the order given.
pub fn isolating<'a>(cluster: &Cluster<'a>, pod: &Value, direction: Direction) -> Vec<&'a Value> {
    cluster
        .policies
        .iter()
        .filter(|p| {
            let (ingress, egress) = policy_types(p);
            let applies = match direction {
                Direction::Ingress => ingress,
                Direction::Egress => egress,
            };
            applies && selects(p, pod)
        })
        .collect()
}

/// The labels of a namespace, with `kubernetes.io/metadata.name` (which the API server always
/// sets) even when the Namespace object is not given.
fn namespace_labels(cluster: &Cluster<'_>, ns: &str) -> BTreeMap<String, String> {
    let mut labels = cluster
        .namespaces
        .iter()
        .find(|n| object::name(n) == ns)
        .map(object::labels)
        .unwrap_or_default();
    labels.insert("kubernetes.io/metadata.name".into(), ns.to_string());
    labels
}

/// The pod's IPs (`status.podIPs`, else `status.podIP`).
fn pod_ips(pod: &Value) -> Vec<IpAddr> {
    let mut ips: Vec<IpAddr> = array_at(pod, &["status", "podIPs"])
        .iter()
        .filter_map(|p| p.get("ip").and_then(Value::as_str)?.parse().ok())
        .collect();
    if ips.is_empty() {
        if let Some(ip) = object::str_at(pod, &["status", "podIP"]).and_then(|s| s.parse().ok()) {
            ips.push(ip);
        }
    }
    ips
}

/// Whether `ip` lies in the CIDR `cidr` (`10.0.0.0/24`, `2001:db8::/64`). A malformed CIDR
/// or a different address family contains nothing.
pub fn cidr_contains(cidr: &str, ip: IpAddr) -> bool {
    let Some((base, bits)) = cidr.split_once('/') else {
        return false;
    };
    let (Ok(base), Ok(bits)) = (base.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (base, ip) {
        (IpAddr::V4(b), IpAddr::V4(a)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(b) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(b), IpAddr::V6(a)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(b) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// `ipBlock`: inside `cidr` and outside every `except`.
fn ip_block_matches(block: &Value, ip: IpAddr) -> bool {
    let cidr = block.get("cidr").and_then(Value::as_str).unwrap_or("");
    cidr_contains(cidr, ip)
        && !array_at(block, &["except"])
            .iter()
            .filter_map(Value::as_str)
            .any(|e| cidr_contains(e, ip))
}

/// Whether a `NetworkPolicyPeer` of a policy in `policy_ns` matches the other end.
fn peer_matches(
    cluster: &Cluster<'_>,
    policy_ns: &str,
    peer: &Value,
    other: &Endpoint<'_>,
) -> bool {
    if let Some(block) = peer.get("ipBlock").filter(|b| !b.is_null()) {
        return match other {
            Endpoint::External(ip) => ip_block_matches(block, *ip),
            Endpoint::Pod(p) => pod_ips(p).into_iter().any(|ip| ip_block_matches(block, ip)),
        };
    }
    let Endpoint::Pod(pod) = other else {
        return false;
    };
    let pod_sel = peer.get("podSelector").filter(|v| !v.is_null());
    let ns_sel = peer.get("namespaceSelector").filter(|v| !v.is_null());
    if pod_sel.is_none() && ns_sel.is_none() {
        // Validation requires one of the three fields; an empty peer matches nothing.
        return false;
    }
    let ns = pod_namespace(pod);
    let ns_ok = match ns_sel {
        None => ns == policy_ns,
        Some(sel) => Selector::from_label_selector(Some(sel))
            .is_ok_and(|s| s.matches(&namespace_labels(cluster, ns))),
    };
    ns_ok && selector_or_all(pod_sel).is_some_and(|s| s.matches(&object::labels(pod)))
}

/// The resolved traffic port: number, protocol and the destination pod's name for it.
struct Traffic<'a> {
    port: i32,
    name: Option<&'a str>,
    protocol: Protocol,
}

/// One `NetworkPolicyPort` against the traffic.
fn port_matches(p: &Value, t: &Traffic<'_>) -> bool {
    let proto = p
        .get("protocol")
        .and_then(Value::as_str)
        .and_then(Protocol::parse)
        .unwrap_or(Protocol::Tcp);
    if proto != t.protocol {
        return false;
    }
    match p.get("port") {
        None | Some(Value::Null) => true,
        Some(Value::String(name)) => t.name == Some(name.as_str()),
        Some(n) => {
            let Some(start) = n.as_i64() else {
                return false;
            };
            let end = p.get("endPort").and_then(Value::as_i64).unwrap_or(start);
            (start..=end).contains(&i64::from(t.port))
        }
    }
}

/// Whether one ingress/egress rule allows the traffic with `other` at the far end.
fn rule_matches(
    cluster: &Cluster<'_>,
    policy_ns: &str,
    rule: &Value,
    peers_key: &str,
    other: &Endpoint<'_>,
    t: &Traffic<'_>,
) -> bool {
    let ports = array_at(rule, &["ports"]);
    let peers = array_at(rule, &[peers_key]);
    (ports.is_empty() || ports.iter().any(|p| port_matches(p, t)))
        && (peers.is_empty()
            || peers
                .iter()
                .any(|peer| peer_matches(cluster, policy_ns, peer, other)))
}

/// The decision for `subject` (a pod) in `direction`, with `other` at the far end.
fn decide(
    cluster: &Cluster<'_>,
    subject: &Value,
    direction: Direction,
    other: &Endpoint<'_>,
    t: &Traffic<'_>,
) -> DirectionVerdict {
    let policies = isolating(cluster, subject, direction);
    let isolated_by: Vec<PolicyRef> = policies.iter().map(|p| policy_ref(p)).collect();
    let (rules_key, peers_key) = match direction {
        Direction::Ingress => ("ingress", "from"),
        Direction::Egress => ("egress", "to"),
    };
    let allowed_by: Vec<PolicyRef> = policies
        .iter()
        .filter(|p| {
            let ns = pod_namespace(p);
            array_at(p, &["spec", rules_key])
                .iter()
                .any(|r| rule_matches(cluster, ns, r, peers_key, other, t))
        })
        .map(|p| policy_ref(p))
        .collect();
    let who = pod_ref(subject);
    let word = direction.word();
    let traffic = format!("{}/{}", t.port, t.protocol);
    let (allowed, reason) = if isolated_by.is_empty() {
        (true, format!("no policy selects {who} for {word}"))
    } else if !allowed_by.is_empty() {
        (
            true,
            format!("{word} of {who} allowed by {}", join(&allowed_by)),
        )
    } else {
        let far = match direction {
            Direction::Ingress => format!("from {}", other.describe()),
            Direction::Egress => format!("to {}", other.describe()),
        };
        (
            false,
            format!(
                "{who} is isolated for {word} by {} and no {word} rule allows traffic {far} on {traffic}",
                join(&isolated_by)
            ),
        )
    };
    DirectionVerdict {
        direction,
        allowed,
        isolated_by,
        allowed_by,
        reason,
    }
}

fn join(refs: &[PolicyRef]) -> String {
    refs.iter()
        .map(PolicyRef::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn host_network(ep: &Endpoint<'_>) -> Option<String> {
    match ep {
        Endpoint::Pod(p)
            if path(p, &["spec", "hostNetwork"]).and_then(Value::as_bool) == Some(true) =>
        {
            Some(pod_ref(p))
        }
        _ => None,
    }
}

/// The name of `pod`'s container port `number`/`protocol` (sidecars included), if named.
fn port_name_of(pod: &Value, number: i32, protocol: Protocol) -> Option<&str> {
    container_ports(pod)
        .find(|p| {
            p.get("containerPort").and_then(Value::as_i64) == Some(i64::from(number))
                && port_protocol(p) == protocol
        })
        .and_then(|p| p.get("name").and_then(Value::as_str))
}

/// The number of `pod`'s container port named `name` with `protocol`.
fn port_number_of(pod: &Value, name: &str, protocol: Protocol) -> Option<i32> {
    container_ports(pod)
        .find(|p| {
            p.get("name").and_then(Value::as_str) == Some(name) && port_protocol(p) == protocol
        })
        .and_then(|p| p.get("containerPort").and_then(Value::as_i64))
        .and_then(|n| i32::try_from(n).ok())
}

fn port_protocol(p: &Value) -> Protocol {
    p.get("protocol")
        .and_then(Value::as_str)
        .and_then(Protocol::parse)
        .unwrap_or(Protocol::Tcp)
}

fn container_ports(pod: &Value) -> impl Iterator<Item = &Value> {
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    array_at(spec, &["containers"])
        .iter()
        .chain(
            array_at(spec, &["initContainers"])
                .iter()
                .filter(|c| c.get("restartPolicy").and_then(Value::as_str) == Some("Always")),
        )
        .flat_map(|c| array_at(c, &["ports"]).iter())
}

fn undefined(reason: String) -> Verdict {
    Verdict {
        outcome: Outcome::Undefined,
        egress: None,
        ingress: None,
        reason,
    }
}

/// Can `from` reach `to` on `port`/`protocol`? The source's egress and the destination's
/// ingress must both allow it; each direction names the policy (or the absence of one)
/// that decides.
pub fn can_reach(
    cluster: &Cluster<'_>,
    from: &Endpoint<'_>,
    to: &Endpoint<'_>,
    port: &Port,
    protocol: Protocol,
) -> Verdict {
    for ep in [from, to] {
        if let Some(who) = host_network(ep) {
            return undefined(format!(
                "{who} uses hostNetwork: NetworkPolicy behaviour for hostNetwork pods is undefined"
            ));
        }
    }
    let (number, name) = match (port, to) {
        (Port::Number(n), Endpoint::Pod(p)) => (*n, port_name_of(p, *n, protocol)),
        (Port::Number(n), Endpoint::External(_)) => (*n, None),
        (Port::Name(name), Endpoint::Pod(p)) => match port_number_of(p, name, protocol) {
            Some(n) => (n, Some(name.as_str())),
            None => {
                return undefined(format!(
                    "{} has no container port named {name:?} for {protocol}",
                    pod_ref(p)
                ))
            }
        },
        (Port::Name(name), Endpoint::External(ip)) => {
            return undefined(format!(
                "the named port {name:?} cannot be resolved for the external address {ip}"
            ))
        }
    };
    let t = Traffic {
        port: number,
        name,
        protocol,
    };
    let egress = match from {
        Endpoint::Pod(p) => Some(decide(cluster, p, Direction::Egress, to, &t)),
        Endpoint::External(_) => None,
    };
    let ingress = match to {
        Endpoint::Pod(p) => Some(decide(cluster, p, Direction::Ingress, from, &t)),
        Endpoint::External(_) => None,
    };
    let denied: Vec<&str> = [&egress, &ingress]
        .into_iter()
        .flatten()
        .filter(|d| !d.allowed)
        .map(|d| d.reason.as_str())
        .collect();
    let (outcome, reason) = if denied.is_empty() {
        let why: Vec<&str> = [&egress, &ingress]
            .into_iter()
            .flatten()
            .map(|d| d.reason.as_str())
            .collect();
        (Outcome::Allowed, format!("allowed: {}", why.join("; ")))
    } else {
        (Outcome::Denied, format!("denied: {}", denied.join("; ")))
    };
    Verdict {
        outcome,
        egress,
        ingress,
        reason,
    }
}

/// A reachability matrix between pods: `cells[i][j]` is the verdict for traffic from
/// `pods[i]` to `pods[j]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// `namespace/name` of each pod, in the order given.
    pub pods: Vec<String>,
    pub cells: Vec<Vec<Verdict>>,
}

impl Matrix {
    /// The truth table as the conformance tooling prints it: a header row of destinations,
    /// then one row per source with `.` (allowed), `X` (denied) or `?` (undefined).
    pub fn table(&self) -> String {
        let width = self.pods.iter().map(String::len).max().unwrap_or(0);
        let mut out = format!("{:width$}", "");
        for p in &self.pods {
            out.push(' ');
            out.push_str(p);
        }
        out.push('\n');
        for (i, from) in self.pods.iter().enumerate() {
            out.push_str(&format!("{from:width$}"));
            for (j, to) in self.pods.iter().enumerate() {
                let symbol = self.cells[i][j].outcome.symbol();
                out.push(' ');
                out.push_str(&format!("{symbol:^w$}", w = to.len()));
            }
            out.truncate(out.trim_end().len());
            out.push('\n');
        }
        out
    }
}

/// The reachability matrix of `pods` on `port`/`protocol`.
pub fn reachability(
    cluster: &Cluster<'_>,
    pods: &[Value],
    port: &Port,
    protocol: Protocol,
) -> Matrix {
    Matrix {
        pods: pods.iter().map(pod_ref).collect(),
        cells: pods
            .iter()
            .map(|from| {
                pods.iter()
                    .map(|to| {
                        can_reach(
                            cluster,
                            &Endpoint::Pod(from),
                            &Endpoint::Pod(to),
                            port,
                            protocol,
                        )
                    })
                    .collect()
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn pod(ns: &str, name: &str, labels: Value, ip: &str) -> Value {
        json!({"metadata": {"namespace": ns, "name": name, "labels": labels},
               "spec": {"containers": [{"name": "c", "ports": [
                   {"name": "http", "containerPort": 8080},
                   {"name": "dns", "containerPort": 53, "protocol": "UDP"}
               ]}]},
               "status": {"podIP": ip, "podIPs": [{"ip": ip}]}})
    }

    fn policy(ns: &str, name: &str, spec: Value) -> Value {
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"namespace": ns, "name": name}, "spec": spec})
    }

    fn ns(name: &str, labels: Value) -> Value {
        json!({"metadata": {"name": name, "labels": labels}})
    }

    fn outcome(
        policies: &[Value],
        namespaces: &[Value],
        from: &Value,
        to: &Value,
        port: Port,
        proto: Protocol,
    ) -> Outcome {
        let c = Cluster {
            policies,
            namespaces,
        };
        can_reach(&c, &Endpoint::Pod(from), &Endpoint::Pod(to), &port, proto).outcome
    }

    /// The seed's frontend->backend policy (section "Enhancing Pod Security with Network
    /// Policies"): backend accepts frontend and nobody else; everything else stays open.
    #[test]
    fn seed_frontend_backend_policy() {
        let p = policy(
            "default",
            "frontend-backend-policy",
            json!({
                "podSelector": {"matchLabels": {"app": "backend"}},
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}]}]
            }),
        );
        let frontend = pod(
            "default",
            "frontend",
            json!({"app": "frontend"}),
            "10.0.0.1",
        );
        let backend = pod("default", "backend", json!({"app": "backend"}), "10.0.0.2");
        let other = pod("default", "other", json!({"app": "other"}), "10.0.0.3");
        let elsewhere = pod("prod", "frontend", json!({"app": "frontend"}), "10.0.1.1");
        let policies = [p];
        let c = Cluster {
            policies: &policies,
            namespaces: &[],
        };
        let v = can_reach(
            &c,
            &Endpoint::Pod(&frontend),
            &Endpoint::Pod(&backend),
            &Port::Number(8080),
            Protocol::Tcp,
        );
        assert_eq!(v.outcome, Outcome::Allowed);
        let ingress = v.ingress.unwrap();
        assert_eq!(
            ingress.allowed_by[0].to_string(),
            "default/frontend-backend-policy"
        );
        assert_eq!(
            ingress.reason,
            "ingress of default/backend allowed by default/frontend-backend-policy"
        );
        assert_eq!(
            v.egress.unwrap().reason,
            "no policy selects default/frontend for egress"
        );

        let v = can_reach(
            &c,
            &Endpoint::Pod(&other),
            &Endpoint::Pod(&backend),
            &Port::Number(8080),
            Protocol::Tcp,
        );
        assert_eq!(v.outcome, Outcome::Denied);
        assert_eq!(v.reason, "denied: default/backend is isolated for ingress by default/frontend-backend-policy and no ingress rule allows traffic from default/other on 8080/TCP");
        // A frontend-labelled pod in another namespace is not "frontend" for this policy.
        assert_eq!(
            outcome(
                &policies,
                &[],
                &elsewhere,
                &backend,
                Port::Number(8080),
                Protocol::Tcp
            ),
            Outcome::Denied
        );
        // Backend is not egress-isolated, and other pods are not selected at all.
        assert_eq!(
            outcome(
                &policies,
                &[],
                &backend,
                &other,
                Port::Number(8080),
                Protocol::Tcp
            ),
            Outcome::Allowed
        );
        assert_eq!(
            outcome(
                &policies,
                &[],
                &other,
                &frontend,
                Port::Number(8080),
                Protocol::Tcp
            ),
            Outcome::Allowed
        );

        let m = reachability(
            &c,
            &[frontend, backend, other],
            &Port::Number(80),
            Protocol::Tcp,
        );
        let rows: Vec<String> = m
            .cells
            .iter()
            .map(|r| r.iter().map(|v| v.outcome.symbol()).collect())
            .collect();
        assert_eq!(rows, ["...", ".X.", ".X."]);
        assert_eq!(
            m.table(),
            "                 default/frontend default/backend default/other\n\
             default/frontend        .                .              .\n\
             default/backend         .                X              .\n\
             default/other           .                X              .\n"
        );
    }

    /// (name, policies, from, to, port, protocol, expected outcome)
    type Case<'a> = (
        &'a str,
        Vec<Value>,
        &'a Value,
        &'a Value,
        Port,
        Protocol,
        Outcome,
    );

    /// One row per rule of the reference (network-policies.md): each names the policies,
    /// the traffic and the expected outcome.
    #[test]
    fn rules_of_the_reference() {
        let a = pod("default", "a", json!({"app": "a"}), "10.0.0.1");
        let b = pod("default", "b", json!({"app": "b"}), "10.0.0.2");
        let x = pod("other", "x", json!({"app": "a"}), "10.0.1.1");
        let namespaces = [ns("default", json!({})), ns("other", json!({"team": "x"}))];
        let select_b = json!({"matchLabels": {"app": "b"}});
        use Outcome::*;
        let cases: Vec<Case<'_>> = vec![
            (
                "no policy: everything allowed",
                vec![],
                &a,
                &b,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "default deny ingress ({} selects every pod)",
                vec![policy(
                    "default",
                    "deny",
                    json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
                )],
                &a,
                &b,
                80.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "default deny ingress leaves egress open",
                vec![policy(
                    "default",
                    "deny",
                    json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
                )],
                &b,
                &x,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "policies only select pods of their namespace",
                vec![policy(
                    "default",
                    "deny",
                    json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
                )],
                &b,
                &x,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "ingress absent with default policyTypes denies",
                vec![policy("default", "p", json!({"podSelector": select_b}))],
                &a,
                &b,
                80.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "ingress: [] denies",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": []}),
                )],
                &a,
                &b,
                80.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "ingress: [{}] allows all",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{}]}),
                )],
                &x,
                &b,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "default deny egress",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": {}, "policyTypes": ["Egress"]}),
                )],
                &a,
                &b,
                80.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "allow all egress",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": {}, "egress": [{}], "policyTypes": ["Egress"]}),
                )],
                &a,
                &x,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "egress rules imply Egress and Ingress: ingress becomes deny-all",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "egress": [{}]}),
                )],
                &a,
                &b,
                80.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "policyTypes [Ingress] ignores egress rules",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{}], "egress": [{"to": [{"ipBlock": {"cidr": "192.168.0.0/16"}}]}]}),
                )],
                &a,
                &x,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "podSelector peer: same namespace only",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "a"}}}]}]}),
                )],
                &x,
                &b,
                80.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "namespaceSelector peer: every pod of matching namespaces",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "x"}}}]}]}),
                )],
                &x,
                &b,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "namespaceSelector by kubernetes.io/metadata.name",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "other"}}}]}]}),
                )],
                &x,
                &b,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "namespaceSelector {}: all namespaces",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"from": [{"namespaceSelector": {}}]}]}),
                )],
                &x,
                &b,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "namespaceSelector AND podSelector in one peer: both must hold",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "x"}}, "podSelector": {"matchLabels": {"app": "z"}}}]}]}),
                )],
                &x,
                &b,
                80.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "namespaceSelector OR podSelector in two peers: either",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "x"}}}, {"podSelector": {"matchLabels": {"app": "z"}}}]}]}),
                )],
                &x,
                &b,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "ipBlock cidr matches the pod IP",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.1.0/24"}}]}]}),
                )],
                &x,
                &b,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "ipBlock except carves addresses out",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.0.1.0/24"]}}]}]}),
                )],
                &x,
                &b,
                80.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "ports: the listed number only",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"ports": [{"port": 80}]}]}),
                )],
                &a,
                &b,
                443.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "ports: protocol defaults to TCP",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"ports": [{"port": 53}]}]}),
                )],
                &a,
                &b,
                53.into(),
                Protocol::Udp,
                Denied,
            ),
            (
                "ports: protocol without port allows every port of it",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"ports": [{"protocol": "UDP"}]}]}),
                )],
                &a,
                &b,
                53.into(),
                Protocol::Udp,
                Allowed,
            ),
            (
                "ports: endPort range includes both ends",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"ports": [{"protocol": "TCP", "port": 32000, "endPort": 32768}]}]}),
                )],
                &a,
                &b,
                32768.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "ports: endPort range excludes the rest",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"ports": [{"protocol": "TCP", "port": 32000, "endPort": 32768}]}]}),
                )],
                &a,
                &b,
                32769.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "named port resolved on the destination",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"ports": [{"port": "http"}]}]}),
                )],
                &a,
                &b,
                8080.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "named port does not match another number",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"ports": [{"port": "http"}]}]}),
                )],
                &a,
                &b,
                9090.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "named port with the wrong protocol",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"ports": [{"port": "dns"}]}]}),
                )],
                &a,
                &b,
                53.into(),
                Protocol::Udp,
                Denied,
            ),
            (
                "named egress port resolved on the destination pod",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": {"matchLabels": {"app": "a"}}, "egress": [{"ports": [{"port": "dns", "protocol": "UDP"}]}], "policyTypes": ["Egress"]}),
                )],
                &a,
                &b,
                "dns".into(),
                Protocol::Udp,
                Allowed,
            ),
            (
                "peers AND ports: the right peer on the wrong port",
                vec![policy(
                    "default",
                    "p",
                    json!({"podSelector": select_b, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "a"}}}], "ports": [{"port": 80}]}]}),
                )],
                &a,
                &b,
                81.into(),
                Protocol::Tcp,
                Denied,
            ),
            (
                "policies are additive: a second policy allows what the first does not",
                vec![
                    policy(
                        "default",
                        "only-x",
                        json!({"podSelector": select_b, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "x"}}}]}]}),
                    ),
                    policy(
                        "default",
                        "only-a",
                        json!({"podSelector": select_b, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "a"}}}]}]}),
                    ),
                ],
                &a,
                &b,
                80.into(),
                Protocol::Tcp,
                Allowed,
            ),
            (
                "both directions needed: egress denied at the source",
                vec![
                    policy(
                        "default",
                        "deny-egress",
                        json!({"podSelector": {"matchLabels": {"app": "a"}}, "policyTypes": ["Egress"]}),
                    ),
                    policy(
                        "default",
                        "allow-b",
                        json!({"podSelector": select_b, "ingress": [{}]}),
                    ),
                ],
                &a,
                &b,
                80.into(),
                Protocol::Tcp,
                Denied,
            ),
        ];
        for (name, policies, from, to, port, proto, want) in cases {
            assert_eq!(
                outcome(&policies, &namespaces, from, to, port, proto),
                want,
                "{name}"
            );
        }
    }

    /// The example of network-policies.md ("test-network-policy"), traffic by traffic.
    #[test]
    fn docs_test_network_policy() {
        let p = policy(
            "default",
            "test-network-policy",
            json!({
                "podSelector": {"matchLabels": {"role": "db"}},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{
                    "from": [
                        {"ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}},
                        {"namespaceSelector": {"matchLabels": {"project": "myproject"}}},
                        {"podSelector": {"matchLabels": {"role": "frontend"}}}
                    ],
                    "ports": [{"protocol": "TCP", "port": 6379}]
                }],
                "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/24"}}], "ports": [{"protocol": "TCP", "port": 5978}]}]
            }),
        );
        let policies = [p];
        let namespaces = [ns("myproject", json!({"project": "myproject"}))];
        let c = Cluster {
            policies: &policies,
            namespaces: &namespaces,
        };
        let db = pod("default", "db", json!({"role": "db"}), "10.0.5.5");
        let frontend = pod("default", "fe", json!({"role": "frontend"}), "10.0.5.6");
        let mine = pod("myproject", "any", json!({}), "10.0.6.1");
        let ext = |s: &str| Endpoint::External(s.parse().unwrap());
        let tcp = |from: Endpoint<'_>, to: Endpoint<'_>, port: i32| {
            can_reach(&c, &from, &to, &Port::Number(port), Protocol::Tcp).outcome
        };
        assert_eq!(
            tcp(Endpoint::Pod(&frontend), Endpoint::Pod(&db), 6379),
            Outcome::Allowed
        );
        assert_eq!(
            tcp(Endpoint::Pod(&mine), Endpoint::Pod(&db), 6379),
            Outcome::Allowed
        );
        assert_eq!(
            tcp(ext("172.17.0.9"), Endpoint::Pod(&db), 6379),
            Outcome::Allowed
        );
        assert_eq!(
            tcp(ext("172.17.1.9"), Endpoint::Pod(&db), 6379),
            Outcome::Denied
        );
        assert_eq!(
            tcp(Endpoint::Pod(&frontend), Endpoint::Pod(&db), 6380),
            Outcome::Denied
        );
        assert_eq!(
            tcp(Endpoint::Pod(&db), ext("10.0.0.7"), 5978),
            Outcome::Allowed
        );
        assert_eq!(
            tcp(Endpoint::Pod(&db), ext("10.0.1.7"), 5978),
            Outcome::Denied
        );
        assert_eq!(
            tcp(Endpoint::Pod(&db), Endpoint::Pod(&frontend), 5978),
            Outcome::Denied
        );
    }

    #[test]
    fn host_network_and_unresolvable_ports_are_undefined() {
        let mut h = pod("default", "h", json!({}), "192.168.0.10");
        h["spec"]["hostNetwork"] = json!(true);
        let b = pod("default", "b", json!({}), "10.0.0.2");
        let c = Cluster {
            policies: &[],
            namespaces: &[],
        };
        let v = can_reach(
            &c,
            &Endpoint::Pod(&h),
            &Endpoint::Pod(&b),
            &Port::Number(80),
            Protocol::Tcp,
        );
        assert_eq!(v.outcome, Outcome::Undefined);
        assert_eq!(
            v.reason,
            "default/h uses hostNetwork: NetworkPolicy behaviour for hostNetwork pods is undefined"
        );
        let v = can_reach(
            &c,
            &Endpoint::Pod(&b),
            &Endpoint::Pod(&b),
            &"metrics".into(),
            Protocol::Tcp,
        );
        assert_eq!(v.outcome, Outcome::Undefined);
    }

    #[test]
    fn effective_policy_types() {
        assert_eq!(
            policy_types(&policy("d", "p", json!({"podSelector": {}}))),
            (true, false)
        );
        assert_eq!(
            policy_types(&policy(
                "d",
                "p",
                json!({"podSelector": {}, "egress": [{}]})
            )),
            (true, true)
        );
        assert_eq!(
            policy_types(&policy("d", "p", json!({"podSelector": {}, "egress": []}))),
            (true, false)
        );
        assert_eq!(
            policy_types(&policy(
                "d",
                "p",
                json!({"podSelector": {}, "policyTypes": ["Egress"]})
            )),
            (false, true)
        );
    }

    #[test]
    fn cidrs() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(cidr_contains("10.0.0.0/8", ip("10.200.3.4")));
        assert!(!cidr_contains("10.0.0.0/8", ip("11.0.0.1")));
        assert!(cidr_contains("0.0.0.0/0", ip("8.8.8.8")));
        assert!(cidr_contains("10.0.0.5/32", ip("10.0.0.5")));
        assert!(cidr_contains("2001:db8::/32", ip("2001:db8::1")));
        assert!(!cidr_contains("2001:db8::/32", ip("10.0.0.1")));
        assert!(!cidr_contains("10.0.0.0/33", ip("10.0.0.1")));
        assert!(!cidr_contains("garbage", ip("10.0.0.1")));
    }
}
