//! `kubectl taint` (k8s.io/kubectl/pkg/cmd/taint): `KEY[=VALUE]:EFFECT` adds, `KEY:EFFECT-`
//! or `KEY-` removes; new taints come first, then the node's others; `node/n tainted`,
//! `untainted`, or `modified` (both, or `--overwrite`).
use super::print;
use super::resources;
use super::{Ctx, DryRun, Error};
use crate::api::{object, Value};
use crate::control_plane::{ControlPlane, ObjectRef};
use crate::server::patch::PatchType;

/// `Taint.ToString` of a taint object (`key=value:effect`).
pub(crate) fn taint_text(v: &Value) -> String {
    Taint::of(v).text()
}

#[derive(Debug, Clone, PartialEq)]
struct Taint {
    key: String,
    value: String,
    effect: String,
}

impl Taint {
    fn of(v: &Value) -> Taint {
        Taint {
            key: v["key"].as_str().unwrap_or("").into(),
            value: v["value"].as_str().unwrap_or("").into(),
            effect: v["effect"].as_str().unwrap_or("").into(),
        }
    }
    fn matches(&self, other: &Taint) -> bool {
        self.key == other.key && self.effect == other.effect
    }
    /// `Taint.ToString`.
    fn text(&self) -> String {
        match (self.effect.is_empty(), self.value.is_empty()) {
            (true, true) => self.key.clone(),
            (true, false) => format!("{}={}:", self.key, self.value),
            (false, true) => format!("{}:{}", self.key, self.effect),
            (false, false) => format!("{}={}:{}", self.key, self.value, self.effect),
        }
    }
}

/// `validation.IsQualifiedName`: an optional DNS-subdomain prefix and `/`, then a name of at
/// most 63 alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric.
fn qualified_name_errors(key: &str) -> Option<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let valid_name = !name.is_empty()
        && name.len() <= 63
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric()
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'));
    if name.is_empty() {
        return Some("name part must be non-empty".into());
    }
    if !valid_name {
        return Some("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".into());
    }
    if let Some(p) = prefix {
        let ok = !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.as_bytes()[0].is_ascii_alphanumeric()
                    && l.as_bytes()[l.len() - 1].is_ascii_alphanumeric()
                    && l.bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
            });
        if !ok {
            return Some("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".into());
        }
    }
    None
}

