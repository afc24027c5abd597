//! What an EKS node of a given instance type looks like to Kubernetes: its pod limit, the
//! resources kubelet reserves, its capacity and allocatable, and the labels it carries.
//!
//! The formulas are karpenter-provider-aws v1.13.0 `pkg/providers/instancetype/types.go`
//! (`NewInstanceType`, `computeCapacity`, `memory`, `pods`, `ENILimitedPods`,
//! `kubeReservedResources`, `evictionThreshold`, `computeRequirements`), which mirror what the
//! EKS-optimized AMIs configure kubelet with (amazon-eks-ami `nodeadm`: max pods from
//! `eni-max-pods.txt`, kube-reserved from the same CPU ladder and `11·pods + 255` MiB).
//!
//! **Max pods.** `ENIs × (IPv4 per ENI − 1) + 2`: each ENI's first address is the ENI's own,
//! and the `+2` counts the host-network pods (aws-node, kube-proxy) that use no pod IP
//! (header of aws/amazon-vpc-cni-k8s `misc/eni-max-pods.txt`). So t3.medium 17, t3.large 35,
//! m5.large 29, m5.xlarge 58, m5.4xlarge 234.
//!
//! The figure "m5.large = 39" that circulates in blog posts is wrong under either formula:
//! 39 = 4 × 10 − 1 assumes four ENIs, but an m5.large has three (limits.go), so it is
//! 3 × (10 − 1) + 2 = 29. The shorthand `ENIs × IPs − 1` also only agrees with the real
//! formula when there are exactly three ENIs (`ENIs·(IPs−1)+2 = ENIs·IPs − ENIs + 2`): for
//! m5.xlarge (4 × 15) it gives 59 where EKS sets 58.
//!
//! **Memory.** The catalog's memory minus 64 MiB on Graviton (CMA reserved), minus the
//! `vm-memory-overhead-percent` (0.075, rounded up to a MiB) Karpenter assumes the hypervisor
//! and kernel take. A real node reports the kernel's MemTotal, which differs a little; kplane
//! reports Karpenter's estimate so that capacity and Karpenter's bin-packing agree.
//!
//! **Allocatable** = capacity − kube-reserved − system-reserved − hard eviction thresholds
//! (100Mi memory, 10 % of the root volume), as Karpenter's `InstanceType.Allocatable()`.
use super::catalog::{self, CapacityType, InstanceTypeInfo};
use crate::api::quantity::{format_bytes, format_cpu_milli};
use crate::api::{Map, Value};
use std::collections::BTreeMap;

const MI: i64 = 1 << 20;
const GI: i64 = 1 << 30;

/// Karpenter's `--vm-memory-overhead-percent` default (karpenter-provider-aws
/// `pkg/operator/options/options.go`).
pub const VM_MEMORY_OVERHEAD_PERCENT: f64 = 0.075;

/// The hard eviction threshold for `memory.available`: 100Mi (`evictionThreshold`).
pub const EVICTION_HARD_MEMORY_BYTES: i64 = 100 * MI;

/// The hard eviction threshold for `nodefs.available`: 10 % of the root volume.
pub const EVICTION_HARD_NODEFS_PERCENT: f64 = 10.0;

/// kube-reserved ephemeral storage: 1Gi (`kubeReservedResources`).
pub const KUBE_RESERVED_EPHEMERAL_STORAGE_BYTES: i64 = GI;

/// The default EBS root volume: 20Gi (`amifamily.DefaultEBS`).
pub const DEFAULT_ROOT_VOLUME_BYTES: i64 = 20 * GI;

/// Pods per node when the AMI does not use ENI-limited pod density (kubelet's default).
pub const DEFAULT_MAX_PODS: i64 = 110;

/// Seconds from the launch request (CreateFleet) until the instance is running and its
/// NodeClaim is `Launched`. CreateFleet in `instant` mode answers within seconds; Karpenter
/// gives up after `launchTimeout` = 5 min (kubernetes-sigs/karpenter v1.13.0
/// `pkg/controllers/nodeclaim/lifecycle/liveness.go`).
pub const LAUNCH_SECONDS: i64 = 5;

/// Seconds from a running instance until kubelet registers the Node (boot, nodeadm, TLS
/// bootstrap). Karpenter gives up after `registrationTimeout` = 15 min (`liveness.go`).
pub const REGISTRATION_SECONDS: i64 = 30;

/// Seconds from registration until the Node is `Ready` (the VPC CNI's aws-node pod and
/// kube-proxy start, the CNI is initialized). Typical EC2-launch-to-Ready on EKS with
/// AL2023 is 45-65 s (KubeFM, "Faster EKS Node and Pod Startup", Feb 2026: 65 s cut to
/// 45 s at ~1,000 nodes); "Linux nodes only take 30s to become available" is quoted for
/// small AMIs. kplane totals [`LAUNCH_SECONDS`] + [`REGISTRATION_SECONDS`] + this = 45 s.
pub const READY_SECONDS: i64 = 10;

/// The AMI family of an EC2NodeClass (`amiSelectorTerms[].alias` or `amiFamily`), with the
/// feature flags karpenter-provider-aws gives each (`pkg/providers/amifamily`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AmiFamily {
    /// Amazon Linux 2.
    Al2,
    /// Amazon Linux 2023 (the default of current EKS guides: `alias: al2023@latest`).
    #[default]
    Al2023,
    /// Bottlerocket.
    Bottlerocket,
    /// Windows Server 2019.
    Windows2019,
    /// Windows Server 2022.
    Windows2022,
    /// Windows Server 2025.
    Windows2025,
    /// A custom AMI (`amiFamily: Custom`, or selector terms without an alias).
    Custom,
}

