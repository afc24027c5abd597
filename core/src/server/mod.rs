//! The API server's request path: decode → validate → default → admit → persist. Users and
//! controllers take the same path (DESIGN.md, "How data flows").
mod admission;
mod admission_vpa;
pub mod authz;
pub mod custom;
pub mod decode;
pub mod defaults;
mod events;
mod eviction;
pub mod fields;
pub mod limit_range;
pub mod merge;
pub mod object_count;
pub mod patch;
pub mod quota;
pub mod rbac;
pub mod runtime_class;
pub mod scale;
pub use events::{EventExpiry, EventType, EVENT_TTL_MS};
pub mod crd;
mod serving;
pub mod status;
pub mod storage;
pub mod validate;
pub mod workspaces;

use crate::api::kinds::{self, KindInfo};
use crate::api::object::{self, set_path};
use crate::api::Value;
use crate::json;
use crate::sim::{Clock, Rng, Timers};
use crate::store::{Key, Store};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use status::Status;

/// The root workspace: the only one until workspaces arrive, and the home of the shared data plane.
pub const ROOT: &str = "root";

/// The field manager of API calls that name none.
pub const DEFAULT_MANAGER: &str = "kubectl";

/// The annotation where `kubectl apply` keeps the last applied manifest.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Namespaces every workspace starts with.
pub const INITIAL_NAMESPACES: &[&str] =
    &["default", "kube-node-lease", "kube-public", "kube-system"];

/// `metav1.DeletionPropagation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Propagation {
    Orphan,
    #[default]
    Background,
    Foreground,
}

/// What `apply` did to one object, as kubectl prints it (`created`, `configured`,
/// `unchanged`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Created,
    Configured,
    Unchanged,
}

#[derive(Debug, Clone)]
pub struct Server {
    pub store: Store,
    pub clock: Clock,
    pub rng: Rng,
    pub timers: Timers,
    /// Event correlation: dedup key → the stored Event's key (rebuilt from the store on restore).
    event_index: HashMap<String, Key>,
    /// When each Event expires.
    event_expiry: EventExpiry,
    /// The field manager of the writes in progress (`kubectl`, `kube-scheduler`, …).
    manager: String,
    /// The caller of the requests in progress (admission plugins read it): `system:admin`
    /// unless the facade says otherwise.
    user: rbac::UserInfo,
    /// The custom kinds each workspace serves (derived from its CRDs and APIBindings).
    custom: custom::Registry,
    /// Write requests so far, refused ones included, Events not counted (for client rate
    /// limits: [`Server::writes`]).
    writes: u64,
}

