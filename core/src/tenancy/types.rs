//! WorkspaceTypes (`tenancy.kcp.io/v1alpha1`): the built-in types, `extend.with` inheritance,
//! `limitAllowedParents`/`limitAllowedChildren` checked on both sides, the default child type,
//! initializers and reserved names, as kcp admits them.
//!
//! Upstream, in kcp-dev/kcp:
//! - types: `staging/src/github.com/kcp-dev/sdk/apis/tenancy/v1alpha1/types_workspacetype.go`;
//! - built-in types: `config/root/workspacetype-{root,organization,team,universal,home}.yaml` and
//!   `config/root/clusterrole(binding)-workspacetype-use.yaml`;
//! - admission of a Workspace: `pkg/admission/workspacetypeexists/admission.go` (`Admit`,
//!   `Validate`, `resolveWorkspaceTypeReference`, `transitiveTypeResolver`,
//!   `validateAllowedParents`, `validateAllowedChildren`);
//! - admission of a WorkspaceType: `pkg/admission/workspacetype/admission.go` and
//!   `pkg/admission/reservednames/admission.go`;
//! - initializers: `pkg/reconciler/tenancy/workspace/workspace_reconcile_scheduling.go`
//!   (`LogicalClustersInitializers`) and `sdk/apis/tenancy/initialization/utils.go`.
use super::path::{join_str, WorkspacePath, ROOT};
use crate::api::object::{name, str_at};
use crate::api::Value;
use crate::server::status::{go_quote, Status, StatusDetails};
use std::collections::BTreeMap;

/// Names no user-created WorkspaceType may have (`WorkspaceTypeReservedNames`).
pub const RESERVED_NAMES: &[&str] = &["any", "system"];
/// The initializer of types with `defaultAPIBindings` (`WorkspaceAPIBindingsInitializer`).
pub const API_BINDINGS_INITIALIZER: &str = "system:apibindings";
/// The annotation kcp keeps a workspace's type in on its LogicalCluster, `root:organization`.
pub const LOGICAL_CLUSTER_TYPE_ANNOTATION: &str = "internal.tenancy.kcp.io/type";
/// The annotation a non-`system:masters` creator's user info is recorded in.
pub const OWNER_ANNOTATION: &str = "experimental.tenancy.kcp.io/owner";
/// The API group of Workspace and WorkspaceType.
pub const TENANCY_GROUP: &str = "tenancy.kcp.io";

/// A reference to a WorkspaceType (`WorkspaceTypeReference`): its name and the path of the
/// workspace that holds it (empty: resolved from the current workspace upwards).
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub struct TypeRef {
    /// `name`: the WorkspaceType's name.
    pub name: String,
    /// `path`: the workspace holding it, `root`.
    pub path: String,
}

impl TypeRef {
    /// A reference from its parts.
    pub fn new(path: &str, name: &str) -> TypeRef {
        TypeRef {
            name: name.to_string(),
            path: path.to_string(),
        }
    }

    /// Reads `{name, path}`.
    pub fn from_value(v: &Value) -> TypeRef {
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        TypeRef {
            name: s("name"),
            path: s("path"),
        }
    }

    /// Parses `root:organization` (the LogicalCluster type annotation, `--type path:name`):
    /// the part after the last `:` is the name.
    pub fn parse(qualified: &str) -> TypeRef {
        match qualified.rsplit_once(':') {
            Some((p, n)) => TypeRef::new(p, n),
            None => TypeRef::new("", qualified),
        }
    }

    /// The JSON form `{name, path}` (path left out when empty).
    pub fn to_value(&self) -> Value {
        let mut m = crate::api::Map::new();
        m.insert("name", Value::from(self.name.as_str()));
        if !self.path.is_empty() {
            m.insert("path", Value::from(self.path.as_str()));
        }
        Value::Object(m)
    }

    /// `NewPath(path).Join(name)`: `root:universal` (or `universal` without a path).
    pub fn qualified(&self) -> String {
        join_str(&self.path, &self.name)
    }
}

/// `WorkspaceTypeSelector`: `{none: true}`, or `types` (an empty list allows any type).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypeSelector {
    /// No type matches.
    pub none: bool,
    /// The types that match.
    pub types: Vec<TypeRef>,
}

impl TypeSelector {
    fn from_value(v: &Value) -> TypeSelector {
        TypeSelector {
            none: v.get("none").and_then(Value::as_bool).unwrap_or(false),
            types: refs(v.get("types")),
        }
    }
}

