//! Simulated message queues (`sim.kplane.dev/v1alpha1` `Queue`): messages arrive over virtual
//! time (`spec.arrivals`, a [`Rate`]) and the ready pods of a consumer workload drain them at
//! `spec.perPodRate` messages per second each. KEDA's queue triggers (`aws-sqs-queue`,
//! `rabbitmq`, `redis`, `kafka`) read the queue of their name in the ScaledObject's namespace.
//!
//! The queue moves in whole seconds: in second `k`, `a(k)` messages arrive (the whole arrivals
//! of [`Rate::count`]) and up to `c(k)` are consumed, `c(k) = ⌊r·n·(k+1)⌋ − ⌊r·n·k⌋` for `n`
//! ready consumers at `r` per second, so a fractional rate is exact over time. The state after
//! the last second accounted is the Queue's status (`messages`, `time`, the consumer count it
//! was accounted with, totals); [`observe`] works it forward to any instant without writing,
//! so every reader of the same instant sees the same queue.
use super::load::{Cost, Target};
use super::rate::{rate_value, Rate, SpecError};
use crate::api::object::{i64_at, str_at};
use crate::api::Value;
use crate::json;
use crate::sim::{format_rfc3339, parse_rfc3339};

/// The store resource of Queues.
pub const QUEUES: &str = "queues.sim.kplane.dev";
/// Messages a ready consumer pod handles per second, unless `spec.perPodRate` says otherwise.
pub const DEFAULT_PER_POD_RATE: f64 = 1.0;
/// The most seconds stepped one by one in one call; longer gaps are stepped in equal chunks.
const MAX_STEPS: i64 = 3600;

/// A Queue's spec as the simulation reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSpec {
    /// Messages per second over time.
    pub arrivals: Rate,
    /// The workload whose ready pods consume.
    pub consumer: Option<Target>,
    /// The consuming container (None: the first).
    pub container: Option<String>,
    /// Messages per second per ready consumer.
    pub per_pod_rate: f64,
    /// What one message costs its consumer.
    pub per_message: Cost,
    /// Kafka partitions the messages spread over.
    pub partitions: i64,
    /// When the arrivals start.
    pub start_ms: i64,
}

impl QueueSpec {
    /// Reads a Queue; the errors are the validation's.
    pub fn parse(obj: &Value) -> (QueueSpec, Vec<SpecError>) {
        let mut errs = Vec::new();
        let spec = obj.get("spec").unwrap_or(&Value::Null);
        let (arrivals, e) = Rate::parse(spec.get("arrivals"), "spec.arrivals");
        errs.extend(e);
        let consumer = spec
            .get("consumer")
            .filter(|v| !v.is_null())
            .and_then(|v| Target::parse(Some(v), "spec.consumer", &mut errs));
        if consumer.as_ref().is_some_and(|c| c.kind == "Service") {
            errs.push(SpecError::invalid(
                "spec.consumer.kind",
                &json!("Service"),
                "must be a workload: Deployment, ReplicaSet, StatefulSet or ReplicationController",
            ));
        }
        let per_pod_rate = spec
            .get("perPodRate")
            .filter(|v| !v.is_null())
            .map_or(DEFAULT_PER_POD_RATE, |v| {
                rate_value(v, "spec.perPodRate", &mut errs)
            });
        let per_message = Cost::parse(spec.get("perMessage"), "spec.perMessage", &mut errs);
        let partitions = match spec.get("partitions").filter(|v| !v.is_null()) {
            None => 1,
            Some(v) => match v.as_i64().filter(|n| (1..=10_000).contains(n)) {
                Some(n) => n,
                None => {
                    errs.push(SpecError::invalid(
                        "spec.partitions",
                        v,
                        "must be an integer from 1 to 10000",
                    ));
                    1
                }
            },
        };
        let container = spec
            .get("container")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        (
            QueueSpec {
                arrivals,
                consumer,
                container,
                per_pod_rate,
                per_message,
                partitions,
                start_ms: super::load::start_ms(obj),
            },
            errs,
        )
    }
}

