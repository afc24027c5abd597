//! CustomResourceDefinitions (`apiextensions.k8s.io/v1`): admitting a CRD ([`admit_crd`]),
//! reading it into what serving its kind needs ([`CustomResourceDefinition`]), its names and
//! conditions ([`names`]), and the path of a custom object through the apiserver: pruning and
//! defaulting at decode time ([`coerce_object`]), then validation ([`validate_object`],
//! [`validate_status`]) and the columns of `kubectl get` ([`printer`]).
//!
//! Upstream: k8s.io/apiextensions-apiserver (`pkg/apis/apiextensions/validation`,
//! `pkg/apiserver/schema/{pruning,defaulting,listtype,objectmeta}`, `pkg/apiserver/validation`,
//! `pkg/apiserver/customresource_handler.go` `unstructuredSchemaCoercer.apply`,
//! `pkg/registry/customresource/{strategy,validator}.go`, `pkg/controller/{status,establish}`,
//! `pkg/registry/customresource/tableconvertor`) and k8s.io/kube-openapi
//! (`pkg/validation/validate`). `x-kubernetes-validations` (CEL) rules are not evaluated.
pub mod coerce;
pub mod definition;
pub mod names;
pub mod openapi;
pub mod printer;
pub mod schema;
pub mod schema_rules;
pub mod structural;
pub mod values;

use crate::api::object::{api_version, kind, name, str_at};
use crate::api::Value;
use crate::server::status::{FieldError, Status};
use printer::PrinterColumn;
use schema::Schema;

/// The group of CustomResourceDefinition.
pub const GROUP: &str = "apiextensions.k8s.io";

/// The `scale` subresource of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleSubresource {
    /// `.spec.replicas`.
    pub spec_replicas_path: String,
    /// `.status.replicas`.
    pub status_replicas_path: String,
    /// `.status.selector`, if any.
    pub label_selector_path: Option<String>,
}

/// One version of a CRD, ready to serve.
#[derive(Debug, Clone)]
pub struct CrdVersion {
    /// `v1`.
    pub name: String,
    /// Whether the version is served.
    pub served: bool,
    /// Whether objects are stored in this version.
    pub storage: bool,
    /// The structural schema (`openAPIV3Schema`).
    pub schema: Schema,
    /// Whether `/status` is a subresource (then writes of the object ignore `status`).
    pub status_subresource: bool,
    /// The `scale` subresource.
    pub scale: Option<ScaleSubresource>,
    /// The printer columns (the default `Age` column when none are declared).
    pub columns: Vec<PrinterColumn>,
}