impl AmiFamily {
    /// The family by its API name (`AL2023`, `Bottlerocket`, …).
    pub fn parse(name: &str) -> Option<AmiFamily> {
        Some(match name {
            "AL2" => AmiFamily::Al2,
            "AL2023" => AmiFamily::Al2023,
            "Bottlerocket" => AmiFamily::Bottlerocket,
            "Windows2019" => AmiFamily::Windows2019,
            "Windows2022" => AmiFamily::Windows2022,
            "Windows2025" => AmiFamily::Windows2025,
            "Custom" => AmiFamily::Custom,
            _ => return None,
        })
    }

    /// The family of an alias (`al2023@latest`), as `amiFamilyFromAlias`: the lower-cased
    /// family name before the single `@`.
    pub fn from_alias(alias: &str) -> Option<AmiFamily> {
        let (family, _version) = alias.split_once('@')?;
        if family.is_empty() || alias.matches('@').count() != 1 {
            return None;
        }
        [
            AmiFamily::Al2,
            AmiFamily::Al2023,
            AmiFamily::Bottlerocket,
            AmiFamily::Windows2019,
            AmiFamily::Windows2022,
            AmiFamily::Windows2025,
        ]
        .into_iter()
        .find(|f| f.name().to_ascii_lowercase() == family)
    }

    /// The API name (`AL2023`).
    pub fn name(self) -> &'static str {
        match self {
            AmiFamily::Al2 => "AL2",
            AmiFamily::Al2023 => "AL2023",
            AmiFamily::Bottlerocket => "Bottlerocket",
            AmiFamily::Windows2019 => "Windows2019",
            AmiFamily::Windows2022 => "Windows2022",
            AmiFamily::Windows2025 => "Windows2025",
            AmiFamily::Custom => "Custom",
        }
    }

    fn is_windows(self) -> bool {
        matches!(
            self,
            AmiFamily::Windows2019 | AmiFamily::Windows2022 | AmiFamily::Windows2025
        )
    }

    /// `FeatureFlags().UsesENILimitedMemoryOverhead`: kube-reserved memory counts the
    /// ENI-limited pods even when `maxPods` is set (all but Bottlerocket and Windows).
    pub fn uses_eni_limited_memory_overhead(self) -> bool {
        !self.is_windows() && self != AmiFamily::Bottlerocket
    }

    /// `FeatureFlags().PodsPerCoreEnabled` (all but Bottlerocket).
    pub fn pods_per_core_enabled(self) -> bool {
        self != AmiFamily::Bottlerocket
    }

    /// `FeatureFlags().SupportsENILimitedPodDensity` (all but Windows).
    pub fn supports_eni_limited_pod_density(self) -> bool {
        !self.is_windows()
    }

    /// `EphemeralBlockDevice()`: the device whose volume holds pods' ephemeral storage.
    pub fn ephemeral_block_device(self) -> Option<&'static str> {
        match self {
            AmiFamily::Al2 | AmiFamily::Al2023 => Some("/dev/xvda"),
            AmiFamily::Bottlerocket => Some("/dev/xvdb"),
            AmiFamily::Windows2019 | AmiFamily::Windows2022 | AmiFamily::Windows2025 => {
                Some("/dev/sda1")
            }
            AmiFamily::Custom => None,
        }
    }

    /// The size of the default ephemeral volume (`DefaultBlockDeviceMappings`): 20Gi, 50Gi
    /// for Windows.
    pub fn default_ephemeral_storage_bytes(self) -> i64 {
        if self.is_windows() {
            50 * GI
        } else {
            DEFAULT_ROOT_VOLUME_BYTES
        }
    }

    /// `kubernetes.io/os` of nodes of this family.
    pub fn os(self) -> &'static str {
        if self.is_windows() {
            "windows"
        } else {
            "linux"
        }
    }

    /// `node.kubernetes.io/windows-build` of Windows families.
    pub fn windows_build(self) -> Option<&'static str> {
        match self {
            AmiFamily::Windows2019 => Some("10.0.17763"),
            AmiFamily::Windows2022 => Some("10.0.20348"),
            AmiFamily::Windows2025 => Some("10.0.26100"),
            _ => None,
        }
    }
}

/// An eviction signal value: a quantity or a percentage of capacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EvictionSignal {
    /// An absolute amount, in bytes.
    Bytes(i64),
    /// A percentage of the resource's capacity (`100%` disables the threshold).
    Percent(f64),
}

impl EvictionSignal {
    /// `computeEvictionSignal`: the reserved amount for a resource of `capacity` bytes.
    pub fn amount(self, capacity: i64) -> i64 {
        match self {
            EvictionSignal::Bytes(b) => b,
            EvictionSignal::Percent(p) => {
                let p = if p == 100.0 { 0.0 } else { p };
                (capacity as f64 / 100.0 * p).ceil() as i64
            }
        }
    }
}

/// `kubeReserved` / `systemReserved` entries of an EC2NodeClass's `spec.kubelet`; unset
/// entries keep the computed defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reserved {
    /// `cpu`, in millicores.
    pub cpu_milli: Option<i64>,
    /// `memory`, in bytes.
    pub memory_bytes: Option<i64>,
    /// `ephemeral-storage`, in bytes.
    pub ephemeral_storage_bytes: Option<i64>,
}

/// The kubelet settings of an EC2NodeClass (`spec.kubelet`) that change a node's shape.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct KubeletConfig {
    /// `maxPods`.
    pub max_pods: Option<i64>,
    /// `podsPerCore` (ignored when 0, and on Bottlerocket).
    pub pods_per_core: Option<i64>,
    /// `kubeReserved`.
    pub kube_reserved: Reserved,
    /// `systemReserved`.
    pub system_reserved: Reserved,
    /// `evictionHard["memory.available"]`.
    pub eviction_hard_memory: Option<EvictionSignal>,
    /// `evictionHard["nodefs.available"]`.
    pub eviction_hard_nodefs: Option<EvictionSignal>,
}

