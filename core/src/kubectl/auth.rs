//! `kubectl auth can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL] [--subresource S] [-A] [-q]`
//! and `kubectl auth can-i --list [--no-headers]`, answered from an RBAC [`Policy`] and printed
//! as kubectl prints them (k8s.io/kubectl/pkg/cmd/auth/cani.go, pkg/util/rbac/rbac.go,
//! pkg/describe `CombineResourceGroup`). The caller resolves `--as`/`--as-group` into the
//! [`UserInfo`] (see [`UserInfo::impersonated`]) and `-n` into `namespace`.
use super::table::render;
use crate::api::kinds;
use crate::server::rbac::{go_list, Attributes, Policy, PolicyRule, UserInfo};
use crate::KubectlOutput;

/// What the resource argument resolves to: API group, resource (plural) and whether it is
/// namespaced. The caller's resolver knows the built-in kinds and the workspace's CRDs.
pub type ResolvedResource = (String, String, bool);

/// Resolves a resource argument (`pods`, `po`, `deployments.apps`) among the built-in kinds.
pub fn builtin_resource(arg: &str) -> Option<ResolvedResource> {
    kinds::by_resource_name(arg).map(|k| (k.group.to_string(), k.plural.to_string(), k.namespaced))
}

/// Verbs kubectl knows for resources (`resourceVerbs`); others draw a warning.
const RESOURCE_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "impersonate",
    "*",
    "approve",
    "sign",
    "escalate",
    "attest",
];
/// Verbs kubectl knows for non-resource URLs (`nonResourceURLVerbs`).
const NON_RESOURCE_VERBS: &[&str] = &[
    "get", "put", "post", "head", "options", "delete", "patch", "*",
];

#[derive(Default)]
struct Options {
    args: Vec<String>,
    all_namespaces: bool,
    quiet: bool,
    no_headers: bool,
    list: bool,
    subresource: String,
}

fn parse(args: &[&str]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "-A" | "--all-namespaces" | "--all-namespaces=true" => o.all_namespaces = true,
            "-q" | "--quiet" | "--quiet=true" => o.quiet = true,
            "--list" | "--list=true" => o.list = true,
            "--no-headers" | "--no-headers=true" => o.no_headers = true,
            "--subresource" => {
                o.subresource = it
                    .next()
                    .ok_or("flag needs an argument: --subresource")?
                    .to_string()
            }
            s if s.starts_with("--subresource=") => {
                o.subresource = s["--subresource=".len()..].to_string()
            }
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("unknown flag: {s}"));
            }
            s => o.args.push(s.to_string()),
        }
    }
    Ok(o)
}

fn error(message: &str) -> KubectlOutput {
    KubectlOutput {
        stdout: String::new(),
        stderr: format!("error: {message}\n"),
        exit_code: 1,
    }
}