fn refs(v: Option<&Value>) -> Vec<TypeRef> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(TypeRef::from_value).collect())
        .unwrap_or_default()
}

/// A WorkspaceType as the admission rules read it, with the workspace it lives in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkspaceType {
    /// The canonical path of the workspace holding the type (`root`).
    pub path: String,
    /// `metadata.name`.
    pub name: String,
    /// `spec.initializer`.
    pub initializer: bool,
    /// `spec.extend.with`.
    pub extend_with: Vec<TypeRef>,
    /// `spec.defaultChildWorkspaceType` (not inherited through `extend`).
    pub default_child: Option<TypeRef>,
    /// `spec.limitAllowedChildren`.
    pub limit_allowed_children: Option<TypeSelector>,
    /// `spec.limitAllowedParents`.
    pub limit_allowed_parents: Option<TypeSelector>,
    /// `spec.defaultAPIBindings` is not empty.
    pub has_default_api_bindings: bool,
    /// `spec.additionalWorkspaceLabels`.
    pub additional_workspace_labels: BTreeMap<String, String>,
}

impl WorkspaceType {
    /// Reads a WorkspaceType object that lives in the workspace `path`.
    pub fn from_value(path: &str, obj: &Value) -> WorkspaceType {
        let spec = obj.get("spec").cloned().unwrap_or_default();
        let selector = |k: &str| {
            spec.get(k)
                .filter(|v| v.is_object())
                .map(TypeSelector::from_value)
        };
        WorkspaceType {
            path: path.to_string(),
            name: name(obj).to_string(),
            initializer: spec
                .get("initializer")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            extend_with: refs(spec.get("extend").and_then(|e| e.get("with"))),
            default_child: spec
                .get("defaultChildWorkspaceType")
                .filter(|v| v.is_object())
                .map(TypeRef::from_value),
            limit_allowed_children: selector("limitAllowedChildren"),
            limit_allowed_parents: selector("limitAllowedParents"),
            has_default_api_bindings: spec
                .get("defaultAPIBindings")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty()),
            additional_workspace_labels: crate::api::object::string_map(
                obj,
                &["spec", "additionalWorkspaceLabels"],
            ),
        }
    }

    /// `canonicalPathFrom(wt).Join(wt.Name)`: `root:organization`.
    pub fn qualified_name(&self) -> String {
        join_str(&self.path, &self.name)
    }

    /// A reference to this type.
    pub fn reference(&self) -> TypeRef {
        TypeRef::new(&self.path, &self.name)
    }

    /// `InitializerForType`: the initializer name of this type, `<path>:<name>`.
    pub fn initializer_name(&self) -> String {
        self.qualified_name()
    }
}

/// Looks a WorkspaceType up by the path of its workspace and its name.
pub type TypeGetter<'a> = dyn Fn(&str, &str) -> Option<WorkspaceType> + 'a;

/// `NewNotFound(workspacetypes, path:name)`, as the type indexer reports a missing type.
fn type_not_found(path: &str, type_name: &str) -> String {
    format!(
        "workspacetypes.{TENANCY_GROUP} {} not found",
        go_quote(&join_str(path, type_name))
    )
}

/// `resolveWorkspaceTypeReference`: a reference with a path is looked up there; one without is
/// looked up in `workspace_path`, then in each parent, and last in `root`.
pub fn resolve_type_ref(
    workspace_path: &str,
    r: &TypeRef,
    get: &TypeGetter,
) -> Result<WorkspaceType, String> {
    if !r.path.is_empty() {
        return get(&r.path, &r.name).ok_or_else(|| {
            format!(
                "Internal error occurred: {}",
                type_not_found(&r.path, &r.name)
            )
        });
    }
    let mut current = workspace_path.to_string();
    loop {
        if let Some(t) = get(&current, &r.name) {
            return Ok(t);
        }
        match current.rsplit_once(':') {
            Some((parent, _)) => current = parent.to_string(),
            None if current != ROOT => current = ROOT.to_string(),
            None => {
                return Err(format!(
                    "workspace type {} cannot be resolved",
                    go_quote(&display_ref(r))
                ))
            }
        }
    }
}

/// `WorkspaceTypeReference.String()`: `path:name`, or `name` without a path.
fn display_ref(r: &TypeRef) -> String {
    if r.path.is_empty() {
        r.name.clone()
    } else {
        format!("{}:{}", r.path, r.name)
    }
}