impl Server {
    pub fn new(seed: u64, start_ms: i64) -> Server {
        let mut s = Server {
            store: Store::default(),
            clock: Clock::at(start_ms),
            rng: Rng::new(seed),
            timers: Timers::default(),
            event_index: HashMap::default(),
            event_expiry: EventExpiry::default(),
            manager: DEFAULT_MANAGER.into(),
            user: rbac::UserInfo::system_admin(),
            custom: custom::Registry::default(),
            writes: 0,
        };
        for (name, value, description) in admission::SYSTEM_PRIORITY_CLASSES {
            s.create(
                ROOT,
                json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name}, "value": value, "description": description}),
            )
            .expect("system priority classes are valid");
        }
        for ns in INITIAL_NAMESPACES {
            s.create(
                ROOT,
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            )
            .expect("initial namespaces are valid");
        }
        s.create(
            ROOT,
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
                   "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}}),
        )
        .expect("the kubernetes Service is valid");
        s.install_builtin_tenancy();
        s
    }

    pub fn from_parts(
        store: Store,
        clock: Clock,
        rng: Rng,
        timers: Timers,
        event_expiry: EventExpiry,
    ) -> Server {
        let mut s = Server {
            store,
            clock,
            rng,
            timers,
            event_index: HashMap::default(),
            event_expiry,
            manager: DEFAULT_MANAGER.into(),
            user: rbac::UserInfo::system_admin(),
            custom: custom::Registry::default(),
            writes: 0,
        };
        s.rebuild_event_index();
        s.custom = custom::Registry::rebuild(&s.store);
        s
    }

    /// Whether the writes in progress are the control plane's own (controllers, scheduler,
    /// kubelet): they only write objects built from ones the size limit already admitted, so
    /// the whole-object size check is skipped for them.
    fn is_system_writer(&self) -> bool {
        matches!(
            self.manager.as_str(),
            "kube-controller-manager" | "kubelet" | "kube-scheduler"
        )
    }

    /// How many write requests (creates, updates, deletes, refused ones included; Events not
    /// counted) the server has served;
    /// the difference across a reconcile is what a controller's client spent.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Sets the field manager that the following writes are recorded under.
    pub fn act_as(&mut self, manager: &str) {
        if self.manager != manager {
            self.manager = manager.to_string();
        }
    }

    /// Resolves `apiVersion`/`kind` to a built-in kind, with kubectl's text when none matches
    /// (see [`Server::resolve_in`] for the custom kinds of a workspace).
    pub fn resolve(api_version: Option<&str>, kind: &str) -> Result<&'static KindInfo, Status> {
        kinds::by_kind(api_version, kind).ok_or_else(|| no_match(api_version, kind))
    }

    /// Resolves `apiVersion`/`kind` in `workspace`: a built-in kind, else one of the
    /// workspace's custom kinds (its CRDs and bound APIs); kubectl's text when none matches.
    pub fn resolve_in(
        &self,
        workspace: &str,
        api_version: Option<&str>,
        kind: &str,
    ) -> Result<&'static KindInfo, Status> {
        if let Some(info) = kinds::by_kind(api_version, kind) {
            return Ok(info);
        }
        self.custom
            .by_kind(workspace, api_version, kind)
            .map(|s| s.info)
            .ok_or_else(|| no_match(api_version, kind))
    }

    /// Resolves what a user types on the kubectl command line (`pods`, `deploy`,
    /// `prometheuses.monitoring.coreos.com`, `prom`) in `workspace`.
    pub fn resolve_resource(&self, workspace: &str, name: &str) -> Option<&'static KindInfo> {
        kinds::by_resource_name(name).or_else(|| {
            self.custom
                .by_resource_name(workspace, name)
                .map(|s| s.info)
        })
    }

    /// The custom kinds `workspace` serves (its CRDs and bound APIs).
    pub fn custom_kinds(&self, workspace: &str) -> &[custom::Served] {
        self.custom.served(workspace)
    }

    /// The names the custom kinds of `workspace` hold, as CRD objects with
    /// `status.acceptedNames` (with the export of a bound API).
    pub fn custom_names_in_use(
        &self,
        workspace: &str,
    ) -> Vec<(Option<custom::BoundExport>, Value)> {
        self.custom.names_in_use(workspace)
    }

    /// The definition serving `info` in `workspace`, when it is a custom kind.
    pub fn custom_kind(&self, workspace: &str, info: &KindInfo) -> Option<&custom::Served> {
        self.custom.by_info(workspace, info)
    }

    pub fn key(workspace: &str, info: &KindInfo, namespace: &str, name: &str) -> Key {
        Key::new(
            workspace,
            info.resource,
            if info.namespaced { namespace } else { "" },
            name,
        )
    }

    pub fn get(
        &self,
        workspace: &str,
        info: &KindInfo,
        namespace: &str,
        name: &str,
    ) -> Option<&Value> {
        self.store.get(&Self::key(workspace, info, namespace, name))
    }

    pub fn list<'a>(
        &'a self,
        workspace: &'a str,
        info: &KindInfo,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        let ns = if info.namespaced { namespace } else { None };
        self.store
            .list(workspace, info.resource, ns)
            .map(|(_, v)| v)
    }

    /// The kind of `obj` in `workspace`: a 400 when `apiVersion` or `kind` is missing (as
    /// kubectl's client-side validation words it), a 404 when no kind matches.
    pub fn info_of(&self, workspace: &str, obj: &Value) -> Result<&'static KindInfo, Status> {
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        match (api_version.is_empty(), kind.is_empty()) {
            (true, true) => Err(Status::bad_request(
                "error validating data: [apiVersion not set, kind not set]",
            )),
            (true, false) => Err(Status::bad_request(
                "error validating data: apiVersion not set",
            )),
            (false, true) => Err(Status::bad_request("error validating data: kind not set")),
            _ => self.resolve_in(workspace, Some(api_version), kind),
        }
    }

    /// The namespace an object goes to: its own, or `default` for namespaced kinds.
    fn place(info: &KindInfo, obj: &mut Value) -> String {
        if !info.namespaced {
            if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                m.shift_remove("namespace");
            }
            return String::new();
        }
        let ns = object::namespace(obj).to_string();
        let ns = if ns.is_empty() {
            "default".to_string()
        } else {
            ns
        };
        set_path(obj, &["metadata", "namespace"], json!(ns));
        ns
    }

    /// The NamespaceLifecycle admission plugin.
    fn admit_namespace(
        &self,
        workspace: &str,
        info: &KindInfo,
        ns: &str,
        name: &str,
    ) -> Result<(), Status> {
        if !info.namespaced {
            return Ok(());
        }
        let ns_info = kinds::by_kind(Some("v1"), "Namespace").expect("Namespace is served");
        match self.get(workspace, ns_info, "", ns) {
            None => Err(Status::not_found(ns_info, ns)),
            Some(n) if object::is_terminating(n) => Err(Status::new(
                403,
                "Forbidden",
                format!(
                    "{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                    info.qualified_resource()
                ),
            )),
            Some(_) => Ok(()),
        }
    }

    /// Creates an object (POST). A refused create changes nothing, not even the RNG.
    pub fn create(&mut self, workspace: &str, obj: Value) -> Result<Value, Status> {
        let rng = self.rng.clone();
        let out = self.create_inner(workspace, obj);
        if out.is_err() {
            self.rng = rng;
        }
        self.refused(out)
    }

    /// Counts a refused request among [`Server::writes`]: a client's rate limiter takes its
    /// token before the request is sent, whatever the answer (client-go `Request.tryThrottle`).
    fn refused<T>(&mut self, out: Result<T, Status>) -> Result<T, Status> {
        if out.is_err() {
            self.writes = self.writes.wrapping_add(1);
        }
        out
    }

    fn create_inner(&mut self, workspace: &str, mut obj: Value) -> Result<Value, Status> {
        self.check_workspace(workspace)?;
        let info = self.info_of(workspace, &obj)?;
        decode::check_request(info, &obj)?;
        if !obj.get("metadata").is_none_or(Value::is_object) {
            return Err(Status::bad_request("metadata: expected an object"));
        }
        let ns = Self::place(info, &mut obj);
        let mut name = object::name(&obj).to_string();
        // Names are generated after admission upstream: admission quotes `generateName`.
        let generated = name.is_empty();
        if name.is_empty() {
            if let Some(base) =
                object::str_at(&obj, &["metadata", "generateName"]).map(str::to_string)
            {
                // names.SimpleNameGenerator: base truncated to 58 characters + 5 random.
                let base: String = base.chars().take(58).collect();
                loop {
                    name = format!("{base}{}", self.rng.alphanumeric(5));
                    if self.get(workspace, info, &ns, &name).is_none() {
                        break;
                    }
                }
                set_path(&mut obj, &["metadata", "name"], json!(name));
            }
        }
        self.check_data_plane(workspace, info, status::admission_name(&obj))?;
        self.admit_namespace(workspace, info, &ns, &name)?;
        let custom = self.custom.by_info(workspace, info).cloned();
        let builtin = custom.is_none();
        if custom.as_ref().is_some_and(|c| c.terminating) {
            return Err(serving::terminating(info));
        }
        if info.status_subresource && !(builtin && info.kind == "Node") {
            // Status is reset on create (strategy PrepareForCreate); a Node's status given at
            // creation is its capacity, as with KWOK.
            if let Some(m) = obj.as_object_mut() {
                m.shift_remove("status");
            }
        }
        if object::path(&obj, &["metadata", "managedFields"]).is_none() {
            let now = self.clock.rfc3339();
            fields::record_update(None, &mut obj, &self.manager, "", &now);
        }
        // Jobs need their uid for the generated selector, before validation.
        let uid = self.rng.uuid();
        let mut errs = Vec::new();
        match &custom {
            None => {
                if info.kind == "Job" {
                    defaults::generate_job_selector(&mut obj, &uid);
                }
                defaults::apply_defaults(info.kind, &mut obj);
                if generated {
                    object::remove_path(&mut obj, &["metadata", "name"]);
                }
                let admitted = self.admit_create(workspace, &mut obj);
                if generated && !name.is_empty() {
                    set_path(&mut obj, &["metadata", "name"], json!(name));
                }
                admitted?;
            }
            Some(c) => errs = serving::prepare(c, &mut obj),
        }
        self.admit_tenancy_create(workspace, info, &mut obj)?;
        self.admit_definition_create(workspace, info, &mut obj)?;
        errs.splice(0..0, serving::validate(info, custom.as_ref(), &obj));
        if !errs.is_empty() {
            return Err(Status::invalid(info, &name, errs));
        }
        self.admit_object_count(workspace, info, &obj)?;
        if !self.is_system_writer() {
            decode::check_storable(&obj, true)?;
        }
        if let Some(c) = &custom {
            serving::to_storage_version(c, &mut obj);
        }
        let key = Self::key(workspace, info, &ns, &name);
        if self.store.get(&key).is_some() {
            return Err(Status::already_exists(info, &name));
        }
        let charged = if builtin {
            let mut view = obj.clone();
            if generated {
                object::remove_path(&mut view, &["metadata", "name"]);
            }
            self.admit_validate(workspace, &view, None)?
        } else {
            Vec::new()
        };
        self.charge_quotas(workspace, charged);
        let meta = obj["metadata"].as_object_mut().expect("validated metadata");
        meta.insert("uid", json!(uid));
        meta.insert("creationTimestamp", json!(self.clock.rfc3339()));
        meta.shift_remove("resourceVersion");
        meta.shift_remove("deletionTimestamp");
        meta.shift_remove("deletionGracePeriodSeconds");
        if has_generation(info) || !builtin {
            meta.insert("generation", json!(1));
        } else {
            meta.shift_remove("generation");
        }
        Ok(self.put(key, obj))
    }

    /// Replaces an object (PUT). A set `metadata.resourceVersion` must match the stored one.
    /// With a status subresource, `status` is kept from the stored object.
    pub fn update(&mut self, workspace: &str, obj: Value) -> Result<Value, Status> {
        let out = self.update_inner(workspace, obj, true);
        self.refused(out)
    }

    fn update_inner(
        &mut self,
        workspace: &str,
        mut obj: Value,
        record: bool,
    ) -> Result<Value, Status> {
        self.check_workspace(workspace)?;
        let info = self.info_of(workspace, &obj)?;
        decode::check_request(info, &obj)?;
        let ns = Self::place(info, &mut obj);
        let name = object::name(&obj).to_string();
        self.check_data_plane(workspace, info, &name)?;
        let key = Self::key(workspace, info, &ns, &name);
        let Some(old) = self.store.get(&key).cloned() else {
            return Err(Status::not_found(info, &name));
        };
        let custom = self.custom.by_info(workspace, info).cloned();
        let mut custom_errs = match &custom {
            Some(c) => serving::prepare(c, &mut obj),
            None => Vec::new(),
        };
        if let Some(rv) = object::str_at(&obj, &["metadata", "resourceVersion"]) {
            if !rv.is_empty() && Some(rv) != object::str_at(&old, &["metadata", "resourceVersion"])
            {
                return Err(Status::conflict(info, &name));
            }
        }
        if info.status_subresource {
            match old.get("status") {
                Some(s) => set_path(&mut obj, &["status"], s.clone()),
                None => {
                    obj.as_object_mut().map(|m| m.shift_remove("status"));
                }
            }
        }
        // System metadata is the server's.
        for field in [
            "uid",
            "creationTimestamp",
            "generation",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            match old["metadata"].get(field) {
                Some(v) => set_path(&mut obj, &["metadata", field], v.clone()),
                None => {
                    obj["metadata"]
                        .as_object_mut()
                        .map(|m| m.shift_remove(field));
                }
            }
        }
        match &custom {
            None => defaults::apply_defaults(info.kind, &mut obj),
            Some(c) => {
                custom_errs.splice(0..0, serving::validate(info, custom.as_ref(), &obj));
                serving::to_storage_version(c, &mut obj);
            }
        }
        self.admit_tenancy_update(info, &old, &mut obj)?;
        self.admit_definition_update(info, &old, &mut obj)?;
        // A write that changes nothing is a no-op: no validation, no field tracking, no revision.
        // (Server-side apply brings its own managedFields, which are then part of the change.)
        if record && same_ignoring_bookkeeping(&obj, &old) {
            return Ok(old);
        }
        if record {
            let (now, manager) = (self.clock.rfc3339(), self.manager.clone());
            fields::record_update(Some(&old), &mut obj, &manager, "", &now);
        }
        let errs = match &custom {
            // validate_update runs the create rules too.
            None => validate::validate_update(info, &old, &obj),
            Some(_) => {
                let mut errs = custom_errs;
                errs.extend(validate::validate_update(
                    &serving::neutral(info),
                    &old,
                    &obj,
                ));
                errs
            }
        };
        if !errs.is_empty() {
            return Err(Status::invalid(info, &name, errs));
        }
        if custom.is_none() {
            if info.kind == "ResourceQuota" && spec_of(&obj) != spec_of(&old) {
                let objects = quota::objects_for(&self.store, workspace, &obj);
                let status = quota::quota_status(&obj, &objects, self.clock.now_ms());
                set_path(&mut obj, &["status"], status);
            }
            let charged = self.admit_validate(workspace, &obj, Some(&old))?;
            self.charge_quotas(workspace, charged);
        }
        if (has_generation(info) || custom.is_some()) && spec_of(&obj) != spec_of(&old) {
            let g = object::i64_at(&old, &["metadata", "generation"]).unwrap_or(0) + 1;
            set_path(&mut obj, &["metadata", "generation"], json!(g));
        }
        self.persist(key, old, obj)
    }

    /// Writes only `status` (the `/status` subresource).
    pub fn update_status(&mut self, workspace: &str, obj: &Value) -> Result<Value, Status> {
        let out = self.update_status_inner(workspace, obj);
        self.refused(out)
    }

    fn update_status_inner(&mut self, workspace: &str, obj: &Value) -> Result<Value, Status> {
        self.check_workspace(workspace)?;
        let info = self.info_of(workspace, obj)?;
        let name = object::name(obj);
        self.check_data_plane(workspace, info, name)?;
        let key = Self::key(workspace, info, object::namespace(obj), name);
        let Some(old) = self.store.get(&key).cloned() else {
            return Err(Status::not_found(info, name));
        };
        let mut requested = obj.clone();
        if let Some(c) = self.custom.by_info(workspace, info) {
            serving::prepare(c, &mut requested);
            crate::server::crd::validate_status(&c.crd, c.version(), &requested)?;
        }
        let status = requested.get("status").cloned().unwrap_or(json!({}));
        if old.get("status") == Some(&status) {
            return Ok(old);
        }
        let mut new = old.clone();
        set_path(&mut new, &["status"], status);
        let (now, manager) = (self.clock.rfc3339(), self.manager.clone());
        fields::record_update(Some(&old), &mut new, &manager, "status", &now);
        self.persist(key, old, new)
    }

    /// Stores `new` unless it equals `old` (a no-op write keeps the resourceVersion, as upstream);
    /// completes a deletion once the last finalizer is gone.
    fn persist(&mut self, key: Key, old: Value, mut new: Value) -> Result<Value, Status> {
        set_path(
            &mut new,
            &["metadata", "resourceVersion"],
            old["metadata"]["resourceVersion"].clone(),
        );
        if new == old {
            return Ok(old);
        }
        if !self.is_system_writer() {
            decode::check_storable(&new, false)?;
        }
        // Lifting the last finalizer of an object being deleted completes its deletion.
        let had_finalizers = !object::array_at(&old, &["metadata", "finalizers"]).is_empty();
        if had_finalizers
            && object::is_terminating(&new)
            && object::array_at(&new, &["metadata", "finalizers"]).is_empty()
        {
            return Ok(self.remove(&key).unwrap_or(new));
        }
        Ok(self.put(key, new))
    }

    /// `kubectl apply` (client-side): a three-way merge of the last applied manifest (kept in
    /// the `kubectl.kubernetes.io/last-applied-configuration` annotation), the new manifest and
    /// the live object. Fields the manifest sets win, fields it dropped since the last apply are
    /// removed, fields set by others (controllers, defaults) stay.
    pub fn apply(&mut self, workspace: &str, obj: Value) -> Result<(Value, Outcome), Status> {
        self.check_workspace(workspace)?;
        let info = self.info_of(workspace, &obj)?;
        let mut manifest = obj;
        let ns = Self::place(info, &mut manifest);
        let name = object::name(&manifest).to_string();
        if name.is_empty() {
            return Err(Status::invalid(
                info,
                "",
                vec![status::FieldError::required(
                    "metadata.name",
                    "name is required",
                )],
            ));
        }
        let mut recorded = manifest.clone();
        if let Some(a) = recorded["metadata"]
            .get_mut("annotations")
            .and_then(Value::as_object_mut)
        {
            a.shift_remove(LAST_APPLIED);
        }
        let last_applied_text = merge::last_applied(&manifest);
        let Some(old) = self.get(workspace, info, &ns, &name).cloned() else {
            let mut new = manifest;
            set_path(
                &mut new,
                &["metadata", "annotations", LAST_APPLIED],
                json!(last_applied_text),
            );
            // kubectl creates through resource.Helper.Create(modify=true), which clears the
            // resourceVersion an exported manifest carries.
            object::remove_path(&mut new, &["metadata", "resourceVersion"]);
            return Ok((self.create(workspace, new)?, Outcome::Created));
        };
        let last: Value = object::str_at(&old, &["metadata", "annotations", LAST_APPLIED])
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(Value::Null);
        let mut new = old.clone();
        merge::three_way(&mut new, &last, &recorded);
        set_path(
            &mut new,
            &["metadata", "annotations", LAST_APPLIED],
            json!(last_applied_text),
        );
        let new = self.update(workspace, new)?;
        let action = if new == old {
            Outcome::Unchanged
        } else {
            Outcome::Configured
        };
        Ok((new, action))
    }

    /// Server-side apply (`PATCH` with `application/apply-patch+yaml`): `config` is merged by
    /// field ownership; conflicts with other managers are a 409 unless `force`.
    pub fn server_side_apply(
        &mut self,
        workspace: &str,
        mut config: Value,
        manager: &str,
        force: bool,
    ) -> Result<(Value, Outcome), Status> {
        self.check_workspace(workspace)?;
        let info = self.info_of(workspace, &config)?;
        validate::check_apply_options(manager)?;
        decode::check_request(info, &config)?;
        let ns = Self::place(info, &mut config);
        let name = object::name(&config).to_string();
        if name.is_empty() {
            return Err(Status::invalid(
                info,
                "",
                vec![status::FieldError::required(
                    "metadata.name",
                    "name is required",
                )],
            ));
        }
        let now = self.clock.rfc3339();
        let live = self.get(workspace, info, &ns, &name).cloned();
        let merged = fields::server_side_apply(info, live.as_ref(), &config, manager, force, &now)?;
        let Some(old) = live else {
            return Ok((self.create(workspace, merged)?, Outcome::Created));
        };
        // A no-op apply writes nothing (not even the time in managedFields).
        let strip = |v: &Value| {
            let mut v = v.clone();
            for e in v["metadata"]["managedFields"]
                .as_array_mut()
                .into_iter()
                .flatten()
            {
                e.as_object_mut().map(|m| m.shift_remove("time"));
            }
            v
        };
        let mut candidate = merged.clone();
        match self.custom.by_info(workspace, info) {
            None => defaults::apply_defaults(info.kind, &mut candidate),
            Some(c) => {
                serving::prepare(c, &mut candidate);
                serving::to_storage_version(c, &mut candidate);
            }
        }
        if strip(&candidate) == strip(&old) {
            return Ok((old, Outcome::Unchanged));
        }
        let new = self.update_inner(workspace, merged, false)?;
        let action = if new == old {
            Outcome::Unchanged
        } else {
            Outcome::Configured
        };
        Ok((new, action))
    }

    /// The `pods/binding` subresource: assigns a pod to a node, once.
    pub fn bind(
        &mut self,
        workspace: &str,
        namespace: &str,
        name: &str,
        node: &str,
    ) -> Result<Value, Status> {
        let info = kinds::by_kind(Some("v1"), "Pod").expect("Pod is served");
        let key = Self::key(workspace, info, namespace, name);
        let Some(old) = self.store.get(&key).cloned() else {
            return Err(Status::not_found(info, name));
        };
        if let Some(current) = object::str_at(&old, &["spec", "nodeName"]).filter(|n| !n.is_empty())
        {
            return Err(Status::conflict(info, name).with_message(format!(
                "pod {name} is already assigned to node \"{current}\""
            )));
        }
        // The binding sets the node and the PodScheduled condition in one write, as upstream's
        // BindingREST does.
        let mut new = old.clone();
        set_path(&mut new, &["spec", "nodeName"], json!(node));
        crate::api::condition::set_on(
            &mut new,
            json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": self.clock.rfc3339()}),
        );
        self.persist(key, old, new)
    }

    /// Patches an object (HTTP PATCH): the patch applies to the stored object, then the result
    /// takes the update path (a `metadata.resourceVersion` in the patch is a precondition).
    pub fn patch(
        &mut self,
        workspace: &str,
        info: &KindInfo,
        namespace: &str,
        name: &str,
        patch: &Value,
        kind: patch::PatchType,
    ) -> Result<Value, Status> {
        self.check_workspace(workspace)?;
        let namespace = if info.namespaced && namespace.is_empty() {
            "default"
        } else {
            namespace
        };
        let Some(old) = self.get(workspace, info, namespace, name).cloned() else {
            return Err(Status::not_found(info, name));
        };
        if kind == patch::PatchType::Strategic && !custom::is_builtin(info) {
            return Err(serving::strategic_merge_unsupported());
        }
        let mut new = patch::apply_patch(&old, patch, kind)?;
        if object::name(&new) != name || (info.namespaced && object::namespace(&new) != namespace) {
            return Err(Status::bad_request(
                "the name and namespace of an object cannot be changed by a patch",
            ));
        }
        if object::str_at(patch, &["metadata", "resourceVersion"]).is_none() {
            set_path(
                &mut new,
                &["metadata", "resourceVersion"],
                old["metadata"]["resourceVersion"].clone(),
            );
        }
        self.update(workspace, new)
    }

    /// Deletes an object. Pods on a node are deleted gracefully (the node agent finishes the
    /// job); objects with finalizers wait for them; `Foreground` waits for dependents.
    pub fn delete(
        &mut self,
        workspace: &str,
        info: &KindInfo,
        namespace: &str,
        name: &str,
        propagation: Option<Propagation>,
        grace_seconds: Option<i64>,
    ) -> Result<Value, Status> {
        let out = self.delete_inner(workspace, info, namespace, name, propagation, grace_seconds);
        self.refused(out)
    }

    fn delete_inner(
        &mut self,
        workspace: &str,
        info: &KindInfo,
        namespace: &str,
        name: &str,
        propagation: Option<Propagation>,
        grace_seconds: Option<i64>,
    ) -> Result<Value, Status> {
        self.check_workspace(workspace)?;
        let namespace = if info.namespaced && namespace.is_empty() {
            "default"
        } else {
            namespace
        };
        self.check_data_plane(workspace, info, name)?;
        let builtin = matches!(info.kind, "Namespace" | "Pod") && custom::is_builtin(info);
        let key = Self::key(workspace, info, namespace, name);
        let Some(old) = self.store.get(&key).cloned() else {
            return Err(Status::not_found(info, name));
        };
        validate::check_delete(info, name)?;
        let now = self.clock.rfc3339();
        let mut new = old.clone();
        let mut finalizers: Vec<Value> =
            object::array_at(&old, &["metadata", "finalizers"]).to_vec();
        match propagation.unwrap_or_default() {
            Propagation::Orphan => self.orphan_dependents(workspace, namespace, object::uid(&old)),
            Propagation::Foreground => {
                if !finalizers.iter().any(|f| f == "foregroundDeletion") {
                    finalizers.push(json!("foregroundDeletion"));
                }
            }
            Propagation::Background => {}
        }
        if builtin && info.kind == "Namespace" && !finalizers.iter().any(|f| f == "kubernetes") {
            // The namespace controller empties it first (spec.finalizers: [kubernetes]).
            finalizers.push(json!("kubernetes"));
        }
        if builtin && info.kind == "Namespace" {
            set_path(&mut new, &["status", "phase"], json!("Terminating"));
        }
        let grace = if builtin
            && info.kind == "Pod"
            && object::str_at(&old, &["spec", "nodeName"]).is_some()
        {
            grace_seconds
                .or_else(|| object::i64_at(&old, &["spec", "terminationGracePeriodSeconds"]))
                .unwrap_or(30)
                .max(0)
        } else {
            0
        };
        if finalizers.is_empty()
            && (grace == 0 || object::is_terminating(&old) && grace_seconds == Some(0))
        {
            return Ok(self.remove(&key).unwrap_or(old));
        }
        if !object::is_terminating(&old) {
            let at = if grace > 0 {
                crate::sim::format_rfc3339(self.clock.now_ms() + grace * 1000)
            } else {
                now
            };
            set_path(&mut new, &["metadata", "deletionTimestamp"], json!(at));
            set_path(
                &mut new,
                &["metadata", "deletionGracePeriodSeconds"],
                json!(grace),
            );
        }
        if !finalizers.is_empty() {
            set_path(
                &mut new,
                &["metadata", "finalizers"],
                Value::from(finalizers),
            );
        }
        if new == old {
            return Ok(old);
        }
        Ok(self.put(key, new))
    }

    /// Removes the owner reference to `owner_uid` from every object in the namespace.
    fn orphan_dependents(&mut self, workspace: &str, namespace: &str, owner_uid: &str) {
        let dependents: Vec<(Key, Value)> = self
            .store
            .list_workspace(workspace)
            .filter(|(k, v)| {
                (k.namespace == namespace || namespace.is_empty())
                    && object::array_at(v, &["metadata", "ownerReferences"])
                        .iter()
                        .any(|r| r["uid"] == owner_uid)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, mut v) in dependents {
            let refs: Vec<Value> = object::array_at(&v, &["metadata", "ownerReferences"])
                .iter()
                .filter(|r| r["uid"] != owner_uid)
                .cloned()
                .collect();
            if refs.is_empty() {
                v["metadata"]
                    .as_object_mut()
                    .map(|m| m.shift_remove("ownerReferences"));
            } else {
                set_path(&mut v, &["metadata", "ownerReferences"], Value::from(refs));
            }
            self.put(key, v);
        }
    }
}

