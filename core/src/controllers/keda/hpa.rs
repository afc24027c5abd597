//! The HorizontalPodAutoscaler KEDA creates for a ScaledObject (kedacore/keda
//! `controllers/keda/hpa.go`: `newHPAForScaledObject`, `getScaledObjectMetricSpecs`).
use super::scalers::{metric_target_type, Scaler};
use super::spec::{ScaledObject, EXCLUDED_LABELS_ANNOTATION, SCALED_OBJECT_OWNER_ANNOTATION};
use crate::api::object::{controller_ref, set_path};
use crate::api::{Map, Value};
use crate::json;

/// The KEDA release whose behaviour this follows (the HPA's `app.kubernetes.io/version` label).
pub const KEDA_VERSION: &str = "2.20.2";

/// Every trigger's scaler, in order; the first trigger that does not parse fails the whole
/// ScaledObject (its scalers cache cannot be built).
pub fn scalers(so: &ScaledObject) -> Result<Vec<Scaler>, String> {
    so.triggers.iter().map(Scaler::parse).collect()
}

/// `getScaledObjectMetricSpecs`: one metric per trigger (external ones selected by
/// `scaledobject.keda.sh/name`), sorted by type; a duplicated external metric name is an error.
pub fn metric_specs(so: &ScaledObject) -> Result<Vec<Value>, String> {
    let mut specs = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (i, trigger) in so.triggers.iter().enumerate() {
        let scaler = Scaler::parse(trigger)?;
        let target_type = match scaler {
            Scaler::Resource { .. } => super::scalers::TargetType::AverageValue,
            _ => metric_target_type(trigger)?,
        };
        let mut spec = scaler.metric_spec(i, target_type);
        if let Some(name) = scaler.metric_name(i) {
            if names.contains(&name) {
                return Err(format!(
                    "metricName {name} defined multiple times in ScaledObject {}",
                    so.name
                ));
            }
            set_path(
                &mut spec,
                &["external", "metric", "selector"],
                json!({"matchLabels": {SCALED_OBJECT_OWNER_ANNOTATION: so.name.as_str()}}),
            );
            names.push(name);
        }
        specs.push(spec);
    }
    if specs.is_empty() {
        return Err(format!(
            "no metric specs returned from scalers for ScaledObject {}/{}",
            so.namespace, so.name
        ));
    }
    specs.sort_by(|a, b| {
        a["type"]
            .as_str()
            .unwrap_or("")
            .cmp(b["type"].as_str().unwrap_or(""))
    });
    Ok(specs)
}

/// The external metric names KEDA records in `status.externalMetricNames`, in trigger order.
pub fn external_metric_names(so: &ScaledObject) -> Vec<String> {
    so.triggers
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Scaler::parse(t).ok()?.metric_name(i))
        .collect()
}