/// `transitiveTypeResolver.Resolve`: every type `t` extends, transitively and depth first,
/// each once, then `t` itself. Errors on a missing base type or a cycle, as kcp words them.
pub fn aliases(t: &WorkspaceType, get: &TypeGetter) -> Result<Vec<WorkspaceType>, String> {
    let mut seen = Vec::new();
    let mut on_path = Vec::new();
    let mut out = resolve_aliases(t, get, &mut seen, &mut on_path)?;
    out.push(t.clone());
    Ok(out)
}

fn resolve_aliases(
    t: &WorkspaceType,
    get: &TypeGetter,
    seen: &mut Vec<String>,
    on_path: &mut Vec<String>,
) -> Result<Vec<WorkspaceType>, String> {
    let qualified = t.qualified_name();
    seen.push(qualified.clone());
    on_path.push(qualified);
    let mut out = Vec::new();
    for base_ref in &t.extend_with {
        let base = resolve_type_ref(&t.path, base_ref, get)
            .map_err(|_| format!("unable to find inherited workspace type {}", base_ref.name))?;
        let q = base.qualified_name();
        if let Some(i) = on_path.iter().position(|p| *p == q) {
            return Err(format!(
                "circular dependency detected in workspace type {q}: {}",
                on_path[i..].join(" -> ")
            ));
        }
        if seen.contains(&q) {
            continue;
        }
        out.push(base.clone());
        out.extend(resolve_aliases(&base, get, seen, on_path)?);
    }
    on_path.pop();
    Ok(out)
}

fn implements(aliases: &[WorkspaceType], allowed: &[TypeRef]) -> bool {
    aliases
        .iter()
        .any(|a| allowed.iter().any(|r| r.qualified() == a.qualified_name()))
}

fn sorted_set(items: impl Iterator<Item = String>) -> String {
    let mut v: Vec<String> = items.collect();
    v.sort();
    v.dedup();
    format!("[{}]", v.join(" "))
}

/// `utilerrors.NewAggregate(errs)`: `None` when empty, one message, or `[a, b]`.
fn aggregate(errs: Vec<String>) -> Result<(), String> {
    match errs.len() {
        0 => Ok(()),
        1 => Err(errs.into_iter().next().unwrap_or_default()),
        _ => Err(format!("[{}]", errs.join(", "))),
    }
}

/// `validateAllowedParents`: every alias of the child type that limits its parents must accept
/// one of the parent's aliases.
pub fn validate_allowed_parents(
    parent_aliases: &[WorkspaceType],
    child_aliases: &[WorkspaceType],
    parent_type: &str,
    child_type: &str,
) -> Result<(), String> {
    let mut errs = Vec::new();
    for child in child_aliases {
        let Some(limit) = &child.limit_allowed_parents else {
            continue;
        };
        if limit.none {
            errs.push(format!(
                "workspace type {child_type} cannot have any parent"
            ));
            continue;
        }
        if limit.types.is_empty() || implements(parent_aliases, &limit.types) {
            continue;
        }
        let qualified = child.qualified_name();
        let extending = if qualified != child_type {
            format!(" extends {qualified}, which")
        } else {
            String::new()
        };
        errs.push(format!(
            "workspace type {child_type}{extending} only allows {} parent workspaces, but parent type {parent_type} only implements {}",
            sorted_set(limit.types.iter().map(TypeRef::qualified)),
            sorted_set(parent_aliases.iter().map(WorkspaceType::qualified_name)),
        ));
    }
    aggregate(errs)
}

/// `validateAllowedChildren`: every alias of the parent type that limits its children must
/// accept one of the child's aliases.
pub fn validate_allowed_children(
    parent_aliases: &[WorkspaceType],
    child_aliases: &[WorkspaceType],
    parent_type: &str,
    child_type: &str,
) -> Result<(), String> {
    let mut errs = Vec::new();
    for parent in parent_aliases {
        let Some(limit) = &parent.limit_allowed_children else {
            continue;
        };
        if limit.none {
            errs.push(format!(
                "workspace type {parent_type} cannot have any child"
            ));
            continue;
        }
        if limit.types.is_empty() || implements(child_aliases, &limit.types) {
            continue;
        }
        let qualified = parent.qualified_name();
        let extending = if qualified != parent_type {
            format!(" extends {qualified}, which")
        } else {
            String::new()
        };
        errs.push(format!(
            "workspace type {parent_type}{extending} only allows {} child workspaces, but child type {child_type} only implements {}",
            sorted_set(limit.types.iter().map(TypeRef::qualified)),
            sorted_set(child_aliases.iter().map(WorkspaceType::qualified_name)),
        ));
    }
    aggregate(errs)
}