/// A queue at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueState {
    /// The whole second accounted through (epoch ms, a multiple of 1000).
    pub time_ms: i64,
    /// Messages waiting.
    pub messages: i64,
    /// Ready consumers the queue was accounted with.
    pub consumers: i64,
    /// Messages that arrived since the start.
    pub arrived: i64,
    /// Messages consumed since the start.
    pub consumed: i64,
    /// Since when messages have been waiting (None when empty).
    pub backlog_since_ms: Option<i64>,
    /// Messages per second arriving now.
    pub arrival_rate: f64,
    /// Messages per second being consumed now.
    pub consume_rate: f64,
}

impl QueueState {
    /// The state kept in a Queue's status (an empty queue at its start when there is none).
    pub fn of(obj: &Value, spec: &QueueSpec) -> QueueState {
        let s = &obj["status"];
        let time_ms = str_at(s, &["time"])
            .and_then(parse_rfc3339)
            .unwrap_or(spec.start_ms)
            .div_euclid(1000)
            * 1000;
        QueueState {
            time_ms,
            messages: i64_at(s, &["messages"]).unwrap_or(0).max(0),
            consumers: i64_at(s, &["consumers"]).unwrap_or(0).max(0),
            arrived: i64_at(s, &["arrived"]).unwrap_or(0).max(0),
            consumed: i64_at(s, &["consumed"]).unwrap_or(0).max(0),
            backlog_since_ms: str_at(s, &["backlogSince"]).and_then(parse_rfc3339),
            arrival_rate: 0.0,
            consume_rate: 0.0,
        }
    }

    /// Consumption capacity of `n` consumers over `(t0, t1]` (whole messages, exact over time).
    fn capacity(spec: &QueueSpec, n: i64, t0: i64, t1: i64) -> i64 {
        let rate = spec.per_pod_rate * n as f64;
        let c = |t: i64| ((t - spec.start_ms).max(0) as f64 / 1000.0 * rate).floor();
        (c(t1) - c(t0)).clamp(0.0, i64::MAX as f64) as i64
    }

    /// Works the queue forward to `now_ms` (whole seconds) with the consumer count it holds.
    pub fn advance(&mut self, spec: &QueueSpec, now_ms: i64) {
        let end = now_ms.div_euclid(1000) * 1000;
        let elapsed_s = (end - self.time_ms) / 1000;
        if elapsed_s > 0 {
            let step = if elapsed_s > MAX_STEPS {
                (elapsed_s + MAX_STEPS - 1) / MAX_STEPS * 1000
            } else {
                1000
            };
            let mut t = self.time_ms;
            while t < end {
                let next = (t + step).min(end);
                let a = spec.arrivals.count(spec.start_ms, t, next);
                let c = Self::capacity(spec, self.consumers, t, next);
                let available = self.messages.saturating_add(a);
                let taken = available.min(c);
                self.messages = available - taken;
                self.arrived = self.arrived.saturating_add(a);
                self.consumed = self.consumed.saturating_add(taken);
                if self.messages > 0 {
                    self.backlog_since_ms.get_or_insert(next);
                } else {
                    self.backlog_since_ms = None;
                }
                t = next;
            }
            self.time_ms = end;
        }
        self.arrival_rate = spec.arrivals.at(spec.start_ms, now_ms);
        let capacity = spec.per_pod_rate * self.consumers as f64;
        self.consume_rate = if self.messages > 0 {
            capacity
        } else {
            capacity.min(self.arrival_rate)
        };
    }

    /// Seconds the newest message waits: the backlog over the consumption rate, or the age of
    /// the backlog when nothing consumes. 0 when empty.
    pub fn lag_seconds(&self, spec: &QueueSpec, now_ms: i64) -> f64 {
        if self.messages == 0 {
            return 0.0;
        }
        let capacity = spec.per_pod_rate * self.consumers as f64;
        if capacity > 0.0 {
            self.messages as f64 / capacity
        } else {
            self.backlog_since_ms
                .map_or(0.0, |t| (now_ms - t).max(0) as f64 / 1000.0)
        }
    }

