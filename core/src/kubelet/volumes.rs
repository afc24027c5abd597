//! What the kubelet needs from the API before a pod's containers can run, with upstream's
//! texts:
//! - **Volumes** (the volume manager's `WaitForAttachAndMount`, pkg/kubelet/volumemanager):
//!   ConfigMap, Secret and projected sources must exist (`MountVolume.SetUp failed for volume
//!   "cfg" : configmap "app-config" not found`) unless `optional: true`; a claim must be bound,
//!   its volume attached to the node when its driver attaches (a VolumeAttachment), and an
//!   inline `csi:` volume's driver must support the `Ephemeral` lifecycle. Until then the pod
//!   stays `ContainerCreating`, with `FailedMount` Events, and after 2m3s
//!   (`podAttachAndMountTimeout`) `Unable to attach or mount volumes: ...`.
//! - **Configuration** of each container (`makeEnvironmentVariables`,
//!   pkg/kubelet/kubelet_pods.go): `envFrom` and `env` references to ConfigMaps and Secrets.
//!   A missing object or key gives the container `CreateContainerConfigError` with the error
//!   (`secret "db-pass" not found`, `couldn't find key password in Secret default/db-pass`)
//!   and a `Failed` Event `Error: ...`, unless the reference is optional.
//!
//! The kubelet's ConfigMap and Secret managers name the resource in the singular
//! (`corev1.Resource("configmap")`), hence `configmap "x" not found`.
//!
//! [`lifetimes`] says which of a pod's volumes outlive it (for `ControlPlane::pod_volumes`).
use crate::api::object::{self, array_at, path, str_at};
use crate::api::volume::csi::{attaches, driver, VOLUME_ATTACHMENTS};
use crate::api::volume::{is_claim_fully_bound, pod_claims};
use crate::api::Value;
use crate::controllers::kind;
use crate::server::{Server, ROOT};
use serde::Serialize;

/// `podAttachAndMountTimeout`: how long `WaitForAttachAndMount` waits before the kubelet
/// reports `Unable to attach or mount volumes`.
pub const ATTACH_AND_MOUNT_TIMEOUT_MS: i64 = 123_000;

/// A ConfigMap or a Secret a pod refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    ConfigMap,
    Secret,
}

impl Source {
    fn kind(self) -> &'static str {
        match self {
            Source::ConfigMap => "ConfigMap",
            Source::Secret => "Secret",
        }
    }
    /// The resource as the kubelet's managers name it.
    fn singular(self) -> &'static str {
        match self {
            Source::ConfigMap => "configmap",
            Source::Secret => "secret",
        }
    }
}

fn fetch(s: &Server, ws: &str, ns: &str, source: Source, name: &str) -> Option<Value> {
    s.get(ws, kind("v1", source.kind()), ns, name).cloned()
}

/// Whether `obj` (a ConfigMap or Secret) holds `key` (`data`, or a ConfigMap's `binaryData`,
/// or a Secret's `stringData` before it is folded into `data`).
fn has_key(obj: &Value, key: &str) -> bool {
    ["data", "binaryData", "stringData"]
        .iter()
        .any(|f| path(obj, &[f, key]).is_some())
}

fn not_found(source: Source, name: &str) -> String {
    format!("{} {name:?} not found", source.singular())
}

fn optional(v: &Value) -> bool {
    v.get("optional").and_then(Value::as_bool) == Some(true)
}

/// `makeEnvironmentVariables`' lookups for one container: the first error, if any.
pub fn container_config_error(s: &Server, ws: &str, pod: &Value, c: &Value) -> Option<String> {
    let ns = object::namespace(pod);
    for from in array_at(c, &["envFrom"]) {
        for (field, source) in [
            ("configMapRef", Source::ConfigMap),
            ("secretRef", Source::Secret),
        ] {
            let Some(r) = from.get(field).filter(|r| !r.is_null()) else {
                continue;
            };
            let name = r.get("name").and_then(Value::as_str).unwrap_or("");
            if fetch(s, ws, ns, source, name).is_none() && !optional(r) {
                return Some(not_found(source, name));
            }
        }
    }
    for env in array_at(c, &["env"]) {
        for (field, source) in [
            ("configMapKeyRef", Source::ConfigMap),
            ("secretKeyRef", Source::Secret),
        ] {
            let Some(r) = path(env, &["valueFrom", field]).filter(|r| !r.is_null()) else {
                continue;
            };
            let name = r.get("name").and_then(Value::as_str).unwrap_or("");
            let key = r.get("key").and_then(Value::as_str).unwrap_or("");
            match fetch(s, ws, ns, source, name) {
                None if optional(r) => {}
                None => return Some(not_found(source, name)),
                Some(obj) if !has_key(&obj, key) && !optional(r) => {
                    return Some(format!(
                        "couldn't find key {key} in {} {ns}/{name}",
                        source.kind()
                    ))
                }
                Some(_) => {}
            }
        }
    }
    None
}