/// A CRD as the apiserver serves its kind.
#[derive(Debug, Clone)]
pub struct CustomResourceDefinition {
    /// `metadata.name`: `<plural>.<group>`.
    pub name: String,
    /// `spec.group`.
    pub group: String,
    /// `spec.names.kind`.
    pub kind: String,
    /// `spec.names.listKind`.
    pub list_kind: String,
    /// `spec.names.plural`.
    pub plural: String,
    /// `spec.names.singular`.
    pub singular: String,
    /// `spec.names.shortNames`.
    pub short_names: Vec<String>,
    /// `spec.names.categories`.
    pub categories: Vec<String>,
    /// `spec.scope == Namespaced`.
    pub namespaced: bool,
    /// `spec.versions`, in order.
    pub versions: Vec<CrdVersion>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

impl CustomResourceDefinition {
    /// Reads an admitted CRD object.
    pub fn from_value(crd: &Value) -> CustomResourceDefinition {
        let s = |keys: &[&str]| str_at(crd, keys).unwrap_or("").to_string();
        let names = crd.get("spec").and_then(|s| s.get("names"));
        let versions = crd
            .get("spec")
            .and_then(|s| s.get("versions"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|v| {
                let b = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
                let sub = v.get("subresources");
                let scale = sub
                    .and_then(|s| s.get("scale"))
                    .filter(|s| s.is_object())
                    .map(|sc| {
                        let t =
                            |k: &str| sc.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                        ScaleSubresource {
                            spec_replicas_path: t("specReplicasPath"),
                            status_replicas_path: t("statusReplicasPath"),
                            label_selector_path: sc
                                .get("labelSelectorPath")
                                .and_then(Value::as_str)
                                .map(String::from),
                        }
                    });
                CrdVersion {
                    name: v
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    served: b("served"),
                    storage: b("storage"),
                    schema: v
                        .get("schema")
                        .and_then(|s| s.get("openAPIV3Schema"))
                        .map(Schema::from_value)
                        .unwrap_or_default(),
                    status_subresource: sub
                        .and_then(|s| s.get("status"))
                        .is_some_and(|s| !s.is_null()),
                    scale,
                    columns: printer::columns_for(v),
                }
            })
            .collect();
        CustomResourceDefinition {
            name: name(crd).to_string(),
            group: s(&["spec", "group"]),
            kind: s(&["spec", "names", "kind"]),
            list_kind: s(&["spec", "names", "listKind"]),
            plural: s(&["spec", "names", "plural"]),
            singular: s(&["spec", "names", "singular"]),
            short_names: strings(names.and_then(|n| n.get("shortNames"))),
            categories: strings(names.and_then(|n| n.get("categories"))),
            namespaced: s(&["spec", "scope"]) == "Namespaced",
            versions,
        }
    }

    /// The served version named by an object's `apiVersion` (`group/version`).
    pub fn served_version(&self, api_version: &str) -> Option<&CrdVersion> {
        let (group, version) = api_version.split_once('/')?;
        if group != self.group {
            return None;
        }
        self.versions.iter().find(|v| v.name == version && v.served)
    }

    /// The version objects are stored in.
    pub fn storage_version(&self) -> Option<&CrdVersion> {
        self.versions.iter().find(|v| v.storage)
    }

    /// `group/version` of a version.
    pub fn api_version(&self, version: &str) -> String {
        format!("{}/{version}", self.group)
    }

    /// The 422 of an invalid custom object: `Prometheus.monitoring.coreos.com "x" is invalid: …`.
    pub fn invalid(&self, object_name: &str, errs: Vec<FieldError>) -> Status {
        Status::invalid_kind(&self.group, &self.kind, object_name, errs)
    }
}

/// Admits a CRD object on create: applies the v1 defaults, then validates it; a refusal is the
/// 422 `CustomResourceDefinition.apiextensions.k8s.io "x" is invalid: …`.
pub fn admit_crd(crd: &mut Value) -> Result<(), Status> {
    definition::default_crd(crd);
    let errs = definition::validate_crd(crd);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(Status::invalid_kind(
            GROUP,
            "CustomResourceDefinition",
            name(crd),
            errs,
        ))
    }
}

/// Decode-time handling of a custom object (`unstructuredSchemaCoercer.apply`, then the
/// defaulter): prunes fields the schema does not know, drops `null`s it cannot hold, applies
/// defaults. Returns the pruned paths, sorted, for field validation (`unknown field
/// "spec.foo"` warnings, or a `Strict` 400).
pub fn coerce_object(version: &CrdVersion, obj: &mut Value) -> Vec<String> {
    let unknown = coerce::prune(obj, &version.schema);
    coerce::prune_nulls(obj, Some(&version.schema));
    coerce::apply_defaults(obj, &version.schema);
    unknown
}

/// Validates a custom object as the custom resource strategy does on create and update:
/// `kind` and `apiVersion`, the OpenAPI schema, the scale paths, embedded resources and
/// list-type uniqueness. Returns the 422 with upstream's causes. (ObjectMeta is validated as
/// for any kind; `x-kubernetes-validations` rules are not evaluated.)
pub fn validate_object(
    crd: &CustomResourceDefinition,
    version: &CrdVersion,
    obj: &Value,
) -> Result<(), Status> {
    let errs = object_errors(crd, version, obj);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(crd.invalid(name(obj), errs))
    }
}

/// The field errors of [`validate_object`].
pub fn object_errors(
    crd: &CustomResourceDefinition,
    version: &CrdVersion,
    obj: &Value,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let k = kind(obj);
    if k != crd.kind {
        errs.push(FieldError::invalid(
            "kind",
            values::go_value(&Value::from(k)),
            format!("must be {}", crd.kind),
        ));
    }
    let want = crd.api_version(&version.name);
    let av = api_version(obj);
    if av != want {
        errs.push(FieldError::invalid(
            "apiVersion",
            values::go_value(&Value::from(av)),
            format!("must be {want}"),
        ));
    }
    if !errs.is_empty() {
        return errs;
    }
    errs.extend(openapi::validate(&version.schema, obj, None));
    if let Some(scale) = &version.scale {
        errs.extend(scale_errors(obj, &scale.spec_replicas_path));
        errs.extend(scale_errors(obj, &scale.status_replicas_path));
    }
    errs.extend(coerce::validate_embedded(obj, &version.schema));
    errs.extend(coerce::validate_list_types(obj, &version.schema));
    errs
}

