//! The subresources and collection calls: `/status` (`update_status`), `/scale` (`get_scale`,
//! `scale`) and `deletecollection`, each authorized as its own verb and subresource.
//!
//! The Scale object is built by `server::scale`.
use super::{ControlPlane, DeleteOptions, ListOptions, ObjectRef, USER_MANAGER};
use crate::api::object::{self, set_path};
use crate::api::{KindInfo, Value};
use crate::json;
use crate::server::authz::Request;
use crate::server::status::Status;

impl ControlPlane {
    /// Resolves `r` and authorizes `verb` on its `scale` subresource.
    fn scale_target(
        &self,
        workspace: &str,
        r: &ObjectRef,
        verb: &str,
    ) -> Result<(&'static KindInfo, String), Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(workspace, r.api_version.as_deref(), &r.kind)?;
        let ns = r.namespace.as_deref().unwrap_or("default").to_string();
        self.authorize(
            workspace,
            Request::new(verb, info, &ns)
                .named(&r.name)
                .on_subresource("scale"),
        )?;
        Ok((info, ns))
    }

    /// The `/scale` subresource of a Deployment, ReplicaSet, StatefulSet, ReplicationController
    /// or a custom object whose CRD declares one: an `autoscaling/v1` `Scale`.
    pub fn get_scale(&self, workspace: &str, r: &ObjectRef) -> Result<Value, Status> {
        let (info, ns) = self.scale_target(workspace, r, "get")?;
        self.server.get_scale(workspace, info, &ns, &r.name)
    }

    /// Sets the replicas through the `/scale` subresource (`kubectl scale`); returns the new
    /// `Scale`. A negative count is the 422 of the Scale object.
    pub fn scale(
        &mut self,
        workspace: &str,
        r: &ObjectRef,
        replicas: i64,
    ) -> Result<Value, Status> {
        let (info, ns) = self.scale_target(workspace, r, "update")?;
        self.server.set_user(self.user.clone());
        self.server.act_as(USER_MANAGER);
        let out = self
            .server
            .set_scale(workspace, info, &ns, &r.name, replicas)?;
        self.reconcile();
        Ok(out)
    }

    /// The `pods/binding` subresource (what a scheduler posts): assigns the pod to `node`;
    /// a 409 when it already has one. Verb `create` on `pods/binding`.
    pub fn bind(
        &mut self,
        workspace: &str,
        namespace: &str,
        name: &str,
        node: &str,
    ) -> Result<Value, Status> {
        let pods = crate::controllers::kind("v1", "Pod");
        self.begin_write(
            workspace,
            Request::new("create", pods, namespace)
                .named(name)
                .on_subresource("binding"),
        )?;
        self.server.act_as(USER_MANAGER);
        let out = self.server.bind(workspace, namespace, name, node)?;
        self.reconcile();
        Ok(out)
    }

    /// Writes `status` through the `/status` subresource (the rest of the object is ignored).
    pub fn update_status(&mut self, workspace: &str, obj: Value) -> Result<Value, Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(
            workspace,
            Some(object::api_version(&obj)),
            object::kind(&obj),
        )?;
        if !info.status_subresource {
            return Err(Status::new(
                404,
                "NotFound",
                format!(
                    "the server could not find the requested resource ({} {} status)",
                    info.plural,
                    object::name(&obj)
                ),
            ));
        }
        let ns = match object::namespace(&obj) {
            "" => "default",
            ns => ns,
        };
        self.begin_write(
            workspace,
            Request::new("update", info, ns)
                .named(object::name(&obj))
                .on_subresource("status"),
        )?;
        self.server.act_as(USER_MANAGER);
        let mut obj = obj;
        if info.namespaced && object::namespace(&obj).is_empty() {
            set_path(&mut obj, &["metadata", "namespace"], json!("default"));
        }
        let out = self.server.update_status(workspace, &obj)?;
        self.reconcile();
        Ok(out)
    }

    /// Deletes every object a list matches (`DELETE` on a collection, `kubectl delete --all`);
    /// returns the deleted objects. Verb `deletecollection`.
    pub fn delete_collection(
        &mut self,
        workspace: &str,
        o: &ListOptions,
    ) -> Result<Vec<Value>, Status> {
        self.server.check_workspace(workspace)?;
        let info = self.info(workspace, o.api_version.as_deref(), &o.kind)?;
        let ns = o.namespace.as_deref().unwrap_or("");
        self.begin_write(workspace, Request::new("deletecollection", info, ns))?;
        // Listing is part of the collection delete; the caller is authorized for that verb.
        let items: Vec<Value> = {
            let caller = std::mem::replace(
                &mut self.user,
                crate::server::rbac::UserInfo::system_admin(),
            );
            let items = self.list_items(workspace, o);
            self.user = caller;
            items?
        };
        let mut out = Vec::new();
        self.server.act_as(USER_MANAGER);
        for item in items {
            let opts = DeleteOptions {
                api_version: Some(info.api_version()),
                kind: info.kind.to_string(),
                namespace: Some(object::namespace(&item).to_string()).filter(|n| !n.is_empty()),
                name: object::name(&item).to_string(),
                ..Default::default()
            };
            let ns = opts.namespace.as_deref().unwrap_or("default");
            if let Ok(v) = self
                .server
                .delete(workspace, info, ns, &opts.name, None, None)
            {
                out.push(v);
            }
        }
        self.reconcile();
        Ok(out)
    }
}