/// `parseTaint`.
fn parse_taint(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [k] => (k.to_string(), String::new(), String::new()),
        [kv, e] => {
            if !matches!(*e, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!(
                    "invalid taint effect: {e}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            if kv.len() > 2 {
                return Err(format!("invalid taint spec: {spec}"));
            }
            let value = kv.get(1).map(|v| v.to_string()).unwrap_or_default();
            if kv.len() == 2 && !label_value_ok(&value) {
                return Err(format!("invalid taint spec: {spec}, a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
            }
            (kv[0].to_string(), value, e.to_string())
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    if let Some(e) = qualified_name_errors(&key) {
        return Err(format!("invalid taint spec: {spec}, {e}"));
    }
    Ok(Taint { key, value, effect })
}

fn label_value_ok(v: &str) -> bool {
    v.is_empty()
        || (v.len() <= 63
            && v.as_bytes()[0].is_ascii_alphanumeric()
            && v.as_bytes()[v.len() - 1].is_ascii_alphanumeric()
            && v.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')))
}

pub(super) fn taint(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let mut res = Vec::new();
    let mut specs = Vec::new();
    let mut met = false;
    for s in &ctx.p.args {
        let is_taint = s.contains('=') || s.contains(':') || s.ends_with('-');
        match (met, is_taint) {
            (_, true) => {
                met = true;
                specs.push(s.clone());
            }
            (false, false) => res.push(s.clone()),
            (true, false) => {
                return Err(Error::msg(format!(
                    "error: all resources must be specified before taint changes: {s}"
                )))
            }
        }
    }
    if res.is_empty() {
        return Err(Error::msg(
            "error: one or more resources must be specified as <resource> <name>",
        ));
    }
    if specs.is_empty() {
        return Err(Error::msg("error: at least one taint update is required"));
    }
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    for spec in &specs {
        if let Some(s) = spec.strip_suffix('-') {
            let t = parse_taint(s).map_err(|e| ctx.usage(&e))?;
            remove.push(Taint {
                key: t.key,
                value: String::new(),
                effect: t.effect,
            });
        } else {
            let t = parse_taint(spec).map_err(|e| ctx.usage(&e))?;
            if t.effect.is_empty() {
                return Err(ctx.usage(&format!("invalid taint spec: {spec}")));
            }
            if add.iter().any(|x: &Taint| x.matches(&t)) {
                return Err(ctx.usage(&format!(
                    "duplicated taints with the same key and effect: {{{} {} {} <nil>}}",
                    t.key, t.value, t.effect
                )));
            }
            add.push(t);
        }
    }
    let kind = resources::resolve_type(&res[0])?;
    if kind.kind != "Node" {
        return Err(Error::msg(format!(
            "error: invalid resource type {}, only node types are supported",
            res[0].to_lowercase()
        )));
    }
    let conflicts: Vec<String> = add
        .iter()
        .flat_map(|a| {
            remove
                .iter()
                .filter(move |r| r.key == a.key && (r.effect.is_empty() || r.effect == a.effect))
                .map(|r| format!("{}={}", r.key, r.effect))
        })
        .collect();
    if !conflicts.is_empty() {
        return Err(Error::msg(format!(
            "error: can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        )));
    }
    let all = ctx.p.bool("all");
    let selector = ctx.p.str("selector");
    if all && !selector.is_empty() {
        return Err(Error::msg(
            "error: setting 'all' parameter with a non empty selector is prohibited",
        ));
    }
    if !all && selector.is_empty() && res.len() < 2 {
        return Err(Error::msg(
            "error: at least one resource name must be specified since 'all' parameter is not set",
        ));
    }
    let fmt = print::format(ctx, false)?;
    let dry = ctx.dry_run()?;
    let overwrite = ctx.p.bool("overwrite");
    let mut req = ctx.request(false);
    req.args = if all || !selector.is_empty() {
        vec!["nodes".into()]
    } else {
        let mut a = vec!["nodes".to_string()];
        a.extend(res[1..].iter().cloned());
        a
    };
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    let mut shadow = (dry == DryRun::Server).then(|| ctx.cp.clone());
    let mut errors = found.errors.clone();
    for info in &found.infos {
        let old: Vec<Taint> = object::array_at(&info.object, &["spec", "taints"])
            .iter()
            .map(Taint::of)
            .collect();
        if !overwrite {
            let exists: Vec<&str> = add
                .iter()
                .flat_map(|t| {
                    old.iter()
                        .filter(move |o| t.matches(o))
                        .map(move |_| t.key.as_str())
                })
                .collect();
            if !exists.is_empty() {
                errors.push(Error::msg(format!(
                    "error: node {} already has {} taint(s) with same effect(s) and --overwrite is false",
                    info.name,
                    exists.join(",")
                )));
                continue;
            }
        }
        // reorganizeTaints: the new taints, then the old ones they do not replace.
        let mut next = add.clone();
        for o in &old {
            if !next.iter().any(|n| n.matches(o)) {
                next.push(o.clone());
            }
        }
        let added = old.len() != next.len();
        let mut not_found = Vec::new();
        let mut deleted = false;
        for r in &remove {
            let before = next.len();
            next.retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
            deleted = before != next.len();
            if !deleted {
                not_found.push(Error::msg(format!("taint {:?} not found", r.text())));
            }
        }
        if !not_found.is_empty() {
            errors.extend(not_found);
            continue;
        }
        let op = if (added && deleted) || overwrite {
            "modified"
        } else if added {
            "tainted"
        } else {
            "untainted"
        };
        let taints: Vec<Value> = next
            .iter()
            .map(|t| {
                let old = object::array_at(&info.object, &["spec", "taints"])
                    .iter()
                    .find(|o| Taint::of(o) == *t)
                    .cloned();
                old.unwrap_or_else(|| {
                    let mut m = crate::api::Map::new();
                    m.insert("effect", Value::from(t.effect.as_str()));
                    m.insert("key", Value::from(t.key.as_str()));
                    if !t.value.is_empty() {
                        m.insert("value", Value::from(t.value.as_str()));
                    }
                    Value::Object(m)
                })
            })
            .collect();
        let taints_value = if taints.is_empty() {
            Value::Null
        } else {
            Value::Array(taints.into())
        };
        if dry == DryRun::Client {
            let mut o = info.object.clone();
            object::set_path(&mut o, &["spec", "taints"], taints_value);
            print::operation(ctx, &fmt, &o, op, dry, true)?;
            continue;
        }
        let patch = crate::json!({"spec": {"taints": taints_value}});
        let r = ObjectRef {
            api_version: Some("v1".into()),
            kind: "Node".into(),
            namespace: None,
            name: info.name.clone(),
        };
        let manager = ctx.p.str("field-manager");
        let cp: &mut ControlPlane = match shadow.as_mut() {
            Some(s) => s,
            None => &mut *ctx.cp,
        };
        match cp.patch_as(&super::ws(cp), &r, &patch, PatchType::Merge, &manager) {
            Ok(after) => print::operation(ctx, &fmt, &after, op, dry, true)?,
            Err(s) => errors.push(Error::Status(s)),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Many(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// taint_test.go `TestTaint` / utils_test.go `TestParseTaints` shapes.
    #[test]
    fn parses_taints() {
        assert_eq!(
            parse_taint("dedicated=special-user:NoSchedule").unwrap(),
            Taint {
                key: "dedicated".into(),
                value: "special-user".into(),
                effect: "NoSchedule".into()
            }
        );
        assert_eq!(parse_taint("foo").unwrap().key, "foo");
        assert_eq!(
            parse_taint("foo:Bar").unwrap_err(),
            "invalid taint effect: Bar, unsupported taint effect"
        );
        assert!(parse_taint("a=b=c:NoSchedule").is_err());
        assert!(parse_taint("-bad:NoSchedule").is_err());
        assert_eq!(
            Taint {
                key: "k".into(),
                value: "".into(),
                effect: "NoSchedule".into()
            }
            .text(),
            "k:NoSchedule"
        );
    }
}