/// Everything about a node class that shapes its nodes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NodeConfig {
    /// The AMI family.
    pub ami_family: AmiFamily,
    /// Kubelet overrides.
    pub kubelet: KubeletConfig,
    /// The ephemeral storage volume when the node class sets one (a root-volume block device
    /// mapping); None for the AMI family's default.
    pub ephemeral_storage_bytes: Option<i64>,
    /// `instanceStorePolicy: RAID0`: ephemeral storage is the instance's local NVMe.
    pub instance_store_raid0: bool,
    /// Karpenter's `--reserved-enis` (default 0).
    pub reserved_enis: i64,
}

/// `ENILimitedPods`: `usable ENIs × (IPv4 per ENI − 1) + 2`, 0 when no ENI is usable.
pub fn eni_limited_pods(it: &InstanceTypeInfo, reserved_enis: i64) -> i64 {
    let usable = (i64::from(it.enis).saturating_sub(reserved_enis)).max(0);
    if usable == 0 {
        return 0;
    }
    usable * (i64::from(it.ipv4_per_eni) - 1) + 2
}

/// `pods`: kubelet `maxPods` when set, else the ENI-limited count (110 for AMIs without
/// ENI-limited density), then at most `podsPerCore × vCPUs` when `podsPerCore > 0`.
pub fn max_pods(it: &InstanceTypeInfo, config: &NodeConfig) -> i64 {
    let family = config.ami_family;
    let mut count = match config.kubelet.max_pods {
        Some(m) => m,
        None if family.supports_eni_limited_pod_density() => {
            eni_limited_pods(it, config.reserved_enis)
        }
        None => DEFAULT_MAX_PODS,
    };
    if let Some(ppc) = config.kubelet.pods_per_core {
        if ppc > 0 && family.pods_per_core_enabled() {
            count = count.min(ppc.saturating_mul(i64::from(it.vcpu)));
        }
    }
    count
}

/// kube-reserved CPU in millicores for `vcpu` cores (`kubeReservedResources`, after
/// Bottlerocket PR #1388): 6 % of the first core, 1 % of the second, 0.5 % of cores 3-4,
/// 0.25 % of the rest (m5.large: 70m). Each step is truncated as Go's `int64(float)` does.
pub fn kube_reserved_cpu_milli(vcpu: u32) -> i64 {
    let cpu = i64::from(vcpu) * 1000;
    [
        (0i64, 1000i64, 0.06f64),
        (1000, 2000, 0.01),
        (2000, 4000, 0.005),
        (4000, 1 << 31, 0.0025),
    ]
    .iter()
    .filter(|(start, _, _)| cpu >= *start)
    .map(|&(start, end, pct)| {
        let r = if cpu < end { cpu - start } else { end - start };
        (r as f64 * pct) as i64
    })
    .sum()
}

/// kube-reserved memory for a node of `pods` pods: `11 × pods + 255` MiB (m5.large, 29 pods:
/// 574Mi).
pub fn kube_reserved_memory_bytes(pods: i64) -> i64 {
    pods.saturating_mul(11)
        .saturating_add(255)
        .saturating_mul(MI)
}

/// `memory`: the catalog's memory (less 64 MiB CMA on Graviton) less the VM overhead
/// (`ceil(bytes × 0.075 / 2^20)` MiB), in bytes.
pub fn memory_capacity_bytes(it: &InstanceTypeInfo) -> i64 {
    let mut mib = it.memory_mib as i64;
    if it.arch == catalog::Arch::Arm64 {
        mib -= 64;
    }
    let bytes = mib * MI;
    let overhead_mib = (bytes as f64 * VM_MEMORY_OVERHEAD_PERCENT / 1024.0 / 1024.0).ceil() as i64;
    bytes - overhead_mib * MI
}

/// `ephemeralStorage`: local NVMe (decimal GB) under `instanceStorePolicy: RAID0`, else the
/// node class's volume, else the AMI family's default volume.
pub fn ephemeral_storage_bytes(it: &InstanceTypeInfo, config: &NodeConfig) -> i64 {
    if config.instance_store_raid0 && it.local_nvme_gb > 0 {
        return i64::from(it.local_nvme_gb) * 1_000_000_000;
    }
    config
        .ephemeral_storage_bytes
        .unwrap_or_else(|| config.ami_family.default_ephemeral_storage_bytes())
}

/// One resource list of a node, in canonical units (millicores, bytes, counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NodeResources {
    /// `cpu`, millicores.
    pub cpu_milli: i64,
    /// `memory`, bytes.
    pub memory_bytes: i64,
    /// `ephemeral-storage`, bytes.
    pub ephemeral_storage_bytes: i64,
    /// `pods`.
    pub pods: i64,
    /// `nvidia.com/gpu`.
    pub nvidia_gpus: i64,
    /// `vpc.amazonaws.com/pod-eni`.
    pub pod_enis: i64,
    /// `vpc.amazonaws.com/efa`.
    pub efas: i64,
}

impl NodeResources {
    /// The resource list as Kubernetes writes it, with every non-zero entry, as Karpenter
    /// reports a NodeClaim's `status.capacity`/`allocatable` (EFA is left out as Karpenter
    /// leaves it out unless an EFA interface was requested).
    pub fn to_karpenter_value(&self) -> Value {
        let mut m = Map::new();
        for (name, v) in self.entries() {
            if v != 0 && name != "vpc.amazonaws.com/efa" {
                m.insert(name, quantity(name, v));
            }
        }
        Value::Object(m)
    }

