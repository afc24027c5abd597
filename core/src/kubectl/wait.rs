//! `kubectl wait` (k8s.io/kubectl/pkg/cmd/wait): `--for=condition=Ready[=value]`,
//! `--for=delete`, `--for=create`, `--for=jsonpath='{.status.phase}'=Running`; `pod/x
//! condition met` for each object whose condition holds.
//!
//! kplane waits in virtual time ([`super::waiting`]): the condition is looked at now and after
//! each wake-up of the control loops until it holds or `--timeout` (default 30s) passes:
//! `timed out waiting for the condition on pods/x` (`condition not met for pods/x` with
//! `--timeout=0`, which looks once).
use super::output::jsonpath::{relaxed, JsonPath};
use super::print;
use super::resources::{self, Info};
use super::waiting::{self, Deadline, Waited};
use super::{Ctx, Error};
use crate::api::{object, Value};
use crate::control_plane::ControlPlane;

/// What `--for` asks for.
#[allow(clippy::enum_variant_names)]
pub(crate) enum Condition {
    Delete,
    Create,
    Condition {
        name: String,
        value: String,
    },
    JsonPath {
        path: JsonPath,
        value: Option<String>,
    },
}

/// `conditionFuncFor`.
pub(crate) fn parse_condition(spec: &str) -> Result<Condition, Error> {
    let lower = spec.to_lowercase();
    if lower == "delete" {
        return Ok(Condition::Delete);
    }
    if lower == "create" {
        return Ok(Condition::Create);
    }
    if let Some(rest) = spec.strip_prefix("condition=") {
        let (name, value) = match rest.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (rest.to_string(), "true".to_string()),
        };
        return Ok(Condition::Condition { name, value });
    }
    if let Some(rest) = spec.strip_prefix("jsonpath=") {
        let parts = split_single_equals(rest);
        if parts.is_empty() || parts.len() > 2 {
            return Err(Error::msg("error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'"));
        }
        let expr = relaxed(&parts[0]).map_err(Error::msg)?;
        if expr.is_empty() {
            return Err(Error::msg("error: jsonpath expression cannot be empty"));
        }
        let value = match parts.get(1) {
            None => None,
            Some(v) => {
                let v = v.trim_matches(|c| c == '\'' || c == '"').to_string();
                if v.is_empty() {
                    return Err(Error::msg("error: jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3"));
                }
                Some(v)
            }
        };
        let path = JsonPath::parse(&expr)
            .map_err(|e| Error::msg(format!("error: {e}")))?
            .allow_missing_keys(true);
        return Ok(Condition::JsonPath { path, value });
    }
    Err(Error::msg(format!(
        "error: unrecognized condition: {spec:?}"
    )))
}

/// `splitJSONPathInput`: splits on single `=`, keeping `==`.
fn split_single_equals(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let b: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '=' {
            if b.get(i + 1) == Some(&'=') {
                cur.push_str("==");
                i += 2;
                continue;
            }
            out.push(std::mem::take(&mut cur));
            i += 1;
            continue;
        }
        cur.push(b[i]);
        i += 1;
    }
    out.push(cur);
    out
}

/// Whether the condition holds for the object now (`Ok(false)`: not yet).
pub(crate) fn holds(cond: &Condition, obj: Option<&Value>) -> Result<bool, Error> {
    match cond {
        Condition::Delete => Ok(obj.is_none()),
        Condition::Create => Ok(obj.is_some()),
        Condition::Condition { name, value } => {
            let Some(o) = obj else { return Ok(false) };
            for c in object::array_at(o, &["status", "conditions"]) {
                let Some(t) = c["type"].as_str() else {
                    continue;
                };
                if !t.eq_ignore_ascii_case(name) {
                    continue;
                }
                let Some(status) = c["status"].as_str() else {
                    continue;
                };
                if let Some(generation) = object::i64_at(o, &["metadata", "generation"]) {
                    let observed = c["observedGeneration"]
                        .as_i64()
                        .or_else(|| object::i64_at(o, &["status", "observedGeneration"]));
                    if observed.is_some_and(|g| g < generation) {
                        return Ok(false);
                    }
                }
                return Ok(status.eq_ignore_ascii_case(value));
            }
            Ok(false)
        }
        Condition::JsonPath { path, value } => {
            let Some(o) = obj else { return Ok(false) };
            let results = path
                .find_results(o)
                .map_err(|e| Error::msg(format!("error: {e}")))?;
            if results.first().is_none_or(Vec::is_empty) {
                return Ok(false);
            }
            if results.len() > 1 {
                return Err(Error::msg(
                    "error: given jsonpath expression matches more than one list",
                ));
            }
            if results[0].len() > 1 {
                return Err(Error::msg(
                    "error: given jsonpath expression matches more than one value",
                ));
            }
            let Some(want) = value else { return Ok(true) };
            match &results[0][0] {
                Value::Object(_) | Value::Array(_) => Err(Error::msg(
                    "error: jsonpath leads to a nested object or list which is not supported",
                )),
                v => Ok(super::output::jsonpath::text(v).trim() == want.trim()),
            }
        }
    }
}