/// The configuration error of each container, init containers first (the kubelet's order).
pub fn config_errors(s: &Server, ws: &str, pod: &Value) -> Vec<Option<String>> {
    array_at(pod, &["spec", "initContainers"])
        .iter()
        .chain(array_at(pod, &["spec", "containers"]))
        .map(|c| container_config_error(s, ws, pod, c))
        .collect()
}

/// Why a ConfigMap or Secret volume source cannot be set up (its items must name keys it has).
fn source_error(s: &Server, ws: &str, ns: &str, source: Source, v: &Value) -> Option<String> {
    let name_field = if source == Source::Secret {
        "secretName"
    } else {
        "name"
    };
    let name = v.get(name_field).and_then(Value::as_str).unwrap_or("");
    let Some(obj) = fetch(s, ws, ns, source, name) else {
        return (!optional(v)).then(|| not_found(source, name));
    };
    for item in array_at(v, &["items"]) {
        let key = item.get("key").and_then(Value::as_str).unwrap_or("");
        if !has_key(&obj, key) && !optional(v) {
            return Some(match source {
                Source::ConfigMap => format!("configmap references non-existent config key: {key}"),
                Source::Secret => format!("references non-existent secret key: {key}"),
            });
        }
    }
    None
}

/// What stops the pod's volumes from being mounted on `node`: `FailedMount` messages of
/// volumes whose set-up fails, and the names of volumes still waiting (unbound claims,
/// volumes not attached yet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mounts {
    pub failed: Vec<String>,
    pub unmounted: Vec<String>,
    pub unattached: Vec<String>,
}

impl Mounts {
    /// Every volume can be mounted.
    pub fn ready(&self) -> bool {
        self.failed.is_empty() && self.unmounted.is_empty()
    }

    /// The timeout message (`Unable to attach or mount volumes: unmounted volumes=[a b],
    /// unattached volumes=[a]: timed out waiting for the condition`).
    pub fn timeout_message(&self) -> String {
        let mut unmounted = self.unmounted.clone();
        let mut unattached = self.unattached.clone();
        unmounted.sort();
        unattached.sort();
        format!(
            "Unable to attach or mount volumes: unmounted volumes=[{}], unattached volumes=[{}]: timed out waiting for the condition",
            unmounted.join(" "),
            unattached.join(" ")
        )
    }
}

/// The volume manager's view of the pod's volumes on `node`.
pub fn mounts(s: &Server, ws: &str, pod: &Value, node: &str) -> Mounts {
    let ns = object::namespace(pod);
    let mut m = Mounts::default();
    let claims = pod_claims(pod);
    for v in array_at(pod, &["spec", "volumes"]) {
        let name = v.get("name").and_then(Value::as_str).unwrap_or("");
        let set_up = |e: String| format!("MountVolume.SetUp failed for volume {name:?} : {e}");
        if let Some(src) = v.get("configMap").filter(|x| !x.is_null()) {
            if let Some(e) = source_error(s, ws, ns, Source::ConfigMap, src) {
                m.failed.push(set_up(e));
                m.unmounted.push(name.to_string());
            }
        } else if let Some(src) = v.get("secret").filter(|x| !x.is_null()) {
            if let Some(e) = source_error(s, ws, ns, Source::Secret, src) {
                m.failed.push(set_up(e));
                m.unmounted.push(name.to_string());
            }
        } else if let Some(p) = v.get("projected").filter(|x| !x.is_null()) {
            let error = array_at(p, &["sources"]).iter().find_map(|src| {
                if let Some(c) = src.get("configMap").filter(|x| !x.is_null()) {
                    source_error(s, ws, ns, Source::ConfigMap, c)
                } else if let Some(c) = src.get("secret").filter(|x| !x.is_null()) {
                    let mut c = c.clone();
                    // A projected secret names itself `name`, not `secretName`.
                    if let Some(n) = c.get("name").cloned() {
                        c["secretName"] = n;
                    }
                    source_error(s, ws, ns, Source::Secret, &c)
                } else {
                    None
                }
            });
            if let Some(e) = error {
                m.failed.push(set_up(e));
                m.unmounted.push(name.to_string());
            }
        } else if let Some(csi) = v.get("csi").filter(|x| !x.is_null()) {
            let d = csi.get("driver").and_then(Value::as_str).unwrap_or("");
            let error = match driver(d) {
                Some(d) => d.check_inline(name).err(),
                None => Some(format!(
                    "MountVolume.NewMounter initialization failed for volume {name:?} : driver name {d} not found in the list of registered CSI drivers"
                )),
            };
            if let Some(e) = error {
                m.failed.push(e);
                m.unmounted.push(name.to_string());
            }
        } else if let Some(pc) = claims.iter().find(|c| c.volume == name) {
            let claim = s
                .get(ws, kind("v1", "PersistentVolumeClaim"), ns, &pc.claim)
                .cloned();
            let bound = claim.as_ref().filter(|c| {
                is_claim_fully_bound(c) && str_at(c, &["status", "phase"]) == Some("Bound")
            });
            let Some(claim) = bound else {
                m.unmounted.push(name.to_string());
                continue;
            };
            let pv_name = str_at(claim, &["spec", "volumeName"]).unwrap_or("");
            let Some(pv) = s.get(ROOT, kind("v1", "PersistentVolume"), "", pv_name) else {
                m.unmounted.push(name.to_string());
                m.unattached.push(name.to_string());
                continue;
            };
            let attach = str_at(pv, &["spec", "csi", "driver"])
                .and_then(driver)
                .is_some_and(|d| d.attach_required);
            let attached = s
                .store
                .list(ROOT, VOLUME_ATTACHMENTS, None)
                .any(|(_, a)| attaches(a, pv_name, node));
            if attach && !attached {
                m.unmounted.push(name.to_string());
                m.unattached.push(name.to_string());
            }
        }
    }
    m
}

