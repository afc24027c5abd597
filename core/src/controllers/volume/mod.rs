//! The pure parts of persistent storage: the PV controller's decisions (binding, phases,
//! provisioning, reclaim, expansion), the scheduler's volume filters and simulated CSI drivers.
//! No loops live here: each function takes the objects it needs (`Value`s as stored) and
//! returns what upstream would write, delete or report.
//!
//! Upstream sources followed (kubernetes/kubernetes unless noted):
//! - `pkg/controller/volume/persistentvolume/pv_controller.go` (`syncUnboundClaim`,
//!   `syncBoundClaim`, `syncVolume`, `bind`, `unbindVolume`, `reclaimVolume`),
//!   `index.go` (`findBestMatchForClaim`) and
//!   `staging/src/k8s.io/component-helpers/storage/volume/pv_helpers.go` (`FindMatchingVolume`);
//! - `pkg/scheduler/framework/plugins/volumebinding` (`binder.go`, `volume_binding.go`),
//!   `volumezone`, `volumerestrictions`, `nodevolumelimits/csi.go`;
//! - `plugin/pkg/admission/storage/storageclass/setdefault` and
//!   `plugin/pkg/admission/storage/persistentvolume/resize`;
//! - kubernetes-csi/external-provisioner and the AWS EBS/EFS CSI drivers for the simulated
//!   drivers ([`csi`]).
pub mod attach_detach;
pub mod binding;
pub mod controller;
pub mod csi;
pub mod provisioner;
pub mod provisioning;

use crate::api::object;
pub use crate::api::volume::*;
use crate::api::Value;

/// An Event the volume machinery records, on the object it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeEvent {
    /// `PersistentVolumeClaim`, `PersistentVolume` or `Pod`.
    pub kind: &'static str,
    /// Empty for PersistentVolumes.
    pub namespace: String,
    pub name: String,
    pub warning: bool,
    pub reason: &'static str,
    pub message: String,
}

impl VolumeEvent {
    /// A Normal event.
    pub fn normal(obj: &Value, reason: &'static str, message: impl Into<String>) -> VolumeEvent {
        VolumeEvent::new(obj, false, reason, message)
    }

    /// A Warning event.
    pub fn warning(obj: &Value, reason: &'static str, message: impl Into<String>) -> VolumeEvent {
        VolumeEvent::new(obj, true, reason, message)
    }

    fn new(
        obj: &Value,
        warning: bool,
        reason: &'static str,
        message: impl Into<String>,
    ) -> VolumeEvent {
        let kind = match object::kind(obj) {
            "PersistentVolume" => "PersistentVolume",
            "Pod" => "Pod",
            _ => "PersistentVolumeClaim",
        };
        VolumeEvent {
            kind,
            namespace: object::namespace(obj).to_string(),
            name: object::name(obj).to_string(),
            warning,
            reason,
            message: message.into(),
        }
    }
}

#[cfg(test)]
pub(crate) use crate::api::volume::testing;
