//! Custom resources print the `additionalPrinterColumns` of their CRDs
//! (k8s.io/apiextensions-apiserver registry/customresource/tableconvertor): `NAME`, then each
//! column's JSONPath result (`string` columns print the value as JSONPath prints it, other
//! types convert: `integer`, `number`, `boolean`, `date` as an age), an empty cell when the
//! path finds nothing; a CRD without columns gets `AGE`.
//!
//! Columns as the upstream CRDs declare them: kubernetes-sigs/karpenter
//! pkg/apis/crds/karpenter.sh_{nodepools,nodeclaims}.yaml, aws/karpenter-provider-aws
//! karpenter.k8s.aws_ec2nodeclasses.yaml, kedacore/keda config/crd/bases/keda.sh_*.yaml,
//! kcp-dev/kcp config/crds/*.yaml, kubernetes/autoscaler vpa-v1-crd-gen.yaml.
use super::{printer, since, Printer};
use crate::api::object;
use crate::api::{KindInfo, Value};
use crate::kubectl::output::jsonpath::{self, JsonPath};

/// (name, JSONPath, type, priority).
type Spec = (&'static str, &'static str, &'static str, u8);

const AGE: Spec = ("Age", ".metadata.creationTimestamp", "date", 0);

fn columns(group: &str, kind: &str) -> Option<&'static [Spec]> {
    Some(match (group, kind) {
        ("karpenter.sh", "NodePool") => &[
            (
                "NodeClass",
                ".spec.template.spec.nodeClassRef.name",
                "string",
                0,
            ),
            ("Nodes", ".status.nodes", "string", 0),
            (
                "Ready",
                ".status.conditions[?(@.type==\"Ready\")].status",
                "string",
                0,
            ),
            AGE,
            ("Weight", ".spec.weight", "integer", 1),
            ("CPU", ".status.resources.cpu", "string", 1),
            ("Memory", ".status.resources.memory", "string", 1),
        ],
        ("karpenter.sh", "NodeClaim") => &[
            (
                "Type",
                ".metadata.labels.node\\.kubernetes\\.io/instance-type",
                "string",
                0,
            ),
            (
                "Capacity",
                ".metadata.labels.karpenter\\.sh/capacity-type",
                "string",
                0,
            ),
            (
                "Zone",
                ".metadata.labels.topology\\.kubernetes\\.io/zone",
                "string",
                0,
            ),
            ("Node", ".status.nodeName", "string", 0),
            (
                "Ready",
                ".status.conditions[?(@.type==\"Ready\")].status",
                "string",
                0,
            ),
            AGE,
            ("ImageID", ".status.imageID", "string", 1),
            ("ID", ".status.providerID", "string", 1),
            (
                "NodePool",
                ".metadata.labels.karpenter\\.sh/nodepool",
                "string",
                1,
            ),
            ("NodeClass", ".spec.nodeClassRef.name", "string", 1),
            (
                "Drifted",
                ".status.conditions[?(@.type==\"Drifted\")].status",
                "string",
                1,
            ),
        ],
        ("karpenter.k8s.aws", "EC2NodeClass") => &[
            (
                "Ready",
                ".status.conditions[?(@.type==\"Ready\")].status",
                "string",
                0,
            ),
            AGE,
            ("Role", ".spec.role", "string", 1),
        ],
        ("keda.sh", "ScaledObject") => &[
            ("ScaleTargetKind", ".status.scaleTargetKind", "string", 0),
            ("ScaleTargetName", ".spec.scaleTargetRef.name", "string", 0),
            ("Min", ".spec.minReplicaCount", "integer", 0),
            ("Max", ".spec.maxReplicaCount", "integer", 0),
            (
                "Ready",
                ".status.conditions[?(@.type==\"Ready\")].status",
                "string",
                0,
            ),
            (
                "Active",
                ".status.conditions[?(@.type==\"Active\")].status",
                "string",
                0,
            ),
            (
                "Fallback",
                ".status.conditions[?(@.type==\"Fallback\")].status",
                "string",
                0,
            ),
            (
                "Paused",
                ".status.conditions[?(@.type==\"Paused\")].status",
                "string",
                0,
            ),
            ("Triggers", ".status.triggersTypes", "string", 0),
            (
                "Authentications",
                ".status.authenticationsTypes",
                "string",
                0,
            ),
            AGE,
        ],
        ("keda.sh", "ScaledJob") => &[
            ("Min", ".spec.minReplicaCount", "integer", 0),
            ("Max", ".spec.maxReplicaCount", "integer", 0),
            (
                "Ready",
                ".status.conditions[?(@.type==\"Ready\")].status",
                "string",
                0,
            ),
            (
                "Active",
                ".status.conditions[?(@.type==\"Active\")].status",
                "string",
                0,
            ),
            (
                "Paused",
                ".status.conditions[?(@.type==\"Paused\")].status",
                "string",
                0,
            ),
            ("Triggers", ".status.triggersTypes", "string", 0),
            (
                "Authentications",
                ".status.authenticationsTypes",
                "string",
                0,
            ),
            AGE,
        ],
        ("keda.sh", "TriggerAuthentication") => &[
            ("PodIdentity", ".spec.podIdentity.provider", "string", 0),
            ("Secret", ".spec.secretTargetRef[*].name", "string", 0),
            ("Env", ".spec.env[*].name", "string", 0),
            ("VaultAddress", ".spec.hashiCorpVault.address", "string", 0),
            ("ScaledObjects", ".status.scaledobjects", "string", 1),
            ("ScaledJobs", ".status.scaledjobs", "string", 1),
        ],
        ("keda.sh", "ClusterTriggerAuthentication") => &[
            ("PodIdentity", ".spec.podIdentity.provider", "string", 0),
            ("Secret", ".spec.secretTargetRef[*].name", "string", 0),
            ("Env", ".spec.env[*].name", "string", 0),
            ("FilePath", ".spec.filePath", "string", 0),
            ("VaultAddress", ".spec.hashiCorpVault.address", "string", 0),
            ("ScaledObjects", ".status.scaledobjects", "string", 1),
            ("ScaledJobs", ".status.scaledjobs", "string", 1),
        ],
        ("tenancy.kcp.io", "Workspace") => &[
            ("Type", ".spec.type.name", "string", 0),
            ("Region", ".metadata.labels['region']", "string", 0),
            ("Phase", ".status.phase", "string", 0),
            ("URL", ".spec.URL", "string", 0),
            AGE,
        ],
        ("core.kcp.io", "LogicalCluster") => &[
            ("Phase", ".status.phase", "string", 0),
            ("URL", ".status.URL", "string", 0),
            AGE,
        ],
        ("apis.kcp.io", "APIBinding") => &[
            AGE,
            (
                "Ready",
                ".status.conditions[?(@.type==\"Ready\")].status",
                "string",
                0,
            ),
        ],
        ("autoscaling.k8s.io", "VerticalPodAutoscaler") => &[
            ("Mode", ".spec.updatePolicy.updateMode", "string", 0),
            (
                "CPU",
                ".status.recommendation.containerRecommendations[0].target.cpu",
                "string",
                0,
            ),
            (
                "Mem",
                ".status.recommendation.containerRecommendations[0].target.memory",
                "string",
                0,
            ),
            (
                "Provided",
                ".status.conditions[?(@.type=='RecommendationProvided')].status",
                "string",
                0,
            ),
            AGE,
            (
                "MinReplicas",
                ".spec.updatePolicy.minReplicas",
                "integer",
                1,
            ),
            (
                "OOMSeconds",
                ".spec.updatePolicy.evictAfterOOMSeconds",
                "integer",
                1,
            ),
        ],
        // kplane's own simulation inputs: the demand they make and what became of it.
        ("sim.kplane.dev", "LoadProfile") => &[
            ("Target-Kind", ".spec.target.kind", "string", 0),
            ("Target", ".spec.target.name", "string", 0),
            ("RPS", ".status.requestsPerSecond", "number", 0),
            ("Endpoints", ".status.readyEndpoints", "integer", 0),
            ("Per-Pod", ".status.perPodRequestsPerSecond", "number", 0),
            ("Latency-ms", ".status.latencyMilliseconds", "number", 0),
            ("Error-Rate", ".status.errorRate", "number", 0),
            AGE,
            ("Dropped", ".status.droppedRequests", "integer", 1),
            ("Failed", ".status.failedRequests", "integer", 1),
            ("Served", ".status.servedRequests", "integer", 1),
        ],
        ("sim.kplane.dev", "Queue") => &[
            ("Messages", ".status.messages", "integer", 0),
            ("Consumers", ".status.consumers", "integer", 0),
            ("Arrivals/s", ".status.arrivalRate", "number", 0),
            ("Consumed/s", ".status.consumeRate", "number", 0),
            ("Lag-s", ".status.lagSeconds", "number", 0),
            AGE,
            ("Consumer", ".spec.consumer.name", "string", 1),
            ("Arrived", ".status.arrived", "integer", 1),
        ],
        // CRDs without columns print NAME AGE.
        ("tenancy.kcp.io", "WorkspaceType")
        | ("apis.kcp.io", "APIExport")
        | ("apis.kcp.io", "APIResourceSchema")
        | ("sim.kplane.dev", _) => &[AGE],
        _ => return None,
    })
}

