//! The custom kinds each workspace serves: the kinds of its established
//! CustomResourceDefinitions and of the APIs it binds from APIExports (KCP's APIBindings), on
//! top of the built-in table [`kinds::KINDS`].
//!
//! Kind resolution stays `&'static KindInfo`: each distinct custom kind (group, version, kind,
//! plural, scope, short names, status subresource) is interned once per process ([`intern`]),
//! at most [`MAX_INTERNED`] of them, so the memory they take is bounded however many
//! workspaces declare the same CRD. The [`Registry`] is derived from the store: the server
//! refreshes a workspace's entry whenever one of its CRDs or APIBindings is written, and
//! rebuilds it on restore.
//!
//! A built-in kind always wins: a CRD whose group/version/kind the server already serves
//! (Karpenter's or KEDA's own CRDs, for instance) is accepted but does not replace it.
use super::crd::{self, CrdVersion, CustomResourceDefinition};
use crate::api::kinds::{self, KindInfo};
use crate::api::object::{self, str_at};
use crate::api::Value;
use crate::store::Store;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// Where CRDs are stored.
pub const CRD_RESOURCE: &str = "customresourcedefinitions.apiextensions.k8s.io";
/// Where APIBindings are stored.
pub const APIBINDING_RESOURCE: &str = "apibindings.apis.kcp.io";
/// Where APIResourceSchemas are stored.
pub const SCHEMA_RESOURCE: &str = "apiresourceschemas.apis.kcp.io";
/// Where APIExports are stored.
pub const APIEXPORT_RESOURCE: &str = "apiexports.apis.kcp.io";
/// The most distinct custom kinds one process interns; a CRD beyond that is not served.
pub const MAX_INTERNED: usize = 10_000;

/// The APIExport a bound kind comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundExport {
    /// The workspace holding the APIExport.
    pub path: String,
    /// The APIExport's name.
    pub name: String,
    /// The export's `status.identityHash`: same-named APIs of different exports differ here.
    pub identity_hash: String,
    /// The APIBinding that bound it.
    pub binding: String,
    /// The APIResourceSchema it was generated from.
    pub schema: String,
}

/// One served custom kind in one version.
#[derive(Debug, Clone)]
pub struct Served {
    /// The kind, interned.
    pub info: &'static KindInfo,
    /// The definition (a CRD, or the CRD generated from an APIResourceSchema).
    pub crd: Arc<CustomResourceDefinition>,
    /// The index of this version in `crd.versions`.
    pub version: usize,
    /// The APIExport, for a bound API; `None` for a CRD of the workspace.
    pub export: Option<BoundExport>,
    /// Whether the definition is being deleted (no new objects).
    pub terminating: bool,
}

impl Served {
    /// The version this entry serves.
    pub fn version(&self) -> &CrdVersion {
        // `version` is an index taken from `crd.versions` when the entry was built.
        &self.crd.versions[self.version.min(self.crd.versions.len().saturating_sub(1))]
    }

    /// `group/version` of the storage version (objects are stored in it).
    pub fn storage_api_version(&self) -> String {
        let v = self
            .crd
            .storage_version()
            .map(|v| v.name.as_str())
            .unwrap_or(self.info.version);
        self.crd.api_version(v)
    }
}

/// The unknown fields of a custom object (for `fieldValidation`), pruned away.
pub fn prune_unknown(c: &Served, obj: &mut Value) -> Vec<String> {
    crd::coerce::prune(obj, &c.version().schema)
}

/// The custom kinds of every workspace.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    by_workspace: HashMap<String, Vec<Served>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct InternKey {
    group: String,
    version: String,
    kind: String,
    plural: String,
    namespaced: bool,
    status: bool,
    short_names: Vec<String>,
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// The process-wide `&'static KindInfo` of a custom kind, made once per distinct kind; `None`
/// once [`MAX_INTERNED`] kinds exist.
pub fn intern(
    group: &str,
    version: &str,
    kind: &str,
    plural: &str,
    namespaced: bool,
    status: bool,
    short_names: &[String],
) -> Option<&'static KindInfo> {
    static TABLE: OnceLock<Mutex<HashMap<InternKey, &'static KindInfo>>> = OnceLock::new();
    let key = InternKey {
        group: group.into(),
        version: version.into(),
        kind: kind.into(),
        plural: plural.into(),
        namespaced,
        status,
        short_names: short_names.to_vec(),
    };
    let mut table = TABLE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(info) = table.get(&key) {
        return Some(info);
    }
    if table.len() >= MAX_INTERNED {
        return None;
    }
    let shorts: Vec<&'static str> = short_names.iter().map(|s| leak(s)).collect();
    let info: &'static KindInfo = Box::leak(Box::new(KindInfo {
        group: leak(group),
        version: leak(version),
        kind: leak(kind),
        plural: leak(plural),
        resource: leak(&format!("{plural}.{group}")),
        namespaced,
        short_names: Box::leak(shorts.into_boxed_slice()),
        status_subresource: status,
    }));
    table.insert(key, info);
    Some(info)
}