/// Runs `kubectl auth can-i` with the words after `can-i`, as `user` in `namespace` (the
/// current one or `-n`). Prints `yes`/`no` (exit code 0/1), or the `--list` table; warnings go
/// to stderr as kubectl's warning printer writes them.
pub fn can_i(
    policy: &Policy,
    user: &UserInfo,
    namespace: &str,
    args: &[&str],
    resolve: &dyn Fn(&str) -> Option<ResolvedResource>,
) -> KubectlOutput {
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => return error(&e),
    };
    let mut warnings = String::new();
    let mut warn = |m: &str| warnings.push_str(&format!("Warning: {m}\n"));
    // Complete.
    if o.list {
        if !o.args.is_empty() {
            return error("list option must be specified with no arguments");
        }
    } else if o.args.len() != 2 {
        return error("you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.");
    }
    let namespace = if o.all_namespaces { "" } else { namespace };
    // Validate.
    if o.list {
        if o.quiet || o.all_namespaces || !o.subresource.is_empty() {
            return error("list option can't be specified with neither quiet, all-namespaces nor subresource options");
        }
        return list(policy, user, namespace, o.no_headers, warnings);
    }
    if o.no_headers {
        return error("--no-headers cannot be set without --list specified");
    }
    let verb = o.args[0].as_str();
    let target = o.args[1].as_str();
    let decision = if target.starts_with('/') {
        if !o.subresource.is_empty() {
            return error("--subresource can not be used with NonResourceURL");
        }
        if !NON_RESOURCE_VERBS.contains(&verb) {
            warn(&format!("verb '{verb}' is not a known verb\n"));
        }
        policy.authorize(&Attributes::non_resource(user, verb, target))
    } else {
        let (resource_arg, name) = target.split_once('/').unwrap_or((target, ""));
        let (group, resource, namespaced) = if resource_arg == "*" {
            (String::new(), "*".to_string(), true)
        } else {
            let lower = resource_arg.to_ascii_lowercase();
            match resolve(&lower) {
                Some(r) => r,
                None => {
                    // `resourceFor`: warn and ask about the argument as typed.
                    let (res, group) = lower.split_once('.').unwrap_or((&lower, ""));
                    if !matches!(lower.as_str(), "users" | "groups") {
                        if group.is_empty() {
                            warn(&format!(
                                "the server doesn't have a resource type '{res}'\n"
                            ));
                        } else {
                            warn(&format!(
                                "the server doesn't have a resource type '{res}' in group '{group}'\n"
                            ));
                        }
                    }
                    (String::new(), resource_arg.to_string(), true)
                }
            }
        };
        if !o.all_namespaces && !namespaced {
            if group.is_empty() {
                warn(&format!("resource '{resource}' is not namespace scoped\n"));
            } else {
                warn(&format!(
                    "resource '{resource}' is not namespace scoped in group '{group}'\n"
                ));
            }
        }
        if !RESOURCE_VERBS.contains(&verb) {
            warn(&format!("verb '{verb}' is not a known verb\n"));
        }
        policy.authorize(
            &Attributes::resource(user, verb, &group, &resource, namespace)
                .with_subresource(&o.subresource)
                .with_name(name),
        )
    };
    let stdout = if o.quiet {
        String::new()
    } else if decision.allowed {
        "yes\n".to_string()
    } else if decision.reason.is_empty() {
        "no\n".to_string()
    } else {
        format!("no - {}\n", decision.reason)
    };
    KubectlOutput {
        stdout,
        stderr: warnings,
        exit_code: if decision.allowed { 0 } else { 1 },
    }
}

/// `--list`: the SelfSubjectRulesReview rules, broken down to one verb/resource/name each,
/// compacted by resource, sorted by `PolicyRule.String()` and printed through kubectl's
/// `printers.GetNewTabWriter` (min width 6, padding 3).
fn list(
    policy: &Policy,
    user: &UserInfo,
    namespace: &str,
    no_headers: bool,
    mut warnings: String,
) -> KubectlOutput {
    let (rules, errors) = policy.rules_for(user, namespace);
    if !errors.is_empty() {
        warnings.push_str(&format!(
            "Warning: the list may be incomplete: {}\n",
            if errors.len() == 1 {
                errors[0].clone()
            } else {
                format!("[{}]", errors.join(", "))
            }
        ));
    }
    // convertToPolicyRule: resource rules and non-resource rules apart.
    let mut review = Vec::new();
    for r in &rules {
        if !r.resources.is_empty() {
            review.push(PolicyRule {
                non_resource_urls: vec![],
                ..r.clone()
            });
        }
        if !r.non_resource_urls.is_empty() {
            review.push(PolicyRule {
                verbs: r.verbs.clone(),
                non_resource_urls: r.non_resource_urls.clone(),
                ..Default::default()
            });
        }
    }
    let broken: Vec<PolicyRule> = review.iter().flat_map(breakdown_rule).collect();
    let mut compact = compact_rules(broken);
    compact.sort_by_cached_key(PolicyRule::go_string);
    let mut rows = Vec::new();
    if !no_headers {
        rows.push(
            ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]
                .map(String::from)
                .to_vec(),
        );
    }
    for r in &compact {
        rows.push(vec![
            combine_resource_group(&r.resources, &r.api_groups),
            go_list(&r.non_resource_urls),
            go_list(&r.resource_names),
            go_list(&r.verbs),
        ]);
    }
    KubectlOutput {
        stdout: render(&rows),
        stderr: warnings,
        exit_code: 0,
    }
}

