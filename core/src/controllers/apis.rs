//! KCP's API sharing (`apis.kcp.io/v1alpha1`): the APIExport controller gives an export its
//! identity, and the APIBinding controller binds an export's APIResourceSchemas into the
//! binding's workspace, reporting naming conflicts as kcp does.
//!
//! Upstream, in kcp-dev/kcp:
//! - `pkg/reconciler/apis/apiexport/apiexport_reconcile.go`: an identity Secret (a random
//!   256-bit key in namespace `kcp-system`, named after the export) referenced from
//!   `spec.identity.secretRef`; `status.identityHash` is the SHA-256 of the key
//!   (`pkg/identity`); conditions `IdentityValid` and `VirtualWorkspaceURLsReady`.
//! - `pkg/reconciler/apis/apibinding/apibinding_reconcile.go`: phase `""` → `Binding` →
//!   `Bound`; conditions `APIExportValid`, `InitialBindingCompleted`, `BindingUpToDate`
//!   (`NamingConflicts`), and `Ready` summarising `InitialBindingCompleted`;
//!   `status.boundResources[].schema.identityHash`.
//! - `pkg/reconciler/apis/apibinding/conflict_checker.go`: `namesConflict` against the
//!   workspace's CRDs and its other bindings.
//!
//! kplane binds without generating bound CRDs in a system workspace: the bound schema is
//! served in the binding's workspace at once (no `WaitingForEstablished` step after the first
//! write), and `status.apiExportClusterName` holds the export's workspace path.
use crate::api::object::{self, set_path, str_at};
use crate::api::{base64, sha256, Value};
use crate::json;
use crate::runtime::{all_keys, Action, Controller};
use crate::server::custom::{
    APIBINDING_RESOURCE, APIEXPORT_RESOURCE, CRD_RESOURCE, SCHEMA_RESOURCE,
};
use crate::server::Server;
use crate::store::{Key, Store, WatchEvent};
use crate::tenancy::path::join_str;
use crate::tenancy::phase::{condition, set_condition, Condition};

/// The namespace of APIExport identity Secrets.
pub const IDENTITY_NAMESPACE: &str = "kcp-system";
/// The key of the identity in its Secret (`apisv1alpha1.SecretKeyAPIExportIdentity`).
pub const IDENTITY_KEY: &str = "key";
/// Where exports' virtual workspaces are served.
pub const VIRTUAL_WORKSPACE_BASE: &str = "https://kplane.local/services/apiexport";

/// The APIExport controller.
#[derive(Debug, Default)]
pub struct ApiExportController;