/// `ValidateScaleSpec`/`ValidateScaleStatus`: the replicas at a scale path must be a
/// non-negative int32 when present.
fn scale_errors(obj: &Value, path: &str) -> Vec<FieldError> {
    let keys: Vec<&str> = path.trim_start_matches('.').split('.').collect();
    let Some(v) = crate::api::object::path(obj, &keys) else {
        return vec![];
    };
    let json_path = format!(".{}", keys.join("."));
    match values::num(v) {
        Some(values::Num::Int(i)) if i < 0 => vec![FieldError::invalid(
            path,
            i.to_string(),
            "should be a non-negative integer",
        )],
        Some(values::Num::Int(i)) if i > i32::MAX as i64 => vec![FieldError::invalid(
            path,
            i.to_string(),
            format!("should be less than or equal to {}", i32::MAX),
        )],
        Some(values::Num::Int(_)) => vec![],
        _ => {
            let go_type = match v {
                Value::String(_) => "string",
                Value::Bool(_) => "bool",
                Value::Number(_) => "float64",
                Value::Array(_) => "[]interface {}",
                Value::Object(_) => "map[string]interface {}",
                Value::Null => "<nil>",
            };
            let shown = match v {
                Value::String(s) => s.to_string(),
                _ => values::go_json(v),
            };
            vec![FieldError::invalid(
                path,
                "0",
                format!(
                    "{json_path} accessor error: {shown} is of the type {go_type}, expected int64"
                ),
            )]
        }
    }
}