/// `BreakdownRule`: one rule per group × resource × verb (× name), then one per URL × verb.
fn breakdown_rule(r: &PolicyRule) -> Vec<PolicyRule> {
    let mut out = Vec::new();
    for g in &r.api_groups {
        for res in &r.resources {
            for v in &r.verbs {
                let one = |names: Vec<String>| PolicyRule {
                    verbs: vec![v.clone()],
                    api_groups: vec![g.clone()],
                    resources: vec![res.clone()],
                    resource_names: names,
                    non_resource_urls: vec![],
                };
                if r.resource_names.is_empty() {
                    out.push(one(vec![]));
                } else {
                    out.extend(r.resource_names.iter().map(|n| one(vec![n.clone()])));
                }
            }
        }
    }
    for u in &r.non_resource_urls {
        for v in &r.verbs {
            out.push(PolicyRule {
                verbs: vec![v.clone()],
                non_resource_urls: vec![u.clone()],
                ..Default::default()
            });
        }
    }
    out
}

/// `CompactRules`: simple rules (one group, one resource, at most one name, no URLs) that
/// differ only by verb are merged, their verbs appended in order; other rules stay as they are.
fn compact_rules(rules: Vec<PolicyRule>) -> Vec<PolicyRule> {
    let mut out = Vec::new();
    let mut simple: Vec<PolicyRule> = Vec::new();
    for r in rules {
        let is_simple = r.resource_names.len() <= 1
            && r.non_resource_urls.is_empty()
            && r.api_groups.len() == 1
            && r.resources.len() == 1;
        if !is_simple {
            out.push(r);
            continue;
        }
        match simple.iter_mut().find(|s| {
            s.api_groups == r.api_groups
                && s.resources == r.resources
                && s.resource_names == r.resource_names
        }) {
            Some(s) => s.verbs.extend(r.verbs),
            None => simple.push(r),
        }
    }
    out.extend(simple);
    out
}

