//! The simulated EC2 API's identities: instance IDs, provider IDs, private addresses and node
//! names, AMI IDs, and the annotations through which the simulation tells the cluster what
//! the cloud does (an instance still booting, a spot interruption notice).
//!
//! Pure functions: the controllers that drive instances (`controllers::ec2`) and Karpenter's
//! cloud provider calls (`controllers::karpenter`) use them.
//!
//! - **Instance IDs** are `i-` and 17 hex digits, as EC2 issues them.
//! - **Provider IDs** are `aws:///<zone>/<instance-id>` (the AWS cloud provider's format,
//!   kubernetes/cloud-provider-aws `pkg/providers/v1/instances.go`).
//! - **Addresses**: the simulated VPC has the private subnets `eksctl` creates by default,
//!   one `/19` per zone (192.168.96.0/19, 192.168.128.0/19, 192.168.160.0/19). An instance's
//!   address is derived from its ID; the node is named by its EC2 private DNS name
//!   (`ip-192-168-101-23.ec2.internal`), as EKS nodes are.
use super::catalog::ZONES;
use super::eks::AmiFamily;

/// The prefix of every provider ID.
pub const PROVIDER_ID_PREFIX: &str = "aws:///";

/// Set by the simulated EC2 on a Node whose instance is still booting (kubelet registered it,
/// the CNI is not up yet): the node agent leaves such a Node alone until the annotation goes.
pub const BOOTING_ANNOTATION: &str = "sim.kplane.dev/booting";

/// The spot interruption notice of an instance: the RFC 3339 time EC2 sent it. Two minutes
/// later ([`super::catalog::SPOT_INTERRUPTION_NOTICE_SECONDS`]) EC2 reclaims the instance.
/// Written by `ControlPlane::spot_interrupt` (the simulation's stand-in for the EventBridge
/// "EC2 Spot Instance Interruption Warning" that Karpenter reads from its SQS queue).
pub const SPOT_INTERRUPTION_ANNOTATION: &str = "sim.kplane.dev/spot-interruption";

/// The first address of each zone's private subnet (a `/19`: 8,192 addresses).
const SUBNETS: [[u8; 4]; 3] = [[192, 168, 96, 0], [192, 168, 128, 0], [192, 168, 160, 0]];

/// FNV-1a (64-bit).
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// An instance ID from 64 random bits: `i-` and 17 hex digits.
pub fn instance_id(random: u64) -> String {
    format!("i-0{random:016x}")
}

/// `aws:///<zone>/<instance-id>`.
pub fn provider_id(zone: &str, instance_id: &str) -> String {
    format!("{PROVIDER_ID_PREFIX}{zone}/{instance_id}")
}

/// The zone and instance ID of a provider ID (None when it is not one of ours).
pub fn parse_provider_id(provider_id: &str) -> Option<(&str, &str)> {
    let rest = provider_id.strip_prefix(PROVIDER_ID_PREFIX)?;
    let (zone, id) = rest.split_once('/')?;
    (!zone.is_empty() && id.starts_with("i-")).then_some((zone, id))
}

/// The private IPv4 address of an instance in `zone`: a host of the zone's subnet chosen by a
/// hash of the instance ID (never the network, the first three addresses AWS reserves, or
/// the broadcast address). None for a zone outside the catalog.
pub fn private_ip(zone: &str, instance_id: &str) -> Option<[u8; 4]> {
    let i = ZONES.iter().position(|z| *z == zone)?;
    let base = SUBNETS[i];
    // Hosts 4..=8190 of the /19.
    let host = 4 + (fnv(instance_id.as_bytes()) % 8187) as u32;
    let third = u32::from(base[2]) + host / 256;
    Some([base[0], base[1], third as u8, (host % 256) as u8])
}

/// The node name of the instance behind `provider_id`: its private DNS name
/// (`ip-192-168-101-23.ec2.internal`).
pub fn node_name(provider_id: &str) -> Option<String> {
    let (zone, id) = parse_provider_id(provider_id)?;
    Some(super::eks::private_dns_name(private_ip(zone, id)?))
}

/// The dotted private address of the instance behind `provider_id`.
pub fn private_address(provider_id: &str) -> Option<String> {
    let (zone, id) = parse_provider_id(provider_id)?;
    let ip = private_ip(zone, id)?;
    Some(format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]))
}

/// The AMI an EC2NodeClass of `family` resolves to in the simulated region (a fixed ID per
/// family and architecture; real IDs change with every AMI release).
pub fn image_id(family: AmiFamily, arm64: bool) -> String {
    let h = fnv(format!(
        "{}/{}",
        family.name(),
        if arm64 { "arm64" } else { "amd64" }
    )
    .as_bytes());
    format!("ami-0{:016x}", h)
}

/// The OS image a node of `family` reports (`status.nodeInfo.osImage`).
pub fn os_image(family: AmiFamily) -> &'static str {
    match family {
        AmiFamily::Al2 => "Amazon Linux 2",
        AmiFamily::Bottlerocket => "Bottlerocket OS 1.41.0 (aws-k8s-1.34)",
        AmiFamily::Windows2019 => "Windows Server 2019 Datacenter",
        AmiFamily::Windows2022 => "Windows Server 2022 Datacenter",
        AmiFamily::Windows2025 => "Windows Server 2025 Datacenter",
        _ => "Amazon Linux 2023.9.20251110",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_ids_round_trip() {
        let id = instance_id(0x1234_5678_9abc_def0);
        assert_eq!(id, "i-0123456789abcdef0");
        assert_eq!(id.len(), 19);
        let pid = provider_id("us-east-1b", &id);
        assert_eq!(pid, "aws:///us-east-1b/i-0123456789abcdef0");
        assert_eq!(parse_provider_id(&pid), Some(("us-east-1b", id.as_str())));
        assert_eq!(parse_provider_id("kind://docker/x"), None);
        assert_eq!(parse_provider_id("aws:///us-east-1a/"), None);
    }

    #[test]
    fn addresses_stay_in_the_zone_subnet() {
        for (i, zone) in ZONES.iter().enumerate() {
            for n in 0..500u64 {
                let ip = private_ip(zone, &instance_id(n.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
                    .expect("known zone");
                let base = SUBNETS[i];
                assert_eq!(&ip[..2], &base[..2]);
                let offset = (u32::from(ip[2]) - u32::from(base[2])) * 256 + u32::from(ip[3]);
                assert!((4..8191).contains(&offset), "{ip:?}");
            }
        }
        assert_eq!(private_ip("eu-west-1a", "i-0"), None);
        let pid = provider_id("us-east-1a", "i-0123456789abcdef0");
        let name = node_name(&pid).expect("name");
        assert!(name.starts_with("ip-192-168-") && name.ends_with(".ec2.internal"));
        let addr = private_address(&pid).expect("address");
        assert_eq!(name, format!("ip-{}.ec2.internal", addr.replace('.', "-")));
    }
}