/// kubectl's text when no kind matches: `no matches for kind "X" in version "v"`.
fn no_match(api_version: Option<&str>, kind: &str) -> Status {
    let version = api_version.unwrap_or("");
    Status::new(
        404,
        "NotFound",
        format!("no matches for kind \"{kind}\" in version \"{version}\""),
    )
}

/// Equal but for `resourceVersion` and `managedFields` (which the server maintains).
fn same_ignoring_bookkeeping(a: &Value, b: &Value) -> bool {
    let (Some(am), Some(bm)) = (a.as_object(), b.as_object()) else {
        return a == b;
    };
    am.len() == bm.len()
        && am.iter().all(|(k, v)| match (k.as_str(), bm.get(k)) {
            ("metadata", Some(w)) => {
                let (Some(x), Some(y)) = (v.as_object(), w.as_object()) else {
                    return v == w;
                };
                let skip = |k: &str| k == "resourceVersion" || k == "managedFields";
                x.iter().filter(|(k, _)| !skip(k)).count()
                    == y.iter().filter(|(k, _)| !skip(k)).count()
                    && x.iter()
                        .filter(|(k, _)| !skip(k))
                        .all(|(k, v)| y.get(k) == Some(v))
            }
            (_, Some(w)) => v == w,
            (_, None) => false,
        })
}

/// Kinds whose strategy maintains `metadata.generation`.
fn has_generation(info: &KindInfo) -> bool {
    !matches!(
        info.kind,
        "Node" | "Namespace" | "Event" | "ConfigMap" | "Secret" | "Endpoints" | "Lease"
    )
}

/// Everything but `metadata` and `status`: a change here bumps `generation`.
fn spec_of(obj: &Value) -> Value {
    let mut o = obj.clone();
    if let Some(m) = o.as_object_mut() {
        m.shift_remove("metadata");
        m.shift_remove("status");
    }
    o
}
