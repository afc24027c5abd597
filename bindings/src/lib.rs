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

/// Which pod (or other namespaced object): `{ namespace?, name }` (`namespace` defaults to
/// `default`).
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

/// A port as JS gives it: a number or a (container port) name.
#[derive(Deserialize)]
#[serde(untagged)]
enum PortArg {
    Number(i64),
    Name(String),
}

impl PortArg {
    fn text(&self) -> String {
        match self {
            PortArg::Number(n) => n.to_string(),
            PortArg::Name(s) => s.clone(),
        }
    }
}

/// `canReach` arguments: `{ from, to, port, protocol? }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReachQuery {
    from: String,
    to: String,
    port: PortArg,
    protocol: Option<String>,
}

/// `reachability` options: `{ namespace?, allNamespaces?, port?, protocol? }`.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
struct MatrixQuery {
    namespace: Option<String>,
    all_namespaces: bool,
    port: Option<PortArg>,
    protocol: Option<String>,
}

/// `metrics` options: `{ namespace? }`.
#[derive(Default, Deserialize)]
#[serde(default)]
struct MetricsOptions {
    namespace: Option<String>,
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
    cp: Rc<Plane>,
    /// The caller of this view's calls (`None`: the control plane's own, `system:admin`).
    user: Option<UserInfo>,
}

/// One control plane, shared by its views (`as`, `impersonate`), with the checkpoint the JS
/// wrapper restores it from if a call traps (`bindings/js/guard.mjs`).
struct Plane {
    /// Names the plane in [`PLANES`] for [`ControlPlane::recovery_snapshot`].
    id: u32,
    cp: RefCell<kplane::ControlPlane>,
    /// A copy of `cp` as it was before the latest call that found it changed (an O(objects)
    /// copy of shared, copy-on-write values, taken at most once per change). A call that traps
    /// leaves `cp` borrowed and half-written; the checkpoint is its last consistent state.
    checkpoint: RefCell<Option<kplane::ControlPlane>>,
}

thread_local! {
    /// Every live plane by id, for trap recovery.
    static PLANES: RefCell<std::collections::BTreeMap<u32, std::rc::Weak<Plane>>> =
        const { RefCell::new(std::collections::BTreeMap::new()) };
    static NEXT_PLANE: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
}

impl Plane {
    fn new(cp: kplane::ControlPlane) -> Rc<Plane> {
        let id = NEXT_PLANE.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1).max(1));
            id
        });
        let plane = Rc::new(Plane {
            id,
            cp: RefCell::new(cp),
            checkpoint: RefCell::new(None),
        });
        PLANES.with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                p.insert(id, Rc::downgrade(&plane));
            }
        });
        plane
    }

    /// Keeps the checkpoint equal to `cp` (at rest: no call is under way).
    fn checkpoint(&self, cp: &kplane::ControlPlane) {
        let Ok(mut c) = self.checkpoint.try_borrow_mut() else {
            return;
        };
        let same = c.as_ref().is_some_and(|c| {
            c.server().store.revision() == cp.server().store.revision() && c.now_ms() == cp.now_ms()
        });
        if !same {
            *c = Some(cp.clone());
        }
    }

    /// Its last consistent state: the control plane itself unless a call that trapped left it
    /// borrowed, else the checkpoint.
    fn consistent_snapshot(&self) -> Option<(String, String)> {
        let of =
            |cp: &kplane::ControlPlane| (cp.snapshot(), cp.kubectl_context().workspace.clone());
        if let Ok(cp) = self.cp.try_borrow() {
            return Some(of(&cp));
        }
        self.checkpoint.try_borrow().ok()?.as_ref().map(of)
    }
}