    /// The resource list a real EKS node's kubelet reports in `status.capacity` or
    /// `status.allocatable`: cpu, ephemeral-storage, hugepages-1Gi, hugepages-2Mi, memory,
    /// pods, and `nvidia.com/gpu` on GPU nodes (the NVIDIA device plugin of the accelerated
    /// AMI). `pod-eni` appears only with security groups for pods enabled, so it is left
    /// out. Negative values are reported as 0, as kubelet clamps allocatable.
    pub fn to_node_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("cpu", quantity("cpu", self.cpu_milli.max(0)));
        m.insert(
            "ephemeral-storage",
            quantity("ephemeral-storage", self.ephemeral_storage_bytes.max(0)),
        );
        m.insert("hugepages-1Gi", Value::from("0"));
        m.insert("hugepages-2Mi", Value::from("0"));
        m.insert("memory", quantity("memory", self.memory_bytes.max(0)));
        if self.nvidia_gpus > 0 {
            m.insert("nvidia.com/gpu", quantity("", self.nvidia_gpus));
        }
        m.insert("pods", quantity("pods", self.pods.max(0)));
        Value::Object(m)
    }

    fn entries(&self) -> [(&'static str, i64); 7] {
        [
            ("cpu", self.cpu_milli),
            ("ephemeral-storage", self.ephemeral_storage_bytes),
            ("memory", self.memory_bytes),
            ("nvidia.com/gpu", self.nvidia_gpus),
            ("pods", self.pods),
            ("vpc.amazonaws.com/efa", self.efas),
            ("vpc.amazonaws.com/pod-eni", self.pod_enis),
        ]
    }
}

/// A quantity string: CPU as `1930m`/`2`, memory and storage in the largest exact binary
/// unit (`6903Mi`, `17Gi`), counts as integers.
fn quantity(name: &str, v: i64) -> Value {
    Value::from(match name {
        "cpu" => format_cpu_milli(v),
        "memory" | "ephemeral-storage" => format_bytes(v),
        _ => v.to_string(),
    })
}

/// The shape of a node: capacity, what is held back, and allocatable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeShape {
    /// The instance type.
    pub instance_type: &'static InstanceTypeInfo,
    /// `status.capacity`.
    pub capacity: NodeResources,
    /// kube-reserved (cpu, memory, ephemeral-storage).
    pub kube_reserved: NodeResources,
    /// system-reserved (cpu, memory, ephemeral-storage).
    pub system_reserved: NodeResources,
    /// Hard eviction thresholds (memory, ephemeral-storage).
    pub eviction_threshold: NodeResources,
    /// `status.allocatable` = capacity − kube-reserved − system-reserved − eviction threshold
    /// (Karpenter's `InstanceType.Allocatable()`; may be negative for absurd reservations).
    pub allocatable: NodeResources,
}

/// The shape of a node of `it` configured by `config` (`NewInstanceType`).
pub fn node_shape(it: &'static InstanceTypeInfo, config: &NodeConfig) -> NodeShape {
    let family = config.ami_family;
    let memory = memory_capacity_bytes(it);
    let storage = ephemeral_storage_bytes(it, config);
    let pods = max_pods(it, config);
    let capacity = NodeResources {
        cpu_milli: i64::from(it.vcpu) * 1000,
        memory_bytes: memory,
        ephemeral_storage_bytes: storage,
        pods,
        nvidia_gpus: it
            .gpu
            .filter(|g| g.manufacturer == "nvidia")
            .map_or(0, |g| i64::from(g.count)),
        pod_enis: i64::from(it.pod_enis),
        efas: i64::from(it.efas),
    };
    let reserved_pods = if family.uses_eni_limited_memory_overhead() {
        eni_limited_pods(it, 0)
    } else {
        pods
    };
    let kr = config.kubelet.kube_reserved;
    let kube_reserved = NodeResources {
        cpu_milli: kr
            .cpu_milli
            .unwrap_or_else(|| kube_reserved_cpu_milli(it.vcpu)),
        memory_bytes: kr
            .memory_bytes
            .unwrap_or_else(|| kube_reserved_memory_bytes(reserved_pods)),
        ephemeral_storage_bytes: kr
            .ephemeral_storage_bytes
            .unwrap_or(KUBE_RESERVED_EPHEMERAL_STORAGE_BYTES),
        ..NodeResources::default()
    };
    let sr = config.kubelet.system_reserved;
    let system_reserved = NodeResources {
        cpu_milli: sr.cpu_milli.unwrap_or(0),
        memory_bytes: sr.memory_bytes.unwrap_or(0),
        ephemeral_storage_bytes: sr.ephemeral_storage_bytes.unwrap_or(0),
        ..NodeResources::default()
    };
    let eviction_threshold = NodeResources {
        memory_bytes: config
            .kubelet
            .eviction_hard_memory
            .map_or(EVICTION_HARD_MEMORY_BYTES, |s| s.amount(memory)),
        ephemeral_storage_bytes: config.kubelet.eviction_hard_nodefs.map_or_else(
            || EvictionSignal::Percent(EVICTION_HARD_NODEFS_PERCENT).amount(storage),
            |s| s.amount(storage),
        ),
        ..NodeResources::default()
    };
    let minus = |c: i64, f: fn(&NodeResources) -> i64| {
        c.saturating_sub(f(&kube_reserved))
            .saturating_sub(f(&system_reserved))
            .saturating_sub(f(&eviction_threshold))
    };
    let allocatable = NodeResources {
        cpu_milli: minus(capacity.cpu_milli, |r| r.cpu_milli),
        memory_bytes: minus(capacity.memory_bytes, |r| r.memory_bytes),
        ephemeral_storage_bytes: minus(capacity.ephemeral_storage_bytes, |r| {
            r.ephemeral_storage_bytes
        }),
        ..capacity
    };
    NodeShape {
        instance_type: it,
        capacity,
        kube_reserved,
        system_reserved,
        eviction_threshold,
        allocatable,
    }
}

/// `status.capacity` and `status.allocatable` of a Node of instance type `name` (what a Node
/// applied with only `node.kubernetes.io/instance-type` gets), None for a type the catalog
/// does not have.
pub fn node_status_resources(name: &str, config: &NodeConfig) -> Option<(Value, Value)> {
    let shape = node_shape(catalog::get(name)?, config);
    Some((
        shape.capacity.to_node_value(),
        shape.allocatable.to_node_value(),
    ))
}

