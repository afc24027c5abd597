//! Workspaces in the request path: which paths exist, the shared data plane's write rule, and
//! the admission of the tenancy kinds (Workspace, WorkspaceType, LogicalCluster).
//!
//! A path exists when it is `root` or its logical cluster holds the singleton `LogicalCluster`
//! named `cluster` (created by the workspace controller when it schedules the Workspace, as
//! kcp's `schedulingReconciler.createLogicalCluster`). Paths are parsed as kcp's request
//! filter does ([`WorkspacePath::parse_rooted`]): `..`, empty or malformed segments are a 400,
//! never resolved; a valid path that names nothing is kcp's 404.
//!
//! Upstream, in kcp-dev/kcp: `pkg/admission/workspace/admission.go` (owner annotation,
//! immutable type), `pkg/admission/workspacetypeexists` (see [`crate::tenancy::types`]),
//! `pkg/admission/reservednames`, `sdk/apis/tenancy/v1alpha1/types_workspace.go` (CEL rules).
use super::rbac::{self, UserInfo};
use super::status::{go_quote, FieldError, Status};
use super::{Server, ROOT};
use crate::api::kinds::KindInfo;
use crate::api::object::{self, set_path, str_at};
use crate::api::Value;
use crate::json;
use crate::store::Key;
use crate::tenancy::types::{self, TypeRef, WorkspaceType};
use crate::tenancy::WorkspacePath;

/// Where Workspaces are stored (in their parent).
pub const WORKSPACE_RESOURCE: &str = "workspaces.tenancy.kcp.io";
/// Where WorkspaceTypes are stored.
pub const WORKSPACE_TYPE_RESOURCE: &str = "workspacetypes.tenancy.kcp.io";
/// Where a workspace's LogicalCluster is stored (in the workspace itself).
pub const LOGICAL_CLUSTER_RESOURCE: &str = "logicalclusters.core.kcp.io";
/// The name of every workspace's LogicalCluster (`corev1alpha1.LogicalClusterName`).
pub const LOGICAL_CLUSTER_NAME: &str = "cluster";

