//! `kubectl api-resources`, `api-versions`, `version` and `config current-context|
//! get-contexts` (k8s.io/kubectl/pkg/cmd/apiresources, version, config).
use super::output::{json, yaml};
use super::{tabwriter, Ctx, Error};
use crate::api::kinds::{KindInfo, KINDS};
use crate::api::Value;

/// The kubeconfig context kplane answers as (there is no kubeconfig file).
pub(super) const CONTEXT: &str = "kplane";

/// The preferred version of each group: the first one kplane lists.
fn preferred() -> Vec<&'static KindInfo> {
    let mut out: Vec<&'static KindInfo> = Vec::new();
    for k in KINDS {
        let first_version = KINDS
            .iter()
            .find(|x| x.group == k.group)
            .map(|x| x.version)
            .unwrap_or(k.version);
        if k.version == first_version
            && !out
                .iter()
                .any(|x| x.group == k.group && x.plural == k.plural)
        {
            out.push(k);
        }
    }
    out
}

/// Discovery's verbs for a resource, comma-separated.
fn verbs(k: &KindInfo) -> String {
    crate::rest::verbs(k).join(",")
}

/// Discovery's categories for a resource.
fn categories(k: &KindInfo) -> &'static str {
    crate::rest::categories(k)
}

pub(super) fn api_resources(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let output = ctx.p.str("output");
    if !matches!(output.as_str(), "" | "wide" | "name") {
        return Err(Error::msg(format!(
            "error: --output {output} is not available"
        )));
    }
    let sort_by = ctx.p.str("sort-by");
    if !matches!(sort_by.as_str(), "" | "name" | "kind") {
        return Err(Error::msg("error: --sort-by accepts only name or kind"));
    }
    let group = ctx.p.changed("api-group").then(|| ctx.p.str("api-group"));
    let namespaced = ctx
        .p
        .changed("namespaced")
        .then(|| ctx.p.bool("namespaced"));
    let want_verbs = ctx.p.list("verbs");
    let want_categories = ctx.p.list("categories");
    let mut list: Vec<&KindInfo> = preferred()
        .into_iter()
        .filter(|k| group.as_deref().is_none_or(|g| g == k.group))
        .filter(|k| namespaced.is_none_or(|n| n == k.namespaced))
        .filter(|k| {
            want_verbs
                .iter()
                .all(|v| verbs(k).split(',').any(|x| x == v))
        })
        .filter(|k| {
            want_categories
                .iter()
                .all(|c| categories(k).split(',').any(|x| x == c))
        })
        .collect();
    let key = |k: &KindInfo| -> String {
        match sort_by.as_str() {
            "name" => k.plural.to_string(),
            "kind" => k.kind.to_string(),
            _ => k.group.to_string(),
        }
    };
    list.sort_by(|a, b| key(a).cmp(&key(b)).then(a.plural.cmp(b.plural)));
    let mut text = String::new();
    if !ctx.p.bool("no-headers") && output != "name" {
        text.push_str("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND");
        if output == "wide" {
            text.push_str("\tVERBS\tCATEGORIES");
        }
        text.push('\n');
    }
    for k in list {
        match output.as_str() {
            "name" => text.push_str(&format!("{}\n", k.qualified_resource())),
            _ => {
                text.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}",
                    k.plural,
                    k.short_names.join(","),
                    k.api_version(),
                    k.namespaced,
                    k.kind
                ));
                if output == "wide" {
                    text.push_str(&format!("\t{}\t{}", verbs(k), categories(k)));
                }
                text.push('\n');
            }
        }
    }
    ctx.out.push_str(&tabwriter::table(&text));
    Ok(())
}

pub(super) fn api_versions(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let mut versions: Vec<String> = KINDS.iter().map(KindInfo::api_version).collect();
    versions.sort();
    versions.dedup();
    for v in versions {
        ctx.out.push_str(&v);
        ctx.out.push('\n');
    }
    Ok(())
}

/// The version kplane reports for client and server alike.
fn version_info() -> Value {
    crate::rest::version()
}

/// The Kustomize version that ships with kubectl of kplane's Kubernetes version.
const KUSTOMIZE: &str = "v5.7.1";

pub(super) fn version(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    let client_only = ctx.p.bool("client");
    let info = version_info();
    let mut v = crate::api::Map::new();
    v.insert("clientVersion", info.clone());
    v.insert("kustomizeVersion", Value::from(KUSTOMIZE));
    if !client_only {
        v.insert("serverVersion", info.clone());
    }
    let v = Value::Object(v);
    match ctx.p.str("output").as_str() {
        "" => {
            let git = info["gitVersion"].as_str().unwrap_or("");
            ctx.out.push_str(&format!(
                "Client Version: {git}\nKustomize Version: {KUSTOMIZE}\n"
            ));
            if !client_only {
                ctx.out.push_str(&format!("Server Version: {git}\n"));
            }
        }
        "yaml" => {
            ctx.out.push_str(&yaml::to_yaml(&v));
            ctx.out.push('\n');
        }
        "json" => {
            let text = json::to_json(&v, false).replace("    ", "  ");
            ctx.out.push_str(&text);
        }
        _ => return Err(Error::msg("error: --output must be 'yaml' or 'json'")),
    }
    Ok(())
}

pub(super) fn config(ctx: &mut Ctx<'_>) -> Result<(), Error> {
    if ctx.path == "config current-context" {
        ctx.out.push_str(CONTEXT);
        ctx.out.push('\n');
        return Ok(());
    }
    let names: Vec<String> = ctx.p.args.clone();
    if names.iter().any(|n| n != CONTEXT) {
        let missing = names
            .iter()
            .find(|n| *n != CONTEXT)
            .cloned()
            .unwrap_or_default();
        return Err(Error::msg(format!("error: context {missing} not found")));
    }
    match ctx.p.str("output").as_str() {
        "name" => {
            ctx.out.push_str(CONTEXT);
            ctx.out.push('\n');
        }
        "" => {
            let mut text = String::new();
            if !ctx.p.bool("no-headers") {
                text.push_str("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
            }
            text.push_str(&format!("*\t{CONTEXT}\t{CONTEXT}\t{CONTEXT}\t\n"));
            ctx.out.push_str(&tabwriter::table(&text));
        }
        other => {
            return Err(Error::msg(format!(
                "error: output must be one of '' or 'name': {other}"
            )))
        }
    }
    Ok(())
}
