//! A CRD's `openAPIV3Schema` read into the structural form the apiserver validates, prunes and
//! defaults with (apiextensions-apiserver `pkg/apiserver/schema/structural.go`, `convert.go`):
//! one type per node, properties in schema order, `items`, `additionalProperties`, the value
//! validations and the `x-kubernetes-*` extensions.
use crate::api::Value;

/// `additionalProperties`: `false`/`true`, or a schema for every value of a map.
#[derive(Debug, Clone)]
pub enum Additional {
    /// `additionalProperties: true|false`.
    Allows(bool),
    /// `additionalProperties: {schema}`.
    Schema(Box<Schema>),
}

/// One node of a structural schema.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// `type`: object, array, string, integer, number, boolean, or empty.
    pub type_: String,
    /// `format`, as written (`int32`, `date-time`, …).
    pub format: String,
    /// `nullable`.
    pub nullable: bool,
    /// `default`.
    pub default: Option<Value>,
    /// `properties`, in the order the schema lists them.
    pub properties: Vec<(String, Schema)>,
    /// `additionalProperties`.
    pub additional_properties: Option<Additional>,
    /// `items` (a single schema).
    pub items: Option<Box<Schema>>,
    /// `required`.
    pub required: Vec<String>,
    /// `enum`.
    pub enum_: Option<Vec<Value>>,
    /// `maximum` and `exclusiveMaximum`.
    pub maximum: Option<f64>,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: bool,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: bool,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `maxLength`.
    pub max_length: Option<i64>,
    /// `minLength`.
    pub min_length: Option<i64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `maxItems`.
    pub max_items: Option<i64>,
    /// `minItems`.
    pub min_items: Option<i64>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// `maxProperties`.
    pub max_properties: Option<i64>,
    /// `minProperties`.
    pub min_properties: Option<i64>,
    /// `allOf`.
    pub all_of: Vec<Schema>,
    /// `anyOf`.
    pub any_of: Vec<Schema>,
    /// `oneOf`.
    pub one_of: Vec<Schema>,
    /// `not`.
    pub not: Option<Box<Schema>>,
    /// `x-kubernetes-preserve-unknown-fields: true`.
    pub preserve_unknown_fields: bool,
    /// `x-kubernetes-embedded-resource`.
    pub embedded_resource: bool,
    /// `x-kubernetes-int-or-string`.
    pub int_or_string: bool,
    /// `x-kubernetes-list-type`.
    pub list_type: Option<String>,
    /// `x-kubernetes-list-map-keys`.
    pub list_map_keys: Vec<String>,
    /// `x-kubernetes-map-type`.
    pub map_type: Option<String>,
}

fn f64_of(v: &Value, k: &str) -> Option<f64> {
    v.get(k).and_then(Value::as_f64)
}

fn i64_of(v: &Value, k: &str) -> Option<i64> {
    v.get(k).and_then(|x| {
        x.as_i64().or_else(|| {
            x.as_f64()
                .map(|f| f.clamp(i64::MIN as f64, i64::MAX as f64) as i64)
        })
    })
}

fn bool_of(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool).unwrap_or(false)
}

