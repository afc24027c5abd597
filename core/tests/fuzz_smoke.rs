//! A short, deterministic fuzzing run of every fuzz target on stable Rust, as part of
//! `cargo test -p kplane`: the same bodies as the cargo-fuzz targets in `fuzz/`
//! (`core/tests/fuzz/bodies.rs`), driven by a seeded mutator over seed inputs read from
//! `examples/` at test time (byte flips, splices, truncations, duplications and tokens from a
//! YAML/JSON/kubectl dictionary). A failing input is printed as a Rust string literal, ready to
//! become a regression test in `core/tests/hostile.rs`.
//!
//! Executions per target are in [`EXECS`]; `KPLANE_FUZZ_SCALE=10` runs ten times as many
//! (and `KPLANE_FUZZ_SEED` changes the seed). The long run is `scripts/fuzz.sh` (libFuzzer).
#[path = "fuzz/bodies.rs"]
mod bodies;

use std::path::{Path, PathBuf};

/// Executions per target in the default run: about 35 s of CPU in a debug build, 20 s on two
/// cores.
const EXECS: &[(&str, usize)] = &[
    ("manifests", 1_000),
    ("quantity", 50_000),
    ("selectors", 5_000),
    ("cron", 50_000),
    ("patches", 2_000),
    ("kubectl", 1_000),
    ("restore", 300),
];

/// splitmix64: small, seedable, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const MAX_LEN: usize = 64 * 1024;

/// One to four mutations of a seed input.
fn mutate(rng: &mut Rng, seed: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = b"\0 \n:-{}[]\"'#&*!|>0123456789.aZ\xff"[rng.below(31)];
            }
            2 => {
                let i = rng.below(len + 1);
                data.truncate(i);
            }
            3 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                data.drain(a..b);
            }
            4 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(256)).min(len);
                let chunk = data[a..b].to_vec();
                let at = rng.below(len + 1);
                for _ in 0..1 + rng.below(3) {
                    data.splice(at..at, chunk.iter().copied());
                }
            }
            5 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                let to = (from + rng.below(512)).min(other.len());
                let at = rng.below(len + 1);
                data.splice(at..at, other[from..to].iter().copied());
            }
            6 => {
                let (other, at) = (&seeds[rng.below(seeds.len())], rng.below(len + 1));
                data.truncate(at);
                data.extend_from_slice(&other[rng.below(other.len() + 1)..]);
            }
            _ => {
                let token = bodies::DICTIONARY[rng.below(bodies::DICTIONARY.len())];
                let at = rng.below(len + 1);
                // Only at a char boundary of valid UTF-8 when the input is text.
                data.splice(at..at, token.bytes());
            }
        }
    }
    data.truncate(MAX_LEN);
    data
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every manifest under `examples/`, in path order.
fn example_manifests() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&root().join("examples"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect()
}