/// `LogicalClustersInitializers`: `<path>:<name>` of every alias with `initializer: true`, then
/// `system:apibindings` if any alias has default API bindings.
pub fn initializers(aliases: &[WorkspaceType]) -> Vec<String> {
    let mut out: Vec<String> = aliases
        .iter()
        .filter(|a| a.initializer)
        .map(WorkspaceType::initializer_name)
        .collect();
    if aliases.iter().any(|a| a.has_default_api_bindings) {
        out.push(API_BINDINGS_INITIALIZER.to_string());
    }
    out
}

/// `TypeFrom`: the workspace and type name an initializer belongs to.
pub fn type_of_initializer(initializer: &str) -> Result<TypeRef, String> {
    match initializer.rsplit_once(':') {
        Some((p, n)) => Ok(TypeRef::new(p, n)),
        None => Err(format!(
            "expected workspace initializer in form workspace:name, not {}",
            go_quote(initializer)
        )),
    }
}

/// `admission.NewForbidden` for an object of `resource` (in `tenancy.kcp.io`):
/// `workspaces.tenancy.kcp.io "x" is forbidden: <message>`.
pub fn forbidden(resource: &str, object_name: &str, message: &str) -> Status {
    let head = if object_name.is_empty() {
        format!("{resource}.{TENANCY_GROUP} is forbidden: {message}")
    } else {
        format!(
            "{resource}.{TENANCY_GROUP} {} is forbidden: {message}",
            go_quote(object_name)
        )
    };
    let mut s = Status::new(403, "Forbidden", head);
    s.details = Some(StatusDetails {
        name: object_name.to_string(),
        group: TENANCY_GROUP.to_string(),
        kind: resource.to_string(),
        causes: vec![],
    });
    s
}

/// What admitting a new Workspace decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmittedWorkspace {
    /// The Workspace's type, resolved.
    pub workspace_type: WorkspaceType,
    /// That type and every type it extends ([`aliases`]).
    pub aliases: Vec<WorkspaceType>,
    /// The initializers its LogicalCluster starts with ([`initializers`]).
    pub initializers: Vec<String>,
}

/// Admits the creation of a Workspace in the workspace `parent_path` (whose own type is
/// `parent_type`, `root:root` for root), as kcp's `WorkspaceTypeExists` admission does: defaults
/// `spec.type` to the parent type's `defaultChildWorkspaceType` (it is not inherited), resolves
/// it and fills in `spec.type.path`, adds the type's `additionalWorkspaceLabels`, requires
/// `use` on the type and each type it extends (`can_use(path, name)`, an RBAC check in the
/// type's workspace), and checks `limitAllowedParents` of the child's types and
/// `limitAllowedChildren` of the parent's types. Refusals are 403s on the workspace.
pub fn admit_workspace(
    parent_path: &WorkspacePath,
    parent_type: &TypeRef,
    ws: &mut Value,
    get: &TypeGetter,
    can_use: &dyn Fn(&str, &str) -> bool,
) -> Result<AdmittedWorkspace, Status> {
    let ws_name = name(ws).to_string();
    let deny = |m: &str| forbidden("workspaces", &ws_name, m);
    let parent_wt = get(&parent_type.path, &parent_type.name).ok_or_else(|| {
        deny(&format!(
            "workspace type cannot be resolved: {}",
            type_not_found(&parent_type.path, &parent_type.name)
        ))
    })?;
    let mut type_ref = ws
        .get("spec")
        .and_then(|s| s.get("type"))
        .filter(|t| t.is_object())
        .map(TypeRef::from_value)
        .unwrap_or_default();
    if type_ref.name.is_empty() {
        // Upstream's message keeps its unfilled format verbs (errors.New with "%s:%s").
        type_ref = parent_wt.default_child.clone().ok_or_else(|| {
            deny("spec.defaultChildWorkspaceType of workspace type %s:%s must be set")
        })?;
    }
    let wt = resolve_type_ref(parent_path.as_str(), &type_ref, get).map_err(|e| deny(&e))?;
    if type_ref.path.is_empty() {
        type_ref.path = wt.path.clone();
    }
    let wt_aliases = aliases(&wt, get).map_err(|e| deny(&e))?;
    for alias in &wt_aliases {
        if !can_use(&alias.path, &alias.name) {
            return Err(deny(&format!(
                "unable to use workspace type {}:{}: missing verb='use' permission on workspacetype",
                alias.path, alias.name
            )));
        }
    }
    let parent_aliases = aliases(&parent_wt, get).map_err(|e| deny(&e))?;
    let this_type = parent_type.qualified();
    let child_type = type_ref.qualified();
    validate_allowed_parents(&parent_aliases, &wt_aliases, &this_type, &child_type)
        .map_err(|e| deny(&e))?;
    validate_allowed_children(&parent_aliases, &wt_aliases, &this_type, &child_type)
        .map_err(|e| deny(&e))?;
    if let Some(m) = ws.as_object_mut() {
        let spec = m.entry("spec").or_insert_with(Value::object);
        if let Some(spec) = spec.as_object_mut() {
            spec.insert("type", type_ref.to_value());
        }
    }
    if !wt.additional_workspace_labels.is_empty() {
        if let Some(meta) = ws
            .as_object_mut()
            .map(|m| m.entry("metadata").or_insert_with(Value::object))
            .and_then(Value::as_object_mut)
        {
            let labels = meta.entry("labels").or_insert_with(Value::object);
            if let Some(labels) = labels.as_object_mut() {
                for (k, v) in &wt.additional_workspace_labels {
                    if !labels.contains_key(k) {
                        labels.insert(k.as_str(), Value::from(v.as_str()));
                    }
                }
            }
        }
    }
    Ok(AdmittedWorkspace {
        initializers: initializers(&wt_aliases),
        workspace_type: wt,
        aliases: wt_aliases,
    })
}

