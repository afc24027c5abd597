//! Label selectors (k8s.io/apimachinery/pkg/labels): the structured `LabelSelector`
//! (`matchLabels` + `matchExpressions`) and the string form `app=web,tier!=db,env in (a,b),!legacy`;
//! and field selectors (`metadata.name=x,status.phase!=Running`).
use crate::api::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl Requirement {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|l| !vs.contains(l)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        }
    }
}

/// A parsed selector: every requirement must match. The empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
    /// `LabelSelector` given but null-like semantics: a nil selector matches nothing.
    pub matches_nothing: bool,
}

impl Selector {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        !self.matches_nothing && self.requirements.iter().all(|r| r.matches(labels))
    }

    /// `metav1.LabelSelectorAsSelector`. A missing selector (`None`) matches nothing, as upstream.
    pub fn from_label_selector(sel: Option<&Value>) -> Result<Selector, String> {
        let Some(sel) = sel.filter(|v| !v.is_null()) else {
            return Ok(Selector {
                requirements: vec![],
                matches_nothing: true,
            });
        };
        let mut requirements = Vec::new();
        if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in ml {
                requirements.push(Requirement::Equals(
                    k.to_string(),
                    v.as_str().unwrap_or_default().to_string(),
                ));
            }
        }
        for expr in sel
            .get("matchExpressions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = expr
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let values: Vec<String> = expr
                .get("values")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let op = expr
                .get("operator")
                .and_then(Value::as_str)
                .unwrap_or_default();
            requirements.push(match op {
                "In" => Requirement::In(key, values),
                "NotIn" => Requirement::NotIn(key, values),
                "Exists" => Requirement::Exists(key),
                "DoesNotExist" => Requirement::DoesNotExist(key),
                other => return Err(format!("{other:?} is not a valid label selector operator")),
            });
        }
        Ok(Selector {
            requirements,
            matches_nothing: false,
        })
    }

    /// Parses the string form (`labels.Parse`).
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        for term in split_terms(s)? {
            let term = term.trim();
            if term.is_empty() {
                continue;
            }
            requirements.push(parse_term(term)?);
        }
        Ok(Selector {
            requirements,
            matches_nothing: false,
        })
    }
}

/// Splits on commas that are not inside parentheses.
fn split_terms(s: &str) -> Result<Vec<&str>, String> {
    let (mut depth, mut start, mut out) = (0i32, 0usize, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        if !(0..=1).contains(&depth) {
            return Err(format!(
                "unable to parse requirement: unbalanced parentheses in {s:?}"
            ));
        }
    }
    if depth != 0 {
        return Err(format!(
            "unable to parse requirement: unbalanced parentheses in {s:?}"
        ));
    }
    out.push(&s[start..]);
    Ok(out)
}

fn parse_set(rest: &str) -> Result<Vec<String>, String> {
    let rest = rest.trim();
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| format!("found '{rest}', expected: '('"))?;
    Ok(inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

fn parse_term(term: &str) -> Result<Requirement, String> {
    if let Some(key) = term.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(check_key(key.trim())?));
    }
    let words: Vec<&str> = term.splitn(2, char::is_whitespace).collect();
    if words.len() == 2 {
        let rest = words[1].trim_start();
        if let Some(set) = rest.strip_prefix("notin") {
            return Ok(Requirement::NotIn(check_key(words[0])?, parse_set(set)?));
        }
        if let Some(set) = rest.strip_prefix("in") {
            return Ok(Requirement::In(check_key(words[0])?, parse_set(set)?));
        }
    }
    for (op, ctor) in [
        (
            "!=",
            Requirement::NotEquals as fn(String, String) -> Requirement,
        ),
        ("==", Requirement::Equals),
        ("=", Requirement::Equals),
    ] {
        if let Some((k, v)) = term.split_once(op) {
            return Ok(ctor(check_key(k.trim())?, v.trim().to_string()));
        }
    }
    Ok(Requirement::Exists(check_key(term)?))
}

