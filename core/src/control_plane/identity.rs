//! Who calls: every call on a [`ControlPlane`] is made as a user (name and groups), by default
//! `system:admin` in `system:masters` (all powerful, as KCP's admin). [`ControlPlane::as_user`]
//! gives a view whose calls are made as someone else; the facade authorizes each call with the
//! workspace's RBAC before the API server sees it (kube-apiserver's authorization filter runs
//! before the handler), and the admission plugins read the caller from the server.
//!
//! The kubectl context lives here too: the workspace kubectl commands act in, kept across
//! calls (KCP's kubeconfig contexts `workspace.kcp.io/current` and `/previous`).
use super::ControlPlane;
use crate::api::KindInfo;
use crate::server::authz::Request;
use crate::server::rbac::{self, Attributes, UserInfo};
use crate::server::status::Status;
use crate::server::workspaces::LOGICAL_CLUSTER_RESOURCE;
use std::ops::{Deref, DerefMut};

/// A view of a [`ControlPlane`] whose calls are made as another user; dropping it returns to
/// the previous caller. It derefs to the control plane, so it has every call.
///
/// ```
/// use kplane::{ControlPlane, ListOptions, Options};
/// let mut cp = ControlPlane::new(Options::default()).unwrap();
/// let denied = cp
///     .as_user("alice", &["dev"])
///     .list("root", &ListOptions { kind: "Pod".into(), namespace: Some("default".into()), ..Default::default() })
///     .unwrap_err();
/// assert_eq!(denied.code, 403);
/// assert!(cp.list("root", &ListOptions { kind: "Pod".into(), ..Default::default() }).is_ok());
/// ```
pub struct AsUser<'a> {
    cp: &'a mut ControlPlane,
    previous: UserInfo,
}

impl Deref for AsUser<'_> {
    type Target = ControlPlane;
    fn deref(&self) -> &ControlPlane {
        self.cp
    }
}

impl DerefMut for AsUser<'_> {
    fn deref_mut(&mut self) -> &mut ControlPlane {
        self.cp
    }
}

impl Drop for AsUser<'_> {
    fn drop(&mut self) {
        self.cp.user = std::mem::take(&mut self.previous);
    }
}

/// Where `kubectl` is: the current workspace, and the previous one for `kubectl ws -`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubectlContext {
    /// The workspace every kubectl command acts in (`root` at first).
    pub workspace: String,
    /// The workspace before the last `kubectl ws`.
    pub previous: Option<String>,
}

impl Default for KubectlContext {
    fn default() -> Self {
        KubectlContext {
            workspace: crate::server::ROOT.to_string(),
            previous: None,
        }
    }
}

impl ControlPlane {
    /// A view whose calls are made as `name` in `groups`, as an impersonating client's are
    /// (`kubectl --as=NAME --as-group=G`): every user but `system:anonymous` is also in
    /// `system:authenticated`; a service account name without groups gets its groups.
    pub fn as_user(&mut self, name: &str, groups: &[&str]) -> AsUser<'_> {
        let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
        let user = UserInfo::impersonated(name, &groups);
        let previous = std::mem::replace(&mut self.user, user);
        AsUser { cp: self, previous }
    }

    /// Who a request impersonating `name` in `groups` acts as (`Impersonate-User`,
    /// `Impersonate-Group`; `kubectl --as`), after kube-apiserver's impersonation filter checks
    /// that the current caller may in `workspace` (k8s.io/apiserver pkg/endpoints/filters/
    /// impersonation.go): verb `impersonate` on `users/<name>` (or `serviceaccounts/<name>` in
    /// the account's namespace) and on `groups/<group>` for each group; a 403 otherwise.
    pub fn impersonation(
        &self,
        workspace: &str,
        name: &str,
        groups: &[String],
    ) -> Result<UserInfo, Status> {
        let caller = &self.user;
        let check = |resource: &str, namespace: &str, object: &str| {
            let a = Attributes::resource(caller, "impersonate", "", resource, namespace)
                .with_name(object);
            self.server.authorize_attributes(workspace, &a)
        };
        match rbac::split_service_account_username(name) {
            Some((ns, sa)) => check("serviceaccounts", ns, sa)?,
            None => check("users", "", name)?,
        }
        for g in groups {
            check("groups", "", g)?;
        }
        Ok(UserInfo::impersonated(name, groups))
    }

    /// Authorizes a non-resource request of the current caller (`get` on `/api`, `/healthz`);
    /// upstream's 403 (`forbidden: User "x" cannot get path "/api"`) on denial.
    pub fn authorize_path(&self, workspace: &str, verb: &str, path: &str) -> Result<(), Status> {
        let a = Attributes::non_resource(&self.user, verb, path);
        self.server.authorize_attributes(workspace, &a)
    }

    /// The user calls are made as.
    pub fn user(&self) -> &UserInfo {
        &self.user
    }

    /// Makes the following calls as `user` (until set again); [`ControlPlane::as_user`] is
    /// the scoped form.
    pub fn set_user(&mut self, user: UserInfo) {
        self.user = user;
    }

    /// Where kubectl commands act.
    pub fn kubectl_context(&self) -> &KubectlContext {
        &self.kubectl
    }

    /// Moves kubectl to another workspace (`kubectl ws`), remembering the previous one.
    pub fn set_kubectl_workspace(&mut self, workspace: &str) {
        if self.kubectl.workspace != workspace {
            let previous = std::mem::replace(&mut self.kubectl.workspace, workspace.to_string());
            self.kubectl.previous = Some(previous);
        }
    }

    /// Authorizes a request of the current caller in `workspace` (a 403 on denial).
    pub(super) fn authorize(&self, workspace: &str, r: Request) -> Result<(), Status> {
        self.server.authorize(&self.user, workspace, r)
    }

    /// Starts a write: checks the workspace, makes the server see the caller, refuses writes
    /// to the LogicalCluster (the workspace controller's; kcp's admins, members of
    /// `system:masters`, may patch it, e.g. to set its `core.kcp.io/max-total-objects`), and
    /// authorizes `r`.
    pub(super) fn begin_write(&mut self, workspace: &str, r: Request) -> Result<(), Status> {
        self.server.check_workspace(workspace)?;
        let admin = r.verb == "patch"
            && self
                .user
                .groups
                .iter()
                .any(|g| g == crate::server::rbac::SYSTEM_MASTERS);
        if is_logical_cluster(r.info) && r.subresource.is_empty() && r.verb != "get" && !admin {
            return Err(Status::forbidden(
                r.info,
                if r.name.is_empty() {
                    crate::server::workspaces::LOGICAL_CLUSTER_NAME
                } else {
                    r.name
                },
                "the LogicalCluster of a workspace is managed by the workspace controller",
            ));
        }
        self.authorize(workspace, r)?;
        self.server.set_user(self.user.clone());
        Ok(())
    }
}

fn is_logical_cluster(info: &KindInfo) -> bool {
    info.resource == LOGICAL_CLUSTER_RESOURCE
}
