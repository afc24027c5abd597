//! RBAC authorization with upstream semantics: who the caller is ([`UserInfo`]), what the
//! request does ([`Attributes`]), the rules that grant it ([`PolicyRule`]), the roles and
//! bindings of one workspace ([`Policy`]), the 403 a denial becomes ([`forbidden`]), ClusterRole
//! aggregation ([`aggregated_rules`], [`aggregate_cluster_roles`]) and the bootstrap roles
//! users expect ([`bootstrap_objects`]).
//!
//! Upstream, in kubernetes/kubernetes:
//! - rule matching: `pkg/apis/rbac/v1/evaluation_helpers.go` (`VerbMatches`, `APIGroupMatches`,
//!   `ResourceMatches`, `ResourceNameMatches`, `NonResourceURLMatches`) and
//!   `plugin/pkg/auth/authorizer/rbac/rbac.go` (`RuleAllows`, `Authorize`);
//! - rule resolution: `pkg/registry/rbac/validation/rule.go` (`VisitRulesFor`, `appliesToUser`,
//!   `GetRoleReferenceRules`, the `RBAC: allowed by …` describers);
//! - `system:masters`: `apiserver/pkg/authorization/authorizerfactory/builtin.go`
//!   (`privilegedGroupAuthorizer`), which kube-apiserver puts before RBAC;
//! - impersonation (`kubectl --as`): `apiserver/pkg/endpoints/filters/impersonation.go`;
//! - the 403: `apiserver/pkg/endpoints/handlers/responsewriters/errors.go` (`Forbidden`,
//!   `forbiddenMessage`) and `apimachinery/pkg/api/errors` (`NewForbidden`);
//! - aggregation: `pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go`.
use super::status::{go_quote, Status, StatusDetails};
use crate::api::object::labels;
use crate::api::{Selector, Value};
use crate::json;
use std::collections::HashMap;

/// The group whose members may do anything (`user.SystemPrivilegedGroup`).
pub const SYSTEM_MASTERS: &str = "system:masters";
/// The group of every authenticated user (`user.AllAuthenticated`).
pub const ALL_AUTHENTICATED: &str = "system:authenticated";
/// The group of unauthenticated requests (`user.AllUnauthenticated`).
pub const ALL_UNAUTHENTICATED: &str = "system:unauthenticated";
/// The user name of unauthenticated requests (`user.Anonymous`).
pub const ANONYMOUS: &str = "system:anonymous";
/// The prefix of service account user names (`serviceaccount.ServiceAccountUsernamePrefix`).
pub const SERVICE_ACCOUNT_USERNAME_PREFIX: &str = "system:serviceaccount:";
/// The group of all service accounts (`serviceaccount.AllServiceAccountsGroup`).
pub const ALL_SERVICE_ACCOUNTS_GROUP: &str = "system:serviceaccounts";
/// kplane's default caller, as KCP's admin: a member of `system:masters`.
pub const SYSTEM_ADMIN: &str = "system:admin";

/// The API group of RBAC objects.
pub const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// Who makes a request (`user.Info`): a name and the groups the authenticator gave it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserInfo {
    /// `system:admin`, `alice`, `system:serviceaccount:ns:name`.
    pub name: String,
    /// `system:authenticated`, `dev`, …
    pub groups: Vec<String>,
}

impl UserInfo {
    /// A user exactly as given (no groups are added).
    pub fn new(name: impl Into<String>, groups: &[&str]) -> UserInfo {
        UserInfo {
            name: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    /// kplane's default caller `system:admin` in `system:masters` (all powerful).
    pub fn system_admin() -> UserInfo {
        UserInfo::new(SYSTEM_ADMIN, &[SYSTEM_MASTERS, ALL_AUTHENTICATED])
    }

    /// A service account as the token authenticator presents it: user
    /// `system:serviceaccount:<ns>:<name>`, groups `system:serviceaccounts`,
    /// `system:serviceaccounts:<ns>` and `system:authenticated`.
    pub fn service_account(namespace: &str, name: &str) -> UserInfo {
        let mut groups = service_account_groups(namespace);
        groups.push(ALL_AUTHENTICATED.to_string());
        UserInfo {
            name: service_account_username(namespace, name),
            groups,
        }
    }

    /// The user `kubectl --as=NAME [--as-group=G]…` acts as, as the impersonation filter builds
    /// it: a `system:serviceaccount:<ns>:<name>` without groups gets the service account groups;
    /// every user but `system:anonymous` gets `system:authenticated` unless a group given is
    /// `system:authenticated` or `system:unauthenticated` (then `system:anonymous` would get
    /// `system:unauthenticated`).
    pub fn impersonated(name: &str, groups: &[String]) -> UserInfo {
        let mut all: Vec<String> = groups.to_vec();
        if groups.is_empty() {
            if let Some((ns, _)) = split_service_account_username(name) {
                all = service_account_groups(ns);
            }
        }
        if name == ANONYMOUS {
            if !all.iter().any(|g| g == ALL_UNAUTHENTICATED) {
                all.push(ALL_UNAUTHENTICATED.to_string());
            }
        } else if !all
            .iter()
            .any(|g| g == ALL_AUTHENTICATED || g == ALL_UNAUTHENTICATED)
        {
            all.push(ALL_AUTHENTICATED.to_string());
        }
        UserInfo {
            name: name.to_string(),
            groups: all,
        }
    }
}

/// `serviceaccount.MakeUsername`: `system:serviceaccount:<ns>:<name>`.
pub fn service_account_username(namespace: &str, name: &str) -> String {
    format!("{SERVICE_ACCOUNT_USERNAME_PREFIX}{namespace}:{name}")
}

/// `serviceaccount.MakeGroupNames`: `system:serviceaccounts`, `system:serviceaccounts:<ns>`.
pub fn service_account_groups(namespace: &str) -> Vec<String> {
    vec![
        ALL_SERVICE_ACCOUNTS_GROUP.to_string(),
        format!("{ALL_SERVICE_ACCOUNTS_GROUP}:{namespace}"),
    ]
}

/// `serviceaccount.SplitUsername`: the namespace and name of `system:serviceaccount:<ns>:<name>`;
/// `None` unless both parts are present and neither contains `:`.
pub fn split_service_account_username(username: &str) -> Option<(&str, &str)> {
    let rest = username.strip_prefix(SERVICE_ACCOUNT_USERNAME_PREFIX)?;
    let (ns, name) = rest.split_once(':')?;
    if ns.is_empty() || name.is_empty() || name.contains(':') {
        return None;
    }
    Some((ns, name))
}

/// What a request does (`authorizer.Attributes`).
///
/// `name` is the object name in the request path (`GET …/pods/web`); it is empty for `create`
/// of a collection, `list`, `watch` and `deletecollection`, so a rule limited by
/// `resourceNames` never grants those (upstream sets it for `list`/`watch` only from a
/// `fieldSelector=metadata.name=<x>`, and for subresource creates such as `pods/x/eviction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attributes<'a> {
    /// The caller.
    pub user: &'a UserInfo,
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, or
    /// another verb such as `use`, `bind`, `impersonate`.
    pub verb: &'a str,
    /// The API group, `""` for the core group.
    pub api_group: &'a str,
    /// The resource (plural): `pods`.
    pub resource: &'a str,
    /// The subresource: `status`, `scale`, `log`, or `""`.
    pub subresource: &'a str,
    /// The namespace, `""` for cluster-scoped resources and requests across all namespaces.
    pub namespace: &'a str,
    /// The object name in the request path (see above).
    pub name: &'a str,
    /// For a non-resource request, its path (`/healthz`); `None` for resource requests.
    pub path: Option<&'a str>,
}

impl<'a> Attributes<'a> {
    /// A resource request: `verb` on `resource` in `api_group`, in `namespace` (`""` for
    /// cluster scope).
    pub fn resource(
        user: &'a UserInfo,
        verb: &'a str,
        api_group: &'a str,
        resource: &'a str,
        namespace: &'a str,
    ) -> Attributes<'a> {
        Attributes {
            user,
            verb,
            api_group,
            resource,
            subresource: "",
            namespace,
            name: "",
            path: None,
        }
    }

