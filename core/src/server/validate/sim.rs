//! kplane's simulation inputs (`sim.kplane.dev/v1alpha1`): `LoadProfile` and `Queue`, checked
//! by the same parsers the simulation reads them with (`sim::load`, `sim::queue`), so what
//! validates is what runs.
use super::meta;
use super::names::NameFormat;
use super::Errors;
use crate::api::Value;
use crate::server::status::FieldError;
use crate::sim::rate::SpecError;

fn field_errors(errs: Vec<SpecError>) -> impl Iterator<Item = FieldError> {
    errs.into_iter().map(|e| match e.value {
        Some(v) => FieldError::invalid(e.field, v, e.detail),
        None => FieldError::required(e.field, e.detail),
    })
}

/// A `LoadProfile`: `spec.target` (a Service or a workload), `spec.requests` (a rate),
/// `spec.perRequest` (quantities and a latency), `spec.startTime`.
pub fn load_profile(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    errs.extend(field_errors(crate::sim::load::Profile::parse(obj).1));
}

/// A `Queue`: `spec.arrivals` (a rate), `spec.consumer` (a workload), `spec.perPodRate`,
/// `spec.perMessage`, `spec.partitions`.
pub fn queue(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    errs.extend(field_errors(crate::sim::queue::QueueSpec::parse(obj).1));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn profiles_and_queues_report_their_fields() {
        let mut e = Vec::new();
        load_profile(
            &json!({"metadata": {"name": "web", "namespace": "default"},
                "spec": {"requests": {"rps": "lots"}}}),
            &mut e,
        );
        let text: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "spec.target: Required value",
                "spec.requests.rps: Invalid value: \"lots\": must be a number between 0 and 1000000000",
            ]
        );
        let mut e = Vec::new();
        queue(
            &json!({"metadata": {"name": "orders", "namespace": "default"},
                "spec": {"consumer": {"kind": "Service", "name": "x"}, "partitions": 0}}),
            &mut e,
        );
        let text: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "spec.consumer.kind: Invalid value: \"Service\": must be a workload: Deployment, ReplicaSet, StatefulSet or ReplicationController",
                "spec.partitions: Invalid value: 0: must be an integer from 1 to 10000",
            ]
        );
    }
}