impl Drop for Plane {
    fn drop(&mut self) {
        PLANES.with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                p.remove(&self.id);
            }
        });
    }
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
            cp: Plane::new(cp),
            user: None,
        }
    }

    /// The control plane for one call, made as this view's user.
    fn inner(&self) -> Session<'_> {
        let mut cp = self.cp.cp.borrow_mut();
        self.cp.checkpoint(&cp);
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

    /// `setWorkBudget(writes)`: how many writes one call (`advance`, `runUntilSettled`, a
    /// kubectl line with its waits) may make before it stops with a 504 `Timeout` (default
    /// 20,000; `Infinity`: unbounded, e.g. for benchmarks of large clusters).
    #[wasm_bindgen(js_name = setWorkBudget)]
    pub fn set_work_budget(&mut self, writes: JsValue) -> Result<(), JsValue> {
        let writes = number_arg(&writes, "writes")?;
        if writes.is_nan() || writes < 1.0 {
            return Err(bad_request(format!(
                "writes must be at least 1, got {writes}"
            )));
        }
        // `as` saturates: Infinity is u64::MAX.
        self.inner().set_work_budget(writes as u64);
        Ok(())
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

    /// `kubectlWatch(commandLine, seconds, stdin?)` → `{ stdout, stderr, exitCode }`: runs the
    /// command, then advances virtual time by `seconds`; what a streaming command (`get -w`,
    /// `get --watch-only`, `logs -f`) prints meanwhile is appended, each change at the instant
    /// it happens.
    #[wasm_bindgen(js_name = kubectlWatch)]
    pub fn kubectl_watch(
        &mut self,
        command_line: JsValue,
        seconds: JsValue,
        stdin: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let line = string_arg(&command_line, "commandLine")?;
        let seconds = number_arg(&seconds, "seconds")?;
        let stdin = optional_string_arg(&stdin, "stdin")?.unwrap_or_default();
        to_js(
            &self
                .inner()
                .kubectl_watch(&line, &stdin, seconds)
                .map_err(fail)?,
        )
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

    /// `canReach(workspace, { from, to, port, protocol? })`: whether traffic from `from` reaches
    /// `to` on `port` (a number, or a container port name of the destination) under the
    /// workspace's NetworkPolicies, and which policy decides each direction. `from`/`to` are pods
    /// (`name` in `default`, or `namespace/name`) or IP addresses.
    #[wasm_bindgen(js_name = canReach)]
    pub fn can_reach(&self, workspace: JsValue, query: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let q: ReachQuery = object_arg(&query, "reachability query")?;
        let protocol = q.protocol.unwrap_or_default();
        to_js(
            &self
                .inner()
                .can_reach(&workspace, &q.from, &q.to, &q.port.text(), &protocol)
                .map_err(fail)?,
        )
    }

    /// `reachability(workspace, { namespace?, allNamespaces?, port?, protocol? })`: the
    /// reachability matrix of the pods of `namespace` (`default`; every namespace with
    /// `allNamespaces`) on `port` (80 by default): `{ pods, port, protocol, cells, table }`.
    pub fn reachability(&self, workspace: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let o: MatrixQuery = if is_missing(&options) {
            MatrixQuery::default()
        } else {
            object_arg(&options, "reachability options")?
        };
        let ns = o.namespace.unwrap_or_else(|| "default".into());
        let scope = (!o.all_namespaces).then_some(ns.as_str());
        let port = o.port.map_or_else(|| "80".to_string(), |p| p.text());
        to_js(
            &self
                .inner()
                .reachability(&workspace, scope, &port, &o.protocol.unwrap_or_default())
                .map_err(fail)?,
        )
    }

    /// `metrics(workspace, { namespace? })`: what metrics-server reports at its last 15 s
    /// scrape: `{ pods: PodMetrics[], nodes: NodeMetrics[] }` (`metrics.k8s.io/v1beta1` objects;
    /// pods of every namespace when none is given; a pod appears once it has been running for a
    /// scrape). The use includes the simulated demand (LoadProfile requests, Queue messages).
    pub fn metrics(&self, workspace: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let options: MetricsOptions = optional_object_arg(&options, "options")?;
        let cp = self.inner();
        let pods = cp
            .pod_metrics(&workspace, options.namespace.as_deref())
            .map_err(fail)?;
        to_js(&kplane::json!({"pods": pods, "nodes": cp.node_metrics()}))
    }

    /// `metricsSeries(workspace, namespace)`: the simulated series of a namespace at the last
    /// scrape (`{ name, labels, value }`): requests, errors and latency per pod and
    /// LoadProfile, queue depth and lag, container CPU and memory.
    #[wasm_bindgen(js_name = metricsSeries)]
    pub fn metrics_series(
        &self,
        workspace: JsValue,
        namespace: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let namespace = string_arg(&namespace, "namespace")?;
        to_js(
            &self
                .inner()
                .metrics_series(&workspace, &namespace)
                .map_err(fail)?,
        )
    }

    /// `podVolumes(workspace, { namespace?, name })`: which of the pod's volumes outlive it
    /// (`[{ name, source, survivesPod, storage }]`).
    #[wasm_bindgen(js_name = podVolumes)]
    pub fn pod_volumes(&self, workspace: JsValue, pod: JsValue) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let pod: PodRef = object_arg(&pod, "pod reference")?;
        to_js(
            &self
                .inner()
                .pod_volumes(&workspace, pod.namespace(), &pod.name)
                .map_err(fail)?,
        )
    }

    /// `queryMetrics(workspace, namespace, query)`: a Prometheus-style query over the series
    /// (`sum(rate(http_requests_total{service="web"}[1m]))`); `null` when nothing matches.
    #[wasm_bindgen(js_name = queryMetrics)]
    pub fn query_metrics(
        &self,
        workspace: JsValue,
        namespace: JsValue,
        query: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let namespace = string_arg(&namespace, "namespace")?;
        let query = string_arg(&query, "query")?;
        match self
            .inner()
            .query_metrics(&workspace, &namespace, &query)
            .map_err(fail)?
        {
            Some(v) => Ok(JsValue::from_f64(v)),
            None => Ok(JsValue::NULL),
        }
    }

    /// `explainAutoscaling(workspace, { namespace?, name })`: the HorizontalPodAutoscaler's last
    /// decision in words and numbers (each metric's current value, target, ratio and proposal,
    /// the conditions, Events and a summary), or `null` before its first sync.
    #[wasm_bindgen(js_name = explainAutoscaling)]
    pub fn explain_autoscaling(
        &self,
        workspace: JsValue,
        hpa: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let hpa: PodRef = object_arg(&hpa, "HPA reference")?;
        match self
            .inner()
            .explain_autoscaling(&workspace, hpa.namespace(), &hpa.name)
        {
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

/// What the npm package's HTTP server (`http.cjs`) needs beyond the JS API: the REST API's own
/// documents (discovery, OpenAPI, `Table`), resource resolution by path, impersonation and
/// independent copies for `dryRun`.
#[wasm_bindgen]
impl ControlPlane {
    /// `fork()`: an independent copy of this control plane (same state, same clock, same
    /// caller) that continues exactly as the original would; writes to one do not reach the
    /// other (`dryRun=All`).
    pub fn fork(&self) -> ControlPlane {
        headroom();
        ControlPlane {
            cp: Plane::new(self.cp.cp.borrow().clone()),
            user: self.user.clone(),
        }
    }

    /// `apiResource(workspace, group, version, resource)` → `{ group, version, apiVersion, kind,
    /// plural, namespaced, custom, subresources }` of the resource a request path names, or
    /// `null` when the workspace serves none.
    #[wasm_bindgen(js_name = apiResource)]
    pub fn api_resource(
        &self,
        workspace: JsValue,
        group: JsValue,
        version: JsValue,
        resource: JsValue,
    ) -> Result<JsValue, JsValue> {
        let workspace = string_arg(&workspace, "workspace")?;
        let group = string_arg(&group, "group")?;
        let version = string_arg(&version, "version")?;
        let resource = string_arg(&resource, "resource")?;
        let cp = self.inner();
        cp.server().check_workspace(&workspace).map_err(fail)?;
        match cp.api_resource(&workspace, &group, &version, &resource) {
            Some(r) => to_js(&r.to_value()),
            None => Ok(JsValue::NULL),
        }
    }

    /// `apiDocument(workspace, path, accept?, prefix?)` → `{ contentType, body }`: discovery,
    /// OpenAPI v2/v3 or `/version` at `path` (after any `/clusters/<workspace>` prefix,
    /// `prefix`), negotiated by the `Accept` header; `null` when `path` is not such a document.
    #[wasm_bindgen(js_name = apiDocument)]
    pub fn api_document(
        &self,
        workspace: JsValue,
        path: JsValue,
        accept: JsValue,
        prefix: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let path = string_arg(&path, "path")?;
        let accept = optional_string_arg(&accept, "accept")?.unwrap_or_default();
        let prefix = optional_string_arg(&prefix, "prefix")?.unwrap_or_default();
        let cp = self.inner();
        cp.server().check_workspace(&workspace).map_err(fail)?;
        match cp.api_document(&workspace, &path, &accept, &prefix) {
            None => Ok(JsValue::NULL),
            Some(Err(s)) => Err(fail(s)),
            Some(Ok(d)) => {
                #[derive(Serialize)]
                #[serde(rename_all = "camelCase")]
                struct Doc<'a> {
                    content_type: &'a str,
                    body: &'a Value,
                }
                to_js(&Doc {
                    content_type: &d.content_type,
                    body: &d.body,
                })
            }
        }
    }

    /// `table(workspace, { apiVersion?, kind }, response, { includeObject?, headers? }?)`: the
    /// `meta.k8s.io/v1` `Table` of a list or an object, printed as kubectl prints it.
    pub fn table(
        &self,
        workspace: JsValue,
        kind: JsValue,
        response: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        #[derive(Default, Deserialize)]
        #[serde(default, rename_all = "camelCase")]
        struct TableOptions {
            include_object: Option<String>,
            headers: Option<bool>,
        }
        let workspace = string_arg(&workspace, "workspace")?;
        let kind: ObjectRef = object_arg(&kind, "kind")?;
        let response: Value = from_js(&response, "response")?;
        let options: TableOptions = optional_object_arg(&options, "table options")?;
        let include =
            kplane::rest::IncludeObject::parse(options.include_object.as_deref().unwrap_or(""))
                .map_err(fail)?;
        let cp = self.inner();
        let info = cp
            .server()
            .resolve_in(&workspace, kind.api_version.as_deref(), &kind.kind)
            .map_err(fail)?;
        to_js(&cp.table_of(
            &workspace,
            info,
            &response,
            include,
            options.headers.unwrap_or(true),
        ))
    }

    /// `impersonate(workspace, user, groups?)`: a view acting as `user` in `groups`, after
    /// checking that this view's caller may impersonate them in `workspace` (verb
    /// `impersonate` on `users`, `groups`, `serviceaccounts`); a 403 otherwise.
    pub fn impersonate(
        &self,
        workspace: JsValue,
        user: JsValue,
        groups: JsValue,
    ) -> Result<ControlPlane, JsValue> {
        let workspace = string_arg(&workspace, "workspace")?;
        let name = string_arg(&user, "user")?;
        let groups: Vec<String> = if is_missing(&groups) {
            vec![]
        } else {
            from_js(&groups, "groups")?
        };
        let user = self
            .inner()
            .impersonation(&workspace, &name, &groups)
            .map_err(fail)?;
        Ok(ControlPlane {
            cp: self.cp.clone(),
            user: Some(user),
        })
    }

    /// `authorizePath(workspace, verb, path)`: throws the 403 when this view's caller may not
    /// `verb` the non-resource path (`/api`, `/version`).
    #[wasm_bindgen(js_name = authorizePath)]
    pub fn authorize_path(
        &self,
        workspace: JsValue,
        verb: JsValue,
        path: JsValue,
    ) -> Result<(), JsValue> {
        let workspace = string_arg(&workspace, "workspace")?;
        let verb = string_arg(&verb, "verb")?;
        let path = string_arg(&path, "path")?;
        self.inner()
            .authorize_path(&workspace, &verb, &path)
            .map_err(fail)
    }

    /// `bind(workspace, { namespace?, name }, node)`: the `pods/binding` subresource; the pod.
    pub fn bind(
        &mut self,
        workspace: JsValue,
        pod: JsValue,
        node: JsValue,
    ) -> Result<JsValue, JsValue> {
        headroom();
        let workspace = string_arg(&workspace, "workspace")?;
        let pod: PodRef = object_arg(&pod, "pod reference")?;
        let node = string_arg(&node, "node")?;
        to_js(
            &self
                .inner()
                .bind(&workspace, pod.namespace(), &pod.name, &node)
                .map_err(fail)?,
        )
    }

    /// `ControlPlane.patchValue(target, patch, type)`: applies a patch (`merge`, `json` or
    /// `strategic`) to a value, as the API server does, without writing anything.
    #[wasm_bindgen(js_name = patchValue)]
    pub fn patch_value(target: JsValue, patch: JsValue, kind: JsValue) -> Result<JsValue, JsValue> {
        let target: Value = from_js(&target, "target")?;
        let patch = patch_arg(&patch)?;
        let kind: PatchType = from_js(&kind, "patch type")?;
        to_js(&kplane::server::patch::apply_patch(&target, &patch, kind).map_err(fail)?)
    }

    /// `ControlPlane.statusBody(status)`: a `Status` (a `KplaneError`'s `status`) as
    /// kube-apiserver writes it in a response body.
    #[wasm_bindgen(js_name = statusBody)]
    pub fn status_body(status: JsValue) -> Result<JsValue, JsValue> {
        let status: Status = from_js(&status, "status")?;
        to_js(&status.to_api_value())
    }
}

#[wasm_bindgen]
impl ControlPlane {
    /// `ControlPlane.decodeProtobuf(bytes)`: the JSON object of a Kubernetes protobuf request
    /// body (`k8s\0` envelope), as client-go's typed clients send it; a 400 or 415 otherwise.
    #[wasm_bindgen(js_name = decodeProtobuf)]
    pub fn decode_protobuf(bytes: JsValue) -> Result<JsValue, JsValue> {
        let bytes = bytes.dyn_into::<js_sys::Uint8Array>().map_err(|v| {
            bad_request(format!("bytes must be a Uint8Array, got {}", type_name(&v)))
        })?;
        to_js(&kplane::rest::protobuf::decode(&bytes.to_vec()).map_err(fail)?)
    }
}

#[wasm_bindgen]
impl ControlPlane {
    /// `review(workspace, { apiVersion, kind }, body)`: a `SelfSubjectReview` (who this view
    /// is) or `SelfSubjectAccessReview` (may it do this?) answered for this view's caller.
    pub fn review(
        &self,
        workspace: JsValue,
        kind: JsValue,
        body: JsValue,
    ) -> Result<JsValue, JsValue> {
        let workspace = string_arg(&workspace, "workspace")?;
        let kind: ObjectRef = object_arg(&kind, "kind")?;
        let body: Value = if is_missing(&body) {
            Value::object()
        } else {
            from_js(&body, "review")?
        };
        let info = kplane::rest::review::REVIEW_KINDS
            .iter()
            .find(|k| {
                k.kind == kind.kind
                    && kind
                        .api_version
                        .as_deref()
                        .is_none_or(|v| v == k.api_version())
            })
            .ok_or_else(|| bad_request(format!("{} is not a review kind", kind.kind)))?;
        to_js(&self.inner().review(&workspace, info, &body).map_err(fail)?)
    }
}

/// Trap recovery, used by the package's JS wrapper (`bindings/js/guard.mjs`); not part of the
/// public API. When a call traps (a panic or out of memory: a bug), the wrapper reads every
/// live plane's last consistent state from the trapped instance ([`recovery_snapshot`]),
/// instantiates the module afresh and restores each plane there ([`recovery_restore`]).
///
/// [`recovery_snapshot`]: ControlPlane::recovery_snapshot
/// [`recovery_restore`]: ControlPlane::recovery_restore
#[wasm_bindgen]
impl ControlPlane {
    /// The id of the plane this view acts on (views of one control plane share it).
    #[wasm_bindgen(js_name = "__planeId")]
    pub fn plane_id(&self) -> u32 {
        self.cp.id
    }

    /// `ControlPlane.__recoverySnapshot(planeId)` → `[snapshot, kubectlWorkspace]` of the
    /// plane's last consistent state; a 404 when it is gone or has none.
    #[wasm_bindgen(js_name = "__recoverySnapshot")]
    pub fn recovery_snapshot(plane_id: u32) -> Result<JsValue, JsValue> {
        let plane = PLANES
            .with(|p| p.try_borrow().ok()?.get(&plane_id)?.upgrade())
            .ok_or_else(|| fail(Status::new(404, "NotFound", "no such control plane")))?;
        let state = plane.consistent_snapshot().ok_or_else(|| {
            fail(Status::new(
                404,
                "NotFound",
                "the control plane has no consistent state",
            ))
        })?;
        to_js(&state)
    }

    /// `ControlPlane.__recoveryRestore(snapshot, kubectlWorkspace)`: restores a plane read by
    /// `__recoverySnapshot`, with kubectl's current workspace.
    #[wasm_bindgen(js_name = "__recoveryRestore")]
    pub fn recovery_restore(
        snapshot: JsValue,
        workspace: JsValue,
    ) -> Result<ControlPlane, JsValue> {
        let snapshot = string_arg(&snapshot, "snapshot")?;
        let workspace = string_arg(&workspace, "workspace")?;
        let mut cp = kplane::ControlPlane::restore(&snapshot).map_err(fail)?;
        cp.set_kubectl_workspace(&workspace);
        Ok(ControlPlane::wrap(cp))
    }

    /// Test only: panics inside a call on this control plane, as a bug would, so the tests can
    /// check trap recovery (tests/node/trap.test.mjs). Always compiled in; never call it.
    #[wasm_bindgen(js_name = "__trapForTest")]
    pub fn trap_for_test(&mut self) {
        let _cp = self.inner();
        panic!("__trapForTest: a deliberate panic");
    }
}
