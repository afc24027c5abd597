//! What a command line names, as cli-runtime's `resource.Builder` resolves it
//! (k8s.io/cli-runtime/pkg/resource/builder.go): `TYPE`, `TYPE NAME…`, `TYPE/NAME…`,
//! `TYPE1,TYPE2 NAME`, the `all` category, label and field selectors, `--all`, and objects
//! read from `-f -`; types by plural, singular, short name, kind, `type.group` or
//! `type.version.group`.
use super::Error;
use crate::api::kinds::{KindInfo, KINDS};
use crate::api::object;
use crate::api::Value;
use crate::control_plane::{ControlPlane, ListOptions};
use crate::server::status::Status;

/// The resources of the `all` category, in discovery order (core, apps, autoscaling, batch).
pub(crate) const ALL_CATEGORY: &[&str] = &[
    "pods",
    "replicationcontrollers",
    "services",
    "daemonsets.apps",
    "deployments.apps",
    "replicasets.apps",
    "statefulsets.apps",
    "horizontalpodautoscalers.autoscaling",
    "cronjobs.batch",
    "jobs.batch",
];

/// Resolves a resource type argument (`RESTMapper.ResourceFor`/`KindFor` with kubectl's
/// short-name expansion): `error: the server doesn't have a resource type "x"` otherwise.
pub(crate) fn resolve_type(arg: &str) -> Result<&'static KindInfo, Error> {
    let lower = arg.to_ascii_lowercase();
    let parts: Vec<&str> = lower.splitn(3, '.').collect();
    // `resource.version.group` first, then `resource.group`.
    let candidates: Vec<(&str, Option<&str>, Option<String>)> = match parts.as_slice() {
        [r] => vec![(r, None, None)],
        [r, rest @ ..] => {
            let mut v = Vec::new();
            if let [ver, grp] = rest {
                v.push((*r, Some(*ver), Some(grp.to_string())));
            }
            v.push((*r, None, Some(rest.join("."))));
            v
        }
        [] => vec![],
    };
    for (res, version, group) in candidates {
        let matches = |k: &&KindInfo| {
            group.as_deref().is_none_or(|g| g == k.group)
                && version.is_none_or(|v| v == k.version)
                && (k.plural == res
                    || k.kind.eq_ignore_ascii_case(res)
                    || k.short_names.contains(&res))
        };
        if let Some(k) = KINDS.iter().find(matches) {
            return Ok(k);
        }
    }
    let resource = parts.first().copied().unwrap_or("");
    Err(Error::msg(format!(
        "error: the server doesn't have a resource type \"{resource}\""
    )))
}

/// [`resolve_type`], then the custom kinds of kubectl's current workspace (its CRDs and bound
/// APIs).
pub(crate) fn resolve_type_in(cp: &ControlPlane, arg: &str) -> Result<&'static KindInfo, Error> {
    resolve_type(arg).or_else(|e| cp.server().resolve_resource(&super::ws(cp), arg).ok_or(e))
}

/// The warnings of client-go's shortcut expander (restmapper/shortcut.go
/// `expandResourceShortcut`) for a type argument: a short name that several group-resources
/// declare resolves to the first (`ev` → core events) and warns about the others.
pub(crate) fn shortcut_warnings(arg: &str) -> Vec<String> {
    let lower = arg.to_ascii_lowercase();
    if lower.contains('.')
        || KINDS
            .iter()
            .any(|k| k.plural == lower || k.kind.to_ascii_lowercase() == lower)
    {
        return Vec::new();
    }
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for k in KINDS
        .iter()
        .filter(|k| k.short_names.contains(&lower.as_str()))
    {
        if !seen.contains(&(k.group, k.plural)) {
            seen.push((k.group, k.plural));
        }
    }
    seen.iter()
        .skip(1)
        .map(|(group, plural)| {
            let gr = if group.is_empty() {
                plural.to_string()
            } else {
                format!("{plural}.{group}")
            };
            format!("short name \"{lower}\" could also match lower priority resource {gr}")
        })
        .collect()
}

/// `deployment.apps/web`, `pod/web-abc`: how kubectl names an object.
pub(crate) fn resource_ref(info: &KindInfo, name: &str) -> String {
    format!("{}/{name}", kind_group(info))
}

/// `deployment.apps`, `pod`: the lower-cased group-kind.
pub(crate) fn kind_group(info: &KindInfo) -> String {
    let kind = info.kind.to_ascii_lowercase();
    if info.group.is_empty() {
        kind
    } else {
        format!("{kind}.{}", info.group)
    }
}