impl Controller for ApiExportController {
    fn name(&self) -> &'static str {
        "kcp-apiexport"
    }
    fn manager(&self) -> &'static str {
        "kcp"
    }
    fn watches(&self) -> &'static [&'static str] {
        &[APIEXPORT_RESOURCE]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        out.push(e.key.clone());
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, APIEXPORT_RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(exp) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        if object::is_terminating(&exp) {
            return Action::AwaitChange;
        }
        reconcile_export(s, key, exp)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

fn reconcile_export(s: &mut Server, key: &Key, exp: Value) -> Action {
    let ws = key.workspace.to_string();
    let name = key.name.to_string();
    let secret_info = super::kind("v1", "Secret");
    let ns_info = super::kind("v1", "Namespace");
    if str_at(&exp, &["spec", "identity", "secretRef", "name"]).is_none() {
        if s.get(&ws, ns_info, "", IDENTITY_NAMESPACE).is_none()
            && s
                .create(
                    &ws,
                    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": IDENTITY_NAMESPACE}}),
                )
                .is_err()
        {
            return Action::Retry;
        }
        if s.get(&ws, secret_info, IDENTITY_NAMESPACE, &name).is_none() {
            // kcpcrypto.Random256BitsString: 32 random bytes.
            let bytes: Vec<u8> = (0..4)
                .flat_map(|_| s.rng.next_u64().to_be_bytes())
                .collect();
            let key_text = base64::encode(&bytes);
            let secret = json!({"apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": name.as_str(), "namespace": IDENTITY_NAMESPACE},
                "data": {IDENTITY_KEY: base64::encode(key_text.as_bytes())}});
            if s.create(&ws, secret).is_err() {
                return Action::Retry;
            }
        }
        let mut with = exp.clone();
        set_path(
            &mut with,
            &["spec", "identity", "secretRef"],
            json!({"name": name.as_str(), "namespace": IDENTITY_NAMESPACE}),
        );
        return match s.update(&ws, with) {
            Ok(_) => Action::AwaitChange,
            Err(_) => Action::Retry,
        };
    }
    let now = s.clock.rfc3339();
    let mut new = exp.clone();
    let secret_ns = str_at(&exp, &["spec", "identity", "secretRef", "namespace"])
        .unwrap_or(IDENTITY_NAMESPACE)
        .to_string();
    let secret_name = str_at(&exp, &["spec", "identity", "secretRef", "name"])
        .unwrap_or("")
        .to_string();
    let hash = s
        .get(&ws, secret_info, &secret_ns, &secret_name)
        .and_then(|sec| str_at(sec, &["data", IDENTITY_KEY]).map(String::from))
        .and_then(|b| base64::decode(&b).ok())
        .filter(|k| !k.is_empty())
        .map(|k| sha256::hex(&k));
    let recorded = str_at(&exp, &["status", "identityHash"])
        .unwrap_or("")
        .to_string();
    match hash {
        None => set_condition(
            &mut new,
            &Condition::false_(
                "IdentityValid",
                "IdentityVerificationFailed",
                "Error",
                &format!(
                    "secret {secret_ns}/{secret_name} does not hold an identity key {IDENTITY_KEY:?}"
                ),
            ),
            &now,
        ),
        Some(h) if !recorded.is_empty() && recorded != h => set_condition(
            &mut new,
            &Condition::false_(
                "IdentityValid",
                "IdentityVerificationFailed",
                "Error",
                &format!(
                    "hash mismatch: identity secret hash {h:?} must match status.identityHash {recorded:?}"
                ),
            ),
            &now,
        ),
        Some(h) => {
            if recorded.is_empty() {
                set_path(&mut new, &["status", "identityHash"], json!(h));
            }
            set_condition(&mut new, &Condition::true_("IdentityValid"), &now);
        }
    }
    set_path(
        &mut new,
        &["status", "virtualWorkspaces"],
        json!([{"url": format!("{VIRTUAL_WORKSPACE_BASE}/{ws}/{name}")}]),
    );
    set_condition(
        &mut new,
        &Condition::true_("VirtualWorkspaceURLsReady"),
        &now,
    );
    if new.get("status") != exp.get("status") && s.update_status(&ws, &new).is_err() {
        return Action::Retry;
    }
    Action::AwaitChange
}

/// The APIBinding controller.
#[derive(Debug, Default)]
pub struct ApiBindingController;