/// The seed inputs of one target.
fn seeds(target: &str, examples: &[(String, String)]) -> Vec<Vec<u8>> {
    let texts: Vec<String> = match target {
        "manifests" => {
            let mut v: Vec<String> = examples.iter().map(|(_, t)| t.clone()).collect();
            // The same objects as JSON, one document each and as a `kind: List`.
            for (_, t) in examples.iter().take(6) {
                if let Ok(docs) = kplane::server::decode::decode(t) {
                    let items: Vec<kplane::api::Value> =
                        docs.into_iter().map(|d| d.object).collect();
                    if let Some(first) = items.first() {
                        v.push(serde_json::to_string(first).unwrap_or_default());
                    }
                    let list = kplane::json!({"apiVersion": "v1", "kind": "List", "items": items});
                    v.push(serde_json::to_string_pretty(&list).unwrap_or_default());
                }
            }
            v
        }
        "quantity" => [
            "100m",
            "1.5Gi",
            "1e3",
            "0.1",
            "-1",
            "128974848",
            "129e6",
            "129M",
            "123Mi",
            "1Ei",
            ".5",
            "5.",
            "+1",
            "1E",
            "8Ei",
            "0.001m",
            "1n",
            "1.5u",
            "12345678901234567890",
            "1Ki",
            "2T",
            "3P",
            "500Mi",
            "-0.5E-3",
        ]
        .map(String::from)
        .to_vec(),
        "selectors" => [
            "app=web\0metadata.name=cm",
            "app in (web,db),!tier\0spec.nodeName!=x",
            "tier notin (1),app\0metadata.namespace==fuzz",
            "app!=db,tier=1\0status.phase=Running,metadata.name!=a",
            "x.io/y-z=a_b.c\0",
        ]
        .map(String::from)
        .to_vec(),
        "cron" => {
            let mut v: Vec<String> = [
                "*/5 * * * *",
                "@hourly",
                "@daily",
                "TZ=UTC 0 0 * * *",
                "0 0 29 2 *",
                "@every 1h",
                "CRON_TZ=Europe/Berlin 30 2 * * 0",
                "0 9-17/2 * * MON-FRI",
                "15 3 1,15 JAN-JUN ?",
                "59 23 31 12 7",
            ]
            .map(String::from)
            .to_vec();
            for (_, t) in examples {
                for line in t.lines() {
                    if let Some(s) = line.trim().strip_prefix("schedule:") {
                        v.push(s.trim().trim_matches(['"', '\'']).to_string());
                    }
                }
            }
            v
        }
        "patches" => {
            let mut v: Vec<String> = [
                "{\"data\":{\"a\":\"1\"}}\0{\"data\":{\"b\":\"2\",\"a\":null}}",
                "{\"a\":[1,2,3]}\0[{\"op\":\"add\",\"path\":\"/a/-\",\"value\":4},{\"op\":\"remove\",\"path\":\"/a/0\"}]",
                "\0[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3},{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"web\"}]",
                "\0[{\"op\":\"move\",\"from\":\"/metadata/labels\",\"path\":\"/metadata/annotations\"},{\"op\":\"copy\",\"from\":\"/spec\",\"path\":\"/status\"}]",
                "\0{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.28\"},{\"name\":\"d\",\"$patch\":\"delete\"}]}}}}",
                "\0spec:\n  replicas: 5\n  template:\n    spec:\n      $setElementOrder/containers: [{name: c}]\n      containers: [{name: c, env: [{name: X, value: '1'}]}]\n",
                "\0{\"metadata\":{\"labels\":{\"app\":null,\"$patch\":\"replace\"}},\"data\":{\"$retainKeys\":[\"a\"]}}",
            ]
            .map(String::from)
            .to_vec();
            for (_, t) in examples.iter().take(8) {
                v.push(format!(
                    "{t}\0{{\"metadata\":{{\"labels\":{{\"x\":\"y\"}}}}}}"
                ));
            }
            v
        }
        "kubectl" => {
            let mut v: Vec<String> = [
                "get pods -A",
                "get deploy,cm -n fuzz -o json",
                "scale deploy/web -n fuzz --replicas=3",
                "patch deployment web -n fuzz -p {\"spec\":{\"replicas\":1}}",
                "patch cm cm -n fuzz --type=json -p [{\"op\":\"add\",\"path\":\"/data/b\",\"value\":\"2\"}]",
                "label cm cm -n fuzz x=y --overwrite",
                "annotate deploy web -n fuzz a=b",
                "create deployment x --image=nginx --replicas=2",
                "run p --image=nginx --restart=Never",
                "rollout status deploy/web -n fuzz --timeout=5s",
                "wait --for=delete cm/cm -n fuzz --timeout=3s",
                "get cm -n fuzz -o jsonpath={.items[*].metadata.name}",
                "get deploy -n fuzz -o custom-columns=NAME:.metadata.name,R:.spec.replicas",
                "delete cm cm -n fuzz",
                "create cronjob c --image=busybox --schedule=*/5 * * * *",
                "top nodes",
                "describe deploy web -n fuzz",
                "explain deployment.spec.replicas",
                "auth can-i create pods --as=alice",
                "cordon n1",
                "config view",
            ]
            .map(String::from)
            .to_vec();
            for (_, t) in examples.iter().take(10) {
                v.push(format!("apply -f -\n{t}"));
            }
            v
        }
        "restore" => {
            let mut v = vec![bodies::base().snapshot()];
            if let Some((_, t)) = examples
                .iter()
                .find(|(p, _)| p.ends_with("three-nodes.yaml"))
            {
                let mut cp = bodies::base();
                let _ = cp.apply("root", t, &kplane::ApplyOptions::default());
                let _ = cp.advance(30.0);
                v.push(cp.snapshot());
            }
            v
        }
        other => panic!("no seeds for target {other}"),
    };
    texts.into_iter().map(String::into_bytes).collect()
}

fn run_target(name: &str, body: fn(&[u8]), execs: usize, seed: u64, examples: &[(String, String)]) {
    let seeds = seeds(name, examples);
    assert!(!seeds.is_empty(), "{name}: no seed inputs");
    let mut rng = Rng(seed
        ^ name
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31) ^ b as u64));
    let start = std::time::Instant::now();
    for i in 0..execs {
        // Every seed once as it is, then mutations.
        let input = if i < seeds.len() {
            seeds[i].clone()
        } else {
            let s = &seeds[rng.below(seeds.len())];
            mutate(&mut rng, s, &seeds)
        };
        let run = std::panic::catch_unwind(|| body(&input));
        if let Err(e) = run {
            let text = String::from_utf8_lossy(&input);
            eprintln!("fuzz target {name} failed at execution {i} on input:\n{text:?}\n");
            std::panic::resume_unwind(e);
        }
    }
    eprintln!(
        "fuzz target {name}: {execs} executions in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

fn scale() -> f64 {
    std::env::var("KPLANE_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

fn seed() -> u64 {
    std::env::var("KPLANE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_260_101)
}

fn smoke(target: &str) {
    let examples = example_manifests();
    assert!(examples.len() > 20, "examples/ not found");
    let (name, body) = bodies::TARGETS
        .iter()
        .find(|(n, _)| *n == target)
        .expect("a target");
    let execs = EXECS
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, n)| (*n as f64 * scale()) as usize)
        .expect("an execution count");
    run_target(name, *body, execs, seed(), &examples);
}

#[test]
fn every_target_has_an_execution_count() {
    for (name, _) in bodies::TARGETS {
        assert!(EXECS.iter().any(|(n, _)| n == name), "{name} has no count");
    }
}

#[test]
fn fuzz_manifests() {
    smoke("manifests");
}

#[test]
fn fuzz_quantity() {
    smoke("quantity");
}

#[test]
fn fuzz_selectors() {
    smoke("selectors");
}

#[test]
fn fuzz_cron() {
    smoke("cron");
}

#[test]
fn fuzz_patches() {
    smoke("patches");
}

#[test]
fn fuzz_kubectl() {
    smoke("kubectl");
}

#[test]
fn fuzz_restore() {
    smoke("restore");
}