/// Admits the creation of a WorkspaceType in the workspace `workspace_path`: reserved names
/// (`any`, `system`), `root` only in the root workspace, and the paths its references must
/// carry (pkg/admission/reservednames, pkg/admission/workspacetype).
pub fn validate_workspace_type(workspace_path: &WorkspacePath, obj: &Value) -> Result<(), Status> {
    let type_name = name(obj);
    let deny = |m: &str| forbidden("workspacetypes", type_name, m);
    if RESERVED_NAMES.contains(&type_name) {
        return Err(deny(&format!(
            "metadata.name: Invalid value: {}: name is reserved",
            go_quote(type_name)
        )));
    }
    if type_name == ROOT && !workspace_path.is_root() {
        return Err(deny(
            "root workspace type can only be created in root cluster",
        ));
    }
    let wt = WorkspaceType::from_value(workspace_path.as_str(), obj);
    if wt.default_child.as_ref().is_some_and(|r| r.path.is_empty()) {
        return Err(deny(".spec.defaultChildWorkspaceType.path must be set"));
    }
    for (field, sel) in [
        ("limitAllowedChildren", &wt.limit_allowed_children),
        ("limitAllowedParents", &wt.limit_allowed_parents),
    ] {
        if let Some(sel) = sel {
            if let Some(i) = sel.types.iter().position(|t| t.path.is_empty()) {
                return Err(deny(&format!(".spec.{field}.types[{i}].path must be set")));
            }
        }
    }
    Ok(())
}

