//! Jobs and CronJobs: pkg/apis/batch/validation/validation.go (`ValidateJob`,
//! `validateJobSpec`, `validateGeneratedSelector`, `validatePodFailurePolicy`,
//! `ValidateJobSpecUpdate`, `ValidateCronJobCreate`, `validateCronJobSpec`,
//! `validateScheduleFormat`, `validateTimeZone`).
use super::meta::{self, s};
use super::names::{self, NameFormat};
use super::pod;
use super::render::{json, label_selector, quote};
use super::Errors;
use crate::api::object::path;
use crate::api::{Selector, Value};
use crate::server::status::FieldError;

/// `maxParallelismForIndexedJob`.
const MAX_PARALLELISM_FOR_INDEXED_JOB: i64 = 100_000;
/// `maxFailedIndexesForIndexedJob`.
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB: i64 = 100_000;
/// `completionsSoftLimit`.
const COMPLETIONS_SOFT_LIMIT: i64 = 100_000;
/// `parallelismLimitForHighCompletions` (and `maxFailedIndexesLimitForHighCompletions`).
const LIMIT_FOR_HIGH_COMPLETIONS: i64 = 10_000;
/// `maxPodFailurePolicyRules`.
const MAX_POD_FAILURE_POLICY_RULES: usize = 20;
/// `maxPodFailurePolicyOnExitCodesValues`.
const MAX_ON_EXIT_CODES_VALUES: usize = 255;
/// `maxPodFailurePolicyOnPodConditionsPatterns`.
const MAX_ON_POD_CONDITIONS_PATTERNS: usize = 20;
/// `maxManagedByLength`.
const MAX_MANAGED_BY_LENGTH: usize = 63;
/// `maxSuccessPolicyRule`.
const MAX_SUCCESS_POLICY_RULES: usize = 20;

/// The IANA zone names `time.LoadLocation` knows (tzdata; see `tz_names.txt`).
const TZ_NAMES: &str = include_str!("tz_names.txt");

