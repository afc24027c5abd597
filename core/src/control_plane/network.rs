//! Questions about the simulated data plane that no API object answers: NetworkPolicy
//! reachability ("can pod A reach pod B on port P, and which policy decides?",
//! [`crate::api::network_policy`]) and which of a pod's volumes outlive it
//! ([`crate::kubelet::volumes::lifetimes`]).
use super::ControlPlane;
use crate::api::network_policy::{
    self, Cluster, DirectionVerdict, Endpoint, Outcome, Port, Protocol, Verdict,
};
use crate::api::{object, Value};
use crate::controllers::kind;
use crate::kubelet::volumes::VolumeLifetime;
use crate::server::authz::Request;
use crate::server::status::Status;
use serde::Serialize;
use std::net::IpAddr;

/// One direction of a reachability answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectionReport {
    pub allowed: bool,
    /// The policies (`namespace/name`) that isolate the pod for this direction.
    pub isolated_by: Vec<String>,
    /// The isolating policies with a rule that allows the traffic.
    pub allowed_by: Vec<String>,
    pub reason: String,
}

impl From<&DirectionVerdict> for DirectionReport {
    fn from(d: &DirectionVerdict) -> DirectionReport {
        DirectionReport {
            allowed: d.allowed,
            isolated_by: d.isolated_by.iter().map(ToString::to_string).collect(),
            allowed_by: d.allowed_by.iter().map(ToString::to_string).collect(),
            reason: d.reason.clone(),
        }
    }
}

/// Whether `from` can reach `to` on a port, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reachability {
    /// `namespace/name` of a pod, or an address.
    pub from: String,
    pub to: String,
    pub port: String,
    pub protocol: String,
    /// `allowed`, `denied` or `undefined` (NetworkPolicy does not say: hostNetwork pods, a
    /// named port the destination does not have).
    pub outcome: String,
    /// The source pod's egress decision.
    pub egress: Option<DirectionReport>,
    /// The destination pod's ingress decision.
    pub ingress: Option<DirectionReport>,
    /// One line: which policy (or the absence of one) decides.
    pub reason: String,
}

/// The reachability of every pod pair of a namespace (or the workspace) on one port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReachabilityMatrix {
    /// `namespace/name` of each pod, sources and destinations in the same order.
    pub pods: Vec<String>,
    pub port: String,
    pub protocol: String,
    /// `cells[i][j]`: from `pods[i]` to `pods[j]`.
    pub cells: Vec<Vec<Reachability>>,
    /// The truth table as the upstream conformance tooling prints it (`.` allowed, `X`
    /// denied, `?` undefined).
    pub table: String,
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Allowed => "allowed",
        Outcome::Denied => "denied",
        Outcome::Undefined => "undefined",
    }
}

fn report(from: String, to: String, port: &Port, protocol: Protocol, v: &Verdict) -> Reachability {
    Reachability {
        from,
        to,
        port: match port {
            Port::Number(n) => n.to_string(),
            Port::Name(n) => n.clone(),
        },
        protocol: protocol.as_str().to_string(),
        outcome: outcome_word(v.outcome).to_string(),
        egress: v.egress.as_ref().map(DirectionReport::from),
        ingress: v.ingress.as_ref().map(DirectionReport::from),
        reason: v.reason.clone(),
    }
}

/// A port as given: a number (1–65535) or a container port name.
fn parse_port(port: &str) -> Result<Port, Status> {
    match Port::from(port) {
        Port::Number(n) if !(1..=65535).contains(&n) => Err(Status::bad_request(format!(
            "port must be between 1 and 65535, got {n}"
        ))),
        Port::Name(n) if n.is_empty() => Err(Status::bad_request("port must not be empty")),
        p => Ok(p),
    }
}

fn parse_protocol(protocol: &str) -> Result<Protocol, Status> {
    let p = if protocol.is_empty() { "TCP" } else { protocol };
    Protocol::parse(p)
        .ok_or_else(|| Status::bad_request(format!("protocol must be TCP, UDP or SCTP, got {p:?}")))
}

/// What an endpoint argument names.
enum Target {
    Pod(Value),
    Address(IpAddr),
}

impl ControlPlane {
    /// The objects reachability reads in `workspace` (its NetworkPolicies and Namespaces),
    /// after checking the caller may list them and pods.
    fn network_view(&self, workspace: &str) -> Result<(Vec<Value>, Vec<Value>), Status> {
        self.server.check_workspace(workspace)?;
        let pods = kind("v1", "Pod");
        let policies = kind("networking.k8s.io/v1", "NetworkPolicy");
        let namespaces = kind("v1", "Namespace");
        for info in [pods, policies] {
            self.authorize(workspace, Request::new("list", info, ""))?;
        }
        self.authorize(workspace, Request::new("list", namespaces, ""))?;
        let policies = self
            .server
            .list(workspace, policies, None)
            .cloned()
            .collect();
        let namespaces = self
            .server
            .list(workspace, namespaces, None)
            .cloned()
            .collect();
        Ok((policies, namespaces))
    }