    /// A request to a non-resource path (`GET /healthz`).
    pub fn non_resource(user: &'a UserInfo, verb: &'a str, path: &'a str) -> Attributes<'a> {
        Attributes {
            user,
            verb,
            api_group: "",
            resource: "",
            subresource: "",
            namespace: "",
            name: "",
            path: Some(path),
        }
    }

    /// The same request on a subresource (`status`, `scale`, `log`, `eviction`).
    pub fn with_subresource(mut self, subresource: &'a str) -> Attributes<'a> {
        self.subresource = subresource;
        self
    }

    /// The same request on one named object.
    pub fn with_name(mut self, name: &'a str) -> Attributes<'a> {
        self.name = name;
        self
    }

    /// Whether this is a resource (not a non-resource URL) request.
    pub fn is_resource_request(&self) -> bool {
        self.path.is_none()
    }
}

/// One `rules[]` entry of a Role or ClusterRole (`rbacv1.PolicyRule`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct PolicyRule {
    /// `verbs`; `*` is every verb.
    pub verbs: Vec<String>,
    /// `apiGroups`; `*` is every group, `""` the core group.
    pub api_groups: Vec<String>,
    /// `resources`: `pods`, `pods/status`, `*/scale`, `*`.
    pub resources: Vec<String>,
    /// `resourceNames`: when not empty, only these objects.
    pub resource_names: Vec<String>,
    /// `nonResourceURLs`: `/healthz`, `/apis/*`, `*`.
    pub non_resource_urls: Vec<String>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

impl PolicyRule {
    /// Reads a rule from its JSON form; fields of the wrong type read as empty.
    pub fn from_value(v: &Value) -> PolicyRule {
        PolicyRule {
            verbs: strings(v.get("verbs")),
            api_groups: strings(v.get("apiGroups")),
            resources: strings(v.get("resources")),
            resource_names: strings(v.get("resourceNames")),
            non_resource_urls: strings(v.get("nonResourceURLs")),
        }
    }

    /// The JSON form, with empty lists left out (as `omitempty` does).
    pub fn to_value(&self) -> Value {
        let mut m = crate::api::Map::new();
        let list = |l: &[String]| Value::Array(l.iter().map(|s| Value::from(s.as_str())).collect());
        for (key, l) in [
            ("apiGroups", &self.api_groups),
            ("nonResourceURLs", &self.non_resource_urls),
            ("resourceNames", &self.resource_names),
            ("resources", &self.resources),
            ("verbs", &self.verbs),
        ] {
            if !l.is_empty() {
                m.insert(key, list(l));
            }
        }
        Value::Object(m)
    }

    /// The rules of a Role or ClusterRole object (`rules[]`).
    pub fn list_from(role: &Value) -> Vec<PolicyRule> {
        role.get("rules")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(PolicyRule::from_value).collect())
            .unwrap_or_default()
    }

    /// `RuleAllows`: whether this rule grants the request.
    pub fn allows(&self, a: &Attributes) -> bool {
        match a.path {
            None => {
                let combined = if a.subresource.is_empty() {
                    a.resource.to_string()
                } else {
                    format!("{}/{}", a.resource, a.subresource)
                };
                self.verb_matches(a.verb)
                    && self.api_group_matches(a.api_group)
                    && self.resource_matches(&combined, a.subresource)
                    && self.resource_name_matches(a.name)
            }
            Some(path) => self.verb_matches(a.verb) && self.non_resource_url_matches(path),
        }
    }

    /// `VerbMatches`.
    pub fn verb_matches(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == "*" || v == verb)
    }

    /// `APIGroupMatches`.
    pub fn api_group_matches(&self, group: &str) -> bool {
        self.api_groups.iter().any(|g| g == "*" || g == group)
    }

    /// `ResourceMatches`: `*`, the exact `resource[/subresource]`, or `*/subresource`.
    pub fn resource_matches(&self, combined: &str, subresource: &str) -> bool {
        self.resources.iter().any(|r| {
            r == "*"
                || r == combined
                || (!subresource.is_empty()
                    && r.len() == subresource.len() + 2
                    && r.starts_with("*/")
                    && r.ends_with(subresource))
        })
    }

    /// `ResourceNameMatches`: any name when `resourceNames` is empty, else one of them.
    pub fn resource_name_matches(&self, name: &str) -> bool {
        self.resource_names.is_empty() || self.resource_names.iter().any(|n| n == name)
    }

    /// `NonResourceURLMatches`: `*`, the exact path, or a `prefix*`.
    pub fn non_resource_url_matches(&self, path: &str) -> bool {
        self.non_resource_urls.iter().any(|u| {
            u == "*"
                || u == path
                || u.strip_suffix('*')
                    .is_some_and(|_| path.starts_with(u.trim_end_matches('*')))
        })
    }

    /// The generated `(*PolicyRule).String()` of k8s.io/api (kubectl sorts rules by it):
    /// `&PolicyRule{Verbs:[get list],APIGroups:[],Resources:[pods],ResourceNames:[],NonResourceURLs:[],}`.
    pub fn go_string(&self) -> String {
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            go_list(&self.verbs),
            go_list(&self.api_groups),
            go_list(&self.resources),
            go_list(&self.resource_names),
            go_list(&self.non_resource_urls)
        )
    }
}

/// Go's `%v` of a `[]string`: `[a b c]`.
pub fn go_list(l: &[String]) -> String {
    format!("[{}]", l.join(" "))
}

/// A `subjects[]` entry of a binding (`rbacv1.Subject`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subject {
    /// `User`, `Group` or `ServiceAccount`.
    pub kind: String,
    /// The user, group or service account name.
    pub name: String,
    /// The service account's namespace (defaults to the binding's).
    pub namespace: String,
}

impl Subject {
    fn from_value(v: &Value) -> Subject {
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        Subject {
            kind: s("kind"),
            name: s("name"),
            namespace: s("namespace"),
        }
    }

    /// `appliesToUser`: whether this subject names the user; `namespace` is the binding's
    /// (`""` for a ClusterRoleBinding).
    pub fn applies_to(&self, user: &UserInfo, namespace: &str) -> bool {
        match self.kind.as_str() {
            "User" => user.name == self.name,
            "Group" => user.groups.contains(&self.name),
            "ServiceAccount" => {
                let ns = if self.namespace.is_empty() {
                    namespace
                } else {
                    &self.namespace
                };
                !ns.is_empty()
                    && split_service_account_username(&user.name) == Some((ns, &self.name))
            }
            _ => false,
        }
    }