/// One object the command line names.
#[derive(Debug, Clone)]
pub(crate) struct Info {
    pub kind: &'static KindInfo,
    pub namespace: String,
    pub name: String,
    /// The object (live, or as read from the file when not fetched).
    pub object: Value,
    /// `STDIN` for objects read from `-f -`.
    pub source: Option<String>,
}

/// What the builder visits.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub infos: Vec<Info>,
    /// Per-object errors (not found), reported after the output as kubectl does.
    pub errors: Vec<Error>,
    /// One object named explicitly (prints as an object rather than a `List`).
    pub single_item_implied: bool,
}

/// The builder's inputs.
#[derive(Debug, Default, Clone)]
pub(crate) struct Request {
    pub args: Vec<String>,
    pub namespace: String,
    pub explicit_namespace: bool,
    pub all_namespaces: bool,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// `--all`.
    pub select_all: bool,
    /// A bare type lists everything (`get`, `describe`).
    pub allow_empty_selector: bool,
    /// `-f` values (only `-` is supported: stdin).
    pub filenames: Vec<String>,
    /// Fetch the live object for objects from files.
    pub latest: bool,
    /// Check each document's schema first (`--validate` of apply, create, replace, diff).
    pub validate: bool,
}

/// The types and tuples of the arguments (`ResourceTypeOrNameArgs`).
struct Parsed {
    types: Vec<String>,
    names: Vec<String>,
    tuples: Vec<(String, String)>,
}

