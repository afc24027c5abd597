//! The printer columns of Karpenter's CRDs (kubernetes-sigs/karpenter v1.13.0
//! `pkg/apis/crds/karpenter.sh_nodepools.yaml`, `karpenter.sh_nodeclaims.yaml`;
//! karpenter-provider-aws v1.13.0 `karpenter.k8s.aws_ec2nodeclasses.yaml`), for
//! `kubectl get nodepools|nodeclaims|ec2nodeclasses`.
use crate::api::Value;
use crate::json;
use crate::server::crd::printer::{self, PrinterColumn};

/// The `additionalPrinterColumns` of a kind, None for kinds that are not Karpenter's.
pub fn columns(kind: &str) -> Option<Vec<PrinterColumn>> {
    let cols = match kind {
        "NodePool" => json!([
            {"jsonPath": ".spec.template.spec.nodeClassRef.name", "name": "NodeClass", "type": "string"},
            {"jsonPath": ".status.nodes", "name": "Nodes", "type": "string"},
            {"jsonPath": ".status.conditions[?(@.type==\"Ready\")].status", "name": "Ready", "type": "string"},
            {"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"},
            {"jsonPath": ".spec.weight", "name": "Weight", "priority": 1, "type": "integer"},
            {"jsonPath": ".status.resources.cpu", "name": "CPU", "priority": 1, "type": "string"},
            {"jsonPath": ".status.resources.memory", "name": "Memory", "priority": 1, "type": "string"},
        ]),
        "NodeClaim" => json!([
            {"jsonPath": ".metadata.labels['node.kubernetes.io/instance-type']", "name": "Type", "type": "string"},
            {"jsonPath": ".metadata.labels['karpenter.sh/capacity-type']", "name": "Capacity", "type": "string"},
            {"jsonPath": ".metadata.labels['topology.kubernetes.io/zone']", "name": "Zone", "type": "string"},
            {"jsonPath": ".status.nodeName", "name": "Node", "type": "string"},
            {"jsonPath": ".status.conditions[?(@.type==\"Ready\")].status", "name": "Ready", "type": "string"},
            {"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"},
            {"jsonPath": ".status.imageID", "name": "ImageID", "priority": 1, "type": "string"},
            {"jsonPath": ".status.providerID", "name": "ID", "priority": 1, "type": "string"},
            {"jsonPath": ".metadata.labels['karpenter.sh/nodepool']", "name": "NodePool", "priority": 1, "type": "string"},
            {"jsonPath": ".spec.nodeClassRef.name", "name": "NodeClass", "priority": 1, "type": "string"},
            {"jsonPath": ".status.conditions[?(@.type==\"Drifted\")].status", "name": "Drifted", "priority": 1, "type": "string"},
        ]),
        "EC2NodeClass" => json!([
            {"jsonPath": ".status.conditions[?(@.type==\"Ready\")].status", "name": "Ready", "type": "string"},
            {"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"},
            {"jsonPath": ".spec.role", "name": "Role", "priority": 1, "type": "string"},
        ]),
        _ => return None,
    };
    Some(printer::columns_for(
        &json!({"additionalPrinterColumns": cols}),
    ))
}

/// The table `kubectl get` prints for Karpenter's kinds: headers, then one row per object.
pub fn table(
    kind: &str,
    items: &[Value],
    wide: bool,
    now_ms: i64,
    age_text: &dyn Fn(i64) -> String,
) -> Option<Vec<Vec<String>>> {
    let cols = columns(kind)?;
    let mut out = vec![printer::headers(&cols, wide)];
    for o in items {
        out.push(printer::row(&cols, o, wide, now_ms, age_text));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodeclaim_columns_as_the_crd_prints_them() {
        let claim = json!({"metadata": {"name": "default-x7k2p", "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"node.kubernetes.io/instance-type": "m5.large", "karpenter.sh/capacity-type": "spot", "topology.kubernetes.io/zone": "us-east-1a"}},
            "status": {"nodeName": "ip-192-168-100-4.ec2.internal", "conditions": [{"type": "Ready", "status": "True"}]}});
        let t = table(
            "NodeClaim",
            &[claim],
            false,
            90_000 + crate::sim::parse_rfc3339("2026-01-01T00:00:00Z").unwrap(),
            &|ms| format!("{}s", ms / 1000),
        )
        .unwrap();
        assert_eq!(
            t[0],
            ["NAME", "TYPE", "CAPACITY", "ZONE", "NODE", "READY", "AGE"]
        );
        assert_eq!(
            t[1],
            [
                "default-x7k2p",
                "m5.large",
                "spot",
                "us-east-1a",
                "ip-192-168-100-4.ec2.internal",
                "True",
                "90s"
            ]
        );
    }
}