fn int(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

fn present(v: &Value, key: &str) -> bool {
    v.get(key).is_some_and(|x| !x.is_null())
}

/// `ValidateJob` on create (`RequirePrefixedLabels`: the generated selector must carry both
/// the legacy and the `batch.kubernetes.io/` labels).
pub fn job(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    generated_selector(obj, errs);
    job_spec_with_selector(obj.get("spec").unwrap_or(&Value::Null), "spec", errs);
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    if s(spec, "completionMode") == "Indexed" {
        if let Some(c) = int(spec, "completions").filter(|c| *c > 0) {
            let name = crate::api::object::name(obj);
            let host = format!("{name}-{}", c - 1);
            if !names::dns1123_label(&host).is_empty() {
                errs.push(FieldError::invalid(
                    "metadata.name",
                    quote(name),
                    format!("will not able to create pod with invalid DNS label: {host}"),
                ));
            }
        }
    }
}

/// `validateGeneratedSelector`.
fn generated_selector(obj: &Value, errs: &mut Errors) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    if spec.get("manualSelector").and_then(Value::as_bool) == Some(true) {
        return;
    }
    let Some(sel) = spec.get("selector").filter(|v| !v.is_null()) else {
        return;
    };
    let name = crate::api::object::name(obj);
    // The server assigns the uid after validation; the generated selector carries it.
    let uid = match crate::api::object::uid(obj) {
        "" => path(sel, &["matchLabels", "batch.kubernetes.io/controller-uid"])
            .and_then(Value::as_str)
            .unwrap_or(""),
        u => u,
    };
    let labels = path(spec, &["template", "metadata", "labels"]);
    let tp = "spec.template.metadata";
    for (key, want) in [
        ("controller-uid", uid),
        ("job-name", name),
        ("batch.kubernetes.io/controller-uid", uid),
        ("batch.kubernetes.io/job-name", name),
    ] {
        match labels.and_then(|l| l.get(key)).and_then(Value::as_str) {
            None => errs.push(FieldError::required(
                format!("{tp}.labels[{key}]"),
                format!("must be '{want}'"),
            )),
            Some(v) if v != want => errs.push(FieldError::invalid(
                format!("{tp}.labels[{key}]"),
                json(labels.unwrap_or(&Value::Null)),
                format!("must be '{want}'"),
            )),
            Some(_) => {}
        }
    }
    if let Ok(selector) = Selector::from_label_selector(Some(sel)) {
        let expected: std::collections::BTreeMap<String, String> = [
            ("batch.kubernetes.io/controller-uid", uid),
            ("batch.kubernetes.io/job-name", name),
            ("controller-uid", uid),
            ("job-name", name),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        if !selector.matches(&expected) {
            errs.push(FieldError::invalid(
                "spec.selector",
                label_selector(sel),
                "`selector` not auto-generated",
            ));
        }
    }
}

/// `ValidateJobSpec`: the spec, its selector, and the selector matching the template.
fn job_spec_with_selector(spec: &Value, field: &str, errs: &mut Errors) {
    job_spec(spec, field, errs);
    let sel = spec.get("selector").filter(|v| !v.is_null());
    match sel {
        None => errs.push(FieldError::required(format!("{field}.selector"), "")),
        Some(sel) => meta::label_selector(Some(sel), &format!("{field}.selector"), errs),
    }
    // A missing selector is labels.Nothing(), which matches no template.
    if let Ok(selector) = Selector::from_label_selector(sel) {
        let labels = crate::api::object::string_map(spec, &["template", "metadata", "labels"]);
        if !selector.matches(&labels) {
            errs.push(FieldError::invalid(
                format!("{field}.template.metadata.labels"),
                match path(spec, &["template", "metadata", "labels"]) {
                    Some(l) if !l.is_null() => json(l),
                    _ => "null".into(),
                },
                "`selector` does not match template `labels`",
            ));
        }
    }
}

/// `validateJobSpec`.
fn job_spec(spec: &Value, field: &str, errs: &mut Errors) {
    for key in [
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
    ] {
        if let Some(v) = int(spec, key) {
            meta::nonnegative(v, &format!("{field}.{key}"), errs);
        }
    }
    if let Some(v) = int(spec, "maxFailedIndexes") {
        meta::nonnegative(v, &format!("{field}.maxFailedIndexes"), errs);
        if !present(spec, "backoffLimitPerIndex") {
            errs.push(FieldError::required(
                format!("{field}.backoffLimitPerIndex"),
                "when maxFailedIndexes is specified",
            ));
        }
    }
    if let Some(m) = spec.get("managedBy").and_then(Value::as_str) {
        let p = format!("{field}.managedBy");
        domain_prefixed_path(m, &p, errs);
        if m.len() > MAX_MANAGED_BY_LENGTH {
            errs.push(FieldError::too_long(p, MAX_MANAGED_BY_LENGTH));
        }
    }
    let mode = spec.get("completionMode").and_then(Value::as_str);
    let completions = int(spec, "completions");
    let parallelism = int(spec, "parallelism");
    let max_failed = int(spec, "maxFailedIndexes");
    let per_index = int(spec, "backoffLimitPerIndex");
    if let Some(mode) = mode {
        if mode != "NonIndexed" && mode != "Indexed" {
            errs.push(FieldError::not_supported(
                format!("{field}.completionMode"),
                quote(mode),
                &["NonIndexed", "Indexed"],
            ));
        }
        if mode == "Indexed" {
            if completions.is_none() {
                errs.push(FieldError::required(
                    format!("{field}.completions"),
                    "when completion mode is Indexed",
                ));
            }
            if let Some(p) = parallelism.filter(|p| *p > MAX_PARALLELISM_FOR_INDEXED_JOB) {
                errs.push(FieldError::invalid(
                    format!("{field}.parallelism"),
                    p.to_string(),
                    format!("must be less than or equal to {MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed"),
                ));
            }
            if let (Some(c), Some(m)) = (completions, max_failed) {
                if m > c {
                    errs.push(FieldError::invalid(
                        format!("{field}.maxFailedIndexes"),
                        m.to_string(),
                        "must be less than or equal to completions",
                    ));
                }
            }
            if let Some(m) = max_failed.filter(|m| *m > MAX_FAILED_INDEXES_FOR_INDEXED_JOB) {
                errs.push(FieldError::invalid(
                    format!("{field}.maxFailedIndexes"),
                    m.to_string(),
                    format!("must be less than or equal to {MAX_FAILED_INDEXES_FOR_INDEXED_JOB}"),
                ));
            }
            if completions.is_some_and(|c| c > COMPLETIONS_SOFT_LIMIT) && per_index.is_some() {
                if max_failed.is_none() {
                    errs.push(FieldError::required(
                        format!("{field}.maxFailedIndexes"),
                        format!(
                            "must be specified when completions is above {COMPLETIONS_SOFT_LIMIT}"
                        ),
                    ));
                }
                if let Some(p) = parallelism.filter(|p| *p > LIMIT_FOR_HIGH_COMPLETIONS) {
                    errs.push(FieldError::invalid(
                        format!("{field}.parallelism"),
                        p.to_string(),
                        format!("must be less than or equal to {LIMIT_FOR_HIGH_COMPLETIONS} when completions are above {COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"),
                    ));
                }
                if let Some(m) = max_failed.filter(|m| *m > LIMIT_FOR_HIGH_COMPLETIONS) {
                    errs.push(FieldError::invalid(
                        format!("{field}.maxFailedIndexes"),
                        m.to_string(),
                        format!("must be less than or equal to {LIMIT_FOR_HIGH_COMPLETIONS} when completions are above {COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"),
                    ));
                }
            }
        }
    }
    if mode.is_none_or(|m| m == "NonIndexed") {
        if let Some(b) = per_index {
            errs.push(FieldError::invalid(
                format!("{field}.backoffLimitPerIndex"),
                b.to_string(),
                "requires indexed completion mode",
            ));
        }
        if let Some(m) = max_failed {
            errs.push(FieldError::invalid(
                format!("{field}.maxFailedIndexes"),
                m.to_string(),
                "requires indexed completion mode",
            ));
        }
    }
    let pfp = spec.get("podFailurePolicy").filter(|v| !v.is_null());
    if let Some(pfp) = pfp {
        pod_failure_policy(spec, pfp, &format!("{field}.podFailurePolicy"), errs);
    }
    if let Some(sp) = spec.get("successPolicy").filter(|v| !v.is_null()) {
        let p = format!("{field}.successPolicy");
        if mode != Some("Indexed") {
            errs.push(FieldError::invalid(
                p,
                json(sp),
                "requires indexed completion mode",
            ));
        } else {
            success_policy(sp, completions.unwrap_or(0), &p, errs);
        }
    }
    if let Some(r) = spec.get("podReplacementPolicy").and_then(Value::as_str) {
        let p = format!("{field}.podReplacementPolicy");
        if pfp.is_some() {
            if r != "Failed" {
                errs.push(FieldError::not_supported(p, quote(r), &["Failed"]));
            }
        } else if r != "Failed" && r != "TerminatingOrFailed" {
            errs.push(FieldError::not_supported(
                p,
                quote(r),
                &["Failed", "TerminatingOrFailed"],
            ));
        }
    }
    pod::template(spec.get("template"), &format!("{field}.template"), errs);
    let policy = path(spec, &["template", "spec", "restartPolicy"])
        .and_then(Value::as_str)
        .unwrap_or("");
    let rp = format!("{field}.template.spec.restartPolicy");
    if policy == "Always" || policy.is_empty() {
        errs.push(FieldError::required(
            rp,
            "valid values: \"OnFailure\", \"Never\"",
        ));
    } else if policy != "OnFailure" && policy != "Never" {
        errs.push(FieldError::not_supported(
            rp,
            quote(policy),
            &["OnFailure", "Never"],
        ));
    } else if pfp.is_some() && policy != "Never" {
        errs.push(FieldError::invalid(
            rp,
            quote(policy),
            "only \"Never\" is supported when podFailurePolicy is specified",
        ));
    }
}

/// `IsDomainPrefixedPath`.
fn domain_prefixed_path(v: &str, p: &str, errs: &mut Errors) {
    let Some((host, rest)) = v
        .split_once('/')
        .filter(|(h, r)| !h.is_empty() && !r.is_empty())
    else {
        errs.push(FieldError::invalid(
            p,
            quote(v),
            "must be a domain-prefixed path (such as \"acme.io/foo\")",
        ));
        return;
    };
    for m in names::dns1123_subdomain(host) {
        errs.push(FieldError::invalid(p, quote(host), m));
    }
    let ok = rest
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/-._~%!$&'()*+,;=:".contains(c));
    if !ok {
        errs.push(FieldError::invalid(
            p,
            quote(rest),
            names::regex_error("Invalid path", "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+", &[]),
        ));
    }
}

/// `validatePodFailurePolicy`.
fn pod_failure_policy(spec: &Value, pfp: &Value, field: &str, errs: &mut Errors) {
    let rules = pfp
        .get("rules")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let rp = format!("{field}.rules");
    if rules.len() > MAX_POD_FAILURE_POLICY_RULES {
        errs.push(FieldError::too_many(
            rp.clone(),
            rules.len(),
            MAX_POD_FAILURE_POLICY_RULES,
        ));
    }
    let containers: Vec<&str> = ["containers", "initContainers"]
        .iter()
        .flat_map(|l| {
            path(spec, &["template", "spec", l])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| s(c, "name"))
        })
        .collect();
    const ACTIONS: &[&str] = &["Count", "FailIndex", "FailJob", "Ignore"];
    for (i, rule) in rules.iter().enumerate() {
        let p = format!("{rp}[{i}]");
        let action = s(rule, "action");
        if action.is_empty() {
            errs.push(FieldError::required(
                format!("{p}.action"),
                "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]",
            ));
        } else if action == "FailIndex" {
            if !present(spec, "backoffLimitPerIndex") {
                errs.push(FieldError::invalid(
                    format!("{p}.action"),
                    quote(action),
                    "requires the backoffLimitPerIndex to be set",
                ));
            }
        } else if !ACTIONS.contains(&action) {
            errs.push(FieldError::not_supported(
                format!("{p}.action"),
                quote(action),
                ACTIONS,
            ));
        }
        let on_exit = rule.get("onExitCodes").filter(|v| !v.is_null());
        let on_cond = rule
            .get("onPodConditions")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        if let Some(oe) = on_exit {
            on_exit_codes(oe, &containers, &format!("{p}.onExitCodes"), errs);
        }
        if !on_cond.is_empty() {
            let cp = format!("{p}.onPodConditions");
            if on_cond.len() > MAX_ON_POD_CONDITIONS_PATTERNS {
                errs.push(FieldError::too_many(
                    cp.clone(),
                    on_cond.len(),
                    MAX_ON_POD_CONDITIONS_PATTERNS,
                ));
            }
            for (j, pat) in on_cond.iter().enumerate() {
                let pp = format!("{cp}[{j}]");
                let t = s(pat, "type");
                for m in names::qualified_name(t) {
                    errs.push(FieldError::invalid(format!("{pp}.type"), quote(t), m));
                }
                let st = s(pat, "status");
                if st.is_empty() {
                    errs.push(FieldError::required(
                        format!("{pp}.status"),
                        "valid values: [\"False\" \"True\" \"Unknown\"]",
                    ));
                } else if !["False", "True", "Unknown"].contains(&st) {
                    errs.push(FieldError::not_supported(
                        format!("{pp}.status"),
                        quote(st),
                        &["False", "True", "Unknown"],
                    ));
                }
            }
        }
        if on_exit.is_some() && !on_cond.is_empty() {
            errs.push(FieldError::invalid_omitted(
                p.clone(),
                "specifying both OnExitCodes and OnPodConditions is not supported",
            ));
        }
        if on_exit.is_none() && on_cond.is_empty() {
            errs.push(FieldError::invalid_omitted(
                p.clone(),
                "specifying one of OnExitCodes and OnPodConditions is required",
            ));
        }
    }
}