/// The WorkspaceTypes that exist in `root` from the start, as kcp's `config/root` creates them
/// with the `workspace-types` battery: `root` (no parent; children default to `organization`),
/// `organization` (child of root; children universal), `team` (child of an organization or a
/// team), `universal` (with an initializer), `home`; and the ClusterRole and binding that let
/// every authenticated user `use` universal, organization and team.
///
/// kplane leaves out `universal`'s `defaultAPIBindings` (`tenancy.kcp.io`, `topology.kcp.io`):
/// it serves tenancy natively in every workspace, so no `system:apibindings` initializer.
pub fn builtin_objects() -> Vec<Value> {
    let doc: Value = serde_saphyr::from_str(BUILTIN_YAML).unwrap_or_default();
    doc.get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The type of the root workspace, `root:root`.
pub fn root_type() -> TypeRef {
    TypeRef::new(ROOT, ROOT)
}

/// Looks a type up in a list of `(workspace path, WorkspaceType object)` pairs; a helper for
/// building a [`TypeGetter`] from stored objects.
pub fn find_type(
    objects: &[(String, Value)],
    path: &str,
    type_name: &str,
) -> Option<WorkspaceType> {
    objects
        .iter()
        .find(|(p, o)| p == path && name(o) == type_name)
        .map(|(p, o)| WorkspaceType::from_value(p, o))
}

/// The qualified type of a Workspace object (`spec.type`), `root:universal`.
pub fn workspace_type_of(ws: &Value) -> TypeRef {
    TypeRef::new(
        str_at(ws, &["spec", "type", "path"]).unwrap_or(""),
        str_at(ws, &["spec", "type", "name"]).unwrap_or(""),
    )
}

const BUILTIN_YAML: &str = r#"
items:
- apiVersion: tenancy.kcp.io/v1alpha1
  kind: WorkspaceType
  metadata: {name: root}
  spec:
    defaultChildWorkspaceType: {name: organization, path: root}
    limitAllowedParents: {none: true}
    extend:
      with:
      - {name: universal, path: root}
- apiVersion: tenancy.kcp.io/v1alpha1
  kind: WorkspaceType
  metadata: {name: organization}
  spec:
    extend:
      with:
      - {name: universal, path: root}
    defaultChildWorkspaceType: {name: universal, path: root}
    limitAllowedChildren:
      types:
      - {name: universal, path: root}
    limitAllowedParents:
      types:
      - {name: root, path: root}
- apiVersion: tenancy.kcp.io/v1alpha1
  kind: WorkspaceType
  metadata: {name: team}
  spec:
    extend:
      with:
      - {name: universal, path: root}
    defaultChildWorkspaceType: {name: universal, path: root}
    limitAllowedParents:
      types:
      - {name: organization, path: root}
      - {name: team, path: root}
- apiVersion: tenancy.kcp.io/v1alpha1
  kind: WorkspaceType
  metadata: {name: universal}
  spec:
    initializer: true
- apiVersion: tenancy.kcp.io/v1alpha1
  kind: WorkspaceType
  metadata: {name: home}
  spec:
    extend:
      with:
      - {name: universal, path: root}
    defaultChildWorkspaceType: {name: universal, path: root}
    limitAllowedParents: {none: true}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: "system:kcp:universal-workspacetype-use"}
  rules:
  - apiGroups: [tenancy.kcp.io]
    resources: [workspacetypes]
    resourceNames: [universal, organization, team]
    verbs: [use]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: "system:kcp:authenticated:universal-workspacetype-use"}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:kcp:universal-workspacetype-use"}
  subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn builtins() -> Vec<(String, Value)> {
        builtin_objects()
            .into_iter()
            .filter(|o| crate::api::object::kind(o) == "WorkspaceType")
            .map(|o| ("root".to_string(), o))
            .collect()
    }

    fn getter(objects: &[(String, Value)]) -> impl Fn(&str, &str) -> Option<WorkspaceType> + '_ {
        move |p, n| find_type(objects, p, n)
    }

    fn ws(name: &str, type_ref: Option<(&str, &str)>) -> Value {
        let mut w = json!({"apiVersion": "tenancy.kcp.io/v1alpha1", "kind": "Workspace",
            "metadata": {"name": name}, "spec": {}});
        if let Some((p, n)) = type_ref {
            w["spec"]["type"] = if p.is_empty() {
                json!({"name": n})
            } else {
                json!({"name": n, "path": p})
            };
        }
        w
    }

    fn admit(
        objects: &[(String, Value)],
        parent: &str,
        parent_type: &str,
        w: &mut Value,
    ) -> Result<AdmittedWorkspace, Status> {
        let get = getter(objects);
        admit_workspace(
            &WorkspacePath::parse(parent).unwrap(),
            &TypeRef::parse(parent_type),
            w,
            &get,
            &|_, _| true,
        )
    }

    /// (parent workspace, its type, requested child type, expected type or error).
    type Case = (
        &'static str,
        &'static str,
        Option<&'static str>,
        Result<&'static str, &'static str>,
    );

    /// Parent/child type rules of the built-in types (config/root), both sides checked.
    #[test]
    fn builtin_parent_child_matrix() {
        let objects = builtins();
        let cases: &[Case] = &[
            ("root", "root:root", None, Ok("root:organization")),
            ("root", "root:root", Some("universal"), Ok("root:universal")),
            ("root", "root:root", Some("organization"), Ok("root:organization")),
            ("root:acme", "root:organization", None, Ok("root:universal")),
            ("root:acme", "root:organization", Some("universal"), Ok("root:universal")),
            ("root:acme:web", "root:team", None, Ok("root:universal")),
            ("root:acme:web", "root:universal", Some("universal"), Ok("root:universal")),
            ("root", "root:root", Some("team"),
                Err("workspace type root:team only allows [root:organization root:team] parent workspaces, but parent type root:root only implements [root:root root:universal]")),
            ("root:acme", "root:organization", Some("organization"),
                Err("workspace type root:organization only allows [root:root] parent workspaces, but parent type root:organization only implements [root:organization root:universal]")),
            ("root:acme", "root:organization", Some("root"),
                Err("workspace type root:root cannot have any parent")),
            ("root", "root:root", Some("home"),
                Err("workspace type root:home cannot have any parent")),
            ("root:x", "root:universal", None,
                Err("spec.defaultChildWorkspaceType of workspace type %s:%s must be set")),
            ("root", "root:root", Some("nope"),
                Err(r#"workspace type "nope" cannot be resolved"#)),
            ("root", "root:root", Some("root:nope"),
                Err(r#"Internal error occurred: workspacetypes.tenancy.kcp.io "root:nope" not found"#)),
        ];
        for (parent, parent_type, child, want) in cases {
            let child_ref = child.map(|c| {
                let r = TypeRef::parse(c);
                (r.path, r.name)
            });
            let mut w = ws(
                "child",
                child_ref.as_ref().map(|(p, n)| (p.as_str(), n.as_str())),
            );
            let got = admit(&objects, parent, parent_type, &mut w);
            match want {
                Ok(t) => {
                    let a = got.unwrap_or_else(|e| panic!("{parent} {child:?}: {}", e.message));
                    assert_eq!(a.workspace_type.qualified_name(), *t);
                    assert_eq!(workspace_type_of(&w).qualified(), *t, "spec.type defaulted");
                }
                Err(m) => {
                    let e = got.unwrap_err();
                    assert_eq!(e.code, 403);
                    assert_eq!(
                        e.message,
                        format!(r#"workspaces.tenancy.kcp.io "child" is forbidden: {m}"#),
                        "{parent} {child:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn extend_inherits_constraints_and_initializers() {
        let mut objects = builtins();
        // In root:acme: `webshop` extends team (so it may only live under an organization or
        // team) and has its own initializer; `leaf` allows no children.
        objects.push((
            "root:acme".into(),
            json!({"kind": "WorkspaceType",
            "metadata": {"name": "webshop"},
            "spec": {"initializer": true, "extend": {"with": [{"name": "team", "path": "root"}]},
                     "limitAllowedChildren": {"none": true},
                     "additionalWorkspaceLabels": {"tier": "web"}}}),
        ));
        // The organization allows universal children: webshop is one through team.
        let mut w = ws("shop", Some(("", "webshop")));
        let a = admit(&objects, "root:acme", "root:organization", &mut w).unwrap();
        assert_eq!(a.workspace_type.qualified_name(), "root:acme:webshop");
        let names: Vec<String> = a
            .aliases
            .iter()
            .map(WorkspaceType::qualified_name)
            .collect();
        assert_eq!(names, ["root:team", "root:universal", "root:acme:webshop"]);
        assert_eq!(a.initializers, ["root:universal", "root:acme:webshop"]);
        assert_eq!(
            w["spec"]["type"],
            json!({"name": "webshop", "path": "root:acme"})
        );
        assert_eq!(w["metadata"]["labels"]["tier"], "web");
        // Its parent constraint comes from team, as team's name in the message shows.
        let mut w = ws("shop", Some(("root:acme", "webshop")));
        let e = admit(&objects, "root", "root:root", &mut w).unwrap_err();
        assert_eq!(
            e.message,
            r#"workspaces.tenancy.kcp.io "shop" is forbidden: workspace type root:acme:webshop extends root:team, which only allows [root:organization root:team] parent workspaces, but parent type root:root only implements [root:root root:universal]"#
        );
        // Children of a webshop: none allowed.
        let mut w = ws("x", Some(("root", "universal")));
        let e = admit(&objects, "root:acme:shop", "root:acme:webshop", &mut w).unwrap_err();
        assert!(
            e.message
                .ends_with("workspace type root:acme:webshop cannot have any child"),
            "{}",
            e.message
        );
    }

    #[test]
    fn use_permission_is_required_on_every_alias() {
        let objects = builtins();
        let get = getter(&objects);
        let mut w = ws("a", Some(("root", "organization")));
        let e = admit_workspace(
            &WorkspacePath::root(),
            &root_type(),
            &mut w,
            &get,
            &|_, n| n != "universal",
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            r#"workspaces.tenancy.kcp.io "a" is forbidden: unable to use workspace type root:universal: missing verb='use' permission on workspacetype"#
        );
    }

    #[test]
    fn cycles_and_missing_bases() {
        let mut objects = builtins();
        objects.push(("root".into(), json!({"metadata": {"name": "a"}, "spec": {"extend": {"with": [{"name": "b", "path": "root"}]}}})));
        objects.push(("root".into(), json!({"metadata": {"name": "b"}, "spec": {"extend": {"with": [{"name": "a", "path": "root"}]}}})));
        objects.push((
            "root".into(),
            json!({"metadata": {"name": "c"}, "spec": {"extend": {"with": [{"name": "gone"}]}}}),
        ));
        let get = getter(&objects);
        let a = find_type(&objects, "root", "a").unwrap();
        assert_eq!(
            aliases(&a, &get).unwrap_err(),
            "circular dependency detected in workspace type root:a: root:a -> root:b"
        );
        let c = find_type(&objects, "root", "c").unwrap();
        assert_eq!(
            aliases(&c, &get).unwrap_err(),
            "unable to find inherited workspace type gone"
        );
        // A diamond is visited once per type.
        let team = find_type(&objects, "root", "team").unwrap();
        assert_eq!(aliases(&team, &get).unwrap().len(), 2);
    }

    #[test]
    fn relative_type_names_resolve_upwards_then_root() {
        let mut objects = builtins();
        objects.push(("root:acme".into(), json!({"metadata": {"name": "special"}})));
        let get = getter(&objects);
        let r = TypeRef::new("", "special");
        assert_eq!(
            resolve_type_ref("root:acme:web:x", &r, &get).unwrap().path,
            "root:acme"
        );
        assert_eq!(
            resolve_type_ref("root:acme", &TypeRef::new("", "team"), &get)
                .unwrap()
                .path,
            "root"
        );
        assert!(resolve_type_ref("root:other", &r, &get).is_err());
    }

    #[test]
    fn workspace_type_admission() {
        let root = WorkspacePath::root();
        let org = WorkspacePath::parse("root:org").unwrap();
        for reserved in ["any", "system"] {
            let e = validate_workspace_type(&org, &json!({"metadata": {"name": reserved}}))
                .unwrap_err();
            assert_eq!(
                e.message,
                format!(
                    r#"workspacetypes.tenancy.kcp.io "{reserved}" is forbidden: metadata.name: Invalid value: "{reserved}": name is reserved"#
                )
            );
        }
        assert_eq!(
            validate_workspace_type(&org, &json!({"metadata": {"name": "root"}}))
                .unwrap_err()
                .message,
            r#"workspacetypes.tenancy.kcp.io "root" is forbidden: root workspace type can only be created in root cluster"#
        );
        assert!(validate_workspace_type(&root, &json!({"metadata": {"name": "root"}})).is_ok());
        let bad = json!({"metadata": {"name": "x"}, "spec": {"defaultChildWorkspaceType": {"name": "universal"}}});
        assert!(validate_workspace_type(&org, &bad)
            .unwrap_err()
            .message
            .ends_with(".spec.defaultChildWorkspaceType.path must be set"));
        let bad = json!({"metadata": {"name": "x"}, "spec": {"limitAllowedParents": {"types": [{"name": "a", "path": "root"}, {"name": "b"}]}}});
        assert!(validate_workspace_type(&org, &bad)
            .unwrap_err()
            .message
            .ends_with(".spec.limitAllowedParents.types[1].path must be set"));
        for (_, o) in builtins() {
            assert!(validate_workspace_type(&root, &o).is_ok());
        }
    }

    #[test]
    fn initializer_names() {
        let objects = builtins();
        let get = getter(&objects);
        let org = find_type(&objects, "root", "organization").unwrap();
        assert_eq!(
            initializers(&aliases(&org, &get).unwrap()),
            ["root:universal"]
        );
        let mut with_bindings = org.clone();
        with_bindings.has_default_api_bindings = true;
        assert_eq!(initializers(&[with_bindings]), ["system:apibindings"]);
        assert_eq!(
            type_of_initializer("root:org:example").unwrap(),
            TypeRef::new("root:org", "example")
        );
        assert_eq!(
            type_of_initializer("bad").unwrap_err(),
            r#"expected workspace initializer in form workspace:name, not "bad""#
        );
    }
}