/// `CombineResourceGroup`: `pods`, `deployments.apps`, `deployments.apps/scale`.
fn combine_resource_group(resources: &[String], groups: &[String]) -> String {
    let Some(first) = resources.first() else {
        return String::new();
    };
    let (res, sub) = match first.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (first.as_str(), None),
    };
    let mut out = res.to_string();
    if let Some(g) = groups.first().filter(|g| !g.is_empty()) {
        out.push('.');
        out.push_str(g);
    }
    if let Some(s) = sub {
        out.push('/');
        out.push_str(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::server::rbac::bootstrap_objects;

    fn policy_with(extra: &[crate::api::Value]) -> Policy {
        let mut objects = bootstrap_objects();
        objects.extend_from_slice(extra);
        Policy::from_objects(&objects)
    }

    fn run(p: &Policy, user: &UserInfo, ns: &str, line: &str) -> KubectlOutput {
        let words: Vec<&str> = line.split_whitespace().collect();
        can_i(p, user, ns, &words, &builtin_resource)
    }

    #[test]
    fn yes_and_no() {
        let p = policy_with(&[json!({"apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding", "metadata": {"name": "dev-view", "namespace": "dev"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": [{"kind": "User", "name": "alice"}]})]);
        let alice = UserInfo::impersonated("alice", &[]);
        let out = run(&p, &alice, "dev", "list pods");
        assert_eq!((out.stdout.as_str(), out.exit_code), ("yes\n", 0));
        let out = run(&p, &alice, "dev", "create deployments.apps");
        assert_eq!((out.stdout.as_str(), out.exit_code), ("no\n", 1));
        let out = run(&p, &alice, "default", "get po");
        assert_eq!(out.stdout, "no\n");
        let out = run(&p, &alice, "dev", "get pods --subresource=log");
        assert_eq!(out.stdout, "yes\n");
        let out = run(&p, &alice, "dev", "list pods -q");
        assert_eq!((out.stdout.as_str(), out.exit_code), ("", 0));
        let out = run(&p, &alice, "dev", "get /version");
        assert_eq!(out.stdout, "yes\n");
        let admin = UserInfo::system_admin();
        assert_eq!(run(&p, &admin, "dev", "* *").stdout, "yes\n");
    }

    #[test]
    fn warnings_and_errors_as_kubectl() {
        let p = policy_with(&[]);
        let alice = UserInfo::impersonated("alice", &[]);
        let out = run(&p, &alice, "default", "list nodes");
        assert_eq!(out.stdout, "no\n");
        assert_eq!(
            out.stderr,
            "Warning: resource 'nodes' is not namespace scoped\n\n"
        );
        let out = run(&p, &alice, "default", "list nodes -A");
        assert_eq!(out.stderr, "");
        let out = run(&p, &alice, "default", "list storageclasses");
        assert_eq!(
            out.stderr,
            "Warning: resource 'storageclasses' is not namespace scoped in group 'storage.k8s.io'\n\n"
        );
        let out = run(&p, &alice, "default", "frobnicate widgets");
        assert_eq!(
            out.stderr,
            "Warning: the server doesn't have a resource type 'widgets'\n\nWarning: verb 'frobnicate' is not a known verb\n\n"
        );
        let out = run(&p, &alice, "default", "list");
        assert_eq!(out.exit_code, 1);
        assert_eq!(out.stderr, "error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.\n");
        assert_eq!(
            run(&p, &alice, "default", "--list pods").stderr,
            "error: list option must be specified with no arguments\n"
        );
        assert_eq!(
            run(&p, &alice, "default", "--list -A").stderr,
            "error: list option can't be specified with neither quiet, all-namespaces nor subresource options\n"
        );
        assert_eq!(
            run(&p, &alice, "default", "get pods --no-headers").stderr,
            "error: --no-headers cannot be set without --list specified\n"
        );
    }

    #[test]
    fn resource_names_via_type_slash_name() {
        let p = policy_with(&[
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": {"name": "one-job", "namespace": "foo"},
                "rules": [{"apiGroups": ["batch"], "resources": ["jobs"], "resourceNames": ["bar"], "verbs": ["get"]}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": "one-job", "namespace": "foo"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "one-job"},
                "subjects": [{"kind": "User", "name": "bob"}]}),
        ]);
        let bob = UserInfo::impersonated("bob", &[]);
        assert_eq!(run(&p, &bob, "foo", "get jobs.batch/bar").stdout, "yes\n");
        assert_eq!(run(&p, &bob, "foo", "get jobs.batch/baz").stdout, "no\n");
        assert_eq!(run(&p, &bob, "foo", "list jobs.batch").stdout, "no\n");
    }

    #[test]
    fn list_table_as_kubectl_prints_it() {
        // A cluster-admin sees `*.*`; everyone sees the basic-user and discovery rules.
        let p = policy_with(&[]);
        let out = run(&p, &UserInfo::system_admin(), "default", "--list");
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(
            lines[0],
            "Resources                                       Non-Resource URLs   Resource Names   Verbs"
        );
        assert_eq!(
            lines[1],
            "*.*                                             []                  []               [*]"
        );
        assert_eq!(
            lines[2],
            "                                                [*]                 []               [*]"
        );
        assert!(lines.contains(
            &"selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]"
        ));
        assert!(lines.contains(
            &"                                                [/api/*]            []               [get]"
        ));
        let out = run(
            &p,
            &UserInfo::system_admin(),
            "default",
            "--list --no-headers",
        );
        assert!(out.stdout.starts_with("*.*"));
    }

    #[test]
    fn list_merges_verbs_per_resource() {
        let p = Policy::from_objects(&[
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": {"name": "r"},
                "rules": [{"apiGroups": ["", "apps"], "resources": ["pods", "deployments/scale"], "verbs": ["get", "list"]},
                          {"apiGroups": [""], "resources": ["pods"], "verbs": ["watch"]}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": {"name": "r"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "r"},
                "subjects": [{"kind": "User", "name": "u"}]}),
        ]);
        let out = run(&p, &UserInfo::new("u", &[]), "default", "--list");
        assert_eq!(
            out.stdout,
            "Resources                Non-Resource URLs   Resource Names   Verbs\n\
             pods                     []                  []               [get list watch]\n\
             deployments/scale        []                  []               [get list]\n\
             deployments.apps/scale   []                  []               [get list]\n\
             pods.apps                []                  []               [get list]\n"
        );
    }
}
