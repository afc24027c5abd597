//! The well-known labels a kubelet registers its Node with (kubernetes/kubernetes
//! pkg/kubelet/kubelet_node_status.go `initialNode`, `updateDefaultLabels`):
//! `kubernetes.io/hostname`, `kubernetes.io/os`, `kubernetes.io/arch` and their deprecated
//! `beta.kubernetes.io/os|arch` twins; with a cloud provider also the instance type, zone and
//! region under both the GA and the beta (`failure-domain.beta.kubernetes.io/…`) keys.
use super::object::{self, str_at};
use super::{Map, Value};
use std::collections::BTreeMap;

/// GA labels and their deprecated twins, which the kubelet keeps in step.
const TWINS: [(&str, &str); 5] = [
    ("kubernetes.io/os", "beta.kubernetes.io/os"),
    ("kubernetes.io/arch", "beta.kubernetes.io/arch"),
    (
        "node.kubernetes.io/instance-type",
        "beta.kubernetes.io/instance-type",
    ),
    (
        "topology.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/zone",
    ),
    (
        "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/region",
    ),
];

/// The CPU architecture of an EC2 instance type: Graviton types carry a `g` among the
/// attribute letters after the generation digit (`m7g`, `c6gn`, `r8gd`, `im4gn`, `g5g`);
/// everything else is `amd64` (`g4dn`, `m5`, `c7i`).
pub fn instance_type_arch(instance_type: &str) -> &'static str {
    let family = instance_type.split('.').next().unwrap_or("");
    let Some(digit) = family.find(|c: char| c.is_ascii_digit()) else {
        return "amd64";
    };
    let attributes = family[digit..].trim_start_matches(|c: char| c.is_ascii_digit());
    let attributes = attributes.split('-').next().unwrap_or("");
    if attributes.contains('g') {
        "arm64"
    } else {
        "amd64"
    }
}

/// The labels a kubelet would register for `node` (values only for keys it owns): hostname =
/// node name; os and arch from `status.nodeInfo` (`operatingSystem`, `architecture`), else
/// `linux` and the instance type's architecture (`amd64` by default); and the twin of every
/// GA/beta cloud label the node has.
pub fn kubelet_labels(node: &Value) -> BTreeMap<String, String> {
    let labels = object::labels(node);
    let mut out = BTreeMap::new();
    out.insert(
        "kubernetes.io/hostname".into(),
        object::name(node).to_string(),
    );
    let os = str_at(node, &["status", "nodeInfo", "operatingSystem"])
        .filter(|s| !s.is_empty())
        .unwrap_or("linux");
    let instance = labels
        .get("node.kubernetes.io/instance-type")
        .or_else(|| labels.get("beta.kubernetes.io/instance-type"));
    let arch = str_at(node, &["status", "nodeInfo", "architecture"])
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| instance.map_or("amd64", |t| instance_type_arch(t)));
    out.insert("kubernetes.io/os".into(), os.to_string());
    out.insert("kubernetes.io/arch".into(), arch.to_string());
    out.insert("beta.kubernetes.io/os".into(), os.to_string());
    out.insert("beta.kubernetes.io/arch".into(), arch.to_string());
    for (ga, beta) in TWINS {
        let value = labels.get(ga).or_else(|| labels.get(beta));
        if let Some(v) = value {
            out.insert(ga.to_string(), v.clone());
            out.insert(beta.to_string(), v.clone());
        }
    }
    out
}

/// Adds the kubelet's labels the node's manifest does not set (a label the manifest sets
/// wins). Returns whether anything was added.
pub fn apply_kubelet_labels(node: &mut Value) -> bool {
    let present = object::labels(node);
    let missing: Vec<(String, String)> = kubelet_labels(node)
        .into_iter()
        .filter(|(k, _)| !present.contains_key(k))
        .collect();
    if missing.is_empty() {
        return false;
    }
    let mut labels: Map = object::path(node, &["metadata", "labels"])
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (k, v) in missing {
        labels.insert(k, Value::from(v));
    }
    object::set_path(node, &["metadata", "labels"], Value::Object(labels));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn graviton_types_are_arm64() {
        for (t, arch) in [
            ("m7g.large", "arm64"),
            ("c6gn.xlarge", "arm64"),
            ("r8gd.2xlarge", "arm64"),
            ("im4gn.large", "arm64"),
            ("g5g.xlarge", "arm64"),
            ("t4g.micro", "arm64"),
            ("g4dn.xlarge", "amd64"),
            ("m5.large", "amd64"),
            ("c7i.large", "amd64"),
            ("m7i-flex.large", "amd64"),
            ("p5.48xlarge", "amd64"),
        ] {
            assert_eq!(instance_type_arch(t), arch, "{t}");
        }
    }

    #[test]
    fn fills_only_what_the_manifest_lacks() {
        let mut node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "ip-10-0-1-5.ec2.internal", "labels": {
            "node.kubernetes.io/instance-type": "m7g.large", "topology.kubernetes.io/zone": "us-east-1a",
            "kubernetes.io/os": "linux"}}});
        assert!(apply_kubelet_labels(&mut node));
        let labels = object::labels(&node);
        assert_eq!(labels["kubernetes.io/hostname"], "ip-10-0-1-5.ec2.internal");
        assert_eq!(labels["kubernetes.io/arch"], "arm64");
        assert_eq!(labels["beta.kubernetes.io/arch"], "arm64");
        assert_eq!(labels["beta.kubernetes.io/os"], "linux");
        assert_eq!(labels["beta.kubernetes.io/instance-type"], "m7g.large");
        assert_eq!(
            labels["failure-domain.beta.kubernetes.io/zone"],
            "us-east-1a"
        );
        assert!(!labels.contains_key("topology.kubernetes.io/region"));
        assert!(!apply_kubelet_labels(&mut node), "idempotent");

        let mut windows = json!({"metadata": {"name": "win", "labels": {"kubernetes.io/hostname": "custom"}},
            "status": {"nodeInfo": {"operatingSystem": "windows", "architecture": "amd64"}}});
        apply_kubelet_labels(&mut windows);
        let labels = object::labels(&windows);
        assert_eq!(labels["kubernetes.io/hostname"], "custom");
        assert_eq!(labels["kubernetes.io/os"], "windows");
    }
}