fn str_of(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

fn strings_of(v: &Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The deepest schema nesting read; deeper nodes are left out (hostile input).
pub const MAX_SCHEMA_DEPTH: usize = 128;

impl Schema {
    /// Reads a JSONSchemaProps value. Unknown or mistyped fields read as unset (the CRD's own
    /// validation reports them).
    pub fn from_value(v: &Value) -> Schema {
        Schema::read(v, 0)
    }

    fn read(v: &Value, depth: usize) -> Schema {
        if depth > MAX_SCHEMA_DEPTH || !v.is_object() {
            return Schema::default();
        }
        let sub = |x: &Value| Schema::read(x, depth + 1);
        let list = |k: &str| {
            v.get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().map(sub).collect())
                .unwrap_or_default()
        };
        let int_or_string = bool_of(v, "x-kubernetes-int-or-string");
        Schema {
            type_: str_of(v, "type"),
            format: str_of(v, "format"),
            nullable: bool_of(v, "nullable"),
            default: v.get("default").cloned(),
            properties: v
                .get("properties")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, x)| (k.to_string(), sub(x))).collect())
                .unwrap_or_default(),
            additional_properties: match v.get("additionalProperties") {
                Some(Value::Bool(b)) => Some(Additional::Allows(*b)),
                Some(x) if x.is_object() => Some(Additional::Schema(Box::new(sub(x)))),
                _ => None,
            },
            items: v
                .get("items")
                .filter(|x| x.is_object())
                .map(|x| Box::new(sub(x))),
            required: strings_of(v, "required"),
            enum_: v.get("enum").and_then(Value::as_array).cloned(),
            maximum: f64_of(v, "maximum"),
            exclusive_maximum: bool_of(v, "exclusiveMaximum"),
            minimum: f64_of(v, "minimum"),
            exclusive_minimum: bool_of(v, "exclusiveMinimum"),
            multiple_of: f64_of(v, "multipleOf"),
            max_length: i64_of(v, "maxLength"),
            min_length: i64_of(v, "minLength"),
            pattern: v
                .get("pattern")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty())
                .map(String::from),
            max_items: i64_of(v, "maxItems"),
            min_items: i64_of(v, "minItems"),
            unique_items: bool_of(v, "uniqueItems"),
            max_properties: i64_of(v, "maxProperties"),
            min_properties: i64_of(v, "minProperties"),
            all_of: list("allOf"),
            any_of: list("anyOf"),
            one_of: list("oneOf"),
            not: v
                .get("not")
                .filter(|x| x.is_object())
                .map(|x| Box::new(sub(x))),
            preserve_unknown_fields: bool_of(v, "x-kubernetes-preserve-unknown-fields"),
            embedded_resource: bool_of(v, "x-kubernetes-embedded-resource"),
            int_or_string,
            list_type: v
                .get("x-kubernetes-list-type")
                .and_then(Value::as_str)
                .map(String::from),
            list_map_keys: strings_of(v, "x-kubernetes-list-map-keys"),
            map_type: v
                .get("x-kubernetes-map-type")
                .and_then(Value::as_str)
                .map(String::from),
        }
    }

    /// The schema of property `name`.
    pub fn property(&self, name: &str) -> Option<&Schema> {
        self.properties
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, s)| s)
    }

    /// The schema of the values of a map (`additionalProperties: {schema}`).
    pub fn additional_schema(&self) -> Option<&Schema> {
        match &self.additional_properties {
            Some(Additional::Schema(s)) => Some(s),
            _ => None,
        }
    }

    /// The types a value may have, as the validator sees them: `integer,string` for
    /// `x-kubernetes-int-or-string` (`ConvertJSONSchemaPropsWithPostProcess`).
    pub fn types(&self) -> Vec<&str> {
        if self.int_or_string {
            vec!["integer", "string"]
        } else if self.type_.is_empty() {
            vec![]
        } else {
            vec![self.type_.as_str()]
        }
    }

    /// The format the validator checks: unsupported formats are dropped
    /// (`StripUnsupportedFormatsPostProcessorForVersion`); kplane checks `int32`, `int64`,
    /// `float`, `double`, `date`, `date-time` and `uuid`.
    pub fn effective_format(&self) -> &str {
        let f = self.format.as_str();
        let ty = if self.int_or_string {
            ""
        } else {
            self.type_.as_str()
        };
        match ty {
            "" | "string" => match f.replace('-', "").as_str() {
                "datetime" | "date" | "uuid" | "uuid3" | "uuid4" | "uuid5" | "bsonobjectid"
                | "uri" | "email" | "hostname" | "ipv4" | "ipv6" | "cidr" | "mac" | "isbn"
                | "isbn10" | "isbn13" | "creditcard" | "ssn" | "hexcolor" | "rgbcolor" | "byte"
                | "password" | "duration" => f,
                _ => "",
            },
            "integer" if f == "int32" || f == "int64" => f,
            "number" if f == "float" || f == "double" => f,
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn reads_a_schema() {
        let s = Schema::from_value(&json!({
            "type": "object",
            "properties": {
                "spec": {"type": "object", "required": ["replicas"], "properties": {
                    "replicas": {"type": "integer", "format": "int32", "minimum": 0, "default": 1},
                    "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                              "items": {"type": "object", "properties": {"name": {"type": "string"}}}}
                }},
                "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
            }
        }));
        let spec = s.property("spec").unwrap();
        assert_eq!(spec.required, ["replicas"]);
        let r = spec.property("replicas").unwrap();
        assert_eq!(
            (r.minimum, r.effective_format(), r.default.clone()),
            (Some(0.0), "int32", Some(json!(1)))
        );
        assert_eq!(
            spec.property("port").unwrap().types(),
            ["integer", "string"]
        );
        assert_eq!(
            spec.property("labels")
                .unwrap()
                .additional_schema()
                .unwrap()
                .type_,
            "string"
        );
        let ports = spec.property("ports").unwrap();
        assert_eq!(ports.list_map_keys, ["name"]);
        assert!(s.property("status").unwrap().preserve_unknown_fields);
        // Schema order is kept.
        let names: Vec<&str> = spec.properties.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["replicas", "port", "labels", "ports"]);
        assert_eq!(
            Schema::from_value(&json!({"type": "string", "format": "email2"})).effective_format(),
            ""
        );
    }
}