/// `time.ParseDuration` for the common forms (`30s`, `1m30s`, `2h`, `500ms`, `0`), in ms.
pub(crate) fn parse_duration(s: &str) -> Result<i64, Error> {
    if s == "0" {
        return Ok(0);
    }
    let bad = || Error::msg(format!("error: time: invalid duration {s:?}"));
    let mut total: f64 = 0.0;
    let mut rest = s;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let num: f64 = rest[..n].parse().map_err(|_| bad())?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..u];
        rest = &rest[u..];
        let ms = match unit {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return Err(bad()),
        };
        total += num * ms;
    }
    Ok(total as i64)
}

pub(super) fn wait(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let spec = ctx.p.str("for");
    let cond = parse_condition(&spec)?;
    let timeout = timeout_ms(&ctx.p.str("timeout"))?;
    let fmt = print::format(ctx, false)?;
    let mut req = ctx.request(false);
    req.latest = true;
    if matches!(cond, Condition::Create) {
        // RunWait polls until every named object exists (or the timeout passes).
        let waited = waiting::until(ctx.cp, Deadline::After(timeout), |cp| {
            let found = resources::visit(cp, &req, ctx.stdin)?;
            let missing = found
                .errors
                .iter()
                .any(|e| matches!(e, Error::Status(s) if s.code == 404));
            Ok((!missing).then_some(()))
        })?;
        if !matches!(waited, Waited::Done(())) {
            return Err(Error::msg("error: timed out waiting for the condition"));
        }
    }
    let found = resources::visit(ctx.cp, &req, ctx.stdin)?;
    let is_delete = matches!(cond, Condition::Delete);
    let mut errors: Vec<Error> = found
        .errors
        .into_iter()
        .filter(|e| !(is_delete && matches!(e, Error::Status(s) if s.code == 404)))
        .collect();
    // One deadline for every object (RunWait's context).
    let deadline = ctx.now().saturating_add(timeout);
    let mut visited = 0;
    for info in &found.infos {
        visited += 1;
        let left = deadline.saturating_sub(ctx.now()).max(0);
        let ws = super::ws(ctx.cp);
        let check = |cp: &mut ControlPlane| -> Result<Option<Option<Value>>, Error> {
            let live = cp
                .server()
                .get(&ws, info.kind, &info.namespace, &info.name)
                .cloned();
            // IsDeleted: an object of the same name with another uid counts as deleted.
            let live = live.filter(|o| {
                !is_delete
                    || object::uid(&info.object).is_empty()
                    || object::uid(o) == object::uid(&info.object)
            });
            Ok(holds(&cond, live.as_ref())?.then_some(live))
        };
        let waited = if timeout == 0 {
            // `--timeout=0` looks once.
            match check(ctx.cp)? {
                Some(v) => Waited::Done(v),
                None => Waited::TimedOut,
            }
        } else {
            waiting::until(ctx.cp, Deadline::After(left), check)?
        };
        match waited {
            Waited::Done(live) => {
                let shown = live.unwrap_or_else(|| info.object.clone());
                print::operation(
                    ctx,
                    &fmt,
                    &shown,
                    "condition met",
                    super::DryRun::None,
                    true,
                )?;
            }
            Waited::TimedOut | Waited::GaveUp => {
                errors.push(not_met(info, timeout));
                break;
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Many(errors));
    }
    if visited == 0 && !is_delete {
        return Err(Error::msg("error: no matching resources found"));
    }
    Ok(())
}

/// `--timeout`: a Go duration; a negative one means a week (`wait.go`).
fn timeout_ms(text: &str) -> Result<i64, Error> {
    if let Some(rest) = text.strip_prefix('-') {
        parse_duration(rest)?;
        return Ok(WEEK_MS);
    }
    parse_duration(text)
}

/// kubectl's stand-in for "forever" (`--timeout` below zero, `delete --wait` without one).
pub(super) const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;

fn not_met(info: &Info, timeout: i64) -> Error {
    if timeout == 0 {
        Error::msg(format!(
            "error: condition not met for {}/{}",
            info.kind.plural, info.name
        ))
    } else {
        Error::msg(format!(
            "error: timed out waiting for the condition on {}/{}",
            info.kind.plural, info.name
        ))
    }
}
