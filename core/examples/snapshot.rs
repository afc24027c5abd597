//! Prints the snapshot of a scenario: a control plane with `SEED`, the manifests of `FILE`
//! applied to workspace `root`, then `SECONDS` of virtual time.
//!
//! ```text
//! cargo run -p kplane --example snapshot -- examples/three-nodes.yaml 60 7
//! ```
//!
//! tests/node/determinism.test.mjs runs the same scenario through the npm package
//! (WebAssembly) and checks that both print the same bytes.
use kplane::{ApplyOptions, ControlPlane, Options};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, seconds, seed] = args.as_slice() else {
        eprintln!("usage: snapshot FILE SECONDS SEED");
        std::process::exit(2);
    };
    let run = || -> Result<String, String> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        let seconds: f64 = seconds.parse().map_err(|e| format!("SECONDS: {e}"))?;
        let seed: u64 = seed.parse().map_err(|e| format!("SEED: {e}"))?;
        let mut cp = ControlPlane::new(Options {
            seed,
            ..Default::default()
        })
        .map_err(|e| e.message)?;
        cp.apply("root", &text, &ApplyOptions::default())
            .map_err(|e| e.message)?;
        cp.advance(seconds).map_err(|e| e.message)?;
        Ok(cp.snapshot())
    };
    match run() {
        Ok(snapshot) => println!("{snapshot}"),
        Err(e) => {
            eprintln!("snapshot: {e}");
            std::process::exit(1);
        }
    }
}
