//! `kplane-wasm`: the thin wasm-bindgen layer that builds the npm package `kplane`.
//!
//! Every method translates plain JS values to the core's types, calls [`kplane::ControlPlane`],
//! and translates the answer back. All logic lives in the core. Errors are thrown as
//! `KplaneError` carrying the Kubernetes `Status`; bad argument types become a 400 BadRequest
//! `Status`, never a panic.
//!
//! The JS class `KplaneError` is defined by the package's entry files (`bindings/js/`), which
//! hand it to [`set_error_class`] once the module is instantiated. Without it (e.g. in
//! `wasm-bindgen-test`), errors are plain `Error`s named `KplaneError` with the same `status`.

use kplane::api::Value;
use kplane::{
    ApplyOptions, DeleteOptions, ListOptions, ObjectRef, Options, PatchType, Status, UserInfo,
    WatchOptions,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

thread_local! {
    static ERROR_CLASS: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// The size of this module's WebAssembly linear memory in bytes (what the benchmarks report;
/// wasm32 allows at most 4 GiB). Not part of the documented API.
#[wasm_bindgen(js_name = "__memoryBytes")]
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) as f64) * 65536.0
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// Registers the `KplaneError` class that errors are constructed with (`new KplaneError(status)`).
/// Called by the package's entry files; not part of the public API.
#[wasm_bindgen(js_name = "__kplaneInit")]
pub fn set_error_class(class: js_sys::Function) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
    // A panic is a bug in kplane (DESIGN.md, "Never panic on input"): say what it was
    // before the instance traps.
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("kplane panicked (this is a bug): {info}"))
    }));
}

/// Keeps free WebAssembly memory ahead of the allocator, grown in one step.
///
/// The Rust allocator grows linear memory 64 KiB at a time, and V8 runs a garbage collection
/// after almost every `memory.grow` (each one replaces the memory's `ArrayBuffer`): loading
/// 5,000 nodes into a fresh instance made some 6,000 grows and took 6× the CPU time of the
/// same load into an instance whose memory had grown before. So before each call, unless a
/// free block of half the memory's size (64 MiB to 1 GiB) is there, memory grows by that much
/// at once: reserved and freed right away, the block stays with the allocator for what
/// follows. Untouched pages cost address space, not RAM. When memory cannot grow that far,
/// smaller steps are tried, then nothing.
fn headroom() {
    #[cfg(target_arch = "wasm32")]
    {
        const MIN: usize = 64 << 20;
        const MAX: usize = 1 << 30;
        let size = (core::arch::wasm32::memory_size(0) as u64) << 16;
        let mut want = ((size / 2).min(MAX as u64) as usize).max(MIN);
        while want >= MIN / 4 {
            if Vec::<u8>::new().try_reserve_exact(want).is_ok() {
                break;
            }
            want /= 2;
        }
    }
}

/// Serializes to a plain, JSON-compatible JS value (objects, not `Map`s). Numbers beyond
/// JS's safe integers fall back to `JSON.parse`, which rounds them as JSON does.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    if let Ok(v) = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
        return Ok(v);
    }
    let text = serde_json::to_string(value).map_err(|e| error(&Status::internal(e.to_string())))?;
    js_sys::JSON::parse(&text)
        .map_err(|_| error(&Status::internal("cannot convert the result to JSON")))
}

/// The JS error for a `Status`: `new KplaneError(status)`.
fn error(status: &Status) -> JsValue {
    let js_status = status
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL);
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    if let Some(class) = class {
        if let Ok(err) = js_sys::Reflect::construct(&class, &js_sys::Array::of1(&js_status)) {
            return err;
        }
    }
    let err = js_sys::Error::new(&status.message);
    err.set_name("KplaneError");
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("status"), &js_status);
    err.into()
}

fn bad_request(message: String) -> JsValue {
    error(&Status::bad_request(message))
}

fn fail(status: Status) -> JsValue {
    error(&status)
}

fn is_missing(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

fn string_arg(v: &JsValue, what: &str) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| bad_request(format!("{what} must be a string, got {}", type_name(v))))
}