    /// `namespace/name`, `name` (in `default`) or an IP address.
    fn target(&self, workspace: &str, name: &str) -> Result<Target, Status> {
        if let Ok(ip) = name.parse::<IpAddr>() {
            return Ok(Target::Address(ip));
        }
        let (ns, pod) = name.split_once('/').unwrap_or(("default", name));
        let info = kind("v1", "Pod");
        self.server
            .get(workspace, info, ns, pod)
            .cloned()
            .map(Target::Pod)
            .ok_or_else(|| Status::not_found(info, pod))
    }

    /// Can `from` reach `to` on `port` (a number or a container port name of the destination)
    /// over `protocol` (`TCP` when empty)? Endpoints are pods (`namespace/name`, or `name` in
    /// `default`) of `workspace`, or IP addresses outside the cluster. The answer names the
    /// policies that decide each direction (NetworkPolicy semantics: a pod is isolated for a
    /// direction once a policy selects it; allows are additive; traffic needs the source's
    /// egress and the destination's ingress). 404 for a pod that does not exist, 400 for a bad
    /// port or protocol.
    pub fn can_reach(
        &self,
        workspace: &str,
        from: &str,
        to: &str,
        port: &str,
        protocol: &str,
    ) -> Result<Reachability, Status> {
        let (policies, namespaces) = self.network_view(workspace)?;
        let port = parse_port(port)?;
        let protocol = parse_protocol(protocol)?;
        let (a, b) = (self.target(workspace, from)?, self.target(workspace, to)?);
        fn endpoint(t: &Target) -> Endpoint<'_> {
            match t {
                Target::Pod(p) => Endpoint::Pod(p),
                Target::Address(ip) => Endpoint::External(*ip),
            }
        }
        let cluster = Cluster {
            policies: &policies,
            namespaces: &namespaces,
        };
        let v = network_policy::can_reach(&cluster, &endpoint(&a), &endpoint(&b), &port, protocol);
        let name = |t: &Target| match t {
            Target::Pod(p) => format!("{}/{}", object::namespace(p), object::name(p)),
            Target::Address(ip) => ip.to_string(),
        };
        Ok(report(name(&a), name(&b), &port, protocol, &v))
    }

    /// The reachability matrix of the pods of `namespace` (every namespace of the workspace
    /// when `None`) on `port`/`protocol`: pods that have not finished, in namespace/name order.
    pub fn reachability(
        &self,
        workspace: &str,
        namespace: Option<&str>,
        port: &str,
        protocol: &str,
    ) -> Result<ReachabilityMatrix, Status> {
        let (policies, namespaces) = self.network_view(workspace)?;
        let port = parse_port(port)?;
        let protocol = parse_protocol(protocol)?;
        let pods: Vec<Value> = self
            .server
            .list(workspace, kind("v1", "Pod"), namespace)
            .filter(|p| {
                !matches!(
                    object::str_at(p, &["status", "phase"]),
                    Some("Succeeded" | "Failed")
                )
            })
            .cloned()
            .collect();
        let cluster = Cluster {
            policies: &policies,
            namespaces: &namespaces,
        };
        let m = network_policy::reachability(&cluster, &pods, &port, protocol);
        let cells = m
            .cells
            .iter()
            .enumerate()
            .map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .map(|(j, v)| report(m.pods[i].clone(), m.pods[j].clone(), &port, protocol, v))
                    .collect()
            })
            .collect();
        Ok(ReachabilityMatrix {
            table: m.table(),
            port: match &port {
                Port::Number(n) => n.to_string(),
                Port::Name(n) => n.clone(),
            },
            protocol: protocol.as_str().to_string(),
            pods: m.pods,
            cells,
        })
    }

    /// Which of a pod's volumes outlive it (an `emptyDir` does not; a claim's volume does), and
    /// where their content lives.
    pub fn pod_volumes(
        &self,
        workspace: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Vec<VolumeLifetime>, Status> {
        self.server.check_workspace(workspace)?;
        let info = kind("v1", "Pod");
        self.authorize(workspace, Request::new("get", info, namespace).named(name))?;
        let pod = self
            .server
            .get(workspace, info, namespace, name)
            .ok_or_else(|| Status::not_found(info, name))?;
        Ok(crate::kubelet::volumes::lifetimes(
            &self.server,
            workspace,
            pod,
        ))
    }
}