/// The labels an EKS node launched by Karpenter carries, before Karpenter's own
/// (`karpenter.sh/nodepool`, `karpenter.sh/registered`, `karpenter.sh/initialized`,
/// `karpenter.k8s.aws/ec2nodeclass`, the NodePool template's labels) and before
/// `kubernetes.io/hostname`:
/// - every single-valued requirement of the instance type plus zone, zone ID, capacity type
///   and tenancy (karpenter-provider-aws `instanceToNodeClaim`);
/// - `beta.kubernetes.io/arch` and `beta.kubernetes.io/os` (kubelet) and
///   `beta.kubernetes.io/instance-type`, `failure-domain.beta.kubernetes.io/region`/`zone`
///   (the AWS cloud controller manager), which real EKS nodes still carry.
pub fn node_labels(
    it: &InstanceTypeInfo,
    zone: &str,
    capacity_type: CapacityType,
    config: &NodeConfig,
) -> BTreeMap<String, String> {
    let mut l: BTreeMap<String, String> = BTreeMap::new();
    let mut set = |k: &str, v: &str| {
        l.insert(k.to_string(), v.to_string());
    };
    let os = config.ami_family.os();
    set("node.kubernetes.io/instance-type", it.name);
    set("beta.kubernetes.io/instance-type", it.name);
    set("kubernetes.io/arch", it.arch.as_str());
    set("beta.kubernetes.io/arch", it.arch.as_str());
    set("kubernetes.io/os", os);
    set("beta.kubernetes.io/os", os);
    set("topology.kubernetes.io/region", catalog::REGION);
    set("failure-domain.beta.kubernetes.io/region", catalog::REGION);
    set("topology.kubernetes.io/zone", zone);
    set("failure-domain.beta.kubernetes.io/zone", zone);
    if let Some(id) = catalog::zone_id(zone) {
        set("topology.k8s.aws/zone-id", id);
    }
    set("karpenter.sh/capacity-type", capacity_type.as_str());
    if let Some(build) = config.ami_family.windows_build() {
        set("node.kubernetes.io/windows-build", build);
    }
    let aws = |s: &str| format!("karpenter.k8s.aws/instance-{s}");
    set(&aws("tenancy"), "default");
    set(&aws("cpu"), &it.vcpu.to_string());
    set(&aws("cpu-manufacturer"), it.cpu_manufacturer);
    set(
        &aws("cpu-sustained-clock-speed-mhz"),
        &it.cpu_clock_mhz.to_string(),
    );
    set(&aws("memory"), &it.memory_mib.to_string());
    set(&aws("ebs-bandwidth"), &it.ebs_bandwidth_mbps.to_string());
    set(
        &aws("network-bandwidth"),
        &it.network_bandwidth_mbps.to_string(),
    );
    set(&aws("hypervisor"), it.hypervisor);
    set(
        &aws("encryption-in-transit-supported"),
        if it.encryption_in_transit {
            "true"
        } else {
            "false"
        },
    );
    if let Some((category, generation)) = it.category_and_generation() {
        set(&aws("category"), category);
        set(&aws("generation"), generation);
    }
    set(&aws("family"), it.family());
    set(&aws("size"), it.size());
    set(&aws("capability-flex"), "false");
    if it.local_nvme_gb > 0 {
        set(&aws("local-nvme"), &it.local_nvme_gb.to_string());
    }
    if let Some(gpu) = it.gpu {
        set(&aws("gpu-name"), gpu.name);
        set(&aws("gpu-manufacturer"), gpu.manufacturer);
        set(&aws("gpu-count"), &gpu.count.to_string());
        set(&aws("gpu-memory"), &gpu.memory_mib.to_string());
    }
    l
}