fn check_key(key: &str) -> Result<String, String> {
    if key.is_empty() || key.contains(char::is_whitespace) || key.contains(['(', ')', '=', '!']) {
        return Err(format!(
            "unable to parse requirement: invalid label key {key:?}"
        ));
    }
    Ok(key.to_string())
}

/// A field selector: `metadata.name`, `metadata.namespace`, `spec.nodeName`, `status.phase`
/// with `=`, `==` or `!=`.
#[derive(Debug, Clone, Default)]
pub struct FieldSelector {
    terms: Vec<(String, bool, String)>,
}

impl FieldSelector {
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut terms = Vec::new();
        for term in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (field, eq, value) = if let Some((f, v)) = term.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = term.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = term.split_once('=') {
                (f, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{s}'; can't understand '{term}'"
                ));
            };
            terms.push((field.trim().to_string(), eq, value.trim().to_string()));
        }
        Ok(FieldSelector { terms })
    }

    /// Checks that every field is one the kind supports, with upstream's error text.
    pub fn check_supported(&self, supported: &[&str]) -> Result<(), String> {
        match self
            .terms
            .iter()
            .find(|(field, _, _)| !supported.contains(&field.as_str()))
        {
            Some((field, _, _)) => Err(format!("field label not supported: {field}")),
            None => Ok(()),
        }
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.terms.iter().all(|(field, eq, value)| {
            let keys: Vec<&str> = field.split('.').collect();
            let actual = super::object::str_at(obj, &keys).unwrap_or("");
            (actual == value) == *eq
        })
    }
}