    /// `describeSubject`: `User "alice"`, `ServiceAccount "name/ns"`.
    fn describe(&self, binding_namespace: &str) -> String {
        match self.kind.as_str() {
            "ServiceAccount" => {
                let ns = if self.namespace.is_empty() {
                    binding_namespace
                } else {
                    &self.namespace
                };
                format!("{} {}", self.kind, go_quote(&format!("{}/{ns}", self.name)))
            }
            _ => format!("{} {}", self.kind, go_quote(&self.name)),
        }
    }
}

/// A RoleBinding or ClusterRoleBinding, as the authorizer reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Binding {
    name: String,
    namespace: String,
    role_kind: String,
    role_name: String,
    subjects: Vec<Subject>,
}

impl Binding {
    fn from_value(v: &Value) -> Binding {
        let s = |keys: &[&str]| {
            crate::api::object::str_at(v, keys)
                .unwrap_or("")
                .to_string()
        };
        Binding {
            name: s(&["metadata", "name"]),
            namespace: s(&["metadata", "namespace"]),
            role_kind: s(&["roleRef", "kind"]),
            role_name: s(&["roleRef", "name"]),
            subjects: v
                .get("subjects")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(Subject::from_value).collect())
                .unwrap_or_default(),
        }
    }
}

/// The authorizer's answer: allowed or not, and upstream's reason text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "alice"` when allowed
    /// by RBAC; `""` when allowed through `system:masters` or denied without errors; on a
    /// denial, the role resolution errors (`RBAC: role.rbac.authorization.k8s.io "x" not found`).
    pub reason: String,
}

/// The RBAC objects of one workspace: Roles, ClusterRoles and their bindings.
///
/// Build it from the workspace's objects (and [`bootstrap_objects`]); it is read-only while
/// authorizing. An object inserted twice (same kind, namespace and name) replaces the first.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    roles: HashMap<(String, String), Vec<PolicyRule>>,
    cluster_roles: HashMap<String, Vec<PolicyRule>>,
    role_bindings: HashMap<String, Vec<Binding>>,
    cluster_role_bindings: Vec<Binding>,
}

impl Policy {
    /// An empty policy: nobody but `system:masters` may do anything.
    pub fn new() -> Policy {
        Policy::default()
    }

    /// The bootstrap roles and bindings ([`bootstrap_objects`]).
    pub fn bootstrap() -> Policy {
        Policy::from_objects(bootstrap_objects().iter())
    }

    /// A policy from objects of any kinds; those not Role, ClusterRole, RoleBinding or
    /// ClusterRoleBinding (of `rbac.authorization.k8s.io`) are ignored.
    pub fn from_objects<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Policy {
        let mut p = Policy::new();
        for o in objects {
            p.insert(o);
        }
        p
    }

    /// Adds (or replaces) one RBAC object; other objects are ignored.
    pub fn insert(&mut self, obj: &Value) {
        let api_version = crate::api::object::api_version(obj);
        if api_version.split('/').next() != Some(RBAC_GROUP) {
            return;
        }
        let name = crate::api::object::name(obj).to_string();
        let namespace = crate::api::object::namespace(obj).to_string();
        match crate::api::object::kind(obj) {
            "Role" => {
                self.roles
                    .insert((namespace, name), PolicyRule::list_from(obj));
            }
            "ClusterRole" => {
                self.cluster_roles.insert(name, PolicyRule::list_from(obj));
            }
            "RoleBinding" => {
                let b = Binding::from_value(obj);
                let list = self.role_bindings.entry(namespace).or_default();
                match list.iter_mut().find(|x| x.name == b.name) {
                    Some(x) => *x = b,
                    None => list.push(b),
                }
            }
            "ClusterRoleBinding" => {
                let b = Binding::from_value(obj);
                match self
                    .cluster_role_bindings
                    .iter_mut()
                    .find(|x| x.name == b.name)
                {
                    Some(x) => *x = b,
                    None => self.cluster_role_bindings.push(b),
                }
            }
            _ => {}
        }
    }

    /// `GetRoleReferenceRules`: the rules a binding grants, or the lister's error.
    fn role_rules(&self, b: &Binding) -> Result<&[PolicyRule], String> {
        match b.role_kind.as_str() {
            "Role" => self
                .roles
                .get(&(b.namespace.clone(), b.role_name.clone()))
                .map(Vec::as_slice)
                .ok_or_else(|| format!("role.{RBAC_GROUP} {} not found", go_quote(&b.role_name))),
            "ClusterRole" => self
                .cluster_roles
                .get(&b.role_name)
                .map(Vec::as_slice)
                .ok_or_else(|| {
                    format!(
                        "clusterrole.{RBAC_GROUP} {} not found",
                        go_quote(&b.role_name)
                    )
                }),
            other => Err(format!(
                "unsupported role reference kind: {}",
                go_quote(other)
            )),
        }
    }

    /// `VisitRulesFor`: every rule that applies to `user` in `namespace` (ClusterRoleBindings
    /// first, then the namespace's RoleBindings), with a description of its source, and the
    /// resolution errors met on the way. Stops when `visit` returns `false`.
    fn visit_rules_for(
        &self,
        user: &UserInfo,
        namespace: &str,
        mut visit: impl FnMut(&dyn Fn() -> String, &PolicyRule) -> bool,
        errors: &mut Vec<String>,
    ) {
        for b in &self.cluster_role_bindings {
            let Some(subject) = b.subjects.iter().find(|s| s.applies_to(user, "")) else {
                continue;
            };
            match self.role_rules(b) {
                Err(e) => errors.push(e),
                Ok(rules) => {
                    let source = || {
                        format!(
                            "ClusterRoleBinding {} of {} {} to {}",
                            go_quote(&b.name),
                            b.role_kind,
                            go_quote(&b.role_name),
                            subject.describe("")
                        )
                    };
                    for r in rules {
                        if !visit(&source, r) {
                            return;
                        }
                    }
                }
            }
        }
        if namespace.is_empty() {
            return;
        }
        for b in self.role_bindings.get(namespace).into_iter().flatten() {
            let Some(subject) = b.subjects.iter().find(|s| s.applies_to(user, namespace)) else {
                continue;
            };
            match self.role_rules(b) {
                Err(e) => errors.push(e),
                Ok(rules) => {
                    let source = || {
                        format!(
                            "RoleBinding {} of {} {} to {}",
                            go_quote(&format!("{}/{}", b.name, b.namespace)),
                            b.role_kind,
                            go_quote(&b.role_name),
                            subject.describe(namespace)
                        )
                    };
                    for r in rules {
                        if !visit(&source, r) {
                            return;
                        }
                    }
                }
            }
        }
    }

    /// `RulesFor`: the rules that apply to `user` in `namespace` (`""`: ClusterRoleBindings
    /// only), and the resolution errors (missing roles) met on the way.
    pub fn rules_for(&self, user: &UserInfo, namespace: &str) -> (Vec<PolicyRule>, Vec<String>) {
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        self.visit_rules_for(
            user,
            namespace,
            |_, r| {
                rules.push(r.clone());
                true
            },
            &mut errors,
        );
        (rules, errors)
    }