pub(super) fn for_kind(info: &KindInfo) -> Option<Printer> {
    let specs = columns(info.group, info.kind)?;
    let mut names: Vec<(&str, u8)> = vec![("Name", 0)];
    names.extend(specs.iter().map(|(n, _, _, p)| (*n, *p)));
    let paths: Vec<(JsonPath, &'static str)> = specs
        .iter()
        .filter_map(|(_, path, ty, _)| {
            JsonPath::parse(&format!("{{{path}}}"))
                .ok()
                .map(|p| (p.allow_missing_keys(true), *ty))
        })
        .collect();
    Some(printer(&names, move |o, now| {
        let mut cells = vec![object::name(o).to_string()];
        for (path, ty) in &paths {
            cells.push(cell(path, ty, o, now));
        }
        cells
    }))
}

/// One cell (`cellForJSONValue`), empty when the path finds nothing.
fn cell(path: &JsonPath, ty: &str, o: &Value, now: i64) -> String {
    let Ok(results) = path.find_results(o) else {
        return String::new();
    };
    let Some(value) = results.first().and_then(|g| g.first()) else {
        return String::new();
    };
    match (ty, value) {
        (_, Value::Null) => String::new(),
        ("string", Value::Object(_) | Value::Array(_)) => {
            crate::kubectl::output::json::to_compact(value)
        }
        ("string", v) => jsonpath::text(v),
        ("integer", Value::Number(n)) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => (n.as_f64().unwrap_or(0.0) as i64).to_string(),
        },
        ("number", Value::Number(n)) => {
            crate::kubectl::output::yaml::go_format_g(n.as_f64().unwrap_or(0.0))
        }
        ("boolean", Value::Bool(b)) => b.to_string(),
        ("date", Value::String(s)) => match crate::sim::parse_rfc3339(s) {
            Some(_) => since(Some(s), now),
            None => "<invalid>".into(),
        },
        _ => String::new(),
    }
}