/// The kinds of the shared data plane (DESIGN.md): written in `root`, read from every
/// workspace.
const DATA_PLANE: &[(&str, &str)] = &[
    ("", "Node"),
    ("", "PersistentVolume"),
    ("karpenter.sh", "NodePool"),
    ("karpenter.sh", "NodeClaim"),
    ("karpenter.k8s.aws", "EC2NodeClass"),
    ("storage.k8s.io", "StorageClass"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("node.k8s.io", "RuntimeClass"),
];

/// Whether `info` is a built-in kind of the shared data plane.
pub fn is_data_plane(info: &KindInfo) -> bool {
    super::custom::is_builtin(info)
        && DATA_PLANE
            .iter()
            .any(|(g, k)| *g == info.group && *k == info.kind)
}

/// The key of a workspace's LogicalCluster.
pub fn logical_cluster_key(workspace: &str) -> Key {
    Key::new(
        workspace,
        LOGICAL_CLUSTER_RESOURCE,
        "",
        LOGICAL_CLUSTER_NAME,
    )
}

/// The key of the Workspace object that makes `path` (in its parent); `None` for `root`.
pub fn workspace_key(path: &str) -> Option<Key> {
    let (parent, name) = path.rsplit_once(':')?;
    Some(Key::new(parent, WORKSPACE_RESOURCE, "", name))
}

/// The value of the owner annotation: the creator's user info as kcp writes it
/// (`authenticationv1.UserInfo` as JSON, empty fields left out).
pub fn owner_annotation(user: &UserInfo) -> String {
    let mut v = json!({"username": user.name.as_str()});
    if !user.groups.is_empty() {
        v["groups"] = json!(user.groups.clone());
    }
    v.to_string()
}

/// A deterministic UUID for objects the server creates at startup (no random numbers are
/// drawn, so every seed's later names stay as they were).
fn builtin_uid(kind: &str, name: &str) -> String {
    let h = crate::api::sha256::sum(format!("kplane-builtin/{kind}/{name}").as_bytes());
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

impl Server {
    /// Whether `workspace` is a valid path that exists: `root`, or a path whose LogicalCluster
    /// exists. A malformed path is kcp's 400 (`invalid cluster: "root::a" does not match the
    /// regex`), a missing one its 404 (`workspaces.tenancy.kcp.io "root:a" not found`).
    pub fn check_workspace(&self, workspace: &str) -> Result<(), Status> {
        if workspace == ROOT {
            return Ok(());
        }
        WorkspacePath::parse_rooted(workspace)?;
        if self.store.get(&logical_cluster_key(workspace)).is_some() {
            Ok(())
        } else {
            Err(Status::workspace_not_found(workspace))
        }
    }

    /// Whether `workspace` exists (see [`Server::check_workspace`]).
    pub fn workspace_exists(&self, workspace: &str) -> bool {
        self.check_workspace(workspace).is_ok()
    }

    /// The shared data plane's rule: its kinds are written in `root` only (403 elsewhere).
    pub(super) fn check_data_plane(
        &self,
        workspace: &str,
        info: &KindInfo,
        name: &str,
    ) -> Result<(), Status> {
        if workspace == ROOT || !is_data_plane(info) {
            return Ok(());
        }
        Err(Status::forbidden(
            info,
            name,
            format!(
                "{} belong to the shared data plane and are written in workspace \"root\"; workspace {} can read them but not write them",
                info.plural,
                go_quote(workspace)
            ),
        ))
    }

    /// The type of the workspace at `path`: `root:root` for root, else the `spec.type` of its
    /// Workspace in the parent.
    pub fn workspace_type(&self, path: &str) -> Option<TypeRef> {
        if path == ROOT {
            return Some(types::root_type());
        }
        let ws = self.store.get(&workspace_key(path)?)?;
        Some(types::workspace_type_of(ws))
    }

    /// The WorkspaceType `name` stored in the workspace `path`.
    pub fn find_workspace_type(&self, path: &str, name: &str) -> Option<WorkspaceType> {
        self.store
            .get(&Key::new(path, WORKSPACE_TYPE_RESOURCE, "", name))
            .map(|o| WorkspaceType::from_value(path, o))
    }

    /// Writes kcp's built-in WorkspaceTypes and the RBAC that lets everyone `use` them into
    /// `root`, with deterministic uids (no random numbers drawn).
    pub(super) fn install_builtin_tenancy(&mut self) {
        let now = self.clock.rfc3339();
        for mut o in types::builtin_objects() {
            let kind = object::kind(&o).to_string();
            let name = object::name(&o).to_string();
            let Ok(info) = self.resolve_in(ROOT, Some(object::api_version(&o)), &kind) else {
                continue;
            };
            set_path(
                &mut o,
                &["metadata", "uid"],
                json!(builtin_uid(&kind, &name)),
            );
            set_path(&mut o, &["metadata", "creationTimestamp"], json!(now));
            if kind == "WorkspaceType" {
                set_path(&mut o, &["metadata", "generation"], json!(1));
            }
            let key = Self::key(ROOT, info, "", &name);
            self.put(key, o);
        }
    }

    /// Admission of the tenancy kinds on create, in `workspace`: a Workspace's name, type and
    /// parent/child rules (kcp's `WorkspaceTypeExists`), its owner annotation and initial
    /// phase; a WorkspaceType's reserved names and references.
    pub(super) fn admit_tenancy_create(
        &self,
        workspace: &str,
        info: &KindInfo,
        obj: &mut Value,
    ) -> Result<(), Status> {
        if info.group != types::TENANCY_GROUP || !super::custom::is_builtin(info) {
            return Ok(());
        }
        let parent = WorkspacePath::parse_rooted(workspace)?;
        match info.kind {
            "Workspace" => {
                let name = object::name(obj).to_string();
                if !crate::tenancy::path::is_valid_segment(&name) {
                    return Err(Status::invalid(
                        info,
                        &name,
                        crate::server::validate::names::dns1123_label(&name)
                            .into_iter()
                            .map(|m| FieldError::invalid("metadata.name", go_quote(&name), m))
                            .collect(),
                    ));
                }
                let parent_type = self
                    .workspace_type(workspace)
                    .ok_or_else(|| Status::workspace_not_found(workspace))?;
                let get = |p: &str, n: &str| self.find_workspace_type(p, n);
                let user = self.user.clone();
                let can_use = |p: &str, n: &str| {
                    self.allowed(&user, p, "use", types::TENANCY_GROUP, "workspacetypes", n)
                };
                types::admit_workspace(&parent, &parent_type, obj, &get, &can_use)?;
                if !user.groups.iter().any(|g| g == rbac::SYSTEM_MASTERS) {
                    set_path(
                        obj,
                        &["metadata", "annotations", types::OWNER_ANNOTATION],
                        json!(owner_annotation(&user)),
                    );
                } else if let Some(a) = obj["metadata"]
                    .get_mut("annotations")
                    .and_then(Value::as_object_mut)
                {
                    // Only the server writes the owner (kcp's admission drops a forged one).
                    a.shift_remove(types::OWNER_ANNOTATION);
                }
                set_path(
                    obj,
                    &["status", "phase"],
                    json!(crate::tenancy::phase::SCHEDULING),
                );
                Ok(())
            }
            "WorkspaceType" => types::validate_workspace_type(&parent, obj),
            _ => Ok(()),
        }
    }

    /// Admission of the tenancy kinds on update: a Workspace's `spec.type` is immutable, and
    /// `spec.cluster`/`spec.URL` cannot change once set (the CEL rules of its CRD).
    pub(super) fn admit_tenancy_update(
        &self,
        info: &KindInfo,
        old: &Value,
        obj: &mut Value,
    ) -> Result<(), Status> {
        if info.group != types::TENANCY_GROUP
            || info.kind != "Workspace"
            || !super::custom::is_builtin(info)
        {
            return Ok(());
        }
        let mut errs = Vec::new();
        let old_type = types::workspace_type_of(old);
        let new_type = types::workspace_type_of(obj);
        if old_type.name != new_type.name {
            errs.push(FieldError::invalid(
                "spec.type",
                "\"object\"",
                "name is immutable",
            ));
        }
        if old_type.path != new_type.path {
            errs.push(FieldError::invalid(
                "spec.type",
                "\"object\"",
                "path is immutable",
            ));
        }
        for field in ["cluster", "URL"] {
            let before = str_at(old, &["spec", field]).unwrap_or("");
            let after = str_at(obj, &["spec", field]).unwrap_or("");
            if !before.is_empty() && after.is_empty() {
                errs.push(FieldError::invalid(
                    "spec",
                    "\"object\"",
                    format!("{field} cannot be unset"),
                ));
            } else if field == "cluster" && !before.is_empty() && before != after {
                errs.push(FieldError::invalid(
                    "spec.cluster",
                    go_quote(after),
                    "cluster is immutable",
                ));
            }
        }
        // The owner annotation is the server's.
        let owner = |v: &Value| {
            str_at(v, &["metadata", "annotations", types::OWNER_ANNOTATION]).map(String::from)
        };
        match owner(old) {
            Some(o) => set_path(
                obj,
                &["metadata", "annotations", types::OWNER_ANNOTATION],
                json!(o),
            ),
            None => {
                if let Some(a) = obj["metadata"]
                    .get_mut("annotations")
                    .and_then(Value::as_object_mut)
                {
                    a.shift_remove(types::OWNER_ANNOTATION);
                }
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(Status::invalid(info, object::name(obj), errs))
        }
    }
}

/// The finalizer a scheduled Workspace and its LogicalCluster carry
/// (`corev1alpha1.LogicalClusterFinalizerName`).
pub const LOGICAL_CLUSTER_FINALIZER: &str = "core.kcp.io/logicalcluster";
/// The annotation that holds a LogicalCluster's canonical path
/// (`core.LogicalClusterPathAnnotationKey`).
pub const PATH_ANNOTATION: &str = "kcp.io/path";

impl Server {
    /// Makes a bare logical cluster at `path` (a LogicalCluster without a Workspace object, as
    /// kcp's system clusters, Ready at once) with the initial namespaces; a no-op when the path
    /// exists. For tests and tools that need a second cluster without the workspace machinery.
    pub fn add_logical_cluster(&mut self, path: &str) -> Result<(), Status> {
        if self.check_workspace(path).is_ok() {
            return Ok(());
        }
        WorkspacePath::parse_rooted(path)?;
        let lc = json!({
            "apiVersion": "core.kcp.io/v1alpha1",
            "kind": "LogicalCluster",
            "metadata": {
                "name": LOGICAL_CLUSTER_NAME,
                "uid": self.rng.uuid(),
                "creationTimestamp": self.clock.rfc3339(),
                "generation": 1,
                "annotations": {PATH_ANNOTATION: path},
            },
            "spec": {},
            "status": {"phase": crate::tenancy::phase::READY},
        });
        self.put(logical_cluster_key(path), lc);
        for ns in super::INITIAL_NAMESPACES {
            let info = crate::api::kinds::by_kind(Some("v1"), "Namespace").expect("served");
            let mut obj =
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            super::defaults::apply_defaults("Namespace", &mut obj);
            obj["metadata"]["uid"] = json!(self.rng.uuid());
            obj["metadata"]["creationTimestamp"] = json!(self.clock.rfc3339());
            self.put(Self::key(path, info, "", ns), obj);
        }
        Ok(())
    }

    /// Creates the LogicalCluster of the workspace at `path` (the workspace controller's
    /// `createLogicalCluster`): `spec.owner` is the Workspace `ws` in `parent`, `initializers`
    /// start in `spec` and `status`, phase `Initializing`. From then on the path exists.
    /// Returns the existing one if there is one.
    pub fn create_logical_cluster(
        &mut self,
        path: &str,
        parent: &str,
        ws: &Value,
        initializers: &[String],
    ) -> Result<Value, Status> {
        WorkspacePath::parse_rooted(path)?;
        let key = logical_cluster_key(path);
        if let Some(existing) = self.store.get(&key) {
            return Ok(existing.clone());
        }
        let inits: Vec<Value> = initializers.iter().map(|i| json!(i)).collect();
        let lc = json!({
            "apiVersion": "core.kcp.io/v1alpha1",
            "kind": "LogicalCluster",
            "metadata": {
                "name": LOGICAL_CLUSTER_NAME,
                "uid": self.rng.uuid(),
                "creationTimestamp": self.clock.rfc3339(),
                "generation": 1,
                "annotations": {
                    types::LOGICAL_CLUSTER_TYPE_ANNOTATION: types::workspace_type_of(ws).qualified(),
                    PATH_ANNOTATION: path,
                },
                "finalizers": [LOGICAL_CLUSTER_FINALIZER],
            },
            "spec": {
                "owner": {
                    "apiVersion": "tenancy.kcp.io/v1alpha1",
                    "resource": "workspaces",
                    "name": object::name(ws),
                    "cluster": parent,
                    "uid": object::uid(ws),
                },
                "initializers": inits.clone(),
            },
            "status": {"phase": crate::tenancy::phase::INITIALIZING, "initializers": inits},
        });
        Ok(self.put(key, lc))
    }

    /// Removes every object of the workspace at `path` at once, its LogicalCluster last, so
    /// the path stops existing (kcp's logicalcluster deletion controller deletes the content
    /// through the API and waits for finalizers; kplane removes it in one step). Returns how
    /// many objects went.
    pub fn remove_workspace_content(&mut self, path: &str) -> usize {
        if path == ROOT {
            return 0;
        }
        let lc = logical_cluster_key(path);
        let keys: Vec<Key> = self
            .store
            .list_workspace(path)
            .map(|(k, _)| k.clone())
            .filter(|k| *k != lc)
            .collect();
        let mut n = 0;
        for k in keys.iter().chain(std::iter::once(&lc)) {
            if self.remove(k).is_some() {
                n += 1;
            }
        }
        self.custom.forget(path);
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_uids_are_uuids() {
        let u = builtin_uid("WorkspaceType", "root");
        assert_eq!(u.len(), 36);
        assert_eq!(u.as_bytes()[14], b'4');
        assert_ne!(u, builtin_uid("WorkspaceType", "team"));
    }

    #[test]
    fn paths_are_checked_before_they_are_resolved() {
        let s = Server::new(1, 0);
        assert!(s.check_workspace("root").is_ok());
        for bad in [
            "", "root:", "root::a", "root:..", "root/a", "root:A", ":root",
        ] {
            let e = s.check_workspace(bad).unwrap_err();
            assert_eq!((e.code, e.reason.as_str()), (400, "BadRequest"), "{bad}");
        }
        let e = s.check_workspace("root:nowhere").unwrap_err();
        assert_eq!(e.code, 404);
        assert_eq!(
            e.message,
            r#"workspaces.tenancy.kcp.io "root:nowhere" not found"#
        );
        assert_eq!(s.check_workspace("other").unwrap_err().code, 404);
    }
}