/// Whether `info` is one of the built-in kinds (not a custom one). Compared by value: a custom
/// kind never equals a built-in one (those are not interned), and `KINDS` is a constant,
/// whose address is not unique.
pub fn is_builtin(info: &KindInfo) -> bool {
    kinds::KINDS.iter().any(|k| k == info)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The entries of one definition: one per served version not shadowed by a built-in kind.
fn entries(crd_obj: &Value, export: Option<BoundExport>, terminating: bool, out: &mut Vec<Served>) {
    let def = Arc::new(CustomResourceDefinition::from_value(crd_obj));
    // Served names are the accepted ones (a CRD's own spec names otherwise).
    let accepted = crd_obj
        .get("status")
        .and_then(|s| s.get("acceptedNames"))
        .filter(|a| {
            a.get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| !k.is_empty())
        });
    let (kind, plural, shorts) = match accepted {
        Some(a) => (
            a.get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            a.get("plural")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            strings(a.get("shortNames")),
        ),
        None => (
            def.kind.clone(),
            def.plural.clone(),
            def.short_names.clone(),
        ),
    };
    if kind.is_empty() || plural.is_empty() || def.group.is_empty() {
        return;
    }
    for (i, v) in def.versions.iter().enumerate() {
        if !v.served {
            continue;
        }
        let api_version = def.api_version(&v.name);
        if kinds::by_kind(Some(&api_version), &kind).is_some() {
            continue;
        }
        let Some(info) = intern(
            &def.group,
            &v.name,
            &kind,
            &plural,
            def.namespaced,
            v.status_subresource,
            &shorts,
        ) else {
            continue;
        };
        out.push(Served {
            info,
            crd: def.clone(),
            version: i,
            export: export.clone(),
            terminating,
        });
    }
}

/// The CRD object an APIResourceSchema stands for (`GenerateBoundCRD`): the same spec, each
/// version's `schema` moved under `schema.openAPIV3Schema`, named `<plural>.<group>`.
pub fn crd_of_schema(schema: &Value) -> Value {
    let spec = schema.get("spec").cloned().unwrap_or_else(Value::object);
    let group = str_at(&spec, &["group"]).unwrap_or("");
    let plural = str_at(&spec, &["names", "plural"]).unwrap_or("");
    let mut crd_spec = spec.clone();
    if let Some(versions) = crd_spec.get_mut("versions").and_then(Value::as_array_mut) {
        for v in versions.iter_mut() {
            if let Some(m) = v.as_object_mut() {
                let s = m.get("schema").cloned().unwrap_or(Value::Null);
                let mut wrapped = crate::api::Map::new();
                wrapped.insert("openAPIV3Schema", s);
                m.insert("schema", Value::Object(wrapped));
            }
        }
    }
    let mut crd_obj = crate::json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{plural}.{group}")},
        "spec": crd_spec,
    });
    crd::definition::default_crd(&mut crd_obj);
    let names = crd_obj["spec"]["names"].clone();
    object::set_path(&mut crd_obj, &["status", "acceptedNames"], names);
    crd_obj
}