/// Validates a write to `/status` (`ValidateStatusUpdate`): the `status` against the schema's
/// `properties.status`, errors under `status.`.
pub fn validate_status(
    crd: &CustomResourceDefinition,
    version: &CrdVersion,
    obj: &Value,
) -> Result<(), Status> {
    let Some(status) = obj.get("status") else {
        return Ok(());
    };
    let Some(schema) = version.schema.property("status") else {
        return Ok(());
    };
    let mut errs = openapi::validate(schema, status, Some("status"));
    if let Some(scale) = &version.scale {
        errs.extend(scale_errors(obj, &scale.status_replicas_path));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(crd.invalid(name(obj), errs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::decode::decode;

    const PROMETHEUS_CRD: &str =
        include_str!("../../../../examples/crds/prometheuses.monitoring.coreos.com.yaml");
    const PROMETHEUS: &str = include_str!("../../../../examples/crds/prometheus.yaml");

    fn prometheus_crd() -> (Value, CustomResourceDefinition) {
        let mut crd = decode(PROMETHEUS_CRD).unwrap().remove(0).object;
        admit_crd(&mut crd).unwrap_or_else(|e| panic!("{}", e.message));
        assert!(names::accept_names(&mut crd, &[], "2025-01-01T00:00:00Z"));
        assert!(names::establish(&mut crd, "2025-01-01T00:00:00Z"));
        let def = CustomResourceDefinition::from_value(&crd);
        (crd, def)
    }

    #[test]
    fn the_prometheus_crd_is_admitted_and_established() {
        let (crd, def) = prometheus_crd();
        assert!(names::is_established(&crd));
        assert_eq!(
            (def.kind.as_str(), def.plural.as_str(), def.namespaced),
            ("Prometheus", "prometheuses", true)
        );
        assert_eq!(def.short_names, ["prom"]);
        let v1 = def.served_version("monitoring.coreos.com/v1").unwrap();
        assert!(v1.status_subresource);
        assert_eq!(
            v1.scale.as_ref().unwrap().spec_replicas_path,
            ".spec.shards"
        );
        assert_eq!(
            crd["status"]["acceptedNames"]["shortNames"],
            crate::json!(["prom"])
        );
        assert!(def.served_version("monitoring.coreos.com/v2").is_none());
    }

    #[test]
    fn a_real_prometheus_validates_and_prints() {
        let (_, def) = prometheus_crd();
        let mut obj = decode(PROMETHEUS).unwrap().remove(0).object;
        obj["spec"]["bogus"] = crate::json!(true);
        let v1 = def.served_version(api_version(&obj)).unwrap();
        let unknown = coerce_object(v1, &mut obj);
        assert_eq!(unknown, ["spec.bogus"]);
        assert!(obj["spec"].get("bogus").is_none());
        validate_object(&def, v1, &obj).unwrap_or_else(|e| panic!("{}", e.message));
        let headers = printer::headers(&v1.columns, false);
        assert_eq!(
            headers,
            [
                "NAME",
                "VERSION",
                "DESIRED",
                "READY",
                "RECONCILED",
                "AVAILABLE",
                "AGE"
            ]
        );
        obj["metadata"]["creationTimestamp"] = crate::json!("2025-01-01T00:00:00Z");
        let now = crate::sim::clock::parse_rfc3339("2025-01-01T00:05:00Z").unwrap();
        let row = printer::row(&v1.columns, &obj, false, now, &|ms| {
            format!("{}m", ms / 60_000)
        });
        assert_eq!(
            row,
            [
                "prometheus",
                "v3.5.0",
                "2",
                "<none>",
                "<none>",
                "<none>",
                "5m"
            ]
        );
    }

    #[test]
    fn a_broken_prometheus_gets_the_upstream_422() {
        let (_, def) = prometheus_crd();
        let mut obj = decode(PROMETHEUS).unwrap().remove(0).object;
        obj["spec"]["replicas"] = crate::json!("two");
        obj["spec"]["logLevel"] = crate::json!("verbose");
        obj["spec"]["serviceMonitorSelector"]["matchExpressions"] = crate::json!([{"key": "team"}]);
        obj["spec"]["shards"] = crate::json!(-1);
        let v1 = def.served_version(api_version(&obj)).unwrap();
        coerce_object(v1, &mut obj);
        let e = validate_object(&def, v1, &obj).unwrap_err();
        assert_eq!(e.code, 422);
        assert_eq!(e.reason, "Invalid");
        let causes: Vec<(String, String, String)> = e
            .details
            .clone()
            .unwrap()
            .causes
            .into_iter()
            .map(|c| (c.reason, c.field, c.message))
            .collect();
        assert_eq!(
            causes,
            [
                (
                    "FieldValueNotSupported".to_string(),
                    "spec.logLevel".to_string(),
                    r#"Unsupported value: "verbose": supported values: "", "debug", "info", "warn", "error""#.to_string()
                ),
                (
                    "FieldValueTypeInvalid".to_string(),
                    "spec.replicas".to_string(),
                    r#"Invalid value: "string": spec.replicas in body must be of type integer: "string""#.to_string()
                ),
                (
                    "FieldValueRequired".to_string(),
                    "spec.serviceMonitorSelector.matchExpressions[0].operator".to_string(),
                    "Required value".to_string()
                ),
                (
                    "FieldValueInvalid".to_string(),
                    ".spec.shards".to_string(),
                    "Invalid value: -1: should be a non-negative integer".to_string()
                ),
            ]
        );
        assert_eq!(
            e.message,
            r#"Prometheus.monitoring.coreos.com "prometheus" is invalid: [spec.logLevel: Unsupported value: "verbose": supported values: "", "debug", "info", "warn", "error", spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string", spec.serviceMonitorSelector.matchExpressions[0].operator: Required value, .spec.shards: Invalid value: -1: should be a non-negative integer]"#
        );
        let mut wrong = decode(PROMETHEUS).unwrap().remove(0).object;
        wrong["kind"] = crate::json!("Alertmanager");
        assert_eq!(
            validate_object(&def, v1, &wrong).unwrap_err().message,
            r#"Prometheus.monitoring.coreos.com "prometheus" is invalid: kind: Invalid value: "Alertmanager": must be Prometheus"#
        );
    }

    #[test]
    fn status_writes_are_validated_under_status() {
        let (_, def) = prometheus_crd();
        let v1 = def.storage_version().unwrap();
        let obj = crate::json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
            "metadata": {"name": "p"}, "status": {"availableReplicas": "one", "paused": false}});
        let e = validate_status(&def, v1, &obj).unwrap_err();
        assert_eq!(
            e.message,
            r#"Prometheus.monitoring.coreos.com "p" is invalid: status.availableReplicas: Invalid value: "string": availableReplicas in body must be of type integer: "string""#
        );
    }

    #[test]
    fn an_invalid_crd_gets_the_upstream_422() {
        let mut crd = decode(PROMETHEUS_CRD).unwrap().remove(0).object;
        crd["spec"]["versions"][0]["storage"] = crate::json!(false);
        crd["spec"]["names"]["kind"] = crate::json!("PrometheusList");
        let e = admit_crd(&mut crd).unwrap_err();
        assert_eq!(e.code, 422);
        assert!(e.message.starts_with(r#"CustomResourceDefinition.apiextensions.k8s.io "prometheuses.monitoring.coreos.com" is invalid: ["#), "{}", e.message);
        let fields: Vec<String> = e
            .details
            .unwrap()
            .causes
            .into_iter()
            .map(|c| c.field)
            .collect();
        assert_eq!(fields, ["spec.versions", "spec.names.listKind"]);
    }
}
