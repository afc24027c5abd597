//! Who makes a request and whether they may: the caller's identity on the server (for the
//! admission plugins that look at it: a Workspace's owner, `use` of a WorkspaceType, `bind`
//! on an APIExport) and the RBAC authorizer of [`super::rbac`] over one workspace's roles and
//! bindings plus the bootstrap policy.
//!
//! As in KCP, each workspace has its own RBAC; the bootstrap roles (`cluster-admin`, `admin`,
//! `edit`, `view`, `system:basic-user`, …) apply in every workspace without being stored in
//! it (KCP keeps them in the `system:admin` cluster; docs/concepts/authorization). Members of
//! `system:masters` (kplane's default caller `system:admin`) are allowed everything, before
//! RBAC, as kube-apiserver's `privilegedGroupAuthorizer`.
use super::rbac::{self, Attributes, Policy, UserInfo};
use super::status::Status;
use super::Server;
use crate::api::KindInfo;
use std::sync::OnceLock;

/// The RBAC resources a workspace's policy is read from.
const RBAC_RESOURCES: [&str; 4] = [
    "roles.rbac.authorization.k8s.io",
    "rolebindings.rbac.authorization.k8s.io",
    "clusterroles.rbac.authorization.k8s.io",
    "clusterrolebindings.rbac.authorization.k8s.io",
];

/// One request to authorize: verb, kind, subresource, namespace and object name.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, …
    pub verb: &'a str,
    /// The kind (its group and plural are what RBAC matches).
    pub info: &'a KindInfo,
    /// `status`, `scale`, `binding`, `eviction`, or `""`.
    pub subresource: &'a str,
    /// The namespace (`""` for cluster-scoped kinds or across namespaces).
    pub namespace: &'a str,
    /// The object name (`""` for create, list, watch and deletecollection).
    pub name: &'a str,
}

impl<'a> Request<'a> {
    /// `verb` on `info` in `namespace` (ignored for cluster-scoped kinds).
    pub fn new(verb: &'a str, info: &'a KindInfo, namespace: &'a str) -> Request<'a> {
        Request {
            verb,
            info,
            subresource: "",
            namespace: if info.namespaced { namespace } else { "" },
            name: "",
        }
    }

    /// The same request on one named object.
    pub fn named(mut self, name: &'a str) -> Request<'a> {
        self.name = name;
        self
    }

    /// The same request on a subresource.
    pub fn on_subresource(mut self, subresource: &'a str) -> Request<'a> {
        self.subresource = subresource;
        self
    }
}

fn bootstrap() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(Policy::bootstrap)
}

impl Server {
    /// The caller the requests in progress are made by.
    pub fn user(&self) -> &UserInfo {
        &self.user
    }

    /// Sets the caller of the following requests (the facade sets it per call; the control
    /// loops run as `system:admin`).
    pub fn set_user(&mut self, user: UserInfo) {
        if self.user != user {
            self.user = user;
        }
    }

    /// The RBAC policy of `workspace`: the bootstrap roles and bindings, then its own.
    pub fn policy(&self, workspace: &str) -> Policy {
        let mut p = bootstrap().clone();
        for resource in RBAC_RESOURCES {
            for (_, o) in self.store.list(workspace, resource, None) {
                p.insert(o);
            }
        }
        p
    }

    /// Authorizes `user`'s request in `workspace`: `Ok` for `system:masters`, else RBAC over
    /// the workspace's policy; a denial is upstream's 403 (`pods is forbidden: User "alice"
    /// cannot list resource "pods" in API group "" in the namespace "default"`).
    pub fn authorize(&self, user: &UserInfo, workspace: &str, r: Request) -> Result<(), Status> {
        if user.groups.iter().any(|g| g == rbac::SYSTEM_MASTERS) {
            return Ok(());
        }
        let a = Attributes::resource(user, r.verb, r.info.group, r.info.plural, r.namespace)
            .with_subresource(r.subresource)
            .with_name(r.name);
        self.policy(workspace).check(&a)
    }

    /// Authorizes raw request attributes in `workspace` (`system:masters` first, then RBAC);
    /// a denial is upstream's 403.
    pub fn authorize_attributes(&self, workspace: &str, a: &Attributes) -> Result<(), Status> {
        if a.user.groups.iter().any(|g| g == rbac::SYSTEM_MASTERS) {
            return Ok(());
        }
        self.policy(workspace).check(a)
    }

    /// Whether `user` may do `verb` on `resource` (`group`) named `name` in `workspace`,
    /// cluster-wide: the checks admission plugins make (`use` of a WorkspaceType, `bind` of an
    /// APIExport).
    pub fn allowed(
        &self,
        user: &UserInfo,
        workspace: &str,
        verb: &str,
        group: &str,
        resource: &str,
        name: &str,
    ) -> bool {
        if user.groups.iter().any(|g| g == rbac::SYSTEM_MASTERS) {
            return true;
        }
        let a = Attributes::resource(user, verb, group, resource, "").with_name(name);
        self.policy(workspace).authorize(&a).allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kinds::by_kind;

    #[test]
    fn masters_pass_and_others_need_a_binding() {
        let s = Server::new(1, 0);
        let pods = by_kind(Some("v1"), "Pod").unwrap();
        let alice = UserInfo::impersonated("alice", &[]);
        assert!(s
            .authorize(
                &UserInfo::system_admin(),
                "root",
                Request::new("list", pods, "default")
            )
            .is_ok());
        let e = s
            .authorize(&alice, "root", Request::new("list", pods, "default"))
            .unwrap_err();
        assert_eq!(e.code, 403);
        assert_eq!(
            e.message,
            r#"pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default""#
        );
    }
}
