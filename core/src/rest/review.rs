//! The reviews a client asks about itself: `authentication.k8s.io/v1` `SelfSubjectReview`
//! (`kubectl auth whoami`) and `authorization.k8s.io/v1` `SelfSubjectAccessReview` (`kubectl
//! auth can-i`), answered from the caller and the workspace's RBAC, as kube-apiserver's
//! registries do (k8s.io/kubernetes pkg/registry/authentication/selfsubjectreview/rest.go,
//! pkg/registry/authorization/selfsubjectaccessreview/rest.go). Create-only, never stored.
use crate::api::{object::str_at, KindInfo, Value};
use crate::control_plane::ControlPlane;
use crate::json;
use crate::server::authz::Request;
use crate::server::rbac::Attributes;
use crate::server::status::{FieldError, Status};

/// The review kinds (served in discovery with the verb `create` only).
pub const REVIEW_KINDS: &[KindInfo] = &[
    KindInfo {
        group: "authentication.k8s.io",
        version: "v1",
        kind: "SelfSubjectReview",
        plural: "selfsubjectreviews",
        resource: "selfsubjectreviews.authentication.k8s.io",
        namespaced: false,
        short_names: &[],
        status_subresource: false,
    },
    KindInfo {
        group: "authorization.k8s.io",
        version: "v1",
        kind: "SelfSubjectAccessReview",
        plural: "selfsubjectaccessreviews",
        resource: "selfsubjectaccessreviews.authorization.k8s.io",
        namespaced: false,
        short_names: &[],
        status_subresource: false,
    },
];

impl ControlPlane {
    /// Answers a review posted to `info` (one of [`REVIEW_KINDS`]) in `workspace` by the
    /// current caller: the review with its `status` filled in.
    pub fn review(&self, workspace: &str, info: &KindInfo, body: &Value) -> Result<Value, Status> {
        self.server().check_workspace(workspace)?;
        self.server()
            .authorize(self.user(), workspace, Request::new("create", info, ""))?;
        let user = self.user();
        match info.kind {
            "SelfSubjectReview" => Ok(json!({
                "kind": "SelfSubjectReview",
                "apiVersion": "authentication.k8s.io/v1",
                "metadata": {"creationTimestamp": null},
                "status": {"userInfo": {"username": user.name, "groups": user.groups}},
            })),
            "SelfSubjectAccessReview" => {
                let spec = body.get("spec").cloned().unwrap_or_else(|| json!({}));
                let s = |keys: &[&str]| str_at(&spec, keys).unwrap_or("");
                let decision = if spec.get("resourceAttributes").is_some_and(Value::is_object) {
                    let ra = |k: &str| s(&["resourceAttributes", k]);
                    let a = Attributes::resource(
                        user,
                        ra("verb"),
                        ra("group"),
                        ra("resource"),
                        ra("namespace"),
                    )
                    .with_subresource(ra("subresource"))
                    .with_name(ra("name"));
                    self.server().policy(workspace).authorize(&a)
                } else if spec
                    .get("nonResourceAttributes")
                    .is_some_and(Value::is_object)
                {
                    let a = Attributes::non_resource(
                        user,
                        s(&["nonResourceAttributes", "verb"]),
                        s(&["nonResourceAttributes", "path"]),
                    );
                    self.server().policy(workspace).authorize(&a)
                } else {
                    // ValidateSelfSubjectAccessReviewSpec.
                    return Err(Status::invalid_kind(
                        "authorization.k8s.io",
                        "SelfSubjectAccessReview",
                        "",
                        vec![FieldError::invalid(
                            "spec.resourceAttributes",
                            "null",
                            "exactly one of nonResourceAttributes or resourceAttributes must be specified",
                        )],
                    ));
                };
                let mut status = json!({"allowed": decision.allowed});
                if !decision.reason.is_empty() {
                    status["reason"] = json!(decision.reason);
                }
                Ok(json!({
                    "kind": "SelfSubjectAccessReview",
                    "apiVersion": "authorization.k8s.io/v1",
                    "metadata": {"creationTimestamp": null},
                    "spec": spec,
                    "status": status,
                }))
            }
            other => Err(Status::bad_request(format!("{other} is not a review kind"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;

    #[test]
    fn whoami_and_can_i_answer_for_the_caller() {
        let mut cp = ControlPlane::new(Options::default()).unwrap();
        let ask = json!({"spec": {"resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "default"}}});
        {
            let alice = cp.as_user("alice", &["dev"]);
            let who = alice.review("root", &REVIEW_KINDS[0], &json!({})).unwrap();
            assert_eq!(who["status"]["userInfo"]["username"], "alice");
            assert_eq!(
                who["status"]["userInfo"]["groups"],
                json!(["dev", "system:authenticated"])
            );
            let no = alice.review("root", &REVIEW_KINDS[1], &ask).unwrap();
            assert_eq!(no["status"]["allowed"], false);
            let bad = alice.review("root", &REVIEW_KINDS[1], &json!({"spec": {}}));
            assert_eq!(bad.unwrap_err().code, 422);
        }
        let yes = cp.review("root", &REVIEW_KINDS[1], &ask).unwrap();
        assert_eq!(yes["status"]["allowed"], true);
    }
}