/// `validatePodFailurePolicyRuleOnExitCodes`.
fn on_exit_codes(oe: &Value, containers: &[&str], p: &str, errs: &mut Errors) {
    let op = s(oe, "operator");
    if op.is_empty() {
        errs.push(FieldError::required(
            format!("{p}.operator"),
            "valid values: [\"In\" \"NotIn\"]",
        ));
    } else if op != "In" && op != "NotIn" {
        errs.push(FieldError::not_supported(
            format!("{p}.operator"),
            quote(op),
            &["In", "NotIn"],
        ));
    }
    if let Some(c) = oe.get("containerName").and_then(Value::as_str) {
        if !containers.contains(&c) {
            errs.push(FieldError::invalid(
                format!("{p}.containerName"),
                quote(c),
                "must be one of the container or initContainer names in the pod template",
            ));
        }
    }
    let values: Vec<i64> = oe
        .get("values")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|v| v.as_i64().unwrap_or(0)).collect())
        .unwrap_or_default();
    let vp = format!("{p}.values");
    if values.is_empty() {
        errs.push(FieldError::invalid(
            vp.clone(),
            "null",
            "at least one value is required",
        ));
    } else if values.len() > MAX_ON_EXIT_CODES_VALUES {
        errs.push(FieldError::too_many(
            vp.clone(),
            values.len(),
            MAX_ON_EXIT_CODES_VALUES,
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (j, v) in values.iter().enumerate() {
        if op == "In" && *v == 0 {
            errs.push(FieldError::invalid(
                format!("{vp}[{j}]"),
                "0",
                "must not be 0 for the In operator",
            ));
        }
        if !seen.insert(*v) {
            errs.push(FieldError::duplicate(format!("{vp}[{j}]"), v.to_string()));
        }
    }
    if values.windows(2).any(|w| w[0] > w[1]) {
        let list: Vec<String> = values.iter().map(i64::to_string).collect();
        errs.push(FieldError::invalid(
            vp,
            format!("[{}]", list.join(",")),
            "must be ordered",
        ));
    }
}

/// `validateSuccessPolicy`.
fn success_policy(sp: &Value, completions: i64, field: &str, errs: &mut Errors) {
    let rules = sp
        .get("rules")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let rp = format!("{field}.rules");
    if rules.is_empty() {
        errs.push(FieldError::required(
            rp.clone(),
            "at least one rules must be specified when the successPolicy is specified",
        ));
    }
    if rules.len() > MAX_SUCCESS_POLICY_RULES {
        errs.push(FieldError::too_many(
            rp.clone(),
            rules.len(),
            MAX_SUCCESS_POLICY_RULES,
        ));
    }
    for (i, rule) in rules.iter().enumerate() {
        let p = format!("{rp}[{i}]");
        if !present(rule, "succeededCount") && !present(rule, "succeededIndexes") {
            errs.push(FieldError::required(
                p.clone(),
                "at least one of succeededCount or succeededIndexes must be specified",
            ));
        }
        if let Some(n) = int(rule, "succeededCount") {
            let cp = format!("{p}.succeededCount");
            meta::nonnegative(n, &cp, errs);
            if n > completions {
                errs.push(FieldError::invalid(
                    cp,
                    n.to_string(),
                    format!("must be less than or equal to {completions} (the number of specified completions)"),
                ));
            }
        }
    }
}

/// `ValidateJobSpecUpdate` (with `ElasticIndexedJob` on): the selector, completion mode,
/// pod failure policy, backoff limit per index, managedBy and success policy never change;
/// the template only while the Job is suspended and has not started (scheduling
/// directives); `completions` only for Indexed Jobs, in tandem with `parallelism`.
pub fn job_update(old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    let (os, ns) = (
        old.get("spec").unwrap_or(&Value::Null),
        new.get("spec").unwrap_or(&Value::Null),
    );
    job_spec_with_selector(ns, "spec", errs);
    let immutable = |key: &str, errs: &mut Errors| {
        if os.get(key) != ns.get(key) {
            errs.push(FieldError::invalid(
                format!("spec.{key}"),
                json(ns.get(key).unwrap_or(&Value::Null)),
                "field is immutable",
            ));
        }
    };
    if os.get("completions") != ns.get("completions") {
        if s(ns, "completionMode") != "Indexed" {
            immutable("completions", errs);
        } else if let Some(c) = int(ns, "completions") {
            if Some(c) != int(ns, "parallelism") {
                errs.push(FieldError::invalid(
                    "spec.completions",
                    c.to_string(),
                    "can only be modified in tandem with spec.parallelism",
                ));
            }
        }
    }
    if os.get("selector") != ns.get("selector") {
        errs.push(FieldError::invalid(
            "spec.selector",
            label_selector(ns.get("selector").unwrap_or(&Value::Null)),
            "field is immutable",
        ));
    }
    let suspended = os.get("suspend").and_then(Value::as_bool) == Some(true);
    let not_started = path(old, &["status", "startTime"]).is_none_or(Value::is_null);
    let template_of = |spec: &Value, mutable: bool| {
        let mut t = spec.get("template").cloned().unwrap_or(Value::Null);
        if mutable {
            if let Some(m) = t.get_mut("metadata").and_then(Value::as_object_mut) {
                m.shift_remove("labels");
                m.shift_remove("annotations");
            }
            if let Some(m) = t.get_mut("spec").and_then(Value::as_object_mut) {
                for f in ["nodeSelector", "tolerations", "schedulingGates"] {
                    m.shift_remove(f);
                }
                if let Some(a) = m.get_mut("affinity").and_then(Value::as_object_mut) {
                    a.shift_remove("nodeAffinity");
                }
                if m.get("affinity")
                    .and_then(Value::as_object)
                    .is_some_and(|a| a.is_empty())
                {
                    m.shift_remove("affinity");
                }
            }
        }
        t
    };
    let mutable = suspended && not_started;
    if template_of(os, mutable) != template_of(ns, mutable) {
        immutable("template", errs);
    }
    for key in [
        "completionMode",
        "podFailurePolicy",
        "backoffLimitPerIndex",
        "managedBy",
        "successPolicy",
    ] {
        immutable(key, errs);
    }
}

/// `ValidateCronJobCreate`.
pub fn cron_job(obj: &Value, errs: &mut Errors) {
    meta::object_meta(obj, true, NameFormat::Dns1123Subdomain, errs);
    cron_job_spec(obj.get("spec").unwrap_or(&Value::Null), None, errs);
    let name = crate::api::object::name(obj);
    if name.len() > 52 {
        errs.push(FieldError::invalid(
            "metadata.name",
            quote(name),
            "must be no more than 52 characters",
        ));
    }
}

/// `ValidateCronJobUpdate`.
pub fn cron_job_update(old: &Value, new: &Value, errs: &mut Errors) {
    meta::object_meta_update(new, old, errs);
    cron_job_spec(
        new.get("spec").unwrap_or(&Value::Null),
        Some(old.get("spec").unwrap_or(&Value::Null)),
        errs,
    );
}

/// `validateCronJobSpec`.
fn cron_job_spec(spec: &Value, old: Option<&Value>, errs: &mut Errors) {
    let schedule = s(spec, "schedule");
    let tz = spec.get("timeZone").and_then(Value::as_str);
    if schedule.is_empty() {
        errs.push(FieldError::required("spec.schedule", ""));
    } else {
        let allow_tz = old.is_some_and(|o| s(o, "schedule").contains("TZ"));
        if let Err(e) = parse_standard(schedule) {
            errs.push(FieldError::invalid("spec.schedule", quote(schedule), e));
        }
        if allow_tz && schedule.contains("TZ") && tz.is_some() {
            errs.push(FieldError::invalid(
                "spec.schedule",
                quote(schedule),
                "cannot use both timeZone field and TZ or CRON_TZ in schedule",
            ));
        } else if !allow_tz && schedule.contains("TZ") {
            errs.push(FieldError::invalid(
                "spec.schedule",
                quote(schedule),
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        }
    }
    if let Some(d) = int(spec, "startingDeadlineSeconds") {
        meta::nonnegative(d, "spec.startingDeadlineSeconds", errs);
    }
    if old.is_none_or(|o| o.get("timeZone").and_then(Value::as_str) != tz) {
        if let Some(tz) = tz {
            time_zone(tz, errs);
        }
    }
    match s(spec, "concurrencyPolicy") {
        "Allow" | "Forbid" | "Replace" => {}
        "" => errs.push(FieldError::required("spec.concurrencyPolicy", "")),
        other => errs.push(FieldError::not_supported(
            "spec.concurrencyPolicy",
            quote(other),
            &["Allow", "Forbid", "Replace"],
        )),
    }
    let jt = path(spec, &["jobTemplate", "spec"]).unwrap_or(&Value::Null);
    job_spec(jt, "spec.jobTemplate.spec", errs);
    if let Some(sel) = jt.get("selector").filter(|v| !v.is_null()) {
        errs.push(FieldError::invalid(
            "spec.jobTemplate.spec.selector",
            label_selector(sel),
            "`selector` will be auto-generated",
        ));
    }
    if jt.get("manualSelector").and_then(Value::as_bool) == Some(true) {
        errs.push(FieldError::not_supported(
            "spec.jobTemplate.spec.manualSelector",
            "true",
            &["nil", "false"],
        ));
    }
    for key in ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"] {
        if let Some(v) = int(spec, key) {
            meta::nonnegative(v, &format!("spec.{key}"), errs);
        }
    }
}

/// `cron.ParseStandard` (robfig/cron v3), with `TZ=` / `CRON_TZ=` zones checked against the
/// full IANA list as `time.LoadLocation` does.
fn parse_standard(spec: &str) -> Result<(), String> {
    let trimmed = spec.trim();
    let rest = if trimmed.starts_with("TZ=") || trimmed.starts_with("CRON_TZ=") {
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let name = &trimmed[trimmed.find('=').map_or(0, |i| i + 1)..end];
        if let Err(e) = load_location(name) {
            return Err(format!("provided bad location {name}: {e}"));
        }
        &trimmed[end..]
    } else {
        trimmed
    };
    crate::api::cron::Schedule::parse(rest).map(|_| ())
}

/// `time.LoadLocation`: "" and "UTC" are UTC, "Local" the machine's zone, else an IANA name.
pub fn load_location(name: &str) -> Result<(), String> {
    if name.is_empty() || name == "UTC" || name == "Local" {
        return Ok(());
    }
    if TZ_NAMES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l == name)
    {
        Ok(())
    } else {
        Err(format!("unknown time zone {name}"))
    }
}

/// `validateTimeZone`.
fn time_zone(tz: &str, errs: &mut Errors) {
    let p = "spec.timeZone";
    if tz.is_empty() {
        errs.push(FieldError::invalid(
            p,
            quote(tz),
            "timeZone must be nil or non-empty string",
        ));
        return;
    }
    let part_ok = |part: &str| {
        part != "."
            && part != ".."
            && !part.starts_with('-')
            && (1..=14).contains(&part.len())
            && part
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b'+'))
    };
    if !tz.split('/').all(part_ok) {
        errs.push(FieldError::invalid(
            p,
            quote(tz),
            format!("unknown time zone {tz}"),
        ));
        return;
    }
    if tz.eq_ignore_ascii_case("Local") {
        errs.push(FieldError::invalid(
            p,
            quote(tz),
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        ));
    }
    if let Err(e) = load_location(tz) {
        errs.push(FieldError::invalid(p, quote(tz), e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn cron(spec: Value) -> Vec<String> {
        let mut base = json!({"schedule": "* * * * *", "concurrencyPolicy": "Allow",
            "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
                "containers": [{"name": "c", "image": "x", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}]}}}}});
        for (k, v) in spec.as_object().unwrap() {
            base[k.as_str()] = v.clone();
        }
        let mut errs = Vec::new();
        cron_job(
            &json!({"metadata": {"name": "c", "namespace": "default"}, "spec": base}),
            &mut errs,
        );
        errs.iter().map(ToString::to_string).collect()
    }

    // From batch/validation/validation_test.go TestValidateCronJob (timeZone cases).
    #[test]
    fn schedules_and_time_zones() {
        assert_eq!(cron(json!({})), Vec::<String>::new());
        assert_eq!(
            cron(json!({"timeZone": "Europe/Rome"})),
            Vec::<String>::new()
        );
        assert_eq!(cron(json!({"timeZone": "Europe/InvalidRome"})), vec!["spec.timeZone: Invalid value: \"Europe/InvalidRome\": unknown time zone Europe/InvalidRome"]);
        assert_eq!(
            cron(json!({"timeZone": " Europe/Rome"})),
            vec!["spec.timeZone: Invalid value: \" Europe/Rome\": unknown time zone  Europe/Rome"]
        );
        assert_eq!(cron(json!({"timeZone": "LOCAL"})), vec!["spec.timeZone: Invalid value: \"LOCAL\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones", "spec.timeZone: Invalid value: \"LOCAL\": unknown time zone LOCAL"]);
        assert_eq!(
            cron(json!({"timeZone": ""})),
            vec!["spec.timeZone: Invalid value: \"\": timeZone must be nil or non-empty string"]
        );
        assert_eq!(cron(json!({"schedule": "TZ=UTC 0 * * * *"})), vec!["spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"]);
        assert_eq!(cron(json!({"schedule": "CRON_TZ=Mars/Olympus 0 * * * *"})), vec![
            "spec.schedule: Invalid value: \"CRON_TZ=Mars/Olympus 0 * * * *\": provided bad location Mars/Olympus: unknown time zone Mars/Olympus",
            "spec.schedule: Invalid value: \"CRON_TZ=Mars/Olympus 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        ]);
        assert_eq!(cron(json!({"schedule": "* * * *"})), vec!["spec.schedule: Invalid value: \"* * * *\": expected exactly 5 fields, found 4: [* * * *]"]);
        assert_eq!(cron(json!({"concurrencyPolicy": "Sometimes"})), vec!["spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\""]);
    }

    fn job_errs(spec: Value) -> Vec<String> {
        let mut base = json!({"selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u1"}},
            "template": {"metadata": {"labels": {"controller-uid": "u1", "job-name": "j", "batch.kubernetes.io/controller-uid": "u1", "batch.kubernetes.io/job-name": "j"}},
                "spec": {"restartPolicy": "Never", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
                    "containers": [{"name": "c", "image": "x", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}]}}});
        for (k, v) in spec.as_object().unwrap() {
            base[k.as_str()] = v.clone();
        }
        let mut errs = Vec::new();
        job(
            &json!({"metadata": {"name": "j", "namespace": "default"}, "spec": base}),
            &mut errs,
        );
        errs.iter().map(ToString::to_string).collect()
    }

    // From batch/validation/validation_test.go TestValidateJob.
    #[test]
    fn job_messages() {
        assert_eq!(job_errs(json!({})), Vec::<String>::new());
        let mut always = json!({});
        always["template"] = json!({"metadata": {"labels": {"controller-uid": "u1", "job-name": "j", "batch.kubernetes.io/controller-uid": "u1", "batch.kubernetes.io/job-name": "j"}},
            "spec": {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30, "containers": [{"name": "c", "image": "x", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}]}});
        assert_eq!(job_errs(always), vec!["spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""]);
        assert_eq!(
            job_errs(json!({"parallelism": -1})),
            vec!["spec.parallelism: Invalid value: -1: must be greater than or equal to 0"]
        );
        assert_eq!(
            job_errs(json!({"completionMode": "Indexed"})),
            vec!["spec.completions: Required value: when completion mode is Indexed"]
        );
        assert_eq!(job_errs(json!({"completionMode": "Indexed", "completions": 2, "parallelism": 100001})), vec!["spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed"]);
        assert_eq!(
            job_errs(json!({"backoffLimitPerIndex": 1})),
            vec!["spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"]
        );
        assert_eq!(job_errs(json!({"completionMode": "Sometimes"})), vec!["spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\""]);
        assert_eq!(job_errs(json!({"podFailurePolicy": {"rules": [{"action": "Ignore"}]}})), vec!["spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required"]);
    }
}