/// `newHPAForScaledObject`: `keda-hpa-<name>` (or the configured name) targeting the ScaledObject's
/// target, minReplicas `max(minReplicaCount, 1)`, maxReplicas (100), the triggers' metrics, and
/// `advanced.horizontalPodAutoscalerConfig.behavior` with a Disabled select policy in a direction
/// paused by annotation. Labelled as KEDA labels it and owned by the ScaledObject.
pub fn build_hpa(scaled_object: &Value) -> Result<Value, String> {
    let so = ScaledObject::parse(scaled_object);
    let metrics = metric_specs(&so)?;
    let mut behavior = so.hpa_behavior.clone();
    for (paused, direction) in [
        (so.pause_scale_in(), "scaleDown"),
        (so.pause_scale_out(), "scaleUp"),
    ] {
        if paused {
            let b = behavior.get_or_insert_with(|| Value::Object(Map::new()));
            set_path(b, &[direction, "selectPolicy"], json!("Disabled"));
        }
    }
    let hpa_name = so.hpa_name();
    let mut label_name: String = hpa_name.chars().take(63).collect();
    while label_name
        .chars()
        .last()
        .is_some_and(|c| !c.is_alphanumeric())
    {
        label_name.pop();
    }
    let mut labels = Map::new();
    labels.insert("app.kubernetes.io/name", json!(label_name));
    labels.insert("app.kubernetes.io/version", json!(KEDA_VERSION));
    labels.insert("app.kubernetes.io/part-of", json!(so.name.as_str()));
    labels.insert("app.kubernetes.io/managed-by", json!("keda-operator"));
    let excluded: Vec<&str> = so
        .annotations
        .get(EXCLUDED_LABELS_ANNOTATION)
        .map(|l| l.split(',').collect())
        .unwrap_or_default();
    for (k, v) in &so.labels {
        if !excluded.contains(&k.as_str()) {
            labels.insert(k.as_str(), json!(v.as_str()));
        }
    }
    let mut metadata = Map::new();
    metadata.insert("name", json!(hpa_name));
    metadata.insert("namespace", json!(so.namespace.as_str()));
    metadata.insert("labels", Value::Object(labels));
    if !so.annotations.is_empty() {
        let mut a = Map::new();
        for (k, v) in &so.annotations {
            a.insert(k.as_str(), json!(v.as_str()));
        }
        metadata.insert("annotations", Value::Object(a));
    }
    metadata.insert("ownerReferences", json!([controller_ref(scaled_object)]));
    let mut spec = Map::new();
    spec.insert(
        "scaleTargetRef",
        json!({"kind": so.scale_target.kind.as_str(), "name": so.scale_target.name.as_str(), "apiVersion": so.scale_target.api_version.as_str()}),
    );
    spec.insert("minReplicas", json!(so.hpa_min_replicas()));
    spec.insert("maxReplicas", json!(so.hpa_max_replicas()));
    spec.insert("metrics", Value::Array(metrics.into()));
    if let Some(b) = behavior {
        spec.insert("behavior", b);
    }
    Ok(json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": Value::Object(metadata),
        "spec": Value::Object(spec),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_hpa_for_a_queue_scaled_object() {
        let so = json!({"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
        "metadata": {"name": "order-processor", "namespace": "shop", "uid": "u-1", "labels": {"team": "a", "secret": "x"},
            "annotations": {"scaledobject.keda.sh/hpa-excluded-labels": "secret", "autoscaling.keda.sh/paused-scale-in": "true"}},
        "spec": {"scaleTargetRef": {"name": "order-processor"}, "maxReplicaCount": 20,
            "advanced": {"horizontalPodAutoscalerConfig": {"behavior": {"scaleUp": {"stabilizationWindowSeconds": 0}}}},
            "triggers": [
                {"type": "aws-sqs-queue", "metadata": {"queueURL": "https://sqs.eu-west-1.amazonaws.com/1/orders", "queueLength": "5", "awsRegion": "eu-west-1"}},
                {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "80"}},
            ]}});
        let hpa = build_hpa(&so).unwrap();
        assert_eq!(hpa["metadata"]["name"], json!("keda-hpa-order-processor"));
        assert_eq!(
            hpa["metadata"]["labels"],
            json!({"app.kubernetes.io/name": "keda-hpa-order-processor", "app.kubernetes.io/version": KEDA_VERSION,
                "app.kubernetes.io/part-of": "order-processor", "app.kubernetes.io/managed-by": "keda-operator", "team": "a"})
        );
        assert_eq!(
            hpa["metadata"]["ownerReferences"][0]["kind"],
            json!("ScaledObject")
        );
        assert_eq!(
            hpa["spec"],
            json!({
                "scaleTargetRef": {"kind": "Deployment", "name": "order-processor", "apiVersion": "apps/v1"},
                // minReplicaCount 0 becomes 1: KEDA itself handles 0 <-> 1.
                "minReplicas": 1,
                "maxReplicas": 20,
                // Sorted by type: External before Resource.
                "metrics": [
                    {"type": "External", "external": {"metric": {"name": "s0-aws-sqs-orders", "selector": {"matchLabels": {"scaledobject.keda.sh/name": "order-processor"}}}, "target": {"type": "AverageValue", "averageValue": "5"}}},
                    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}},
                ],
                "behavior": {"scaleUp": {"stabilizationWindowSeconds": 0}, "scaleDown": {"selectPolicy": "Disabled"}},
            })
        );
        assert_eq!(
            external_metric_names(&ScaledObject::parse(&so)),
            vec!["s0-aws-sqs-orders".to_string()]
        );
        // Two triggers on the same queue: the metric name is duplicated only across indexes.
        let dup = json!({"metadata": {"name": "x"}, "spec": {"advanced": {"horizontalPodAutoscalerConfig": {"name": "custom"}},
            "triggers": [{"type": "redis", "metadata": {"listName": "l"}}]}});
        assert_eq!(
            build_hpa(&dup).unwrap()["metadata"]["name"],
            json!("custom")
        );
        let bad = json!({"metadata": {"name": "x"}, "spec": {"triggers": [{"type": "redis", "metadata": {}}]}});
        assert_eq!(build_hpa(&bad).unwrap_err(), "error parsing redis metadata: missing required parameter \"listName\" in [triggerMetadata]");
    }
}