impl Registry {
    /// Builds the registry of every workspace from the store.
    pub fn rebuild(store: &Store) -> Registry {
        let mut r = Registry::default();
        let workspaces: Vec<String> = store
            .list_all(CRD_RESOURCE)
            .chain(store.list_all(APIBINDING_RESOURCE))
            .map(|(k, _)| k.workspace.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for w in workspaces {
            r.refresh(store, &w);
        }
        r
    }

    /// Recomputes the custom kinds of `workspace` from its CRDs and APIBindings.
    pub fn refresh(&mut self, store: &Store, workspace: &str) {
        let mut served = Vec::new();
        for (_, c) in store.list(workspace, CRD_RESOURCE, None) {
            if crd::names::is_established(c) {
                entries(c, None, object::is_terminating(c), &mut served);
            }
        }
        for (_, b) in store.list(workspace, APIBINDING_RESOURCE, None) {
            for (schema, export) in bound_schemas(store, workspace, b) {
                entries(
                    &crd_of_schema(&schema),
                    Some(export),
                    object::is_terminating(b),
                    &mut served,
                );
            }
        }
        if served.is_empty() {
            self.by_workspace.remove(workspace);
        } else {
            self.by_workspace.insert(workspace.to_string(), served);
        }
    }

    /// Forgets a workspace (it was deleted).
    pub fn forget(&mut self, workspace: &str) {
        self.by_workspace.remove(workspace);
    }

    /// Every custom kind `workspace` serves.
    pub fn served(&self, workspace: &str) -> &[Served] {
        if self.by_workspace.is_empty() {
            return &[];
        }
        self.by_workspace
            .get(workspace)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The custom kind `kind` in `apiVersion` (any served version when `None`: the storage
    /// version first), in `workspace`.
    pub fn by_kind(
        &self,
        workspace: &str,
        api_version: Option<&str>,
        kind: &str,
    ) -> Option<&Served> {
        let matching = self
            .served(workspace)
            .iter()
            .filter(|s| s.info.kind == kind);
        match api_version {
            Some(av) => matching.into_iter().find(|s| s.info.api_version() == av),
            None => {
                let all: Vec<&Served> = matching.collect();
                all.iter()
                    .find(|s| s.version().storage)
                    .or_else(|| all.first())
                    .copied()
            }
        }
    }

    /// The entry of an interned kind in `workspace`.
    pub fn by_info(&self, workspace: &str, info: &KindInfo) -> Option<&Served> {
        self.served(workspace)
            .iter()
            .find(|s| std::ptr::eq(s.info, info))
    }

    /// What a user types on the kubectl command line (`prometheuses`, `prom`, `prometheus`,
    /// `Prometheus`, `prometheuses.monitoring.coreos.com`), resolved in `workspace` to the
    /// storage version of the kind.
    pub fn by_resource_name(&self, workspace: &str, name: &str) -> Option<&Served> {
        let lower = name.to_ascii_lowercase();
        let candidates: Vec<&Served> = self
            .served(workspace)
            .iter()
            .filter(|s| {
                let i = s.info;
                let singular = s.crd.singular.as_str();
                let plain = |r: &str| {
                    i.plural == r
                        || singular == r
                        || i.kind.eq_ignore_ascii_case(r)
                        || i.short_names.contains(&r)
                };
                plain(&lower)
                    || lower.split_once('.').is_some_and(|(r, g)| {
                        (g == i.group || g == format!("{}.{}", i.version, i.group)) && plain(r)
                    })
            })
            .collect();
        candidates
            .iter()
            .find(|s| s.version().storage)
            .or_else(|| candidates.first())
            .copied()
    }

    /// The accepted names every kind of `workspace` holds (from CRDs and bound APIs), as CRD
    /// objects with `status.acceptedNames`, for the naming checks of a new definition.
    pub fn names_in_use(&self, workspace: &str) -> Vec<(Option<BoundExport>, Value)> {
        let mut seen: BTreeMap<String, (Option<BoundExport>, Value)> = BTreeMap::new();
        for s in self.served(workspace) {
            let name = format!("{}.{}", s.info.plural, s.info.group);
            seen.entry(name.clone()).or_insert_with(|| {
                (
                    s.export.clone(),
                    crate::json!({"metadata": {"name": name}, "spec": {"group": s.info.group},
                        "status": {"acceptedNames": {"plural": s.info.plural, "singular": s.crd.singular.as_str(),
                            "shortNames": s.info.short_names, "kind": s.info.kind, "listKind": s.crd.list_kind.as_str()}}}),
                )
            });
        }
        seen.into_values().collect()
    }
}

/// The APIResourceSchemas a Bound APIBinding serves, with the export they come from.
fn bound_schemas(store: &Store, workspace: &str, binding: &Value) -> Vec<(Value, BoundExport)> {
    if str_at(binding, &["status", "phase"]) != Some("Bound") {
        return vec![];
    }
    let path = str_at(binding, &["spec", "reference", "export", "path"])
        .filter(|p| !p.is_empty())
        .unwrap_or(workspace)
        .to_string();
    let export_name = str_at(binding, &["spec", "reference", "export", "name"]).unwrap_or("");
    object::array_at(binding, &["status", "boundResources"])
        .iter()
        .filter_map(|r| {
            let schema_name = str_at(r, &["schema", "name"])?;
            let schema = store.get(&crate::store::Key::new(
                &path,
                SCHEMA_RESOURCE,
                "",
                schema_name,
            ))?;
            Some((
                schema.clone(),
                BoundExport {
                    path: path.clone(),
                    name: export_name.to_string(),
                    identity_hash: str_at(r, &["schema", "identityHash"])
                        .unwrap_or("")
                        .to_string(),
                    binding: object::name(binding).to_string(),
                    schema: schema_name.to_string(),
                },
            ))
        })
        .collect()
}