fn optional_string_arg(v: &JsValue, what: &str) -> Result<Option<String>, JsValue> {
    if is_missing(v) {
        Ok(None)
    } else {
        string_arg(v, what).map(Some)
    }
}

fn number_arg(v: &JsValue, what: &str) -> Result<f64, JsValue> {
    v.as_f64()
        .ok_or_else(|| bad_request(format!("{what} must be a number, got {}", type_name(v))))
}

/// Decodes an options object into one of the core's argument structs.
fn object_arg<T: DeserializeOwned>(v: &JsValue, what: &str) -> Result<T, JsValue> {
    if !v.is_object() || js_sys::Array::is_array(v) {
        return Err(bad_request(format!(
            "{what} must be an object, got {}",
            type_name(v)
        )));
    }
    from_js(v, what)
}

/// Reads a JS value as JSON does (`JSON.stringify`): circular or too deeply nested values,
/// BigInts and the like become a 400 instead of exhausting the stack.
fn from_js<T: DeserializeOwned>(v: &JsValue, what: &str) -> Result<T, JsValue> {
    let text = js_sys::JSON::stringify(v)
        .map_err(|e| bad_request(format!("invalid {what}: {}", js_message(&e))))?
        .as_string()
        .ok_or_else(|| bad_request(format!("invalid {what}: not a JSON value")))?;
    serde_json::from_str(&text).map_err(|e| bad_request(format!("invalid {what}: {e}")))
}

fn js_message(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(e) => e.message().into(),
        None => format!("{e:?}"),
    }
}

/// Like [`object_arg`], with `undefined`/`null` meaning the defaults.
fn optional_object_arg<T: DeserializeOwned + Default>(
    v: &JsValue,
    what: &str,
) -> Result<T, JsValue> {
    if is_missing(v) {
        Ok(T::default())
    } else {
        object_arg(v, what)
    }
}

/// One object: a JS object, or YAML/JSON text holding exactly one.
fn one_object(v: &JsValue, what: &str) -> Result<Value, JsValue> {
    if let Some(text) = v.as_string() {
        let mut docs = kplane::server::decode::decode(&text).map_err(fail)?;
        if docs.len() != 1 {
            return Err(bad_request(format!(
                "{what} must be one object, found {} in the text",
                docs.len()
            )));
        }
        return Ok(docs.remove(0).object);
    }
    object_arg(v, what)
}

/// A patch: a JS object or array, or JSON/YAML text of one (as `kubectl patch -p` takes).
fn patch_arg(v: &JsValue) -> Result<Value, JsValue> {
    let value: Value = match v.as_string() {
        Some(text) => kplane::server::decode::decode_value(&text).map_err(fail)?,
        None if v.is_object() => from_js(v, "patch")?,
        None => {
            return Err(bad_request(format!(
                "patch must be an object, an array (JSON patch) or JSON/YAML text, got {}",
                type_name(v)
            )))
        }
    };
    if !(value.is_object() || value.is_array()) {
        return Err(bad_request(
            "patch must be an object or an array (JSON patch)".to_string(),
        ));
    }
    Ok(value)
}

/// Which pod: `{ namespace?, name }` (`namespace` defaults to `default`).
#[derive(Deserialize)]
struct PodRef {
    namespace: Option<String>,
    name: String,
}

impl PodRef {
    fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }
}

/// `patch` options: `{ type?: 'merge' | 'json' | 'strategic' }`.
#[derive(Default, Deserialize)]
#[serde(default)]
struct PatchOptions {
    #[serde(rename = "type")]
    kind: Option<PatchType>,
}

/// What `create` returns.
#[derive(Serialize)]
struct Created {
    object: Value,
    warnings: Vec<String>,
}

fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if js_sys::Array::is_array(v) {
        "array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

/// A kplane control plane: API server, store, controllers, scheduler and simulated nodes on
/// a virtual clock. `as(user, groups)` gives a view of the same control plane whose calls are
/// made as that user.
#[wasm_bindgen]
pub struct ControlPlane {
    cp: Rc<RefCell<kplane::ControlPlane>>,
    /// The caller of this view's calls (`None`: the control plane's own, `system:admin`).
    user: Option<UserInfo>,
}

/// The control plane borrowed for one call, as the view's user (restored afterwards).
struct Session<'a> {
    cp: std::cell::RefMut<'a, kplane::ControlPlane>,
    previous: Option<UserInfo>,
}

impl std::ops::Deref for Session<'_> {
    type Target = kplane::ControlPlane;
    fn deref(&self) -> &kplane::ControlPlane {
        &self.cp
    }
}

impl std::ops::DerefMut for Session<'_> {
    fn deref_mut(&mut self) -> &mut kplane::ControlPlane {
        &mut self.cp
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if let Some(p) = self.previous.take() {
            self.cp.set_user(p);
        }
    }
}

impl ControlPlane {
    fn wrap(cp: kplane::ControlPlane) -> ControlPlane {
        ControlPlane {
            cp: Rc::new(RefCell::new(cp)),
            user: None,
        }
    }

    /// The control plane for one call, made as this view's user.
    fn inner(&self) -> Session<'_> {
        let mut cp = self.cp.borrow_mut();
        let previous = self.user.as_ref().map(|u| {
            let p = cp.user().clone();
            cp.set_user(u.clone());
            p
        });
        Session { cp, previous }
    }
}

