//! `kubectl sim reach`: kplane's NetworkPolicy reachability question on the command line.
//!
//! - `kubectl sim reach FROM TO --port P [--protocol UDP] [-n NS]`: FROM and TO are pods
//!   (`name` in the namespace, or `namespace/name`) or IP addresses. Prints the verdict and
//!   the policy (or the absence of one) that decides each direction; exits 1 when the traffic
//!   is not allowed (as `kubectl auth can-i` does for "no").
//! - `kubectl sim reach --matrix [--port P] [--protocol UDP] [-n NS | -A]`: the truth table
//!   of every pod pair (`.` allowed, `X` denied, `?` undefined), as the upstream NetworkPolicy
//!   conformance tooling prints it.
use super::session::ws;
use crate::control_plane::ControlPlane;
use crate::KubectlOutput;

const USAGE: &str = "error: usage: kubectl sim reach FROM TO --port PORT [--protocol TCP|UDP|SCTP] [-n NAMESPACE]\n       kubectl sim reach --matrix [--port PORT] [--protocol TCP|UDP|SCTP] [-n NAMESPACE | -A]\n";

fn fail(stderr: String) -> KubectlOutput {
    KubectlOutput {
        stdout: String::new(),
        stderr,
        exit_code: 1,
    }
}

/// Runs `kubectl sim reach ARGS`.
pub(super) fn reach(cp: &mut ControlPlane, args: &[String]) -> KubectlOutput {
    let mut positional: Vec<&str> = Vec::new();
    let (mut port, mut protocol, mut namespace) = (None, "TCP".to_string(), None);
    let (mut matrix, mut all) = (false, false);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (a, None),
        };
        let mut value = || -> Option<String> {
            if inline.is_some() {
                return inline.clone();
            }
            i += 1;
            args.get(i).cloned()
        };
        match flag {
            "--port" | "-p" => port = value(),
            "--protocol" => match value() {
                Some(p) => protocol = p,
                None => return fail(USAGE.into()),
            },
            "-n" | "--namespace" => namespace = value(),
            "--matrix" => matrix = true,
            "-A" | "--all-namespaces" => all = true,
            f if f.starts_with('-') => {
                return fail(format!("error: unknown flag: {f}\n{USAGE}"));
            }
            _ => positional.push(a),
        }
        i += 1;
    }
    let workspace = ws(cp);
    let ns = namespace.unwrap_or_else(|| "default".to_string());
    if matrix {
        if !positional.is_empty() {
            return fail(USAGE.into());
        }
        let port = port.unwrap_or_else(|| "80".to_string());
        let scope = (!all).then_some(ns.as_str());
        return match cp.reachability(&workspace, scope, &port, &protocol) {
            Ok(m) => KubectlOutput {
                stdout: format!(
                    "Reachability on port {}/{} (. allowed, X denied, ? undefined; rows are sources):\n{}",
                    m.port, m.protocol, m.table
                ),
                stderr: String::new(),
                exit_code: 0,
            },
            Err(s) => fail(format!("{}\n", super::standard_message(&s))),
        };
    }
    let ([from, to], Some(port)) = (positional.as_slice().try_into().unwrap_or(["", ""]), port)
    else {
        return fail(USAGE.into());
    };
    if from.is_empty() || to.is_empty() {
        return fail(USAGE.into());
    }
    let qualify = |n: &str| {
        if n.contains('/') || n.parse::<std::net::IpAddr>().is_ok() {
            n.to_string()
        } else {
            format!("{ns}/{n}")
        }
    };
    match cp.can_reach(&workspace, &qualify(from), &qualify(to), &port, &protocol) {
        Ok(r) => {
            let mut out = format!(
                "{}: {} -> {} on port {}/{}\n",
                r.outcome, r.from, r.to, r.port, r.protocol
            );
            if let Some(e) = &r.egress {
                out.push_str(&format!("  egress:  {}\n", e.reason));
            }
            if let Some(i) = &r.ingress {
                out.push_str(&format!("  ingress: {}\n", i.reason));
            }
            if r.egress.is_none() && r.ingress.is_none() {
                out.push_str(&format!("  {}\n", r.reason));
            }
            KubectlOutput {
                stdout: out,
                stderr: String::new(),
                exit_code: if r.outcome == "allowed" { 0 } else { 1 },
            }
        }
        Err(s) => fail(format!("{}\n", super::standard_message(&s))),
    }
}