/// The EC2 private DNS name of an address in us-east-1 (`ip-10-0-1-23.ec2.internal`), which
/// EKS nodes use as their name and `kubernetes.io/hostname`.
pub fn private_dns_name(ip: [u8; 4]) -> String {
    format!("ip-{}-{}-{}-{}.ec2.internal", ip[0], ip[1], ip[2], ip[3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn it(name: &str) -> &'static InstanceTypeInfo {
        catalog::get(name).unwrap_or_else(|| panic!("{name} in the catalog"))
    }

    /// The reference's max-pods table (section 8) and eni-max-pods.txt.
    #[test]
    fn max_pods_follow_the_eni_formula() {
        let default = NodeConfig::default();
        for (name, pods) in [
            ("t3.medium", 17),
            ("t3.large", 35),
            ("m5.large", 29),
            ("m5.xlarge", 58),
            ("m5.2xlarge", 58),
            ("m5.4xlarge", 234),
            ("t3.nano", 4),
            ("m5.metal", 737),
        ] {
            assert_eq!(max_pods(it(name), &default), pods, "{name}");
        }
    }

    /// The blog's "m5.large = 39" assumes four ENIs (4 × 10 − 1); the shorthand ENIs × IPs − 1
    /// only matches the real formula with three ENIs.
    #[test]
    fn the_seed_figure_of_39_for_m5_large_is_wrong() {
        let m5 = it("m5.large");
        assert_eq!(m5.enis, 3);
        assert_ne!(eni_limited_pods(m5, 0), 39);
        assert_eq!(4 * m5.ipv4_per_eni - 1, 39);
        let xl = it("m5.xlarge");
        assert_eq!(xl.enis * xl.ipv4_per_eni - 1, 59);
        assert_eq!(eni_limited_pods(xl, 0), 58);
    }

    /// kubelet `maxPods`/`podsPerCore` as karpenter-provider-aws `pods` applies them.
    #[test]
    fn kubelet_overrides_of_pods() {
        let cfg = |max_pods, pods_per_core, family| NodeConfig {
            ami_family: family,
            kubelet: KubeletConfig {
                max_pods,
                pods_per_core,
                ..KubeletConfig::default()
            },
            ..NodeConfig::default()
        };
        let m5 = it("m5.large");
        assert_eq!(max_pods(m5, &cfg(Some(110), None, AmiFamily::Al2023)), 110);
        assert_eq!(max_pods(m5, &cfg(None, Some(4), AmiFamily::Al2023)), 8);
        assert_eq!(max_pods(m5, &cfg(Some(110), Some(4), AmiFamily::Al2023)), 8);
        assert_eq!(max_pods(m5, &cfg(None, Some(0), AmiFamily::Al2023)), 29);
        // Bottlerocket ignores podsPerCore; Windows has no ENI-limited density.
        assert_eq!(
            max_pods(m5, &cfg(None, Some(4), AmiFamily::Bottlerocket)),
            29
        );
        assert_eq!(max_pods(m5, &cfg(None, None, AmiFamily::Windows2022)), 110);
        // --reserved-enis.
        let reserved = NodeConfig {
            reserved_enis: 1,
            ..NodeConfig::default()
        };
        assert_eq!(max_pods(m5, &reserved), 20);
        let all = NodeConfig {
            reserved_enis: 3,
            ..NodeConfig::default()
        };
        assert_eq!(max_pods(m5, &all), 0);
    }

    /// The CPU ladder (types.go `kubeReservedResources`) on the reference's vectors and the
    /// instance-type reference's allocatable CPU (2 vCPU → 1930m, 4 → 3920m, 96 → 95690m).
    #[test]
    fn kube_reserved_cpu_ladder() {
        for (vcpu, reserved) in [
            (1, 60),
            (2, 70),
            (4, 80),
            (8, 90),
            (16, 110),
            (48, 190),
            (96, 310),
            (128, 390),
        ] {
            assert_eq!(kube_reserved_cpu_milli(vcpu), reserved, "{vcpu} vCPU");
        }
    }

    /// m5.large: 70m and 574Mi kube-reserved, 100Mi eviction; allocatable 1930m / 6903Mi /
    /// 17Gi / 29 as karpenter-provider-aws's instance-type reference lists it.
    #[test]
    fn m5_large_shape() {
        let s = node_shape(it("m5.large"), &NodeConfig::default());
        assert_eq!(s.kube_reserved.cpu_milli, 70);
        assert_eq!(s.kube_reserved.memory_bytes, 574 * MI);
        assert_eq!(s.eviction_threshold.memory_bytes, 100 * MI);
        assert_eq!(s.capacity.memory_bytes, 7577 * MI);
        assert_eq!(
            s.capacity.to_karpenter_value(),
            json!({"cpu": "2", "ephemeral-storage": "20Gi", "memory": "7577Mi", "pods": "29",
                   "vpc.amazonaws.com/pod-eni": "9"})
        );
        assert_eq!(
            s.allocatable.to_karpenter_value(),
            json!({"cpu": "1930m", "ephemeral-storage": "17Gi", "memory": "6903Mi", "pods": "29",
                   "vpc.amazonaws.com/pod-eni": "9"})
        );
    }

    /// Every type's allocatable cpu/memory/pods equals the karpenter-provider-aws v1.13.0
    /// instance-type reference (`website/content/en/docs/reference/instance-types.md`,
    /// AL2023, no block device mappings).
    #[test]
    fn allocatable_matches_karpenters_instance_type_reference() {
        #[rustfmt::skip]
        let cases: &[(&str, &str, &str, i64)] = &[
            // BEGIN REFERENCE
            ("t3.nano", "1930m", "74Mi", 4),
            ("t3.micro", "1930m", "548Mi", 4),
            ("t3.small", "1930m", "1418Mi", 11),
            ("t3.medium", "1930m", "3246Mi", 17),
            ("t3.large", "1930m", "6837Mi", 35),
            ("t3.xlarge", "3920m", "14162Mi", 58),
            ("t3.2xlarge", "7910m", "29317Mi", 58),
            ("t3a.nano", "1930m", "74Mi", 4),
            ("t3a.micro", "1930m", "548Mi", 4),
            ("t3a.small", "1930m", "1451Mi", 8),
            ("t3a.medium", "1930m", "3246Mi", 17),
            ("t3a.large", "1930m", "6837Mi", 35),
            ("t3a.xlarge", "3920m", "14162Mi", 58),
            ("t3a.2xlarge", "7910m", "29317Mi", 58),
            ("m5.large", "1930m", "6903Mi", 29),
            ("m5.xlarge", "3920m", "14162Mi", 58),
            ("m5.2xlarge", "7910m", "29317Mi", 58),
            ("m5.4xlarge", "15890m", "57691Mi", 234),
            ("m5.8xlarge", "31850m", "118312Mi", 234),
            ("m5.12xlarge", "47810m", "178933Mi", 234),
            ("m5.16xlarge", "63770m", "234021Mi", 737),
            ("m5.24xlarge", "95690m", "355262Mi", 737),
            ("m5.metal", "95690m", "355262Mi", 737),
            ("m6i.large", "1930m", "6903Mi", 29),
            ("m6i.xlarge", "3920m", "14162Mi", 58),
            ("m6i.2xlarge", "7910m", "29317Mi", 58),
            ("m6i.4xlarge", "15890m", "57691Mi", 234),
            ("m6i.8xlarge", "31850m", "118312Mi", 234),
            ("m6i.12xlarge", "47810m", "178933Mi", 234),
            ("m6i.16xlarge", "63770m", "234021Mi", 737),
            ("m6i.24xlarge", "95690m", "355262Mi", 737),
            ("m6i.32xlarge", "127610m", "476504Mi", 737),
            ("m6i.metal", "127610m", "476504Mi", 737),
            ("m7g.medium", "940m", "3286Mi", 8),
            ("m7g.large", "1930m", "6844Mi", 29),
            ("m7g.xlarge", "3920m", "14103Mi", 58),
            ("m7g.2xlarge", "7910m", "29258Mi", 58),
            ("m7g.4xlarge", "15890m", "57632Mi", 234),
            ("m7g.8xlarge", "31850m", "118253Mi", 234),
            ("m7g.12xlarge", "47810m", "178874Mi", 234),
            ("m7g.16xlarge", "63770m", "233962Mi", 737),
            ("m7g.metal", "63770m", "233962Mi", 737),
            ("c5.large", "1930m", "3114Mi", 29),
            ("c5.xlarge", "3920m", "6584Mi", 58),
            ("c5.2xlarge", "7910m", "14162Mi", 58),
            ("c5.4xlarge", "15890m", "27381Mi", 234),
            ("c5.9xlarge", "35840m", "65269Mi", 234),
            ("c5.12xlarge", "47810m", "88002Mi", 234),
            ("c5.18xlarge", "71750m", "127934Mi", 737),
            ("c5.24xlarge", "95690m", "173400Mi", 737),
            ("c5.metal", "95690m", "173400Mi", 737),
            ("c6i.large", "1930m", "3114Mi", 29),
            ("c6i.xlarge", "3920m", "6584Mi", 58),
            ("c6i.2xlarge", "7910m", "14162Mi", 58),
            ("c6i.4xlarge", "15890m", "27381Mi", 234),
            ("c6i.8xlarge", "31850m", "57691Mi", 234),
            ("c6i.12xlarge", "47810m", "88002Mi", 234),
            ("c6i.16xlarge", "63770m", "112779Mi", 737),
            ("c6i.24xlarge", "95690m", "173400Mi", 737),
            ("c6i.32xlarge", "127610m", "234021Mi", 737),
            ("c6i.metal", "127610m", "234021Mi", 737),
            ("r5.large", "1930m", "14481Mi", 29),
            ("r5.xlarge", "3920m", "29317Mi", 58),
            ("r5.2xlarge", "7910m", "59627Mi", 58),
            ("r5.4xlarge", "15890m", "118312Mi", 234),
            ("r5.8xlarge", "31850m", "239554Mi", 234),
            ("r5.12xlarge", "47810m", "360795Mi", 234),
            ("r5.16xlarge", "63770m", "476504Mi", 737),
            ("r5.24xlarge", "95690m", "718987Mi", 737),
            ("r5.metal", "95690m", "718987Mi", 737),
            ("r6i.large", "1930m", "14481Mi", 29),
            ("r6i.xlarge", "3920m", "29317Mi", 58),
            ("r6i.2xlarge", "7910m", "59627Mi", 58),
            ("r6i.4xlarge", "15890m", "118312Mi", 234),
            ("r6i.8xlarge", "31850m", "239554Mi", 234),
            ("r6i.12xlarge", "47810m", "360795Mi", 234),
            ("r6i.16xlarge", "63770m", "476504Mi", 737),
            ("r6i.24xlarge", "95690m", "718987Mi", 737),
            ("r6i.32xlarge", "127610m", "961470Mi", 737),
            ("r6i.metal", "127610m", "961470Mi", 737),
            ("g5.xlarge", "3920m", "14162Mi", 58),
            ("g5.2xlarge", "7910m", "29317Mi", 58),
            ("g5.4xlarge", "15890m", "57691Mi", 234),
            ("g5.8xlarge", "31850m", "118312Mi", 234),
            ("g5.12xlarge", "47810m", "173400Mi", 737),
            ("g5.16xlarge", "63770m", "239554Mi", 234),
            ("g5.24xlarge", "95690m", "355262Mi", 737),
            ("g5.48xlarge", "191450m", "723299Mi", 345),
            // END REFERENCE
        ];
        for (name, cpu, memory, pods) in cases {
            let a = node_shape(it(name), &NodeConfig::default()).allocatable;
            let v = a.to_karpenter_value();
            assert_eq!(v["cpu"].as_str(), Some(*cpu), "{name} cpu");
            assert_eq!(v["memory"].as_str(), Some(*memory), "{name} memory");
            assert_eq!(a.pods, *pods, "{name} pods");
            assert_eq!(v["ephemeral-storage"].as_str(), Some("17Gi"), "{name}");
        }
    }

    /// Graviton loses 64 MiB of CMA before the 7.5 % VM overhead.
    #[test]
    fn graviton_memory() {
        // m7g.large: 8192 − 64 = 8128; ceil(8128 × 0.075) = 610; 7518Mi.
        assert_eq!(memory_capacity_bytes(it("m7g.large")), 7518 * MI);
        // m5.large: 8192; ceil(614.4) = 615; 7577Mi.
        assert_eq!(memory_capacity_bytes(it("m5.large")), 7577 * MI);
    }

    /// kube-reserved memory counts ENI-limited pods even with maxPods on AL2023, but the
    /// configured pods on Bottlerocket (`UsesENILimitedMemoryOverhead`).
    #[test]
    fn kube_reserved_memory_with_max_pods() {
        let with = |family| NodeConfig {
            ami_family: family,
            kubelet: KubeletConfig {
                max_pods: Some(110),
                ..KubeletConfig::default()
            },
            ..NodeConfig::default()
        };
        let al = node_shape(it("m5.large"), &with(AmiFamily::Al2023));
        assert_eq!(al.capacity.pods, 110);
        assert_eq!(al.kube_reserved.memory_bytes, 574 * MI);
        let br = node_shape(it("m5.large"), &with(AmiFamily::Bottlerocket));
        assert_eq!(br.kube_reserved.memory_bytes, (11 * 110 + 255) * MI);
    }

    /// kubeReserved/systemReserved/evictionHard overrides (types.go `lo.Assign` semantics and
    /// `computeEvictionSignal`).
    #[test]
    fn reserved_and_eviction_overrides() {
        let cfg = NodeConfig {
            kubelet: KubeletConfig {
                kube_reserved: Reserved {
                    cpu_milli: Some(200),
                    ..Reserved::default()
                },
                system_reserved: Reserved {
                    memory_bytes: Some(100 * MI),
                    ..Reserved::default()
                },
                eviction_hard_memory: Some(EvictionSignal::Percent(5.0)),
                eviction_hard_nodefs: Some(EvictionSignal::Percent(100.0)),
                ..KubeletConfig::default()
            },
            ..NodeConfig::default()
        };
        let s = node_shape(it("m5.large"), &cfg);
        assert_eq!(s.allocatable.cpu_milli, 1800);
        // ceil(7577Mi / 100 × 5) bytes.
        let evict = (7577.0 * MI as f64 / 100.0 * 5.0).ceil() as i64;
        assert_eq!(s.eviction_threshold.memory_bytes, evict);
        assert_eq!(
            s.allocatable.memory_bytes,
            7577 * MI - 574 * MI - 100 * MI - evict
        );
        // 100% disables the threshold.
        assert_eq!(s.eviction_threshold.ephemeral_storage_bytes, 0);
        assert_eq!(s.allocatable.ephemeral_storage_bytes, 19 * GI);
    }

    #[test]
    fn ephemeral_storage_sources() {
        let g5 = it("g5.xlarge");
        let raid = NodeConfig {
            instance_store_raid0: true,
            ..NodeConfig::default()
        };
        assert_eq!(ephemeral_storage_bytes(g5, &raid), 250_000_000_000);
        // No local NVMe: falls back to the volume.
        assert_eq!(ephemeral_storage_bytes(it("m5.large"), &raid), 20 * GI);
        let bdm = NodeConfig {
            ephemeral_storage_bytes: Some(100 * GI),
            ..NodeConfig::default()
        };
        assert_eq!(ephemeral_storage_bytes(g5, &bdm), 100 * GI);
        let win = NodeConfig {
            ami_family: AmiFamily::Windows2022,
            ..NodeConfig::default()
        };
        assert_eq!(ephemeral_storage_bytes(g5, &win), 50 * GI);
    }

    /// A Node with only the instance-type label gets what a real m5.large EKS node reports.
    #[test]
    fn node_status_from_the_instance_type() {
        let (capacity, allocatable) =
            node_status_resources("m5.large", &NodeConfig::default()).expect("m5.large");
        assert_eq!(
            capacity,
            json!({"cpu": "2", "ephemeral-storage": "20Gi", "hugepages-1Gi": "0",
                   "hugepages-2Mi": "0", "memory": "7577Mi", "pods": "29"})
        );
        assert_eq!(
            allocatable,
            json!({"cpu": "1930m", "ephemeral-storage": "17Gi", "hugepages-1Gi": "0",
                   "hugepages-2Mi": "0", "memory": "6903Mi", "pods": "29"})
        );
        let (gpu, _) = node_status_resources("g5.12xlarge", &NodeConfig::default()).expect("g5");
        assert_eq!(gpu["nvidia.com/gpu"].as_str(), Some("4"));
        assert!(node_status_resources("m9.large", &NodeConfig::default()).is_none());
    }

    /// Labels as the instance-type reference lists them for m5.large and g5.xlarge, plus the
    /// offering's zone/capacity type and kubelet/CCM labels.
    #[test]
    fn labels_of_a_node() {
        let l = node_labels(
            it("m5.large"),
            "us-east-1b",
            CapacityType::Spot,
            &NodeConfig::default(),
        );
        let get = |k: &str| l.get(k).map(String::as_str);
        assert_eq!(get("node.kubernetes.io/instance-type"), Some("m5.large"));
        assert_eq!(get("kubernetes.io/arch"), Some("amd64"));
        assert_eq!(get("kubernetes.io/os"), Some("linux"));
        assert_eq!(get("topology.kubernetes.io/region"), Some("us-east-1"));
        assert_eq!(get("topology.kubernetes.io/zone"), Some("us-east-1b"));
        assert_eq!(get("karpenter.sh/capacity-type"), Some("spot"));
        assert_eq!(get("karpenter.k8s.aws/instance-family"), Some("m5"));
        assert_eq!(get("karpenter.k8s.aws/instance-size"), Some("large"));
        assert_eq!(get("karpenter.k8s.aws/instance-category"), Some("m"));
        assert_eq!(get("karpenter.k8s.aws/instance-generation"), Some("5"));
        assert_eq!(get("karpenter.k8s.aws/instance-cpu"), Some("2"));
        assert_eq!(get("karpenter.k8s.aws/instance-memory"), Some("8192"));
        assert_eq!(get("karpenter.k8s.aws/instance-hypervisor"), Some("nitro"));
        assert_eq!(
            get("karpenter.k8s.aws/instance-network-bandwidth"),
            Some("750")
        );
        assert_eq!(
            get("karpenter.k8s.aws/instance-cpu-manufacturer"),
            Some("intel")
        );
        assert_eq!(get("karpenter.k8s.aws/instance-gpu-count"), None);
        let g = node_labels(
            it("g5.xlarge"),
            "us-east-1a",
            CapacityType::OnDemand,
            &NodeConfig::default(),
        );
        assert_eq!(
            g.get("karpenter.k8s.aws/instance-gpu-name")
                .map(String::as_str),
            Some("a10g")
        );
        assert_eq!(
            g.get("karpenter.k8s.aws/instance-gpu-memory")
                .map(String::as_str),
            Some("22888")
        );
        assert_eq!(
            g.get("karpenter.k8s.aws/instance-local-nvme")
                .map(String::as_str),
            Some("250")
        );
    }

    #[test]
    fn ami_aliases() {
        assert_eq!(
            AmiFamily::from_alias("al2023@latest"),
            Some(AmiFamily::Al2023)
        );
        assert_eq!(
            AmiFamily::from_alias("bottlerocket@v1.20.0"),
            Some(AmiFamily::Bottlerocket)
        );
        assert_eq!(
            AmiFamily::from_alias("windows2022@latest"),
            Some(AmiFamily::Windows2022)
        );
        assert_eq!(AmiFamily::from_alias("ubuntu@latest"), None);
        assert_eq!(AmiFamily::from_alias("al2023"), None);
        assert_eq!(AmiFamily::from_alias("AL2023@latest"), None);
    }

    #[test]
    fn launch_to_ready_is_45_seconds() {
        assert_eq!(LAUNCH_SECONDS + REGISTRATION_SECONDS + READY_SECONDS, 45);
    }

    #[test]
    fn dns_names() {
        assert_eq!(
            private_dns_name([10, 0, 1, 23]),
            "ip-10-0-1-23.ec2.internal"
        );
    }
}