fn split_types(arg: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in arg.split(',') {
        let expanded: Vec<String> = if s == "all" {
            ALL_CATEGORY.iter().map(|x| x.to_string()).collect()
        } else {
            vec![s.to_string()]
        };
        for e in expanded {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    out
}

fn parse_args(args: &[String]) -> Result<Parsed, Error> {
    // normalizeMultipleResourcesArgs: `a,b n1 n2` → `a/n1 a/n2 b/n1 b/n2`.
    let mut args: Vec<String> = args.to_vec();
    if args.len() >= 2 && !args[0].contains('/') {
        let types = split_types(&args[0]);
        if types.len() > 1 {
            let names = args[1..].to_vec();
            args = types
                .iter()
                .flat_map(|t| names.iter().map(move |n| format!("{t}/{n}")))
                .collect();
        }
    }
    let slashes = args.iter().filter(|a| a.contains('/')).count();
    if slashes > 0 {
        if slashes != args.len() {
            return Err(Error::msg("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"));
        }
        let mut tuples = Vec::new();
        for a in &args {
            let seg: Vec<&str> = a.split('/').collect();
            if seg.len() != 2 {
                return Err(Error::msg(
                    "error: arguments in resource/name form may not have more than one slash",
                ));
            }
            if seg[0].is_empty() || seg[1].is_empty() || seg[0].contains(',') {
                return Err(Error::msg(
                    "error: arguments in resource/name form must have a single resource and name",
                ));
            }
            tuples.push((seg[0].to_string(), seg[1].to_string()));
        }
        return Ok(Parsed {
            types: vec![],
            names: vec![],
            tuples,
        });
    }
    let types = args.first().map(|a| split_types(a)).unwrap_or_default();
    Ok(Parsed {
        types,
        names: args.iter().skip(1).cloned().collect(),
        tuples: vec![],
    })
}

/// Whether the arguments name objects at all (`kubectl delete` with no arguments).
pub(crate) fn has_resources(req: &Request) -> bool {
    !req.args.is_empty() || !req.filenames.is_empty()
}

/// Visits what the request names, in kubectl's order.
pub(crate) fn visit(cp: &ControlPlane, req: &Request, stdin: &str) -> Result<Found, Error> {
    if !req.filenames.is_empty() {
        return visit_files(cp, req, stdin);
    }
    let parsed = parse_args(&req.args)?;
    let namespace = if req.all_namespaces {
        String::new()
    } else {
        req.namespace.clone()
    };
    let mut label = req.label_selector.clone();
    if req.args.len() == 1 && parsed.tuples.is_empty() && req.allow_empty_selector {
        label.get_or_insert_with(String::new);
    }
    if req.select_all {
        label = Some(String::new());
    }
    let field = req.field_selector.clone();
    let mut found = Found::default();
    if label.is_some() || field.is_some() {
        if !parsed.names.is_empty() {
            return Err(Error::msg(
                "error: name cannot be provided when a selector is specified",
            ));
        }
        if !parsed.tuples.is_empty() {
            return Err(Error::msg(
                "error: selectors and the all flag cannot be used when passing resource/name arguments",
            ));
        }
        if parsed.types.is_empty() {
            return Err(Error::msg(
                "error: at least one resource must be specified to use a selector",
            ));
        }
        let mut kinds: Vec<&'static KindInfo> = Vec::new();
        for t in &parsed.types {
            let k = resolve_type_in(cp, t)?;
            if !kinds.iter().any(|x| std::ptr::eq(*x, k)) {
                kinds.push(k);
            }
        }
        for k in kinds {
            let opts = ListOptions {
                api_version: Some(k.api_version()),
                kind: k.kind.into(),
                namespace: (k.namespaced && !namespace.is_empty()).then(|| namespace.clone()),
                label_selector: label.clone().filter(|l| !l.is_empty()),
                field_selector: field.clone(),
                ..Default::default()
            };
            match cp.list_items(&super::ws(cp), &opts) {
                Ok(items) => {
                    for o in items {
                        found.infos.push(info_of(k, o, None));
                    }
                }
                Err(s) => found.errors.push(Error::Status(s)),
            }
        }
        return Ok(found);
    }
    if !parsed.tuples.is_empty() {
        found.single_item_implied = parsed.tuples.len() == 1;
        let mut mapped: Vec<(String, &'static KindInfo)> = Vec::new();
        for (t, _) in &parsed.tuples {
            if !mapped.iter().any(|(x, _)| x == t) {
                mapped.push((t.clone(), resolve_type_in(cp, t)?));
            }
        }
        for (t, name) in &parsed.tuples {
            let k = mapped
                .iter()
                .find(|(x, _)| x == t)
                .map(|(_, k)| *k)
                .ok_or_else(|| Error::msg(format!("error: resource {t:?} is not recognized")))?;
            check_named_namespace(k, req)?;
            get_one(cp, k, &namespace, name, &mut found);
        }
        return Ok(found);
    }
    if !parsed.names.is_empty() {
        found.single_item_implied = parsed.names.len() == 1;
        if parsed.types.len() > 1 {
            return Err(Error::msg("error: you must specify only one resource"));
        }
        let k = resolve_type_in(cp, &parsed.types[0])?;
        check_named_namespace(k, req)?;
        for name in &parsed.names {
            get_one(cp, k, &namespace, name, &mut found);
        }
        return Ok(found);
    }
    if !parsed.types.is_empty() {
        for t in &parsed.types {
            resolve_type_in(cp, t)?;
        }
        return Err(Error::msg(
            "error: resource(s) were provided, but no name was specified",
        ));
    }
    Err(Error::msg(
        "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
    ))
}

fn check_named_namespace(k: &KindInfo, req: &Request) -> Result<(), Error> {
    if k.namespaced && req.all_namespaces {
        return Err(Error::msg(
            "error: a resource cannot be retrieved by name across all namespaces",
        ));
    }
    Ok(())
}

fn info_of(kind: &'static KindInfo, object: Value, source: Option<String>) -> Info {
    Info {
        kind,
        namespace: object::namespace(&object).to_string(),
        name: object::name(&object).to_string(),
        object,
        source,
    }
}

fn get_one(
    cp: &ControlPlane,
    k: &'static KindInfo,
    namespace: &str,
    name: &str,
    found: &mut Found,
) {
    let ns = if k.namespaced { namespace } else { "" };
    match cp.server().get(&super::ws(cp), k, ns, name) {
        Some(o) => found.infos.push(info_of(k, o.clone(), None)),
        None => found.errors.push(Error::Status(Status::not_found(k, name))),
    }
}

/// Objects from `-f -` (decoded documents; `kind: List` flattened).
fn visit_files(cp: &ControlPlane, req: &Request, stdin: &str) -> Result<Found, Error> {
    if !req.args.is_empty() {
        return Err(Error::msg("error: when paths, URLs, or stdin is provided as input, you may not specify a resource by arguments as well"));
    }
    for f in &req.filenames {
        if f != "-" {
            return Err(Error::msg(format!(
                "error: the path \"{f}\" does not exist"
            )));
        }
    }
    let docs = read_stdin(stdin)?;
    let mut found = Found {
        single_item_implied: docs.len() == 1,
        ..Found::default()
    };
    // The builder runs with ContinueOnError: a document that fails is reported at the end
    // and the others are still visited.
    for doc in docs {
        // A document that fails the schema check ends the stream (StreamVisitor returns the
        // error); one that does not decode or map is reported and the stream goes on.
        if req.validate {
            if let Some(e) = validation_error(&doc) {
                found.errors.push(e);
                break;
            }
        } else if object::kind(&doc).is_empty() {
            found.errors.push(Error::msg(format!(
                "error: unable to decode \"STDIN\": Object 'Kind' is missing in '{}'",
                super::output::json::to_compact(&sorted(&doc))
            )));
            continue;
        }
        let k = match kind_of(cp, &doc) {
            Ok(k) => k,
            Err(e) => {
                found.errors.push(e);
                continue;
            }
        };
        let mut ns = object::namespace(&doc).to_string();
        if k.namespaced {
            if ns.is_empty() {
                ns = req.namespace.clone();
            } else if req.explicit_namespace && ns != req.namespace {
                found.errors.push(Error::msg(format!("error: the namespace from the provided object \"{ns}\" does not match the namespace \"{}\". You must pass '--namespace={ns}' to perform this operation.", req.namespace)));
                continue;
            }
        } else {
            ns.clear();
        }
        let name = object::name(&doc).to_string();
        if req.latest {
            match cp.server().get(&super::ws(cp), k, &ns, &name) {
                Some(o) => found
                    .infos
                    .push(info_of(k, o.clone(), Some("STDIN".into()))),
                None => found
                    .errors
                    .push(Error::Status(Status::not_found(k, &name))),
            }
        } else {
            found.infos.push(Info {
                kind: k,
                namespace: ns,
                name,
                object: doc,
                source: Some("STDIN".into()),
            });
        }
    }
    Ok(found)
}

/// The documents on stdin, as `-f -` reads them.
pub(crate) fn read_stdin(stdin: &str) -> Result<Vec<Value>, Error> {
    let docs = crate::server::decode::decode(stdin)
        .map_err(|s| Error::msg(format!("error: error parsing STDIN: {}", s.message)))?;
    Ok(docs.into_iter().map(|d| d.object).collect())
}

/// The served kind of a decoded object (built in, or a custom kind of kubectl's current
/// workspace): `resource mapping not found …` otherwise.
pub(crate) fn kind_of(cp: &ControlPlane, doc: &Value) -> Result<&'static KindInfo, Error> {
    let api_version = object::api_version(doc);
    let kind = object::kind(doc);
    let ws = super::ws(cp);
    cp.server().resolve_in(&ws, Some(api_version), kind).ok().ok_or_else(|| {
        Error::msg(format!(
            "error: resource mapping not found for name: \"{}\" namespace: \"{}\" from \"STDIN\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first",
            object::name(doc),
            object::namespace(doc)
        ))
    })
}

/// The schema check kubectl runs on each document before decoding it (kubectl
/// pkg/validation `getObjectKind`): `apiVersion not set`, `kind not set`, or both.
fn validation_error(doc: &Value) -> Option<Error> {
    let missing = match (
        object::api_version(doc).is_empty(),
        object::kind(doc).is_empty(),
    ) {
        (false, false) => return None,
        (true, true) => "[apiVersion not set, kind not set]",
        (true, false) => "apiVersion not set",
        (false, true) => "kind not set",
    };
    Some(Error::msg(format!(
        "error: error validating \"STDIN\": error validating data: {missing}; if you choose to ignore these errors, turn validation off with --validate=false"
    )))
}

/// A copy with every object's keys sorted (Go's JSON of a decoded YAML map).
pub(crate) fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&str> = m.iter().map(|(k, _)| k.as_ref()).collect();
            keys.sort_unstable();
            let mut out = crate::api::Map::new();
            for k in keys {
                out.insert(k, sorted(&v[k]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every short name, plural, singular and kind of `kubectl api-resources` resolves.
    #[test]
    fn resolves_every_name() {
        for k in KINDS {
            for name in [
                k.plural.to_string(),
                k.kind.to_lowercase(),
                k.kind.to_string(),
            ] {
                assert_eq!(resolve_type(&name).unwrap().kind, k.kind, "{name}");
            }
            for s in k.short_names {
                assert_eq!(resolve_type(s).unwrap().kind, k.kind, "{s}");
            }
        }
        assert_eq!(resolve_type("deployments.apps").unwrap().kind, "Deployment");
        assert_eq!(
            resolve_type("deployments.v1.apps").unwrap().kind,
            "Deployment"
        );
        assert_eq!(resolve_type("hpa").unwrap().version, "v2");
        assert_eq!(resolve_type("ev").unwrap().group, "");
        assert_eq!(
            resolve_type("foo.bar").err().unwrap().text(),
            "error: the server doesn't have a resource type \"foo\""
        );
    }

    #[test]
    fn splits_arguments_as_the_builder() {
        let p = parse_args(&["deploy,svc".into(), "web".into()]).unwrap();
        assert_eq!(
            p.tuples,
            vec![
                ("deploy".to_string(), "web".to_string()),
                ("svc".to_string(), "web".to_string())
            ]
        );
        let p = parse_args(&["all".into()]).unwrap();
        assert_eq!(p.types.len(), ALL_CATEGORY.len());
        assert!(parse_args(&["pods".into(), "pod/x".into()]).is_err());
        assert!(parse_args(&["pod/x/y".into()]).is_err());
    }
}