/// A `NodeSelectorRequirement` (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`) against a
/// label set (k8s.io/component-helpers/scheduling/corev1/nodeaffinity).
pub fn node_requirement_matches(req: &Value, labels: &BTreeMap<String, String>) -> bool {
    let key = req.get("key").and_then(Value::as_str).unwrap_or("");
    let values: Vec<&str> = req
        .get("values")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let label = labels.get(key);
    match req.get("operator").and_then(Value::as_str).unwrap_or("") {
        "In" => label.is_some_and(|l| values.contains(&l.as_str())),
        "NotIn" => label.is_none_or(|l| !values.contains(&l.as_str())),
        "Exists" => label.is_some(),
        "DoesNotExist" => label.is_none(),
        op @ ("Gt" | "Lt") => {
            let (Some(l), Some(v)) = (
                label.and_then(|l| l.parse::<i64>().ok()),
                values.first().and_then(|v| v.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if op == "Gt" {
                l > v
            } else {
                l < v
            }
        }
        _ => false,
    }
}

/// A `NodeSelectorTerm`: all its `matchExpressions` hold on the labels and all its
/// `matchFields` on `metadata.name`. An empty term matches nothing.
pub fn node_term_matches(term: &Value, labels: &BTreeMap<String, String>, node_name: &str) -> bool {
    let list = |k: &str| {
        term.get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    let (exprs, fields) = (list("matchExpressions"), list("matchFields"));
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    exprs.iter().all(|r| node_requirement_matches(r, labels))
        && (fields.is_empty() || {
            let name: BTreeMap<String, String> =
                [("metadata.name".to_string(), node_name.to_string())].into();
            fields.iter().all(|r| node_requirement_matches(r, &name))
        })
}

/// A `NodeSelector` (`nodeSelectorTerms`, ORed). A selector without terms matches nothing.
pub fn node_selector_matches(
    sel: &Value,
    labels: &BTreeMap<String, String>,
    node_name: &str,
) -> bool {
    sel.get("nodeSelectorTerms")
        .and_then(Value::as_array)
        .is_some_and(|terms| {
            terms
                .iter()
                .any(|t| node_term_matches(t, labels, node_name))
        })
}

/// `v1helper.MatchTopologySelectorTerms` (StorageClass `allowedTopologies`): no terms match
/// everything; otherwise some term whose every `matchLabelExpressions` entry has the label
/// with one of its values.
pub fn topology_terms_match(terms: &[Value], labels: &BTreeMap<String, String>) -> bool {
    if terms.is_empty() {
        return true;
    }
    terms.iter().any(|term| {
        term.get("matchLabelExpressions")
            .and_then(Value::as_array)
            .is_some_and(|exprs| {
                exprs.iter().all(|e| {
                    let key = e.get("key").and_then(Value::as_str).unwrap_or("");
                    labels.get(key).is_some_and(|l| {
                        e.get("values")
                            .and_then(Value::as_array)
                            .is_some_and(|vs| vs.iter().any(|v| v.as_str() == Some(l)))
                    })
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn string_selectors_match_as_upstream() {
        let l = labels(&[("app", "web"), ("tier", "front"), ("env", "a")]);
        let cases = [
            ("", true),
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("tier!=db", true),
            ("env in (a,b)", true),
            ("env notin (a,b)", false),
            ("!legacy", true),
            ("!app", false),
            ("app", true),
            ("app=web,tier!=db,env in (a,b),!legacy", true),
            ("missing notin (x)", true),
            ("missing!=x", true),
        ];
        for (sel, want) in cases {
            assert_eq!(Selector::parse(sel).unwrap().matches(&l), want, "{sel}");
        }
        assert!(Selector::parse("env in (a").is_err());
    }

    #[test]
    fn structured_selectors() {
        let sel = crate::json!({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "env", "operator": "In", "values": ["a"]}]});
        let s = Selector::from_label_selector(Some(&sel)).unwrap();
        assert!(s.matches(&labels(&[("app", "web"), ("env", "a")])));
        assert!(!s.matches(&labels(&[("app", "web")])));
        assert!(!Selector::from_label_selector(None)
            .unwrap()
            .matches(&labels(&[])));
        let empty = crate::json!({});
        assert!(Selector::from_label_selector(Some(&empty))
            .unwrap()
            .matches(&labels(&[])));
    }

    #[test]
    fn field_selectors() {
        let pod = crate::json!({"metadata": {"name": "a"}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}});
        assert!(
            FieldSelector::parse("spec.nodeName=n1,status.phase!=Pending")
                .unwrap()
                .matches(&pod)
        );
        assert!(!FieldSelector::parse("metadata.name=b")
            .unwrap()
            .matches(&pod));
        assert!(FieldSelector::parse("spec.nodeName=")
            .unwrap()
            .matches(&crate::json!({})));
    }

    #[test]
    fn node_selector_terms_or_and_expressions_and() {
        let l = labels(&[("topology.kubernetes.io/zone", "us-east-1a"), ("gen", "5")]);
        let sel = crate::json!({"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["us-east-1b"]}]},
            {"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["us-east-1a"]},
                {"key": "gen", "operator": "Gt", "values": ["4"]}
            ]}
        ]});
        assert!(node_selector_matches(&sel, &l, "n1"));
        let l2 = labels(&[("topology.kubernetes.io/zone", "us-east-1c")]);
        assert!(!node_selector_matches(&sel, &l2, "n1"));
        let by_name = crate::json!({"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]});
        assert!(node_selector_matches(&by_name, &l, "n1"));
        assert!(!node_selector_matches(&by_name, &l, "n2"));
        assert!(!node_selector_matches(
            &crate::json!({"nodeSelectorTerms": [{}]}),
            &l,
            "n1"
        ));
    }

    #[test]
    fn topology_terms() {
        let l = labels(&[("topology.ebs.csi.aws.com/zone", "us-east-1a")]);
        let terms = vec![
            crate::json!({"matchLabelExpressions": [{"key": "topology.ebs.csi.aws.com/zone", "values": ["us-east-1a", "us-east-1b"]}]}),
        ];
        assert!(topology_terms_match(&terms, &l));
        assert!(topology_terms_match(&[], &l));
        assert!(!topology_terms_match(&terms, &labels(&[])));
    }
}