    /// Each partition's lag (messages), spread evenly, the first partitions taking the rest.
    pub fn partition_lags(&self, spec: &QueueSpec) -> Vec<i64> {
        let p = spec.partitions.max(1);
        (0..p)
            .map(|i| self.messages / p + i64::from(i < self.messages % p))
            .collect()
    }

    /// The status that records this state.
    pub fn status(&self, spec: &QueueSpec, now_ms: i64) -> Value {
        let mut s = json!({
            "messages": self.messages,
            "consumers": self.consumers,
            "arrivalRate": round3(self.arrival_rate),
            "consumeRate": round3(self.consume_rate),
            "lagSeconds": round3(self.lag_seconds(spec, now_ms)),
            "arrived": self.arrived,
            "consumed": self.consumed,
            "time": format_rfc3339(self.time_ms),
        });
        if let Some(t) = self.backlog_since_ms {
            s["backlogSince"] = json!(format_rfc3339(t));
        }
        s
    }
}

/// A number rounded to 3 decimals (status fields stay readable).
pub fn round3(x: f64) -> Value {
    let r = (x * 1000.0).round() / 1000.0;
    if r.fract() == 0.0 && r.abs() < 9e15 {
        json!(r as i64)
    } else {
        json!(r)
    }
}

/// The queue `obj` at `now_ms` with `consumers` ready consumers from now on (the seconds before
/// now are accounted with the count its status holds).
pub fn observe(obj: &Value, spec: &QueueSpec, consumers: i64, now_ms: i64) -> QueueState {
    let mut s = QueueState::of(obj, spec);
    s.advance(spec, now_ms);
    s.consumers = consumers;
    let capacity = spec.per_pod_rate * consumers as f64;
    s.consume_rate = if s.messages > 0 {
        capacity
    } else {
        capacity.min(s.arrival_rate)
    };
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_767_225_600_000;

    fn queue(spec: Value) -> (Value, QueueSpec) {
        let obj = json!({"metadata": {"name": "orders", "creationTimestamp": "2026-01-01T00:00:00Z"}, "spec": spec});
        let (s, errs) = QueueSpec::parse(&obj);
        assert_eq!(errs, vec![]);
        (obj, s)
    }

    #[test]
    fn messages_pile_up_without_consumers_and_drain_with_them() {
        // 10 messages per second for a minute; 4 per second per consumer.
        let (obj, spec) = queue(
            json!({"arrivals": {"spikes": [{"at": 0, "duration": "1m", "rps": 10}]},
            "consumer": {"kind": "Deployment", "name": "worker"}, "perPodRate": 4}),
        );
        let s = observe(&obj, &spec, 0, T0 + 60_000);
        assert_eq!((s.messages, s.arrived), (600, 600));
        assert_eq!(s.backlog_since_ms, Some(T0 + 1000));
        assert_eq!(s.lag_seconds(&spec, T0 + 60_000), 59.0);
        // From a status written at 60 s with 3 consumers: 12 per second for 50 s drains 600.
        let mut status = s.status(&spec, T0 + 60_000);
        status["consumers"] = json!(3);
        let mut obj = obj.clone();
        obj["status"] = status;
        let s = observe(&obj, &spec, 3, T0 + 110_000);
        assert_eq!((s.messages, s.consumed), (0, 600));
        assert_eq!(s.backlog_since_ms, None);
        // Counting second by second or at once gives the same queue.
        let mut a = QueueState::of(&obj, &spec);
        for k in 61..=110 {
            a.advance(&spec, T0 + k * 1000);
        }
        assert_eq!(a.messages, s.messages);
        assert_eq!(a.consumed, s.consumed);
    }

    #[test]
    fn fractional_rates_are_exact_over_time() {
        let (obj, spec) = queue(
            json!({"arrivals": {"rps": 0.5}, "perPodRate": 0.25, "consumer": {"kind": "Deployment", "name": "w"}}),
        );
        let mut obj = obj;
        obj["status"] = json!({"consumers": 1, "time": "2026-01-01T00:00:00Z"});
        let s = observe(&obj, &spec, 1, T0 + 100_000);
        assert_eq!((s.arrived, s.consumed, s.messages), (50, 25, 25));
        assert_eq!(s.partition_lags(&spec), vec![25]);
    }
}
