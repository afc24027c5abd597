//! The runtime's mechanics with a toy controller: which keys run, when, and how often.
use super::*;
use crate::json;
use crate::server::Server;

/// Copies each ConfigMap's `data.want` into its `data.seen`; records every reconcile.
#[derive(Default)]
struct Mirror {
    runs: Vec<String>,
    retry_name: Option<&'static str>,
    requeue_ms: Option<i64>,
}

impl Controller for Mirror {
    fn name(&self) -> &'static str {
        "mirror"
    }
    fn manager(&self) -> &'static str {
        "mirror"
    }
    fn watches(&self) -> &'static [&'static str] {
        &["configmaps"]
    }
    fn keys(&self, _: &Store, e: &WatchEvent, out: &mut Vec<Key>) {
        out.push(e.key.clone());
    }
    fn resync(&self, store: &Store, out: &mut Vec<Key>) {
        all_keys(store, "configmaps", out);
    }
    fn reconcile(&mut self, s: &mut Server, key: &Key) -> Action {
        self.runs.push(format!("{}/{}", key.workspace, key.name));
        if self.retry_name == Some(&*key.name) {
            return Action::Retry;
        }
        let info = crate::api::kinds::by_kind(Some("v1"), "ConfigMap").unwrap();
        if let Some(cm) = s
            .get(&key.workspace, info, &key.namespace, &key.name)
            .cloned()
        {
            if cm["data"]["seen"] != cm["data"]["want"] {
                let mut cm = cm;
                cm["data"]["seen"] = cm["data"]["want"].clone();
                let _ = s.update(&key.workspace, cm);
            }
        }
        self.requeue_ms
            .map_or(Action::AwaitChange, Action::RequeueAfter)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

fn cm(name: &str, want: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}, "data": {"want": want}})
}

fn setup(m: Mirror) -> (Server, Runtime) {
    let s = Server::new(1, 0);
    let rt = Runtime::new(vec![Box::new(m)], s.store.revision(), 0);
    (s, rt)
}

fn runs(rt: &Runtime) -> Vec<String> {
    rt.get::<Mirror>().unwrap().runs.clone()
}

#[test]
fn only_changed_keys_run_and_own_writes_come_back_once() {
    let (mut s, mut rt) = setup(Mirror::default());
    s.create("root", cm("a", "1")).unwrap();
    s.create("root", cm("b", "1")).unwrap();
    rt.run_instant(&mut s, false);
    // a and b; then each once more for its own write (the no-op second look).
    assert_eq!(runs(&rt), ["root/a", "root/b", "root/a", "root/b"]);
    let info = crate::api::kinds::by_kind(Some("v1"), "ConfigMap").unwrap();
    assert_eq!(
        s.get("root", info, "default", "a").unwrap()["data"]["seen"],
        "1"
    );
    rt.get_mut::<Mirror>().unwrap().runs.clear();
    let mut b = s.get("root", info, "default", "b").unwrap().clone();
    b["data"]["want"] = json!("2");
    s.update("root", b).unwrap();
    rt.run_instant(&mut s, false);
    assert_eq!(runs(&rt), ["root/b", "root/b"]);
}

#[test]
fn requeues_wait_for_their_instant_and_survive_save_and_load() {
    let (mut s, mut rt) = setup(Mirror {
        requeue_ms: Some(5_000),
        ..Mirror::default()
    });
    s.create("root", cm("a", "1")).unwrap();
    rt.run_instant(&mut s, false);
    let n = runs(&rt).len();
    assert!(!rt.due_by(4_999));
    assert!(rt.due_by(5_000));
    assert_eq!(s.timers.next_between(0, i64::MAX), Some(5_000));
    let saved = rt.save(0);
    assert_eq!(saved.0.len(), 1);
    s.clock.set(5_000);
    rt.run_instant(&mut s, false);
    assert_eq!(runs(&rt).len(), n + 1);
    let mut fresh = Runtime::new(
        vec![Box::new(Mirror {
            requeue_ms: Some(5_000),
            ..Mirror::default()
        })],
        s.store.revision(),
        5_000,
    );
    fresh.load(saved);
    assert!(fresh.due_by(5_000));
}

#[test]
fn failures_back_off_exponentially() {
    let (mut s, mut rt) = setup(Mirror {
        retry_name: Some("bad"),
        ..Mirror::default()
    });
    s.create("root", cm("bad", "1")).unwrap();
    let mut at = Vec::new();
    rt.run_instant(&mut s, false);
    for _ in 0..5 {
        let t = s.timers.next_between(s.clock.now_ms(), i64::MAX).unwrap();
        at.push(t);
        s.clock.set(t);
        s.timers.expire(t);
        rt.run_instant(&mut s, false);
    }
    // 5 ms, then 10, 20, 40, 80 ms later.
    assert_eq!(at, [5, 15, 35, 75, 155]);
}

#[test]
fn keys_carry_their_workspace() {
    let (mut s, mut rt) = setup(Mirror::default());
    s.create("root", cm("a", "1")).unwrap();
    // A second logical cluster, written through the store directly until workspaces exist.
    s.store.put(
        crate::store::Key::new("root:team", "configmaps", "default", "a"),
        cm("a", "2"),
    );
    rt.run_instant(&mut s, false);
    let r = runs(&rt);
    assert!(r.contains(&"root/a".to_string()));
    assert!(r.contains(&"root:team/a".to_string()));
}

#[test]
fn history_compacted_past_what_a_controller_saw_resyncs_it() {
    let (mut s, mut rt) = setup(Mirror::default());
    s.create("root", cm("a", "1")).unwrap();
    s.create("root", cm("b", "1")).unwrap();
    s.store.compact(s.store.revision());
    rt.run_instant(&mut s, false);
    let r = runs(&rt);
    assert!(r.starts_with(&["root/a".to_string(), "root/b".to_string()]));
}