    /// Authorizes a request as kube-apiserver's chain does: members of `system:masters` are
    /// allowed outright; otherwise RBAC allows it if any rule that applies to the user grants it.
    pub fn authorize(&self, a: &Attributes) -> Decision {
        if a.user.groups.iter().any(|g| g == SYSTEM_MASTERS) {
            return Decision {
                allowed: true,
                reason: String::new(),
            };
        }
        let mut allowed_by = None;
        let mut errors = Vec::new();
        self.visit_rules_for(
            a.user,
            a.namespace,
            |source, rule| {
                if rule.allows(a) {
                    allowed_by = Some(source());
                    false
                } else {
                    true
                }
            },
            &mut errors,
        );
        match allowed_by {
            Some(source) => Decision {
                allowed: true,
                reason: format!("RBAC: allowed by {source}"),
            },
            None => Decision {
                allowed: false,
                reason: if errors.is_empty() {
                    String::new()
                } else {
                    format!("RBAC: {}", aggregate_errors(&errors))
                },
            },
        }
    }

    /// Authorizes a request and turns a denial into upstream's 403 ([`forbidden`]).
    pub fn check(&self, a: &Attributes) -> Result<(), Status> {
        let d = self.authorize(a);
        if d.allowed {
            Ok(())
        } else {
            Err(forbidden(a, &d.reason))
        }
    }
}

/// `utilerrors.NewAggregate(errs).Error()`: one message as is; several, de-duplicated, as
/// `[a, b]`.
fn aggregate_errors(errors: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for e in errors {
        if !seen.contains(&e.as_str()) {
            seen.push(e);
        }
    }
    if seen.len() == 1 {
        seen[0].to_string()
    } else {
        format!("[{}]", seen.join(", "))
    }
}

/// `forbiddenMessage`: `User "alice" cannot list resource "pods" in API group "" in the
/// namespace "default"` (or `at the cluster scope`; `path "/x"` for non-resource requests).
pub fn forbidden_message(a: &Attributes) -> String {
    let user = go_quote(&a.user.name);
    if let Some(path) = a.path {
        return format!("User {user} cannot {} path {}", a.verb, go_quote(path));
    }
    let resource = if a.subresource.is_empty() {
        a.resource.to_string()
    } else {
        format!("{}/{}", a.resource, a.subresource)
    };
    let scope = if a.namespace.is_empty() {
        "at the cluster scope".to_string()
    } else {
        format!("in the namespace {}", go_quote(a.namespace))
    };
    format!(
        "User {user} cannot {} resource {} in API group {} {scope}",
        a.verb,
        go_quote(&resource),
        go_quote(a.api_group)
    )
}

/// The 403 of a denied request, as `responsewriters.Forbidden` writes it through
/// `errors.NewForbidden`: `pods is forbidden: User "alice" cannot list resource "pods" in API
/// group "" in the namespace "default"`, `pods "web" is forbidden: …` for a named object,
/// `deployments.apps is forbidden: …` in a group, and `: <reason>` appended when the authorizer
/// gave one. Details carry the group, the resource (as `kind`) and the name.
pub fn forbidden(a: &Attributes, reason: &str) -> Status {
    // Avoid emitting errors that look like valid HTML (the `sanitizer` of errors.go).
    let msg = forbidden_message(a)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let err = if reason.is_empty() {
        msg
    } else {
        format!("{msg}: {reason}")
    };
    let qualified = if a.api_group.is_empty() {
        a.resource.to_string()
    } else {
        format!("{}.{}", a.resource, a.api_group)
    };
    let message = if a.resource.is_empty() && a.api_group.is_empty() {
        format!("forbidden: {err}")
    } else if a.name.is_empty() {
        format!("{qualified} is forbidden: {err}")
    } else {
        format!("{qualified} {} is forbidden: {err}", go_quote(a.name))
    };
    let mut s = Status::new(403, "Forbidden", message);
    s.details = Some(StatusDetails {
        name: a.name.to_string(),
        group: a.api_group.to_string(),
        kind: a.resource.to_string(),
        causes: vec![],
    });
    s
}

