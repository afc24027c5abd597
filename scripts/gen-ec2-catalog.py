#!/usr/bin/env python3
"""Regenerates the instance-type table of core/src/cloud/catalog.rs (between the
BEGIN GENERATED / END GENERATED markers) from three upstream files:

  1. aws/karpenter-provider-aws v1.13.0 website/content/en/docs/reference/instance-types.md
     (vCPU, memory, architecture, GPUs, CPU/EBS/network labels, local NVMe, EFA, and the
     allocatable resources Karpenter computes, which check.py-style asserts compare against);
  2. aws/amazon-vpc-resource-controller-k8s pkg/aws/vpc/limits.go (ENIs of the default network
     card, IPv4 addresses per ENI, branch ENIs when trunking is supported, hypervisor);
  3. aws/karpenter-provider-aws v1.13.0 pkg/providers/pricing/zz_generated.pricing_aws.go
     (us-east-1 on-demand prices, generated 2026-05-18).

It also writes Karpenter's documented allocatable of every type into the test table of
core/src/cloud/eks.rs (between BEGIN REFERENCE / END REFERENCE), so the Rust formulas are
checked against upstream's numbers, not against themselves.

Usage: gen-ec2-catalog.py INSTANCE_TYPES_MD LIMITS_GO PRICING_GO core/src/cloud/catalog.rs core/src/cloud/eks.rs
"""
import math
import re
import sys

FAMILIES = ["t3", "t3a", "m5", "m6i", "m7g", "c5", "c6i", "r5", "r6i", "g5"]


def parse_doc(text):
    types = {}
    for m in re.finditer(r"^### `([^`]+)`\n(.*?)(?=^### |^## |\Z)", text, re.M | re.S):
        name, body = m.group(1), m.group(2)
        if name.split(".")[0] not in FAMILIES:
            continue
        labels, res, part = {}, {}, None
        for line in body.splitlines():
            if line.startswith("#### Labels"):
                part = labels
            elif line.startswith("#### Resources"):
                part = res
            mm = re.match(r"^ \|([^|]+)\|([^|]*)\|$", line)
            if mm and part is not None and mm.group(1).strip() not in ("Label", "Resource", "--"):
                part[mm.group(1)] = mm.group(2)
        types[name] = {"labels": labels, "res": res}
    return types


def parse_limits(text, types):
    for m in re.finditer(r'^\t"([^"]+)": \{\n(.*?)^\t\},', text, re.M | re.S):
        name, body = m.group(1), m.group(2)
        if name not in types:
            continue
        g = lambda k: re.search(k + r":\s*([^,\n]+),", body).group(1).strip()
        cards = re.findall(r"MaximumNetworkInterfaces:\s*(\d+),\s*NetworkCardIndex:\s*(\d+),", body)
        default = int(g("DefaultNetworkCardIndex"))
        types[name]["enis"] = [int(a) for a, b in cards if int(b) == default][0]
        types[name]["ipv4"] = int(g("IPv4PerInterface"))
        types[name]["branch"] = int(g("BranchInterface")) if g("IsTrunkingCompatible") == "true" else 0
        types[name]["hypervisor"] = g("Hypervisor").strip('"')


def parse_prices(text, types):
    block = text[text.index('"us-east-1": {'):]
    block = block[: block.index("\n\t},")]
    prices = dict((a, float(b)) for a, b in re.findall(r'"([a-z0-9.\-]+)": ([0-9.]+)', block))
    for name in types:
        types[name]["od"] = prices[name]


def check(name, t):
    """Karpenter's own allocatable (the doc) must follow from the table (types.go formulas)."""
    L = t["labels"]
    vcpu = int(L["karpenter.k8s.aws/instance-cpu"])
    mem = int(L["karpenter.k8s.aws/instance-memory"]) - (64 if L["kubernetes.io/arch"] == "arm64" else 0)
    cap = mem - math.ceil(mem * 0.075)
    pods = t["enis"] * (t["ipv4"] - 1) + 2
    cpu = vcpu * 1000
    for start, end, pct in [(0, 1000, .06), (1000, 2000, .01), (2000, 4000, .005), (4000, 1 << 31, .0025)]:
        if vcpu * 1000 >= start:
            cpu -= int(((end - start) if vcpu * 1000 >= end else (vcpu * 1000 - start)) * pct)
    got = ((f"{cpu}m" if cpu % 1000 else str(cpu // 1000)), f"{cap - (11 * pods + 255) - 100}Mi", str(pods))
    want = (t["res"]["cpu"], t["res"]["memory"], t["res"]["pods"])
    assert got == want, (name, got, want)


def row(name, t):
    L = t["labels"]
    k = lambda s: L["karpenter.k8s.aws/instance-" + s]
    gpu = "None"
    if "karpenter.k8s.aws/instance-gpu-count" in L:
        gpu = 'Some(Gpu {{ count: {}, name: "{}", manufacturer: "{}", memory_mib: {} }})'.format(
            k("gpu-count"), k("gpu-name"), k("gpu-manufacturer"), k("gpu-memory"))
    arch = {"amd64": "Arch::Amd64", "arm64": "Arch::Arm64"}[L["kubernetes.io/arch"]]
    return (
        f'    InstanceTypeInfo {{ name: "{name}", vcpu: {k("cpu")}, memory_mib: {k("memory")}, arch: {arch}, '
        f'enis: {t["enis"]}, ipv4_per_eni: {t["ipv4"]}, pod_enis: {t["branch"]}, '
        f'efas: {t["res"].get("vpc.amazonaws.com/efa", "0")}, hypervisor: "{t["hypervisor"]}", '
        f'cpu_manufacturer: "{k("cpu-manufacturer")}", cpu_clock_mhz: {k("cpu-sustained-clock-speed-mhz")}, '
        f'ebs_bandwidth_mbps: {k("ebs-bandwidth")}, network_bandwidth_mbps: {k("network-bandwidth")}, '
        f'encryption_in_transit: {k("encryption-in-transit-supported")}, '
        f'local_nvme_gb: {L.get("karpenter.k8s.aws/instance-local-nvme", "0")}, gpu: {gpu}, '
        f'on_demand_price: {t["od"]:.6f} }},'
    )


def main():
    doc, limits, pricing, target, eks = sys.argv[1:6]
    types = parse_doc(open(doc).read())
    parse_limits(open(limits).read(), types)
    parse_prices(open(pricing).read(), types)
    order = sorted(types, key=lambda n: (FAMILIES.index(n.split(".")[0]), n.endswith("metal"),
                                          int(types[n]["labels"]["karpenter.k8s.aws/instance-cpu"]),
                                          int(types[n]["labels"]["karpenter.k8s.aws/instance-memory"])))
    for n in order:
        check(n, types[n])
    replace(target, "    // BEGIN GENERATED\n", "    // END GENERATED\n",
            "\n".join(row(n, types[n]) for n in order))
    replace(eks, "            // BEGIN REFERENCE\n", "            // END REFERENCE\n",
            "\n".join('            ("{}", "{}", "{}", {}),'.format(
                n, types[n]["res"]["cpu"], types[n]["res"]["memory"], types[n]["res"]["pods"])
                for n in order))
    print(f"{len(order)} instance types written to {target} and {eks}")


def replace(path, begin, end, rows):
    src = open(path).read()
    i, j = src.index(begin) + len(begin), src.index(end)
    open(path, "w").write(src[:i] + rows + "\n" + src[j:])


if __name__ == "__main__":
    main()
