//! kcp's total object count limit of a logical cluster (the `core.kcp.io/LogicalClusterObjectCountLimit`
//! admission plugin, kcp pkg/admission/objectcountlimit; docs/content/concepts/workspaces/object-count-limit.md).
//!
//! A create in a workspace that already holds its limit of objects is a 403 `Forbidden`;
//! deletes, updates and subresources are always allowed; Events are neither counted nor
//! blocked (so an exhausted workspace can still be debugged), nor are LogicalClusters and the
//! `workspace-admin` ClusterRoleBinding; nothing is enforced before the LogicalCluster is
//! `Ready`.
//!
//! The limit is the `core.kcp.io/max-total-objects` annotation of the workspace's
//! LogicalCluster (`<= 0`: none), else [`DEFAULT_MAX_TOTAL_OBJECTS`]. kcp's shard-wide
//! default (`--logical-cluster-total-object-limit`) is off and spares `root`; kplane's is on
//! in every workspace, `root` included: it is what bounds the memory of a control plane that
//! lives in a browser tab, whatever its controllers are asked to create. kplane counts
//! exactly (kcp counts by a periodic etcd scan plus in-memory bookkeeping, and may overshoot
//! a little under concurrent writes).
use super::status::{self, Status};
use super::workspaces::logical_cluster_key;
use super::Server;
use crate::api::kinds::KindInfo;
use crate::api::object;
use crate::api::Value;

/// The annotation on a LogicalCluster that sets its limit.
pub const MAX_TOTAL_OBJECTS_ANNOTATION: &str = "core.kcp.io/max-total-objects";

/// kplane's default limit per workspace: room for Kubernetes' published scale (150,000 pods
/// on 5,000 nodes, with the workloads that own them) in one workspace.
pub const DEFAULT_MAX_TOTAL_OBJECTS: i64 = 250_000;

impl Server {
    /// The object count limit of `workspace`, `None` when it has none.
    pub fn object_limit(&self, workspace: &str) -> Option<i64> {
        let lc = self.store.get(&logical_cluster_key(workspace));
        let annotated = lc
            .and_then(|lc| {
                object::str_at(
                    lc,
                    &["metadata", "annotations", MAX_TOTAL_OBJECTS_ANNOTATION],
                )
            })
            // strconv.ParseInt; an unparseable value falls back to the default (`LimitFor`).
            .and_then(|v| v.parse::<i64>().ok());
        match annotated {
            Some(n) if n <= 0 => None,
            Some(n) => Some(n),
            None => Some(DEFAULT_MAX_TOTAL_OBJECTS),
        }
    }

    /// `objectCountLimit.Validate` for a create of `obj` (a `info`) in `workspace`.
    pub(super) fn admit_object_count(
        &self,
        workspace: &str,
        info: &KindInfo,
        obj: &Value,
    ) -> Result<(), Status> {
        match (info.group, info.plural) {
            ("", "events") | ("events.k8s.io", "events") | ("core.kcp.io", "logicalclusters") => {
                return Ok(())
            }
            ("rbac.authorization.k8s.io", "clusterrolebindings")
                if object::name(obj) == "workspace-admin" =>
            {
                return Ok(())
            }
            _ => {}
        }
        // Not enforced before the logical cluster is fully bootstrapped (root always is).
        if workspace != super::ROOT {
            let ready = self
                .store
                .get(&logical_cluster_key(workspace))
                .and_then(|lc| object::str_at(lc, &["status", "phase"]))
                == Some(crate::tenancy::phase::READY);
            if !ready {
                return Ok(());
            }
        }
        let Some(limit) = self.object_limit(workspace) else {
            return Ok(());
        };
        let count = i64::try_from(self.store.objects_in(workspace)).unwrap_or(i64::MAX);
        if count >= limit {
            return Err(Status::forbidden(
                info,
                status::admission_name(obj),
                format!(
                    "logical cluster {workspace:?} has reached its total object count limit ({count}/{limit} objects); delete objects to free up capacity"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn cm(name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}})
    }

    fn limited(limit: &str) -> Server {
        let mut s = Server::new(1, 0);
        s.add_logical_cluster("root:small").unwrap();
        let key = logical_cluster_key("root:small");
        let mut lc = s.store.get(&key).unwrap().clone();
        lc["metadata"]["annotations"][MAX_TOTAL_OBJECTS_ANNOTATION] = json!(limit);
        s.put(key, lc);
        s
    }

    #[test]
    fn creates_over_the_limit_are_forbidden_and_deletes_free_capacity() {
        let mut s = limited("7");
        // The LogicalCluster and the four initial namespaces.
        assert_eq!(s.store.objects_in("root:small"), 5);
        s.create("root:small", cm("a")).unwrap();
        s.create("root:small", cm("b")).unwrap();
        let e = s.create("root:small", cm("c")).unwrap_err();
        assert_eq!((e.code, e.reason.as_str()), (403, "Forbidden"));
        assert_eq!(
            e.message,
            "configmaps \"c\" is forbidden: logical cluster \"root:small\" has reached its total object count limit (7/7 objects); delete objects to free up capacity"
        );
        // Events are exempt.
        let info = crate::api::kinds::builtin("v1", "ConfigMap");
        let a = s.get("root:small", info, "default", "a").unwrap().clone();
        s.event(
            "root:small",
            &a,
            super::super::EventType::Normal,
            "Seen",
            "seen",
            "test",
        );
        assert_eq!(s.store.objects_in("root:small"), 7);
        s.delete("root:small", info, "default", "a", None, None)
            .unwrap();
        s.create("root:small", cm("c")).unwrap();
    }

    #[test]
    fn zero_or_less_means_no_limit_and_other_workspaces_are_not_counted() {
        let mut s = limited("0");
        assert_eq!(s.object_limit("root:small"), None);
        s.create("root:small", cm("a")).unwrap();
        assert_eq!(s.object_limit("root"), Some(DEFAULT_MAX_TOTAL_OBJECTS));
        let s = limited("not a number");
        assert_eq!(
            s.object_limit("root:small"),
            Some(DEFAULT_MAX_TOTAL_OBJECTS)
        );
    }
}