/// Whether a pod refers to the ConfigMap or Secret `name` (`kind` `configmaps` or `secrets`)
/// in its environment or volumes.
pub fn refers_to(pod: &Value, resource: &str, name: &str) -> bool {
    let (env_ref, from_ref, vol, vol_name) = if resource == "secrets" {
        ("secretKeyRef", "secretRef", "secret", "secretName")
    } else {
        ("configMapKeyRef", "configMapRef", "configMap", "name")
    };
    let named = |r: Option<&Value>, field: &str| {
        r.and_then(|r| r.get(field)).and_then(Value::as_str) == Some(name)
    };
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    let containers = array_at(spec, &["initContainers"])
        .iter()
        .chain(array_at(spec, &["containers"]));
    for c in containers {
        if array_at(c, &["envFrom"])
            .iter()
            .any(|f| named(f.get(from_ref), "name"))
            || array_at(c, &["env"])
                .iter()
                .any(|e| named(path(e, &["valueFrom", env_ref]), "name"))
        {
            return true;
        }
    }
    array_at(spec, &["volumes"]).iter().any(|v| {
        named(v.get(vol), vol_name)
            || array_at(v, &["projected", "sources"])
                .iter()
                .any(|s| named(s.get(vol), "name"))
    })
}

/// How long one of a pod's volumes lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeLifetime {
    /// The pod's volume name.
    pub name: String,
    /// The volume source (`emptyDir`, `persistentVolumeClaim`, `configMap`, …).
    pub source: String,
    /// Whether what the pod wrote there outlives the pod.
    pub survives_pod: bool,
    /// Where the content lives, in a few words.
    pub storage: String,
}

/// Which of a pod's volumes outlive it: an `emptyDir` (and a generic ephemeral or inline CSI
/// ephemeral volume) is deleted with the pod; a claim's PersistentVolume keeps its content (it
/// names the volume once bound); a `hostPath` stays on the node; ConfigMap, Secret, projected
/// and downward API volumes are views of API objects, rebuilt for each pod.
pub fn lifetimes(s: &Server, ws: &str, pod: &Value) -> Vec<VolumeLifetime> {
    let ns = object::namespace(pod);
    array_at(pod, &["spec", "volumes"])
        .iter()
        .map(|v| {
            let name = v
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let source = v
                .as_object()
                .and_then(|m| {
                    m.keys()
                        .find(|k| k.as_ref() != "name")
                        .map(|k| k.to_string())
                })
                .unwrap_or_default();
            let (survives, storage) = match source.as_str() {
                "emptyDir" => {
                    let medium = path(v, &["emptyDir", "medium"]).and_then(Value::as_str);
                    let place = if medium == Some("Memory") {
                        "tmpfs on the node"
                    } else {
                        "the node's disk"
                    };
                    (false, format!("{place}; deleted with the pod"))
                }
                "persistentVolumeClaim" => {
                    let claim = str_at(v, &["persistentVolumeClaim", "claimName"]).unwrap_or("");
                    let pv = s
                        .get(ws, kind("v1", "PersistentVolumeClaim"), ns, claim)
                        .and_then(|c| str_at(c, &["spec", "volumeName"]))
                        .filter(|n| !n.is_empty());
                    match pv {
                        Some(pv) => (true, format!("PersistentVolume {pv} (claim {claim})")),
                        None => (true, format!("claim {claim} (not bound yet)")),
                    }
                }
                "ephemeral" => (
                    false,
                    "a claim created for the pod and deleted with it".into(),
                ),
                "csi" => (false, "an inline CSI volume, deleted with the pod".into()),
                "hostPath" => (true, "a directory on the node".into()),
                "configMap" | "secret" | "projected" | "downwardAPI" => {
                    (false, "a view of API objects, rebuilt for each pod".into())
                }
                other => (true, format!("the {other} volume's backend")),
            };
            VolumeLifetime {
                name,
                source,
                survives_pod: survives,
                storage,
            }
        })
        .collect()
}
