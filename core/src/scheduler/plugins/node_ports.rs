//! NodePorts: a pod's host ports must be free on the node (node_ports.go,
//! `HostPortInfo.CheckConflict`): the same protocol and port conflict when the host IPs are
//! equal or either is `0.0.0.0`.
use super::{FilterResult, Unfit};
use crate::scheduler::cycle::Cycle;
use crate::scheduler::{HostPort, NodeInfo};

pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

const BIND_ALL: &str = "0.0.0.0";

/// `HostPortInfo.CheckConflict` of `want` against the ports in use.
pub fn conflicts(want: &HostPort, used: &[HostPort]) -> bool {
    if want.port <= 0 {
        return false;
    }
    used.iter().any(|u| {
        u.port == want.port
            && u.protocol == want.protocol
            && (want.ip == BIND_ALL || u.ip == BIND_ALL || u.ip == want.ip)
    })
}

pub fn filter(c: &Cycle<'_>, node: &NodeInfo) -> FilterResult {
    if c.pod
        .host_ports
        .iter()
        .any(|p| conflicts(p, &node.used_ports))
    {
        Err(Unfit::unschedulable(ERR_REASON))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hp(ip: &str, proto: &str, port: i64) -> HostPort {
        HostPort {
            ip: ip.into(),
            protocol: proto.into(),
            port,
        }
    }

    #[test]
    fn upstream_fits_ports_table() {
        // node_ports_test.go TestNodePorts (pod ports vs ports of the node's pods).
        let cases: &[(&[HostPort], &[HostPort], bool)] = &[
            (&[], &[], true),
            (
                &[hp("127.0.0.1", "UDP", 8080)],
                &[hp("127.0.0.1", "UDP", 9090)],
                true,
            ),
            (
                &[hp("127.0.0.1", "UDP", 8080)],
                &[hp("127.0.0.1", "UDP", 8080)],
                false,
            ),
            (
                &[hp("127.0.0.1", "TCP", 8080)],
                &[hp("127.0.0.1", "UDP", 8080)],
                true,
            ),
            (
                &[hp("127.0.0.1", "TCP", 8080)],
                &[hp("127.0.0.2", "TCP", 8080)],
                true,
            ),
            (
                &[hp("127.0.0.1", "TCP", 8001), hp("127.0.0.1", "UDP", 8080)],
                &[hp("127.0.0.1", "UDP", 8080)],
                false,
            ),
            (
                &[hp("0.0.0.0", "TCP", 8001)],
                &[hp("127.0.0.1", "TCP", 8001)],
                false,
            ),
            (
                &[hp("10.0.10.10", "TCP", 8001), hp("0.0.0.0", "TCP", 8001)],
                &[hp("127.0.0.1", "TCP", 8001)],
                false,
            ),
            (
                &[hp("127.0.0.1", "TCP", 8001)],
                &[hp("0.0.0.0", "TCP", 8001)],
                false,
            ),
            (
                &[hp("127.0.0.1", "UDP", 8001)],
                &[hp("0.0.0.0", "TCP", 8001)],
                true,
            ),
            (
                &[hp("127.0.0.1", "TCP", 8001)],
                &[hp("0.0.0.0", "TCP", 8001), hp("10.0.10.10", "TCP", 8001)],
                false,
            ),
        ];
        for (want, used, fits) in cases {
            let ok = !want.iter().any(|p| conflicts(p, used));
            assert_eq!(ok, *fits, "{want:?} vs {used:?}");
        }
    }
}