impl Controller for ApiBindingController {
    fn name(&self) -> &'static str {
        "kcp-apibinding"
    }
    fn manager(&self) -> &'static str {
        "kcp"
    }
    fn watches(&self) -> &'static [&'static str] {
        &[
            APIBINDING_RESOURCE,
            APIEXPORT_RESOURCE,
            SCHEMA_RESOURCE,
            CRD_RESOURCE,
        ]
    }
    fn keys(&self, store: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        match &*e.key.resource {
            APIBINDING_RESOURCE => out.push(e.key.clone()),
            // A CRD may free or take names of the bindings of its workspace.
            CRD_RESOURCE => out.extend(
                store
                    .list(&e.key.workspace, APIBINDING_RESOURCE, None)
                    .map(|(k, _)| k.clone()),
            ),
            // An export (or its schemas) concerns every binding that references it.
            _ => {
                for (k, b) in store.list_all(APIBINDING_RESOURCE) {
                    let path = export_path(&k.workspace, b);
                    let export = str_at(b, &["spec", "reference", "export", "name"]);
                    let hit = path == *e.key.workspace
                        && (&*e.key.resource == SCHEMA_RESOURCE || export == Some(&*e.key.name));
                    if hit {
                        out.push(k.clone());
                    }
                }
            }
        }
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, APIBINDING_RESOURCE, out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        let Some(b) = s.store.get(key).cloned() else {
            return Action::AwaitChange;
        };
        if object::is_terminating(&b) {
            return Action::AwaitChange;
        }
        let now = s.clock.rfc3339();
        let mut new = b.clone();
        match str_at(&b, &["status", "phase"]).unwrap_or("") {
            "" => {
                // newReconciler.
                set_path(&mut new, &["status", "phase"], json!("Binding"));
                set_condition(
                    &mut new,
                    &Condition::false_(
                        "InitialBindingCompleted",
                        "WaitingForEstablished",
                        "Info",
                        "Waiting for API(s) to be established",
                    ),
                    &now,
                );
            }
            _ => bind(s, &key.workspace, &mut new, &now),
        }
        summarize(&mut new, &now);
        if new.get("status") != b.get("status") && s.update_status(&key.workspace, &new).is_err() {
            return Action::Retry;
        }
        Action::AwaitChange
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The workspace of the export a binding references (its own when the path is empty).
fn export_path(workspace: &str, binding: &Value) -> String {
    str_at(binding, &["spec", "reference", "export", "path"])
        .filter(|p| !p.is_empty())
        .unwrap_or(workspace)
        .to_string()
}

/// `SetSummary(WithConditions(InitialBindingCompleted))`: `Ready` mirrors it.
fn summarize(b: &mut Value, now: &str) {
    let Some(c) = condition(b, "InitialBindingCompleted").cloned() else {
        return;
    };
    let f = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let ready = if f("status") == "True" {
        Condition::true_("Ready")
    } else {
        Condition::false_("Ready", &f("reason"), &f("severity"), &f("message"))
    };
    set_condition(b, &ready, now);
}

fn is_false(b: &Value, t: &str) -> bool {
    condition(b, t).is_none_or(|c| c["status"] != "True")
}

/// Marks `BindingUpToDate` (and `InitialBindingCompleted` while it is False) with a failure.
fn binding_failed(b: &mut Value, reason: &str, severity: &str, message: &str, now: &str) {
    set_condition(
        b,
        &Condition::false_("BindingUpToDate", reason, severity, message),
        now,
    );
    if is_false(b, "InitialBindingCompleted") {
        set_condition(
            b,
            &Condition::false_("InitialBindingCompleted", reason, severity, message),
            now,
        );
    }
}

/// `namesConflict`: whether an existing kind (its accepted names) conflicts with a schema.
fn names_conflict(existing: &Value, schema: &Value) -> Option<String> {
    if str_at(existing, &["spec", "group"]) != str_at(schema, &["spec", "group"]) {
        return None;
    }
    let acc = |k: &str| str_at(existing, &["status", "acceptedNames", k]).unwrap_or("");
    let mut names: Vec<&str> = vec![acc("plural"), acc("singular")];
    names.extend(
        object::array_at(existing, &["status", "acceptedNames", "shortNames"])
            .iter()
            .filter_map(Value::as_str),
    );
    let inc = |k: &str| str_at(schema, &["spec", "names", k]).unwrap_or("");
    let shorts: Vec<&str> = object::array_at(schema, &["spec", "names", "shortNames"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if names.contains(&inc("plural")) {
        return Some(format!("spec.names.plural={} is forbidden", inc("plural")));
    }
    if names.contains(&inc("singular")) {
        return Some(format!(
            "spec.names.singular={} is forbidden",
            inc("singular")
        ));
    }
    if shorts.iter().any(|s| names.contains(s)) {
        return Some(format!(
            "spec.names.shortNames=[{}] is forbidden",
            shorts.join(" ")
        ));
    }
    let kinds = [acc("kind"), acc("listKind")];
    if kinds.contains(&inc("kind")) {
        return Some(format!("spec.names.kind={} is forbidden", inc("kind")));
    }
    let list_kind = if inc("listKind").is_empty() {
        format!("{}List", inc("kind"))
    } else {
        inc("listKind").to_string()
    };
    if kinds.contains(&list_kind.as_str()) {
        return Some(format!("spec.names.listKind={list_kind} is forbidden"));
    }
    None
}

/// `conflictChecker.Check`: the first CRD or other binding of the workspace whose names the
/// schema would take.
fn conflict(s: &Server, workspace: &str, binding: &Value, schema: &Value) -> Option<String> {
    let own = object::name(binding);
    for (_, crd) in s.store.list(workspace, CRD_RESOURCE, None) {
        if let Some(details) = names_conflict(crd, schema) {
            return Some(format!(
                "naming conflict with CustomResourceDefinition {:?}: {details}",
                object::name(crd)
            ));
        }
    }
    for (export, existing) in s.custom_names_in_use(workspace) {
        let Some(export) = export else { continue };
        if export.binding == own {
            continue;
        }
        if let Some(details) = names_conflict(&existing, schema) {
            let other = s.store.get(&Key::new(
                workspace,
                APIBINDING_RESOURCE,
                "",
                &export.binding,
            ));
            let path = other
                .and_then(|o| str_at(o, &["spec", "reference", "export", "path"]))
                .unwrap_or("");
            let bound_to = if path.is_empty() {
                format!("local APIExport {:?}", export.name)
            } else {
                format!("APIExport {}", join_str(path, &export.name))
            };
            return Some(format!(
                "naming conflict with APIBinding {:?} bound to {bound_to}: {details}",
                export.binding
            ));
        }
    }
    None
}

/// `bindingReconciler.reconcile`.
fn bind(s: &mut Server, workspace: &str, b: &mut Value, now: &str) {
    let path = export_path(workspace, b);
    let export_name = str_at(b, &["spec", "reference", "export", "name"])
        .unwrap_or("")
        .to_string();
    let export = s
        .store
        .get(&Key::new(&path, APIEXPORT_RESOURCE, "", &export_name))
        .cloned();
    let Some(export) = export else {
        set_condition(
            b,
            &Condition::false_(
                "APIExportValid",
                "APIExportNotFound",
                "Error",
                &format!("APIExport {path}|{export_name} not found"),
            ),
            now,
        );
        return;
    };
    let identity = str_at(&export, &["status", "identityHash"])
        .unwrap_or("")
        .to_string();
    if identity.is_empty() {
        set_condition(
            b,
            &Condition::false_(
                "APIExportValid",
                "MissingIdentityHash",
                "Warning",
                &format!("APIExport {path}|{export_name} is missing status.identityHash"),
            ),
            now,
        );
        return;
    }
    set_path(b, &["status", "apiExportClusterName"], json!(path));
    let mut schemas = Vec::new();
    for n in object::array_at(&export, &["spec", "latestResourceSchemas"]) {
        let n = n.as_str().unwrap_or("");
        match s.store.get(&Key::new(&path, SCHEMA_RESOURCE, "", n)) {
            Some(sch) => schemas.push(sch.clone()),
            None => {
                set_condition(
                    b,
                    &Condition::false_(
                        "APIExportValid",
                        "InternalError",
                        "Error",
                        &format!("Invalid APIExport. Please contact the APIExport owner to resolve: APIResourceSchema {n:?} not found"),
                    ),
                    now,
                );
                return;
            }
        }
    }
    let mut bound: Vec<Value> = object::array_at(b, &["status", "boundResources"]).to_vec();
    for sch in &schemas {
        if let Some(err) = conflict(s, workspace, b, sch) {
            binding_failed(
                b,
                "NamingConflicts",
                "Error",
                &format!("Unable to bind APIs: {err}"),
                now,
            );
            return;
        }
        let versions = object::array_at(sch, &["spec", "versions"]);
        if versions.len() > 1 && sch["spec"].get("conversion").is_none_or(Value::is_null) {
            set_condition(
                b,
                &Condition::false_(
                    "APIExportValid",
                    "InternalError",
                    "Error",
                    "Invalid APIExport. Please contact the APIExport owner to resolve",
                ),
                now,
            );
            return;
        }
        let group = str_at(sch, &["spec", "group"]).unwrap_or("");
        let resource = str_at(sch, &["spec", "names", "plural"]).unwrap_or("");
        let storage: Vec<Value> = versions
            .iter()
            .filter(|v| v["storage"] == true)
            .map(|v| v["name"].clone())
            .collect();
        let entry = json!({"group": group, "resource": resource,
            "schema": {"name": object::name(sch), "UID": object::uid(sch), "identityHash": identity.as_str()},
            "storageVersions": storage});
        match bound
            .iter_mut()
            .find(|r| r["group"] == group && r["resource"] == resource)
        {
            Some(r) => *r = entry,
            None => bound.push(entry),
        }
    }
    set_path(b, &["status", "boundResources"], Value::from(bound));
    set_condition(b, &Condition::true_("APIExportValid"), now);
    set_condition(b, &Condition::true_("InitialBindingCompleted"), now);
    set_condition(b, &Condition::true_("BindingUpToDate"), now);
    set_path(b, &["status", "phase"], json!("Bound"));
}