#[wasm_bindgen]
impl ControlPlane {
    /// `new ControlPlane({ seed?, start? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<ControlPlane, JsValue> {
        headroom();
        let options: Options = optional_object_arg(&options, "options")?;
        kplane::ControlPlane::new(options)
            .map(ControlPlane::wrap)
            .map_err(fail)
    }

    /// `apply(workspace, manifests, options?)`: manifests as YAML/JSON text, one object, or an
    /// array of objects. Every document is applied, as `kubectl apply -f` does; if any failed,
    /// throws the first failure's `KplaneError`, with the whole `ApplyResult` as its `result`.
    pub fn apply(
        &mut self,
        workspace: JsValue,
        manifests: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let options: ApplyOptions = optional_object_arg(&options, "apply options")?;
        let result = if let Some(text) = manifests.as_string() {
            self.inner().apply_documents(&workspace, &text, &options)
        } else if manifests.is_object() {
            let value: Value = from_js(&manifests, "manifests")?;
            let objects = match value {
                Value::Array(items) => items.into_vec(),
                one => vec![one],
            };
            self.inner().apply_values(&workspace, objects, &options)
        } else {
            return Err(bad_request(format!(
                "manifests must be YAML or JSON text, an object or an array of objects, got {}",
                type_name(&manifests)
            )));
        };
        let result = result.map_err(fail)?;
        match result.first_error() {
            Some(status) => {
                let err = error(status);
                let _ = js_sys::Reflect::set(&err, &JsValue::from_str("result"), &to_js(&result)?);
                Err(err)
            }
            None => to_js(&result),
        }
    }

    /// `get(workspace, { apiVersion?, kind, namespace?, name })`: the object, or `null`.
    pub fn get(&self, workspace: JsValue, object: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let object: ObjectRef = object_arg(&object, "object reference")?;
        match self.inner().get(&workspace, &object).map_err(fail)? {
            Some(v) => to_js(&v),
            None => Ok(JsValue::NULL),
        }
    }

    /// `list(workspace, { apiVersion?, kind, namespace?, labelSelector?, fieldSelector? })`.
    pub fn list(&self, workspace: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let options: ListOptions = object_arg(&options, "list options")?;
        to_js(&self.inner().list(&workspace, &options).map_err(fail)?)
    }

    /// `create(workspace, object, { namespace?, fieldManager?, fieldValidation? }?)` →
    /// `{ object, warnings }`; 409 `AlreadyExists` when it exists.
    pub fn create(
        &mut self,
        workspace: JsValue,
        object: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let object = one_object(&object, "object")?;
        let options: ApplyOptions = optional_object_arg(&options, "create options")?;
        let (object, warnings) = self
            .inner()
            .create(&workspace, object, &options)
            .map_err(fail)?;
        to_js(&Created { object, warnings })
    }

    /// `update(workspace, object)`: replaces the object (PUT); a stale
    /// `metadata.resourceVersion` is a 409 `Conflict`.
    pub fn update(&mut self, workspace: JsValue, object: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let object = one_object(&object, "object")?;
        to_js(&self.inner().update(&workspace, object).map_err(fail)?)
    }

    /// `patch(workspace, { apiVersion?, kind, namespace?, name }, patch, { type? }?)`; the type
    /// defaults to `strategic`, as in `kubectl patch`.
    pub fn patch(
        &mut self,
        workspace: JsValue,
        object: JsValue,
        patch: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let object: ObjectRef = object_arg(&object, "object reference")?;
        let patch = patch_arg(&patch)?;
        let options: PatchOptions = optional_object_arg(&options, "patch options")?;
        let kind = options.kind.unwrap_or(PatchType::Strategic);
        to_js(
            &self
                .inner()
                .patch(&workspace, &object, &patch, kind)
                .map_err(fail)?,
        )
    }

    /// `watch(workspace, { apiVersion?, kind?, namespace?, resourceVersion?, labelSelector?, fieldSelector? }?)`
    /// → `[{ type, object }]`, ending with a `BOOKMARK`.
    pub fn watch(&self, workspace: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let options: WatchOptions = optional_object_arg(&options, "watch options")?;
        to_js(&self.inner().watch(&workspace, &options).map_err(fail)?)
    }

    /// `delete(workspace, { apiVersion?, kind, namespace?, name, propagationPolicy?, gracePeriodSeconds? })`.
    pub fn delete(&mut self, workspace: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let options: DeleteOptions = object_arg(&options, "delete options")?;
        to_js(&self.inner().delete(&workspace, &options).map_err(fail)?)
    }

    /// Moves virtual time forward by `seconds`.
    pub fn advance(&mut self, seconds: JsValue) -> Result<(), JsValue> {
        headroom();
        let seconds = number_arg(&seconds, "seconds")?;
        self.inner().advance(seconds).map_err(fail)
    }

    /// `runUntilSettled(maxSeconds?)` → `{ settled, elapsedSeconds }`.
    #[wasm_bindgen(js_name = runUntilSettled)]
    pub fn run_until_settled(&mut self, max_seconds: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let max = if is_missing(&max_seconds) {
            None
        } else {
            Some(number_arg(&max_seconds, "maxSeconds")?)
        };
        to_js(&self.inner().run_until_settled(max).map_err(fail)?)
    }

    /// `kubectl(commandLine, stdin?)` → `{ stdout, stderr, exitCode }`.
    pub fn kubectl(&mut self, command_line: JsValue, stdin: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let line = string_arg(&command_line, "commandLine")?;
        let stdin = optional_string_arg(&stdin, "stdin")?.unwrap_or_default();
        to_js(&self.inner().kubectl(&line, &stdin))
    }

    /// The virtual time, RFC 3339.
    pub fn now(&self) -> String {
        self.inner().now()
    }

    /// The whole control plane as one JSON document.
    pub fn snapshot(&self) -> String {
        headroom();
        self.inner().snapshot()
    }

    /// `ControlPlane.restore(snapshot)`.
    pub fn restore(snapshot: JsValue) -> Result<ControlPlane, JsValue> {
        headroom();
        let snapshot = string_arg(&snapshot, "snapshot")?;
        kplane::ControlPlane::restore(&snapshot)
            .map(ControlPlane::wrap)
            .map_err(fail)
    }

    /// Every node with its pods and how full it is, in name order.
    pub fn nodes(&self) -> Result<JsValue, JsValue> {
        headroom();
        to_js(&self.inner().nodes())
    }

    /// `evict(workspace, { namespace?, name })`: evicts a pod through the Eviction API; the pod
    /// as marked for deletion. A 429 `TooManyRequests` (cause `DisruptionBudget`) when its
    /// PodDisruptionBudget allows no disruption now.
    pub fn evict(&mut self, workspace: JsValue, pod: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let pod: PodRef = object_arg(&pod, "pod reference")?;
        to_js(
            &self
                .inner()
                .evict(&workspace, pod.namespace(), &pod.name)
                .map_err(fail)?,
        )
    }

    /// `failNode(name)`: the node's kubelet reports `Ready=False` and starts nothing; the Node.
    #[wasm_bindgen(js_name = failNode)]
    pub fn fail_node(&mut self, name: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let name = string_arg(&name, "name")?;
        to_js(&self.inner().fail_node(&name).map_err(fail)?)
    }

    /// `stopNode(name)`: the machine is off; its kubelet posts nothing; the Node.
    #[wasm_bindgen(js_name = stopNode)]
    pub fn stop_node(&mut self, name: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let name = string_arg(&name, "name")?;
        to_js(&self.inner().stop_node(&name).map_err(fail)?)
    }

    /// `restoreNode(name)`: a failed or stopped node runs again; the Node.
    #[wasm_bindgen(js_name = restoreNode)]
    pub fn restore_node(&mut self, name: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let name = string_arg(&name, "name")?;
        to_js(&self.inner().restore_node(&name).map_err(fail)?)
    }

    /// `spotInterrupt(name)`: EC2's two-minute spot interruption notice for a spot node
    /// (Karpenter drains it, EC2 reclaims it two minutes later); the Node. 404 when there is
    /// no such node, 400 when it is not a spot instance.
    #[wasm_bindgen(js_name = spotInterrupt)]
    pub fn spot_interrupt(&mut self, name: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let name = string_arg(&name, "name")?;
        to_js(&self.inner().spot_interrupt(&name).map_err(fail)?)
    }

    /// `cost()`: $/hour of the running nodes and dollars spent so far, per node and per
    /// NodePool and capacity type.
    pub fn cost(&self) -> Result<JsValue, JsValue> {
        headroom();
        to_js(&self.inner().cost())
    }

    /// `explainNode(name)`: why a node is or is not a consolidation candidate and what
    /// consolidating it alone would do now; `null` when there is no such node.
    #[wasm_bindgen(js_name = explainNode)]
    pub fn explain_node(&self, name: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let name = string_arg(&name, "name")?;
        match self.inner().explain_node(&name) {
            Some(e) => to_js(&e),
            None => Ok(JsValue::NULL),
        }
    }

    /// `disruptionPlan()`: what Karpenter's disruption loop would do now (the first command of
    /// emptiness, drift, multi-node then single-node consolidation), without changing
    /// anything; `null` when it would disrupt nothing.
    #[wasm_bindgen(js_name = disruptionPlan)]
    pub fn disruption_plan(&self) -> Result<JsValue, JsValue> {
        headroom();
        match self.inner().disruption_plan() {
            Some(c) => to_js(&c),
            None => Ok(JsValue::NULL),
        }
    }

    /// `explain(workspace, { namespace?, name })`: the pod's latest scheduling attempt, or
    /// `null` when it has none.
    pub fn explain(&self, workspace: JsValue, pod: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let pod: PodRef = object_arg(&pod, "pod reference")?;
        match self.inner().explain(&workspace, pod.namespace(), &pod.name) {
            Some(e) => to_js(&e),
            None => Ok(JsValue::NULL),
        }
    }

    /// `as(user, groups?)`: a view of the same control plane whose calls are made as `user` in
    /// `groups` (and `system:authenticated`, as an impersonated user): RBAC of each workspace
    /// decides, and a denial throws the 403 `Forbidden` `KplaneError`.
    #[wasm_bindgen(js_name = "as")]
    pub fn as_user(&self, user: JsValue, groups: JsValue) -> Result<ControlPlane, JsValue> {
        let name = string_arg(&user, "user")?;
        let groups: Vec<String> = if is_missing(&groups) {
            vec![]
        } else if js_sys::Array::is_array(&groups) {
            from_js(&groups, "groups")?
        } else {
            return Err(bad_request(format!(
                "groups must be an array of strings, got {}",
                type_name(&groups)
            )));
        };
        Ok(ControlPlane {
            cp: self.cp.clone(),
            user: Some(UserInfo::impersonated(&name, &groups)),
        })
    }

    /// `whoami()` → `{ name, groups }`: who this view's calls are made as.
    pub fn whoami(&self) -> Result<JsValue, JsValue> {
        let cp = self.inner();
        #[derive(Serialize)]
        struct Who<'a> {
            name: &'a str,
            groups: &'a [String],
        }
        to_js(&Who {
            name: &cp.user().name,
            groups: &cp.user().groups,
        })
    }

    /// `updateStatus(workspace, object)`: writes `status` through the `/status` subresource.
    #[wasm_bindgen(js_name = updateStatus)]
    pub fn update_status(
        &mut self,
        workspace: JsValue,
        object: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let object = one_object(&object, "object")?;
        to_js(
            &self
                .inner()
                .update_status(&workspace, object)
                .map_err(fail)?,
        )
    }

    /// `getScale(workspace, { apiVersion?, kind, namespace?, name })`: the `autoscaling/v1`
    /// `Scale` of a Deployment, ReplicaSet, StatefulSet or custom object with a scale
    /// subresource.
    #[wasm_bindgen(js_name = getScale)]
    pub fn get_scale(&self, workspace: JsValue, object: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let object: ObjectRef = object_arg(&object, "object reference")?;
        to_js(&self.inner().get_scale(&workspace, &object).map_err(fail)?)
    }

    /// `scale(workspace, { apiVersion?, kind, namespace?, name }, replicas)`: sets the replicas
    /// through the `/scale` subresource; the new `Scale`.
    pub fn scale(
        &mut self,
        workspace: JsValue,
        object: JsValue,
        replicas: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let object: ObjectRef = object_arg(&object, "object reference")?;
        let replicas = number_arg(&replicas, "replicas")?;
        if replicas.fract() != 0.0 || replicas.abs() > i32::MAX as f64 {
            return Err(bad_request(format!(
                "replicas must be an integer within int32, got {replicas}"
            )));
        }
        to_js(
            &self
                .inner()
                .scale(&workspace, &object, replicas as i64)
                .map_err(fail)?,
        )
    }

    /// `deleteCollection(workspace, { apiVersion?, kind, namespace?, labelSelector?, fieldSelector? })`:
    /// deletes every object the list matches; the deleted objects.
    #[wasm_bindgen(js_name = deleteCollection)]
    pub fn delete_collection(
        &mut self,
        workspace: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let options: ListOptions = object_arg(&options, "list options")?;
        to_js(
            &self
                .inner()
                .delete_collection(&workspace, &options)
                .map_err(fail)?,
        )
    }

    /// `listExportContent(workspace, exportName, { apiVersion?, kind, namespace?, labelSelector?, fieldSelector? })`:
    /// the exporting workspace's view of the objects of an exported kind in every workspace
    /// that binds the export (KCP's APIExport virtual workspace); each item is annotated
    /// `kcp.io/cluster: <workspace>`.
    #[wasm_bindgen(js_name = listExportContent)]
    pub fn list_export_content(
        &self,
        workspace: JsValue,
        export: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let export = string_arg(&export, "exportName")?;
        let options: ListOptions = object_arg(&options, "list options")?;
        to_js(
            &self
                .inner()
                .list_export_content(&workspace, &export, &options)
                .map_err(fail)?,
        )
    }

    /// `kubectlContext()` → `{ workspace, previous? }`: where `kubectl` commands act
    /// (`kubectl ws` changes it).
    #[wasm_bindgen(js_name = kubectlContext)]
    pub fn kubectl_context(&self) -> Result<JsValue, JsValue> {
        let cp = self.inner();
        let c = cp.kubectl_context();
        #[derive(Serialize)]
        struct Ctx<'a> {
            workspace: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            previous: Option<&'a str>,
        }
        to_js(&Ctx {
            workspace: &c.workspace,
            previous: c.previous.as_deref(),
        })
    }
}