/// The rules the clusterrole-aggregation controller gives `role`: for each of its
/// `aggregationRule.clusterRoleSelectors` in order, the rules of every other ClusterRole the
/// selector matches (by name), without duplicates. `None` when `role` has no aggregation rule;
/// `Err` for a selector that does not parse (the controller then leaves the role as it is).
pub fn aggregated_rules(
    role: &Value,
    cluster_roles: &[Value],
) -> Option<Result<Vec<PolicyRule>, String>> {
    let rule = role.get("aggregationRule").filter(|v| !v.is_null())?;
    let own_name = crate::api::object::name(role);
    let mut sorted: Vec<&Value> = cluster_roles.iter().collect();
    sorted.sort_by(|a, b| crate::api::object::name(a).cmp(crate::api::object::name(b)));
    let mut out: Vec<PolicyRule> = Vec::new();
    for sel in rule
        .get("clusterRoleSelectors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        // `metav1.LabelSelectorAsSelector` of a present selector: `{}` matches everything.
        let selector = match Selector::from_label_selector(Some(sel)) {
            Ok(s) => s,
            Err(e) => return Some(Err(e)),
        };
        for other in &sorted {
            if crate::api::object::name(other) == own_name || !selector.matches(&labels(other)) {
                continue;
            }
            for r in PolicyRule::list_from(other) {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
    }
    Some(Ok(out))
}

/// Runs ClusterRole aggregation over a set of ClusterRoles until nothing changes (as the
/// controller converges through repeated syncs: `view` feeds `edit`, which feeds `admin`),
/// rewriting the `rules` of every aggregated role. Returns the names of the roles it changed.
/// Stops after as many passes as there are roles, so cycles cannot loop forever.
pub fn aggregate_cluster_roles(cluster_roles: &mut [Value]) -> Vec<String> {
    let mut changed: Vec<String> = Vec::new();
    for _ in 0..=cluster_roles.len() {
        let mut any = false;
        for i in 0..cluster_roles.len() {
            let Some(Ok(rules)) = aggregated_rules(&cluster_roles[i], cluster_roles) else {
                continue;
            };
            if PolicyRule::list_from(&cluster_roles[i]) == rules {
                continue;
            }
            let value = Value::Array(rules.iter().map(PolicyRule::to_value).collect());
            if let Some(m) = cluster_roles[i].as_object_mut() {
                m.insert("rules", value);
            }
            let name = crate::api::object::name(&cluster_roles[i]).to_string();
            if !changed.contains(&name) {
                changed.push(name);
            }
            any = true;
        }
        if !any {
            break;
        }
    }
    changed
}

const BOOTSTRAP_YAML: &str = include_str!("rbac_bootstrap.yaml");

/// The bootstrap ClusterRoles (cluster-admin, admin, edit, view, the `system:aggregate-to-*`
/// roles, system:basic-user, system:discovery, system:public-info-viewer) with aggregation
/// already applied, then their ClusterRoleBindings (cluster-admin to `system:masters`, the
/// basic roles to `system:authenticated`), from upstream's bootstrap policy.
pub fn bootstrap_objects() -> Vec<Value> {
    let doc: Value = serde_saphyr::from_str(BOOTSTRAP_YAML).unwrap_or_default();
    let mut roles: Vec<Value> = doc
        .get("clusterRoles")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    aggregate_cluster_roles(&mut roles);
    let bindings = doc
        .get("clusterRoleBindings")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    roles.into_iter().chain(bindings).collect()
}

/// A ClusterRoleBinding granting `cluster_role` to one user, as KCP creates `workspace-admin`
/// → `cluster-admin` for a workspace's creator.
pub fn cluster_role_binding_for_user(name: &str, cluster_role: &str, user: &str) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": name},
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": cluster_role},
        "subjects": [{"apiGroup": RBAC_GROUP, "kind": "User", "name": user}]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &str, groups: &str, resources: &str, urls: &str) -> PolicyRule {
        // `newRule` of rbac_test.go: comma-separated lists.
        let split = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
        PolicyRule {
            verbs: split(verbs),
            api_groups: split(groups),
            resources: split(resources),
            resource_names: vec![],
            non_resource_urls: split(urls),
        }
    }

    fn cluster_role(name: &str, rules: &[PolicyRule]) -> Value {
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": name},
            "rules": Value::Array(rules.iter().map(PolicyRule::to_value).collect())})
    }

    fn role(ns: &str, name: &str, rules: &[PolicyRule]) -> Value {
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": name, "namespace": ns},
            "rules": Value::Array(rules.iter().map(PolicyRule::to_value).collect())})
    }

    /// `subjects` as `Kind:name` (or `ServiceAccount:ns:name`), like rbac_test.go's helpers.
    fn subjects(list: &[&str]) -> Value {
        Value::Array(
            list.iter()
                .map(|s| {
                    let (kind, rest) = s.split_once(':').unwrap_or(("User", s));
                    if kind == "ServiceAccount" {
                        let (ns, name) = rest.split_once(':').unwrap_or(("", rest));
                        json!({"kind": kind, "name": name, "namespace": ns})
                    } else {
                        json!({"kind": kind, "name": rest, "apiGroup": RBAC_GROUP})
                    }
                })
                .collect(),
        )
    }

    fn crb(name: &str, role: &str, subs: &[&str]) -> Value {
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": name},
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": role},
            "subjects": subjects(subs)})
    }

    fn rb(ns: &str, name: &str, kind: &str, role: &str, subs: &[&str]) -> Value {
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": name, "namespace": ns},
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": kind, "name": role},
            "subjects": subjects(subs)})
    }

    fn allowed(p: &Policy, user: &UserInfo, verb: &str, group: &str, res: &str, ns: &str) -> bool {
        let (res, sub) = res.split_once('/').unwrap_or((res, ""));
        p.authorize(&Attributes::resource(user, verb, group, res, ns).with_subresource(sub))
            .allowed
    }

    #[test]
    fn authorizer_cases_of_rbac_test_go() {
        // TestAuthorizer, case 0: a ClusterRole bound in ns1 to User:admin and Group:admins.
        let p = Policy::from_objects(&[
            cluster_role("admin", &[rule("*", "*", "*", "*")]),
            rb(
                "ns1",
                "b",
                "ClusterRole",
                "admin",
                &["User:admin", "Group:admins"],
            ),
        ]);
        let u = |name: &str, groups: &[&str]| UserInfo::new(name, groups);
        assert!(allowed(&p, &u("admin", &[]), "get", "", "Pods", "ns1"));
        assert!(allowed(&p, &u("admin", &[]), "watch", "", "Pods", "ns1"));
        assert!(allowed(
            &p,
            &u("admin", &["group1"]),
            "watch",
            "",
            "Foobar",
            "ns1"
        ));
        assert!(allowed(
            &p,
            &u("joe", &["admins"]),
            "watch",
            "",
            "Foobar",
            "ns1"
        ));
        assert!(allowed(
            &p,
            &u("joe", &["group1", "admins"]),
            "watch",
            "",
            "Foobar",
            "ns1"
        ));
        assert!(!allowed(&p, &u("admin", &[]), "GET", "", "Pods", "ns2"));
        assert!(!allowed(&p, &u("admin", &[]), "GET", "", "Nodes", ""));
        assert!(!allowed(
            &p,
            &u("admin", &["admins"]),
            "GET",
            "",
            "Pods",
            "ns2"
        ));
        assert!(!allowed(
            &p,
            &u("admin", &["admins"]),
            "GET",
            "",
            "Nodes",
            ""
        ));

        // Cases 2 and 3: subresource resolution.
        let p = Policy::from_objects(&[
            cluster_role("admin", &[rule("*", "*", "pods", "*")]),
            rb("ns1", "b", "ClusterRole", "admin", &["User:admin"]),
        ]);
        assert!(allowed(&p, &u("admin", &[]), "get", "", "pods", "ns1"));
        assert!(!allowed(
            &p,
            &u("admin", &[]),
            "get",
            "",
            "pods/status",
            "ns1"
        ));
        let p = Policy::from_objects(&[
            cluster_role("admin", &[rule("*", "*", "pods/status", "*")]),
            rb("ns1", "b", "ClusterRole", "admin", &["User:admin"]),
        ]);
        assert!(allowed(
            &p,
            &u("admin", &[]),
            "get",
            "",
            "pods/status",
            "ns1"
        ));
        assert!(!allowed(&p, &u("admin", &[]), "get", "", "pods", "ns1"));
    }

    #[test]
    fn non_resource_urls_as_rbac_test_go() {
        // TestAuthorizer, case 1, and TestRuleMatches' non-resource cases.
        let p = Policy::from_objects(&[
            cluster_role("getter", &[rule("get", "", "", "/apis")]),
            cluster_role("prefix", &[rule("get", "", "", "/apis/*")]),
            crb("a", "getter", &["User:foo"]),
            crb("b", "prefix", &["User:prefixed"]),
        ]);
        let foo = UserInfo::new("foo", &[]);
        let prefixed = UserInfo::new("prefixed", &[]);
        let ok = |u: &UserInfo, verb: &str, path: &str| {
            p.authorize(&Attributes::non_resource(u, verb, path))
                .allowed
        };
        assert!(ok(&foo, "get", "/apis"));
        assert!(!ok(&foo, "watch", "/apis"));
        assert!(!ok(&foo, "get", "/api/v1"));
        assert!(ok(&prefixed, "get", "/apis/v1"));
        assert!(ok(&prefixed, "get", "/apis/v1/foobar"));
        assert!(!ok(&prefixed, "get", "/api/v1"));
        let r = rule("verb1", "", "", "/foo/*");
        let u = UserInfo::default();
        assert!(!r.allows(&Attributes::non_resource(&u, "verb1", "/foo")));
        assert!(r.allows(&Attributes::non_resource(&u, "verb1", "/foo/bar/one")));
        assert!(!r.allows(&Attributes::non_resource(&u, "verb1", "/notfoo/bar")));
    }

    #[test]
    fn rule_matches_as_rbac_test_go() {
        // TestRuleMatches: (rule, verb, group, resource, subresource, expected).
        let u = UserInfo::default();
        let cases: &[(PolicyRule, &str, &str, &str, &str, bool)] = &[
            (
                rule("*", "group1", "resource1", ""),
                "verb1",
                "group1",
                "resource1",
                "",
                true,
            ),
            (
                rule("*", "group1", "resource1", ""),
                "verb2",
                "group1",
                "resource1",
                "",
                true,
            ),
            (
                rule("*", "group1", "resource1", ""),
                "verb1",
                "group2",
                "resource1",
                "",
                false,
            ),
            (
                rule("*", "group1", "resource1", ""),
                "verb1",
                "group1",
                "resource2",
                "",
                false,
            ),
            (
                rule("verb1", "*", "resource1", ""),
                "verb1",
                "group2",
                "resource1",
                "",
                true,
            ),
            (
                rule("verb1", "*", "resource1", ""),
                "verb2",
                "group1",
                "resource1",
                "",
                false,
            ),
            (
                rule("verb1", "group1", "*", ""),
                "verb1",
                "group1",
                "resource2",
                "",
                true,
            ),
            (
                rule("verb1", "group1", "*", ""),
                "verb1",
                "group2",
                "resource1",
                "",
                false,
            ),
            (
                rule("verb1,verb2", "group1,group2", "resource1,resource2", ""),
                "verb2",
                "group2",
                "resource2",
                "",
                true,
            ),
            (
                rule("*", "*", "resource1/subresource1", ""),
                "verb1",
                "group1",
                "resource1",
                "subresource1",
                true,
            ),
            (
                rule("*", "*", "resource1/subresource1", ""),
                "verb1",
                "group2",
                "resource1",
                "subresource2",
                false,
            ),
            (
                rule("*", "*", "resource1/subresource1", ""),
                "verb1",
                "group1",
                "resource2",
                "subresource1",
                false,
            ),
            // `*/subresource` (ResourceMatches): any resource's scale, not the resource itself.
            (
                rule("get", "*", "*/scale", ""),
                "get",
                "apps",
                "deployments",
                "scale",
                true,
            ),
            (
                rule("get", "*", "*/scale", ""),
                "get",
                "apps",
                "deployments",
                "",
                false,
            ),
            (
                rule("get", "*", "*/scale", ""),
                "get",
                "apps",
                "deployments",
                "status",
                false,
            ),
            // A bare `*` resource matches subresources too.
            (rule("get", "*", "*", ""), "get", "", "pods", "log", true),
        ];
        for (r, verb, group, res, sub, want) in cases {
            let a = Attributes::resource(&u, verb, group, res, "ns").with_subresource(sub);
            assert_eq!(r.allows(&a), *want, "{r:?} {verb} {group} {res}/{sub}");
        }
    }

    #[test]
    fn resource_names_limit_only_named_requests() {
        // A rule with resourceNames grants get/update/delete of those objects, never create,
        // list, watch or deletecollection (those carry no name).
        let mut r = rule("*", "", "configmaps", "");
        r.resource_names = vec!["app-config".into()];
        let p = Policy::from_objects(&[
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": {"name": "cm", "namespace": "default"}, "rules": [r.to_value()]}),
            rb("default", "cm", "Role", "cm", &["User:alice"]),
        ]);
        let alice = UserInfo::new("alice", &[ALL_AUTHENTICATED]);
        let a = |verb: &'static str, name: &'static str| {
            p.authorize(
                &Attributes::resource(&alice, verb, "", "configmaps", "default").with_name(name),
            )
            .allowed
        };
        assert!(a("get", "app-config"));
        assert!(a("update", "app-config"));
        assert!(a("delete", "app-config"));
        assert!(!a("get", "other"));
        for verb in ["create", "list", "watch", "deletecollection"] {
            assert!(!a(verb, ""), "{verb}");
        }
        // `list --field-selector metadata.name=app-config` carries the name (requestinfo.go).
        assert!(a("list", "app-config"));
    }

    #[test]
    fn subjects_users_groups_and_service_accounts() {
        let p = Policy::from_objects(&[
            cluster_role("view-pods", &[rule("get,list", "", "pods", "")]),
            rb(
                "dev",
                "a",
                "ClusterRole",
                "view-pods",
                &["ServiceAccount::builder"],
            ),
            rb(
                "dev",
                "b",
                "ClusterRole",
                "view-pods",
                &["ServiceAccount:ops:robot"],
            ),
            rb(
                "dev",
                "c",
                "ClusterRole",
                "view-pods",
                &["Group:system:serviceaccounts:ci"],
            ),
            crb("d", "view-pods", &["Group:system:authenticated"]),
        ]);
        // A ServiceAccount subject without namespace means the binding's namespace.
        let builder = UserInfo::service_account("dev", "builder");
        assert_eq!(builder.name, "system:serviceaccount:dev:builder");
        assert!(allowed(&p, &builder, "list", "", "pods", "dev"));
        let other = UserInfo::new("system:serviceaccount:prod:builder", &[]);
        assert!(!allowed(&p, &other, "list", "", "pods", "dev"));
        assert!(allowed(
            &p,
            &UserInfo::new("system:serviceaccount:ops:robot", &[]),
            "get",
            "",
            "pods",
            "dev"
        ));
        // The `system:serviceaccounts:<ns>` group of every service account in `ci`.
        let ci = UserInfo::service_account("ci", "x");
        assert_eq!(
            ci.groups,
            [
                "system:serviceaccounts",
                "system:serviceaccounts:ci",
                "system:authenticated"
            ]
        );
        assert!(allowed(&p, &ci, "get", "", "pods", "dev"));
        // `system:authenticated` through a ClusterRoleBinding, in every namespace.
        let bob = UserInfo::impersonated("bob", &[]);
        assert!(allowed(&p, &bob, "get", "", "pods", "anywhere"));
        assert!(!allowed(&p, &bob, "delete", "", "pods", "anywhere"));
        assert!(!allowed(
            &p,
            &UserInfo::new("bob", &[]),
            "get",
            "",
            "pods",
            "anywhere"
        ));
        assert_eq!(
            split_service_account_username("system:serviceaccount:a:b"),
            Some(("a", "b"))
        );
        assert_eq!(
            split_service_account_username("system:serviceaccount:a:b:c"),
            None
        );
        assert_eq!(
            split_service_account_username("system:serviceaccount::b"),
            None
        );
        assert_eq!(split_service_account_username("alice"), None);
    }

    #[test]
    fn impersonation_adds_groups_as_the_filter_does() {
        // impersonation.go: SA names get their groups when none are given; everyone but
        // system:anonymous gets system:authenticated unless it or unauthenticated was given.
        assert_eq!(
            UserInfo::impersonated("alice", &[]).groups,
            ["system:authenticated"]
        );
        assert_eq!(
            UserInfo::impersonated("alice", &["dev".into()]).groups,
            ["dev", "system:authenticated"]
        );
        assert_eq!(
            UserInfo::impersonated("alice", &["system:unauthenticated".into()]).groups,
            ["system:unauthenticated"]
        );
        assert_eq!(
            UserInfo::impersonated("system:serviceaccount:ns:sa", &[]).groups,
            [
                "system:serviceaccounts",
                "system:serviceaccounts:ns",
                "system:authenticated"
            ]
        );
        assert_eq!(
            UserInfo::impersonated("system:serviceaccount:ns:sa", &["g".into()]).groups,
            ["g", "system:authenticated"]
        );
        assert_eq!(
            UserInfo::impersonated(ANONYMOUS, &[]).groups,
            ["system:unauthenticated"]
        );
    }

    #[test]
    fn system_masters_is_all_powerful() {
        let p = Policy::new();
        let admin = UserInfo::system_admin();
        let d = p.authorize(&Attributes::resource(&admin, "escalate", "x", "y", ""));
        assert_eq!(
            d,
            Decision {
                allowed: true,
                reason: String::new()
            }
        );
        let alice = UserInfo::new("alice", &["system:authenticated"]);
        assert!(
            !p.authorize(&Attributes::resource(&alice, "get", "", "pods", "default"))
                .allowed
        );
    }

    #[test]
    fn forbidden_messages_as_the_apiserver_writes_them() {
        let alice = UserInfo::new("alice", &[ALL_AUTHENTICATED]);
        let list = Attributes::resource(&alice, "list", "", "pods", "default");
        let s = forbidden(&list, "");
        assert_eq!(s.code, 403);
        assert_eq!(s.reason, "Forbidden");
        assert_eq!(
            s.message,
            r#"pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default""#
        );
        let d = s.details.unwrap();
        assert_eq!(
            (d.kind.as_str(), d.group.as_str(), d.name.as_str()),
            ("pods", "", "")
        );
        let nodes = Attributes::resource(&alice, "list", "", "nodes", "");
        assert_eq!(
            forbidden(&nodes, "").message,
            r#"nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope"#
        );
        let scale = Attributes::resource(&alice, "update", "apps", "deployments", "default")
            .with_subresource("scale")
            .with_name("web");
        let s = forbidden(&scale, "");
        assert_eq!(
            s.message,
            r#"deployments.apps "web" is forbidden: User "alice" cannot update resource "deployments/scale" in API group "apps" in the namespace "default""#
        );
        assert_eq!(s.details.unwrap().name, "web");
        let path = Attributes::non_resource(&alice, "get", "/metrics");
        assert_eq!(
            forbidden(&path, "").message,
            r#"forbidden: User "alice" cannot get path "/metrics""#
        );
        let odd = UserInfo::new("<b>", &[]);
        assert_eq!(
            forbidden_message(&Attributes::resource(&odd, "get", "", "pods", "")),
            r#"User "<b>" cannot get resource "pods" in API group "" at the cluster scope"#
        );
        assert!(
            forbidden(&Attributes::resource(&odd, "get", "", "pods", ""), "")
                .message
                .contains(r#"User "&lt;b&gt;""#)
        );
    }

    #[test]
    fn reasons_name_the_binding_or_the_missing_role() {
        let p = Policy::from_objects(&[
            cluster_role("reader", &[rule("get", "", "pods", "")]),
            crb("readers", "reader", &["Group:dev"]),
            rb("default", "sa", "Role", "sa-role", &["ServiceAccount::ci"]),
            role("default", "sa-role", &[rule("get", "", "secrets", "")]),
            rb("default", "gone", "Role", "missing", &["User:alice"]),
            rb(
                "default",
                "gone2",
                "ClusterRole",
                "missing",
                &["User:alice"],
            ),
        ]);
        let alice = UserInfo::new("alice", &["dev"]);
        let d = p.authorize(&Attributes::resource(&alice, "get", "", "pods", "default"));
        assert_eq!(
            d.reason,
            r#"RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "reader" to Group "dev""#
        );
        let ci = UserInfo::service_account("default", "ci");
        let d = p.authorize(&Attributes::resource(&ci, "get", "", "secrets", "default"));
        assert_eq!(
            d.reason,
            r#"RBAC: allowed by RoleBinding "sa/default" of Role "sa-role" to ServiceAccount "ci/default""#
        );
        let a = Attributes::resource(&alice, "list", "", "secrets", "default");
        let d = p.authorize(&a);
        assert!(!d.allowed);
        assert_eq!(
            d.reason,
            r#"RBAC: [role.rbac.authorization.k8s.io "missing" not found, clusterrole.rbac.authorization.k8s.io "missing" not found]"#
        );
        assert_eq!(
            p.check(&a).unwrap_err().message,
            r#"secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "default": RBAC: [role.rbac.authorization.k8s.io "missing" not found, clusterrole.rbac.authorization.k8s.io "missing" not found]"#
        );
    }

    #[test]
    fn role_bindings_do_not_reach_other_namespaces_or_cluster_scope() {
        let p = Policy::from_objects(&[
            cluster_role("edit-all", &[rule("*", "*", "*", "")]),
            rb("team-a", "b", "ClusterRole", "edit-all", &["User:alice"]),
        ]);
        let alice = UserInfo::new("alice", &[]);
        assert!(allowed(
            &p,
            &alice,
            "delete",
            "apps",
            "deployments",
            "team-a"
        ));
        assert!(!allowed(
            &p,
            &alice,
            "delete",
            "apps",
            "deployments",
            "team-b"
        ));
        assert!(!allowed(&p, &alice, "list", "", "nodes", ""));
        assert!(!allowed(&p, &alice, "list", "", "pods", ""));
    }

    /// The allow/deny matrix: bootstrap roles bound the way users bind them, against the verbs
    /// and resources kplane serves. Expected values follow the upstream rules in
    /// rbac_bootstrap.yaml (view reads but never writes or reads secrets; edit writes
    /// workloads but not roles; admin also manages roles; cluster-admin everything).
    #[test]
    fn bootstrap_allow_deny_matrix() {
        let mut objects = bootstrap_objects();
        objects.push(rb("team", "v", "ClusterRole", "view", &["User:viewer"]));
        objects.push(rb("team", "e", "ClusterRole", "edit", &["User:editor"]));
        objects.push(rb("team", "a", "ClusterRole", "admin", &["User:admin"]));
        objects.push(crb("ca", "cluster-admin", &["User:root"]));
        let p = Policy::from_objects(&objects);
        let user = |n: &str| UserInfo::impersonated(n, &[]);
        // (resource as group/resource[/sub], verb, [viewer, editor, admin, root, stranger]).
        let matrix: &[(&str, &str, [bool; 5])] = &[
            ("/pods", "get", [true, true, true, true, false]),
            ("/pods", "list", [true, true, true, true, false]),
            ("/pods", "watch", [true, true, true, true, false]),
            ("/pods", "create", [false, true, true, true, false]),
            ("/pods", "delete", [false, true, true, true, false]),
            ("/pods/log", "get", [true, true, true, true, false]),
            ("/pods/exec", "create", [false, true, true, true, false]),
            ("/pods/eviction", "create", [false, true, true, true, false]),
            ("/pods/status", "update", [false, false, false, true, false]),
            ("/secrets", "get", [false, true, true, true, false]),
            ("/secrets", "create", [false, true, true, true, false]),
            ("/configmaps", "update", [false, true, true, true, false]),
            ("/services", "patch", [false, true, true, true, false]),
            (
                "/resourcequotas",
                "create",
                [false, false, false, true, false],
            ),
            ("/resourcequotas", "get", [true, true, true, true, false]),
            ("/namespaces", "get", [true, true, true, true, false]),
            ("/namespaces", "delete", [false, false, false, true, false]),
            (
                "apps/deployments",
                "create",
                [false, true, true, true, false],
            ),
            ("apps/deployments", "list", [true, true, true, true, false]),
            (
                "apps/deployments/scale",
                "update",
                [false, true, true, true, false],
            ),
            (
                "apps/deployments/status",
                "get",
                [true, true, true, true, false],
            ),
            (
                "apps/statefulsets",
                "delete",
                [false, true, true, true, false],
            ),
            (
                "apps/daemonsets",
                "deletecollection",
                [false, true, true, true, false],
            ),
            ("apps/replicasets", "watch", [true, true, true, true, false]),
            (
                "apps/controllerrevisions",
                "create",
                [false, false, false, true, false],
            ),
            ("batch/jobs", "create", [false, true, true, true, false]),
            ("batch/cronjobs", "get", [true, true, true, true, false]),
            (
                "autoscaling/horizontalpodautoscalers",
                "update",
                [false, true, true, true, false],
            ),
            (
                "policy/poddisruptionbudgets",
                "create",
                [false, true, true, true, false],
            ),
            (
                "networking.k8s.io/networkpolicies",
                "patch",
                [false, true, true, true, false],
            ),
            (
                "rbac.authorization.k8s.io/roles",
                "create",
                [false, false, true, true, false],
            ),
            (
                "rbac.authorization.k8s.io/rolebindings",
                "list",
                [false, false, true, true, false],
            ),
            (
                "rbac.authorization.k8s.io/clusterroles",
                "get",
                [false, false, false, true, false],
            ),
            (
                "apiextensions.k8s.io/customresourcedefinitions",
                "create",
                [false, false, false, true, false],
            ),
            (
                "coordination.k8s.io/leases",
                "update",
                [false, true, true, true, false],
            ),
        ];
        let who = ["viewer", "editor", "admin", "root", "stranger"];
        for (res, verb, expect) in matrix {
            let (group, rest) = res.split_once('/').unwrap_or(("", res));
            for (i, name) in who.iter().enumerate() {
                let u = user(name);
                assert_eq!(
                    allowed(&p, &u, verb, group, rest, "team"),
                    expect[i],
                    "{name} {verb} {res}"
                );
            }
        }
        // Outside the bound namespace only cluster-admin's ClusterRoleBinding applies.
        assert!(!allowed(&p, &user("admin"), "get", "", "pods", "other"));
        assert!(allowed(&p, &user("root"), "get", "", "pods", "other"));
        assert!(allowed(&p, &user("root"), "list", "", "nodes", ""));
        // Every authenticated user may create self-subject reviews (system:basic-user).
        assert!(allowed(
            &p,
            &user("stranger"),
            "create",
            "authorization.k8s.io",
            "selfsubjectaccessreviews",
            ""
        ));
        let s = user("stranger");
        assert!(
            p.authorize(&Attributes::non_resource(&s, "get", "/version"))
                .allowed
        );
    }

    #[test]
    fn aggregation_follows_the_controller() {
        let mut roles = vec![
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": {"name": "monitoring"},
                "aggregationRule": {"clusterRoleSelectors": [
                    {"matchLabels": {"rbac.example.com/aggregate-to-monitoring": "true"}}]},
                "rules": []}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": {"name": "z-endpoints",
                    "labels": {"rbac.example.com/aggregate-to-monitoring": "true"}},
                "rules": [{"apiGroups": [""], "resources": ["services", "endpoints", "pods"],
                    "verbs": ["get", "list", "watch"]}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": {"name": "a-metrics",
                    "labels": {"rbac.example.com/aggregate-to-monitoring": "true"}},
                "rules": [{"apiGroups": [""], "resources": ["services", "endpoints", "pods"],
                    "verbs": ["get", "list", "watch"]},
                    {"nonResourceURLs": ["/metrics"], "verbs": ["get"]}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": {"name": "unrelated"}, "rules": [{"apiGroups": ["x"],
                    "resources": ["y"], "verbs": ["get"]}]}),
        ];
        // Roles by name (a-metrics before z-endpoints), the duplicate rule once.
        let rules = aggregated_rules(&roles[0], &roles).unwrap().unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].resources, ["services", "endpoints", "pods"]);
        assert_eq!(rules[1].non_resource_urls, ["/metrics"]);
        assert!(aggregated_rules(&roles[3], &roles).is_none());
        assert_eq!(aggregate_cluster_roles(&mut roles), ["monitoring"]);
        assert_eq!(PolicyRule::list_from(&roles[0]), rules);
        assert!(aggregate_cluster_roles(&mut roles).is_empty());
        // A selector that does not parse leaves the role alone.
        let bad = json!({"metadata": {"name": "bad"}, "aggregationRule": {"clusterRoleSelectors":
            [{"matchExpressions": [{"key": "a", "operator": "Near"}]}]}});
        assert!(aggregated_rules(&bad, &roles).unwrap().is_err());
    }

    #[test]
    fn bootstrap_roles_aggregate_view_into_edit_into_admin() {
        let objects = bootstrap_objects();
        let find = |n: &str| {
            objects
                .iter()
                .find(|o| {
                    crate::api::object::name(o) == n && crate::api::object::kind(o) == "ClusterRole"
                })
                .map(PolicyRule::list_from)
                .unwrap_or_default()
        };
        let (view, edit, admin) = (find("view"), find("edit"), find("admin"));
        assert_eq!(view, find("system:aggregate-to-view"));
        assert!(!view.is_empty());
        assert!(view.iter().all(|r| edit.contains(r)));
        assert!(find("system:aggregate-to-edit")
            .iter()
            .all(|r| edit.contains(r)));
        assert!(edit.iter().all(|r| admin.contains(r)));
        assert!(find("system:aggregate-to-admin")
            .iter()
            .all(|r| admin.contains(r)));
        assert_eq!(admin.len(), edit.len() + 2);
        // The aggregate-to-* labels users put on their own roles to extend these.
        let labels_of = |n: &str| {
            objects
                .iter()
                .find(|o| crate::api::object::name(o) == n)
                .map(labels)
                .unwrap_or_default()
        };
        assert_eq!(
            labels_of("edit")
                .get("rbac.authorization.k8s.io/aggregate-to-admin")
                .map(String::as_str),
            Some("true")
        );
        assert_eq!(
            labels_of("view")
                .get("rbac.authorization.k8s.io/aggregate-to-edit")
                .map(String::as_str),
            Some("true")
        );
        assert_eq!(find("cluster-admin").len(), 2);
        assert_eq!(
            objects
                .iter()
                .filter(|o| crate::api::object::kind(o) == "ClusterRoleBinding")
                .count(),
            4
        );
    }

    #[test]
    fn a_custom_role_labelled_aggregate_to_view_extends_view() {
        let mut roles: Vec<Value> = bootstrap_objects()
            .into_iter()
            .filter(|o| crate::api::object::kind(o) == "ClusterRole")
            .collect();
        roles.push(
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "prometheus-view",
                "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
            "rules": [{"apiGroups": ["monitoring.coreos.com"], "resources": ["prometheuses"],
                "verbs": ["get", "list", "watch"]}]}),
        );
        let changed = aggregate_cluster_roles(&mut roles);
        assert!(changed.contains(&"view".to_string()));
        assert!(changed.contains(&"edit".to_string()));
        assert!(changed.contains(&"admin".to_string()));
        let mut objects = roles;
        objects.push(rb("team", "e", "ClusterRole", "admin", &["User:alice"]));
        let p = Policy::from_objects(&objects);
        let alice = UserInfo::new("alice", &[]);
        assert!(allowed(
            &p,
            &alice,
            "list",
            "monitoring.coreos.com",
            "prometheuses",
            "team"
        ));
        assert!(!allowed(
            &p,
            &alice,
            "create",
            "monitoring.coreos.com",
            "prometheuses",
            "team"
        ));
    }

    #[test]
    fn rules_for_and_go_string() {
        let p = Policy::from_objects(&[
            cluster_role("reader", &[rule("get", "", "pods", "")]),
            crb("r", "reader", &["User:alice"]),
            rb("ns", "x", "ClusterRole", "reader", &["User:alice"]),
        ]);
        let alice = UserInfo::new("alice", &[]);
        assert_eq!(p.rules_for(&alice, "").0.len(), 1);
        assert_eq!(p.rules_for(&alice, "ns").0.len(), 2);
        assert_eq!(
            rule("get,list", "", "pods", "").go_string(),
            "&PolicyRule{Verbs:[get list],APIGroups:[],Resources:[pods],ResourceNames:[],NonResourceURLs:[],}"
        );
    }
}
