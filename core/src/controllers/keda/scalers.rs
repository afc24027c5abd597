//! KEDA's scalers (kedacore/keda `pkg/scalers/*`) on simulated sources: each trigger's metadata
//! with upstream's names and defaults, the HPA metric it exposes (`GetMetricSpecForScaling`) and
//! its value and activity (`GetMetricsAndActivity`: active only when strictly above the
//! activation threshold).
//!
//! Connection and authentication parameters (hosts, regions, credentials) are not required:
//! kplane reads queues and values from its own simulation, named by [`Scaler::source`].
use super::spec::Trigger;
use crate::api::{Map, Quantity, Value};
use crate::controllers::cronjob::{Schedule, Zone};
use crate::json;

/// What a scaler reads from the simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Nothing: cpu/memory are read by the HPA from pod metrics, cron from the clock.
    None,
    /// A queue (SQS queue name, RabbitMQ queue, Redis list).
    Queue(String),
    /// A Kafka topic (empty: every topic of the consumer group) and consumer group.
    Kafka {
        /// `topic`.
        topic: String,
        /// `consumerGroup`.
        consumer_group: String,
    },
    /// A metric query (Prometheus `query`).
    Query(String),
}

/// A queue's state as the simulation reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueObservation {
    /// Messages waiting (SQS `ApproximateNumberOfMessages`, RabbitMQ ready, Redis `LLEN`).
    pub messages: i64,
    /// Messages received and not yet acknowledged (SQS not visible, RabbitMQ unacked).
    pub in_flight: i64,
    /// SQS `ApproximateNumberOfMessagesDelayed`.
    pub delayed: i64,
    /// Messages published per second.
    pub publish_rate: f64,
    /// Messages delivered per second.
    pub deliver_rate: f64,
    /// Kafka: the consumer group's lag on each partition.
    pub partition_lags: Vec<i64>,
}

/// A simulated reading for one trigger.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// No reading (the source does not exist): the scaler errors.
    Missing(String),
    /// A queue.
    Queue(QueueObservation),
    /// A single value (Prometheus).
    Value(f64),
}

/// `ScalerMetric`: the value the HPA reads (milli) and whether the trigger is active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalerMetric {
    /// The external metric's value, milli-units (`GenerateMetricInMili`).
    pub value_milli: i64,
    /// Strictly above the activation threshold.
    pub active: bool,
}

/// The target type of an external trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetType {
    /// `AverageValue` (the default): per replica.
    AverageValue,
    /// `Value`: for the whole target.
    Value,
}

/// RabbitMQ `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RabbitMode {
    /// `QueueLength`.
    QueueLength,
    /// `MessageRate` (publish rate).
    MessageRate,
    /// `DeliverGetRate`.
    DeliverGetRate,
    /// `PublishedToDeliveredRatio`.
    PublishedToDeliveredRatio,
    /// `ExpectedQueueConsumptionTime`.
    ExpectedQueueConsumptionTime,
}

/// A parsed trigger.
#[derive(Debug, Clone, PartialEq)]
pub enum Scaler {
    /// `cpu` / `memory`: a Resource (or ContainerResource) metric evaluated by the HPA.
    Resource {
        /// `cpu` or `memory`.
        resource: String,
        /// `Utilization` or `AverageValue`.
        utilization: bool,
        /// `value`.
        value: String,
        /// `containerName`.
        container: String,
    },
    /// `cron`: `desiredReplicas` between `start` and `end`.
    Cron {
        /// `start`.
        start: String,
        /// `end`.
        end: String,
        /// `timezone`.
        timezone: String,
        /// `desiredReplicas`.
        desired_replicas: i64,
        /// Parsed start.
        start_schedule: Schedule,
        /// Parsed end.
        end_schedule: Schedule,
        /// The timezone did not load: every evaluation fails with this.
        zone_error: Option<String>,
    },
    /// `aws-sqs-queue`.
    AwsSqsQueue {
        /// The queue's name (from `queueURL`).
        queue_name: String,
        /// `queueLength` (5).
        queue_length: i64,
        /// `activationQueueLength` (0).
        activation_queue_length: i64,
        /// `scaleOnInFlight` (true).
        scale_on_in_flight: bool,
        /// `scaleOnDelayed` (false).
        scale_on_delayed: bool,
    },
    /// `rabbitmq`.
    RabbitMq {
        /// `queueName`.
        queue_name: String,
        /// `mode` (QueueLength by default, with value 20).
        mode: RabbitMode,
        /// `value` (or the deprecated `queueLength`).
        value: f64,
        /// `activationValue` (0).
        activation_value: f64,
        /// `excludeUnacknowledged`.
        exclude_unacknowledged: bool,
    },
    /// `kafka`.
    Kafka {
        /// `topic` (optional).
        topic: String,
        /// `consumerGroup`.
        consumer_group: String,
        /// `lagThreshold` (10).
        lag_threshold: i64,
        /// `activationLagThreshold` (0).
        activation_lag_threshold: i64,
        /// `allowIdleConsumers`.
        allow_idle_consumers: bool,
        /// `limitToPartitionsWithLag`.
        limit_to_partitions_with_lag: bool,
        /// `ensureEvenDistributionOfPartitions`.
        ensure_even_distribution: bool,
    },
    /// `redis` (list).
    Redis {
        /// `listName`.
        list_name: String,
        /// `listLength` (5).
        list_length: i64,
        /// `activationListLength` (0).
        activation_list_length: i64,
    },
    /// `prometheus`.
    Prometheus {
        /// `query`.
        query: String,
        /// `threshold`.
        threshold: f64,
        /// `activationThreshold` (0).
        activation_threshold: f64,
        /// `ignoreNullValues` (true).
        ignore_null_values: bool,
    },
}

/// `missing required parameter` as KEDA's typed config reports it.
fn missing(name: &str, order: &str) -> String {
    format!("missing required parameter {} in [{order}]", go_quote(name))
}

fn go_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

struct Meta<'a>(&'a Trigger);

impl Meta<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .metadata
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
    fn required(&self, name: &str) -> Result<String, String> {
        self.get(name)
            .map(str::to_string)
            .ok_or_else(|| missing(name, "triggerMetadata"))
    }
    fn int(&self, name: &str, default: i64) -> Result<i64, String> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v.trim().parse::<i64>().map_err(|_| {
                format!(
                    "unable to set param {} value {}: strconv.ParseInt: parsing {}: invalid syntax",
                    go_quote(name),
                    go_quote(v),
                    go_quote(v)
                )
            }),
        }
    }
    fn float(&self, name: &str, default: f64) -> Result<f64, String> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v.trim().parse::<f64>().map_err(|_| {
                format!(
                    "unable to set param {} value {}: strconv.ParseFloat: parsing {}: invalid syntax",
                    go_quote(name),
                    go_quote(v),
                    go_quote(v)
                )
            }),
        }
    }
    fn boolean(&self, name: &str, default: bool) -> Result<bool, String> {
        match self.get(name) {
            None => Ok(default),
            Some("1" | "t" | "T" | "true" | "TRUE" | "True") => Ok(true),
            Some("0" | "f" | "F" | "false" | "FALSE" | "False") => Ok(false),
            Some(v) => Err(format!(
                "unable to set param {} value {}: strconv.ParseBool: parsing {}: invalid syntax",
                go_quote(name),
                go_quote(v),
                go_quote(v)
            )),
        }
    }
}

/// `NormalizeString`: `/ . : % ( )` become `-`.
pub fn normalize_string(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '/' | '.' | ':' | '%' | '(' | ')') {
                '-'
            } else {
                c
            }
        })
        .collect()
}

/// `GenerateMetricNameWithIndex`: `s<index>-<name>`.
pub fn metric_name_with_index(index: usize, name: &str) -> String {
    format!("s{index}-{name}")
}

/// `parseCronTimeFormat`.
fn cron_time_format(s: &str) -> String {
    s.replace(' ', "")
        .replace('*', "x")
        .replace('/', "Sl")
        .replace('?', "Qm")
        .replace(',', "Cm")
}

/// The queue name of an SQS `queueURL` (`.../<account>/<name>`), or the text itself when it is
/// not a URL.
fn sqs_queue_name(url: &str) -> Result<String, String> {
    let path = if let Some(rest) = url.split_once("://").map(|(_, r)| r) {
        match rest.find('/') {
            Some(i) => &rest[i..],
            None => "",
        }
    } else if url.starts_with('/') {
        url
    } else {
        return Ok(url.to_string());
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [_, _, name] if !name.is_empty() => Ok(name.to_string()),
        _ => Err("cannot get queueName from queueURL".into()),
    }
}

/// `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `GetMetricTargetType`: empty is AverageValue; Utilization is rejected for external metrics.
pub fn metric_target_type(trigger: &Trigger) -> Result<TargetType, String> {
    match trigger.metric_type.as_str() {
        "" | "AverageValue" => Ok(TargetType::AverageValue),
        "Utilization" => Err("'Utilization' metric type is unsupported for external metrics, allowed values are 'Value' or 'AverageValue'".into()),
        _ => Ok(TargetType::Value),
    }
}

/// `GenerateMetricInMili` / `quantityFromFloat64`: `%.3f` of the value (NaN, infinities and
/// negatives are 0), as a milli-value.
pub fn milli_of(value: f64) -> i64 {
    if !value.is_finite() || value < 0.0 {
        return 0;
    }
    Quantity::parse(&format!("{value:.3}")).map_or(i64::MAX, |q| q.milli())
}

impl Scaler {
    /// Builds the scaler of a trigger (`buildScaler`), with upstream's errors.
    pub fn parse(trigger: &Trigger) -> Result<Scaler, String> {
        let m = Meta(trigger);
        match trigger.trigger_type.as_str() {
            "cpu" | "memory" => {
                let value = m.required("value")?;
                let metric_type = if trigger.metric_type.is_empty() {
                    m.get("type").unwrap_or("").to_string()
                } else {
                    trigger.metric_type.clone()
                };
                let utilization = match metric_type.as_str() {
                    "Utilization" => {
                        value.parse::<i32>().map_err(|_| {
                            format!("strconv.ParseInt: parsing {}: invalid syntax", go_quote(&value))
                        })?;
                        true
                    }
                    "AverageValue" => {
                        Quantity::parse(&value).map_err(|e| e.to_string())?;
                        false
                    }
                    other => {
                        return Err(format!(
                            "error parsing {} metadata: unknown metric type: {other}, allowed values are 'Utilization' or 'AverageValue'",
                            trigger.trigger_type
                        ))
                    }
                };
                Ok(Scaler::Resource {
                    resource: trigger.trigger_type.clone(),
                    utilization,
                    value,
                    container: m.get("containerName").unwrap_or("").to_string(),
                })
            }
            "cron" => {
                let wrap = |e: String| format!("error parsing cron metadata: {e}");
                let start = m.required("start").map_err(wrap)?;
                let end = m.required("end").map_err(wrap)?;
                let timezone = m.required("timezone").map_err(wrap)?;
                let desired_replicas = m.int("desiredReplicas", 0).map_err(wrap)?;
                if m.get("desiredReplicas").is_none() {
                    return Err(wrap(missing("desiredReplicas", "triggerMetadata")));
                }
                // An unknown zone fails each poll (`time.LoadLocation` in GetMetricsAndActivity).
                let zone_error = Zone::load(&timezone)
                    .err()
                    .map(|e| format!("unable to load timezone: {e}"));
                let zone = Zone::load(&timezone).unwrap_or(Zone::UTC);
                let parse = |spec: &str, which: &str| {
                    if spec.trim_start().starts_with('@') {
                        return Err(wrap(format!(
                            "error parsing {which} schedule: parser does not accept descriptors: {spec}"
                        )));
                    }
                    Schedule::parse_in(spec, zone)
                        .map_err(|e| wrap(format!("error parsing {which} schedule: {e}")))
                };
                let start_schedule = parse(&start, "start")?;
                let end_schedule = parse(&end, "end")?;
                if start == end {
                    return Err(wrap(
                        "start and end can not have exactly same time input".into(),
                    ));
                }
                if desired_replicas == 0 {
                    return Err(wrap("no desiredReplicas specified".into()));
                }
                Ok(Scaler::Cron {
                    start,
                    end,
                    timezone,
                    desired_replicas,
                    start_schedule,
                    end_schedule,
                    zone_error,
                })
            }
            "aws-sqs-queue" => {
                let wrap = |e: String| format!("error parsing SQS queue metadata: {e}");
                let url = m
                    .get("queueURL")
                    .map(str::to_string)
                    .ok_or_else(|| wrap(missing("queueURL", "triggerMetadata resolvedEnv")))?;
                Ok(Scaler::AwsSqsQueue {
                    queue_name: sqs_queue_name(&url).map_err(wrap)?,
                    queue_length: m.int("queueLength", 5).map_err(wrap)?,
                    activation_queue_length: m.int("activationQueueLength", 0).map_err(wrap)?,
                    scale_on_in_flight: m.boolean("scaleOnInFlight", true).map_err(wrap)?,
                    scale_on_delayed: m.boolean("scaleOnDelayed", false).map_err(wrap)?,
                })
            }
            "rabbitmq" => {
                let wrap = |e: String| format!("error parsing rabbitmq metadata: {e}");
                let queue_name = m.required("queueName").map_err(wrap)?;
                let queue_length = m.float("queueLength", 0.0).map_err(wrap)?;
                let mut value = m.float("value", 0.0).map_err(wrap)?;
                let mode_text = m.get("mode").unwrap_or("Unknown").to_string();
                let mode = if queue_length == 0.0 && mode_text == "Unknown" && value == 0.0 {
                    value = 20.0;
                    RabbitMode::QueueLength
                } else if queue_length != 0.0 {
                    if mode_text != "Unknown" || value != 0.0 {
                        return Err(wrap("queueLength is deprecated; use mode and value".into()));
                    }
                    value = queue_length;
                    RabbitMode::QueueLength
                } else {
                    if mode_text == "Unknown" {
                        return Err(wrap("mode must be specified".into()));
                    }
                    if value == 0.0 {
                        return Err(wrap("value must be specified".into()));
                    }
                    match mode_text.as_str() {
                        "QueueLength" => RabbitMode::QueueLength,
                        "MessageRate" => RabbitMode::MessageRate,
                        "DeliverGetRate" => RabbitMode::DeliverGetRate,
                        "PublishedToDeliveredRatio" => RabbitMode::PublishedToDeliveredRatio,
                        "ExpectedQueueConsumptionTime" => RabbitMode::ExpectedQueueConsumptionTime,
                        other => return Err(wrap(format!("trigger mode {other} must be one of QueueLength, MessageRate, DeliverGetRate, PublishedToDeliveredRatio or ExpectedQueueConsumptionTime"))),
                    }
                };
                Ok(Scaler::RabbitMq {
                    queue_name,
                    mode,
                    value,
                    activation_value: m.float("activationValue", 0.0).map_err(wrap)?,
                    exclude_unacknowledged: m
                        .boolean("excludeUnacknowledged", false)
                        .map_err(wrap)?,
                })
            }
            "kafka" => {
                let wrap = |e: String| format!("error parsing kafka metadata: {e}");
                let consumer_group = m.required("consumerGroup").map_err(wrap)?;
                let lag_threshold = m.int("lagThreshold", 10).map_err(wrap)?;
                let activation_lag_threshold = m.int("activationLagThreshold", 0).map_err(wrap)?;
                if lag_threshold <= 0 {
                    return Err(wrap("\"lagThreshold\" must be positive number".into()));
                }
                if activation_lag_threshold < 0 {
                    return Err(wrap(
                        "\"activationLagThreshold\" must be a non-negative number".into(),
                    ));
                }
                let allow_idle_consumers = m.boolean("allowIdleConsumers", false).map_err(wrap)?;
                let limit_to_partitions_with_lag =
                    m.boolean("limitToPartitionsWithLag", false).map_err(wrap)?;
                if allow_idle_consumers && limit_to_partitions_with_lag {
                    return Err(wrap("allowIdleConsumers and limitToPartitionsWithLag cannot be set simultaneously".into()));
                }
                Ok(Scaler::Kafka {
                    topic: m.get("topic").unwrap_or("").to_string(),
                    consumer_group,
                    lag_threshold,
                    activation_lag_threshold,
                    allow_idle_consumers,
                    limit_to_partitions_with_lag,
                    ensure_even_distribution: m
                        .boolean("ensureEvenDistributionOfPartitions", false)
                        .map_err(wrap)?,
                })
            }
            "redis" => {
                let wrap = |e: String| format!("error parsing redis metadata: {e}");
                Ok(Scaler::Redis {
                    list_name: m.required("listName").map_err(wrap)?,
                    list_length: m.int("listLength", 5).map_err(wrap)?,
                    activation_list_length: m.int("activationListLength", 0).map_err(wrap)?,
                })
            }
            "prometheus" => {
                let wrap = |e: String| format!("error parsing prometheus metadata: {e}");
                let query = m.required("query").map_err(wrap)?;
                m.required("threshold").map_err(wrap)?;
                let threshold = m.float("threshold", 0.0).map_err(wrap)?;
                Ok(Scaler::Prometheus {
                    query,
                    threshold,
                    activation_threshold: m.float("activationThreshold", 0.0).map_err(wrap)?,
                    ignore_null_values: m.boolean("ignoreNullValues", true).map_err(wrap)?,
                })
            }
            other => Err(format!("no scaler found for type: {other}")),
        }
    }

    /// What the scaler reads from the simulation.
    pub fn source(&self) -> Source {
        match self {
            Scaler::Resource { .. } | Scaler::Cron { .. } => Source::None,
            Scaler::AwsSqsQueue { queue_name, .. } | Scaler::RabbitMq { queue_name, .. } => {
                Source::Queue(queue_name.clone())
            }
            Scaler::Redis { list_name, .. } => Source::Queue(list_name.clone()),
            Scaler::Kafka {
                topic,
                consumer_group,
                ..
            } => Source::Kafka {
                topic: topic.clone(),
                consumer_group: consumer_group.clone(),
            },
            Scaler::Prometheus { query, .. } => Source::Query(query.clone()),
        }
    }

    /// The external metric's name (`s<index>-...`); None for cpu/memory.
    pub fn metric_name(&self, index: usize) -> Option<String> {
        let name = match self {
            Scaler::Resource { .. } => return None,
            Scaler::Cron {
                start,
                end,
                timezone,
                ..
            } => normalize_string(&format!(
                "cron-{timezone}-{}-{}",
                cron_time_format(start),
                cron_time_format(end)
            )),
            Scaler::AwsSqsQueue { queue_name, .. } => {
                normalize_string(&format!("aws-sqs-{queue_name}"))
            }
            Scaler::RabbitMq { queue_name, .. } => {
                normalize_string(&format!("rabbitmq-{}", query_escape(queue_name)))
            }
            Scaler::Kafka {
                topic,
                consumer_group,
                ..
            } => normalize_string(&if topic.is_empty() {
                format!("kafka-{consumer_group}-topics")
            } else {
                format!("kafka-{topic}")
            }),
            Scaler::Redis { list_name, .. } => normalize_string(&format!("redis-{list_name}")),
            Scaler::Prometheus { .. } => "prometheus".to_string(),
        };
        Some(metric_name_with_index(index, &name))
    }

    /// `GetMetricSpecForScaling`: the HPA `MetricSpec` (the external selector is added when the
    /// HPA is built).
    pub fn metric_spec(&self, index: usize, target_type: TargetType) -> Value {
        let target = |value: String| {
            let mut t = Map::new();
            match target_type {
                TargetType::AverageValue => {
                    t.insert("type", json!("AverageValue"));
                    t.insert("averageValue", json!(value));
                }
                TargetType::Value => {
                    t.insert("type", json!("Value"));
                    t.insert("value", json!(value));
                }
            }
            Value::Object(t)
        };
        let mili = |v: f64| crate::api::quantity::format_milli_decimal_si(milli_of(v));
        let name = self.metric_name(index).unwrap_or_default();
        let external = |value: String| json!({"type": "External", "external": {"metric": {"name": name.as_str()}, "target": target(value)}});
        match self {
            Scaler::Resource {
                resource,
                utilization,
                value,
                container,
            } => {
                let target = if *utilization {
                    json!({"type": "Utilization", "averageUtilization": value.parse::<i64>().unwrap_or(0)})
                } else {
                    json!({"type": "AverageValue", "averageValue": value.as_str()})
                };
                if container.is_empty() {
                    json!({"type": "Resource", "resource": {"name": resource.as_str(), "target": target}})
                } else {
                    json!({"type": "ContainerResource", "containerResource": {"name": resource.as_str(), "target": target, "container": container.as_str()}})
                }
            }
            Scaler::Cron { .. } => external("1".into()),
            Scaler::AwsSqsQueue { queue_length, .. } => external(queue_length.to_string()),
            Scaler::RabbitMq { value, .. } => external(mili(*value)),
            Scaler::Kafka { lag_threshold, .. } => external(lag_threshold.to_string()),
            Scaler::Redis { list_length, .. } => external(list_length.to_string()),
            Scaler::Prometheus { threshold, .. } => external(mili(*threshold)),
        }
    }

    /// `GetMetricsAndActivity` on a simulated reading at `now_ms`. cpu/memory are always active
    /// (their value is read by the HPA).
    pub fn evaluate(&self, observation: &Observation, now_ms: i64) -> Result<ScalerMetric, String> {
        let queue = || match observation {
            Observation::Queue(q) => Ok(q),
            Observation::Missing(e) => Err(e.clone()),
            Observation::Value(_) => Err("the source is not a queue".to_string()),
        };
        let metric = |value: f64, active: bool| ScalerMetric {
            value_milli: milli_of(value),
            active,
        };
        match self {
            Scaler::Resource { .. } => Ok(ScalerMetric {
                value_milli: 0,
                active: true,
            }),
            Scaler::Cron {
                desired_replicas,
                start_schedule,
                end_schedule,
                zone_error,
                ..
            } => {
                if let Some(e) = zone_error {
                    return Err(e.clone());
                }
                let (Some(next_start), Some(next_end)) =
                    (start_schedule.next(now_ms), end_schedule.next(now_ms))
                else {
                    return Ok(metric(0.0, false));
                };
                // Upstream compares the next start and end after now: inside the window the end
                // comes first.
                let within = if next_start < next_end {
                    now_ms > next_start && now_ms < next_end
                } else {
                    now_ms > next_start || now_ms < next_end
                };
                Ok(metric(
                    if within {
                        *desired_replicas as f64
                    } else {
                        0.0
                    },
                    within,
                ))
            }
            Scaler::AwsSqsQueue {
                activation_queue_length,
                scale_on_in_flight,
                scale_on_delayed,
                ..
            } => {
                let q = queue()?;
                let mut length = q.messages;
                if *scale_on_in_flight {
                    length = length.saturating_add(q.in_flight);
                }
                if *scale_on_delayed {
                    length = length.saturating_add(q.delayed);
                }
                Ok(metric(length as f64, length > *activation_queue_length))
            }
            Scaler::RabbitMq {
                mode,
                activation_value,
                exclude_unacknowledged,
                ..
            } => {
                let q = queue()?;
                let messages = if *exclude_unacknowledged {
                    q.messages
                } else {
                    q.messages.saturating_add(q.in_flight)
                } as f64;
                let (publish, deliver) = (q.publish_rate, q.deliver_rate);
                Ok(match mode {
                    RabbitMode::QueueLength => metric(messages, messages > *activation_value),
                    RabbitMode::MessageRate => metric(
                        publish,
                        publish > *activation_value || messages > *activation_value,
                    ),
                    RabbitMode::DeliverGetRate => metric(deliver, deliver > *activation_value),
                    RabbitMode::PublishedToDeliveredRatio => {
                        let ratio = if publish > 0.0 && deliver == 0.0 {
                            *activation_value
                        } else if publish > 0.0 && deliver > 0.0 {
                            publish / deliver
                        } else {
                            0.0
                        };
                        metric(
                            ratio,
                            ratio > *activation_value || (publish > 0.0 && deliver == 0.0),
                        )
                    }
                    RabbitMode::ExpectedQueueConsumptionTime => {
                        let eta = if messages == 0.0 {
                            0.0
                        } else if deliver == 0.0 {
                            *activation_value
                        } else {
                            (publish - deliver) / deliver + messages / deliver
                        };
                        metric(
                            eta,
                            eta > *activation_value || (deliver == 0.0 && messages > 0.0),
                        )
                    }
                })
            }
            Scaler::Kafka {
                lag_threshold,
                activation_lag_threshold,
                allow_idle_consumers,
                limit_to_partitions_with_lag,
                ensure_even_distribution,
                ..
            } => {
                let q = queue()?;
                let total_with_persistent: i64 = q
                    .partition_lags
                    .iter()
                    .fold(0i64, |a, l| a.saturating_add((*l).max(0)));
                let mut total = total_with_persistent;
                let partitions = q.partition_lags.len() as i64;
                let with_lag = q.partition_lags.iter().filter(|l| **l > 0).count() as i64;
                if !*allow_idle_consumers
                    || *limit_to_partitions_with_lag
                    || *ensure_even_distribution
                {
                    let mut upper = partitions;
                    if *ensure_even_distribution {
                        let factor = (1..=partitions)
                            .filter(|f| partitions % f == 0)
                            .find(|f| f.saturating_mul(*lag_threshold) >= total)
                            .unwrap_or(partitions);
                        total = factor.saturating_mul(*lag_threshold);
                    }
                    if *limit_to_partitions_with_lag {
                        upper = with_lag;
                    }
                    if total / lag_threshold > upper {
                        total = upper.saturating_mul(*lag_threshold);
                    }
                }
                Ok(metric(
                    total as f64,
                    total_with_persistent > *activation_lag_threshold,
                ))
            }
            Scaler::Redis {
                activation_list_length,
                ..
            } => {
                let q = queue()?;
                Ok(metric(
                    q.messages as f64,
                    q.messages > *activation_list_length,
                ))
            }
            Scaler::Prometheus {
                activation_threshold,
                ignore_null_values,
                ..
            } => {
                let v = match observation {
                    Observation::Value(v) => *v,
                    Observation::Missing(_) if *ignore_null_values => 0.0,
                    Observation::Missing(_) => return Err(
                        "prometheus metrics 'prometheus' target may be lost, the result is empty"
                            .into(),
                    ),
                    Observation::Queue(q) => q.messages as f64,
                };
                let v = if v.is_finite() {
                    v
                } else if *ignore_null_values {
                    0.0
                } else {
                    return Err(format!("prometheus query returns {v}"));
                };
                Ok(metric(v, v > *activation_threshold))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Vectors from upstream's scaler tests (`aws_sqs_queue_scaler_test.go`, `cron_scaler_test.go`,
    //! `rabbitmq_scaler_test.go`, `kafka_scaler_test.go`, `redis_scaler_test.go`) and the
    //! reference's KEDA section.
    use super::*;
    use std::collections::BTreeMap;

    fn trigger(ty: &str, metadata: &[(&str, &str)]) -> Trigger {
        Trigger {
            trigger_type: ty.into(),
            metadata: metadata
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            ..Default::default()
        }
    }

    fn queue(messages: i64) -> Observation {
        Observation::Queue(QueueObservation {
            messages,
            ..Default::default()
        })
    }

    #[test]
    fn metric_names_from_upstream_tests() {
        let sqs = Scaler::parse(&trigger(
            "aws-sqs-queue",
            &[(
                "queueURL",
                "https://sqs.eu-west-1.amazonaws.com/account_id/DeleteArtifactQ",
            )],
        ))
        .unwrap();
        assert_eq!(sqs.metric_name(0).unwrap(), "s0-aws-sqs-DeleteArtifactQ");
        assert_eq!(sqs.metric_name(1).unwrap(), "s1-aws-sqs-DeleteArtifactQ");
        let simple = Scaler::parse(&trigger("aws-sqs-queue", &[("queueURL", "my-queue")])).unwrap();
        assert_eq!(simple.source(), Source::Queue("my-queue".into()));
        for bad in [
            "https://sqs.eu-west-1.amazonaws.com/account_id",
            "https://sqs.eu-west-1.amazonaws.com",
        ] {
            assert_eq!(
                Scaler::parse(&trigger("aws-sqs-queue", &[("queueURL", bad)])).unwrap_err(),
                "error parsing SQS queue metadata: cannot get queueName from queueURL"
            );
        }
        assert_eq!(
            Scaler::parse(&trigger("aws-sqs-queue", &[])).unwrap_err(),
            "error parsing SQS queue metadata: missing required parameter \"queueURL\" in [triggerMetadata resolvedEnv]"
        );
        let cron = |start: &str, end: &str| {
            Scaler::parse(&trigger(
                "cron",
                &[
                    ("timezone", "Etc/UTC"),
                    ("start", start),
                    ("end", end),
                    ("desiredReplicas", "10"),
                ],
            ))
            .unwrap()
        };
        assert_eq!(
            cron("0 0 * * Thu", "59 23 * * Thu").metric_name(0).unwrap(),
            "s0-cron-Etc-UTC-00xxThu-5923xxThu"
        );
        assert_eq!(
            cron("0 */2 * * *", "0 1-23/2 * * *")
                .metric_name(1)
                .unwrap(),
            "s1-cron-Etc-UTC-0xSl2xxx-01-23Sl2xxx"
        );
        let rabbit = |q: &str| Scaler::parse(&trigger("rabbitmq", &[("queueName", q)])).unwrap();
        assert_eq!(
            rabbit("sample").metric_name(0).unwrap(),
            "s0-rabbitmq-sample"
        );
        assert_eq!(
            rabbit("namespace/name").metric_name(1).unwrap(),
            "s1-rabbitmq-namespace-2Fname"
        );
        let kafka = |extra: &[(&str, &str)]| {
            let mut m = vec![
                ("consumerGroup", "my-group"),
                ("bootstrapServers", "b:9092"),
            ];
            m.extend_from_slice(extra);
            Scaler::parse(&trigger("kafka", &m)).unwrap()
        };
        assert_eq!(
            kafka(&[("topic", "my-topic")]).metric_name(0).unwrap(),
            "s0-kafka-my-topic"
        );
        assert_eq!(
            kafka(&[]).metric_name(1).unwrap(),
            "s1-kafka-my-group-topics"
        );
        let redis = Scaler::parse(&trigger("redis", &[("listName", "mylist")])).unwrap();
        assert_eq!(redis.metric_name(1).unwrap(), "s1-redis-mylist");
    }

    #[test]
    fn cron_validation_from_cron_scaler_test() {
        // parseCronMetadataTestDataset: (metadata, isError).
        let cases: [(&[(&str, &str)], bool); 8] = [
            (
                &[
                    ("timezone", "Asia/Kolkata"),
                    ("start", "30 * * * *"),
                    ("end", "45 * * * *"),
                ],
                true,
            ),
            (
                &[
                    ("start", "30 * * * *"),
                    ("end", "45 * * * *"),
                    ("desiredReplicas", "10"),
                ],
                true,
            ),
            (
                &[
                    ("timezone", "Asia/Kolkata"),
                    ("start", "30-33 * * * *"),
                    ("end", "45 * * * *"),
                    ("desiredReplicas", "10"),
                ],
                false,
            ),
            (
                &[
                    ("timezone", "Asia/Kolkata"),
                    ("start", "30 * * * *"),
                    ("end", "45-50 * * * *"),
                    ("desiredReplicas", "10"),
                ],
                false,
            ),
            (
                &[
                    ("timezone", "Asia/Kolkata"),
                    ("start", "-30 * * * *"),
                    ("end", "45 * * * *"),
                    ("desiredReplicas", "10"),
                ],
                true,
            ),
            (
                &[
                    ("timezone", "Asia/Kolkata"),
                    ("start", "30 * * * *"),
                    ("end", "-50 * * * *"),
                    ("desiredReplicas", "10"),
                ],
                true,
            ),
            (
                &[
                    ("timezone", "Asia/Kolkata"),
                    ("start", "30 * * * *"),
                    ("end", "50 * * -3 *"),
                    ("desiredReplicas", "10"),
                ],
                true,
            ),
            (
                &[
                    ("timezone", "Asia/Kolkata"),
                    ("start", "30 * * * *"),
                    ("end", "30 * * * *"),
                    ("desiredReplicas", "10"),
                ],
                true,
            ),
        ];
        for (metadata, is_error) in cases {
            assert_eq!(
                Scaler::parse(&trigger("cron", metadata)).is_err(),
                is_error,
                "{metadata:?}"
            );
        }
        assert_eq!(
            Scaler::parse(&trigger(
                "cron",
                &[
                    ("timezone", "Etc/UTC"),
                    ("start", "30 * * * *"),
                    ("end", "30 * * * *"),
                    ("desiredReplicas", "10")
                ]
            ))
            .unwrap_err(),
            "error parsing cron metadata: start and end can not have exactly same time input"
        );
    }

    #[test]
    fn cron_window_is_active_between_start_and_end() {
        // 06:00 to 20:00 in Kolkata (UTC+5:30), 5 replicas.
        let s = Scaler::parse(&trigger(
            "cron",
            &[
                ("timezone", "Asia/Kolkata"),
                ("start", "0 6 * * *"),
                ("end", "0 20 * * *"),
                ("desiredReplicas", "5"),
            ],
        ))
        .unwrap();
        let utc = |h: i64, m: i64| 1_767_225_600_000 + (h * 60 + m) * 60_000; // 2026-01-01
                                                                              // 10:00 local = 04:30 UTC: inside.
        assert_eq!(
            s.evaluate(&Observation::Value(0.0), utc(4, 30)).unwrap(),
            ScalerMetric {
                value_milli: 5000,
                active: true
            }
        );
        // 22:00 local = 16:30 UTC: outside.
        assert_eq!(
            s.evaluate(&Observation::Value(0.0), utc(16, 30)).unwrap(),
            ScalerMetric {
                value_milli: 0,
                active: false
            }
        );
        // Target: one replica per unit, so the HPA asks for desiredReplicas.
        assert_eq!(
            s.metric_spec(0, TargetType::AverageValue)["external"]["target"],
            json!({"type": "AverageValue", "averageValue": "1"})
        );
        // An unknown zone fails each poll.
        let bad = Scaler::parse(&trigger(
            "cron",
            &[
                ("timezone", "Mars/Olympus"),
                ("start", "0 6 * * *"),
                ("end", "0 20 * * *"),
                ("desiredReplicas", "5"),
            ],
        ))
        .unwrap();
        assert!(bad
            .evaluate(&Observation::Value(0.0), utc(4, 30))
            .unwrap_err()
            .starts_with("unable to load timezone"));
    }

    #[test]
    fn sqs_counts_in_flight_and_delayed_as_configured() {
        // TestAWSSQSScalerGetMetrics: 200 visible, 100 in flight, 50 delayed.
        let q = Observation::Queue(QueueObservation {
            messages: 200,
            in_flight: 100,
            delayed: 50,
            ..Default::default()
        });
        let url = (
            "queueURL",
            "https://sqs.eu-west-1.amazonaws.com/account_id/DeleteArtifactQ",
        );
        let value = |extra: &[(&str, &str)]| {
            let mut m = vec![url];
            m.extend_from_slice(extra);
            Scaler::parse(&trigger("aws-sqs-queue", &m))
                .unwrap()
                .evaluate(&q, 0)
                .unwrap()
                .value_milli
        };
        assert_eq!(value(&[]), 300_000);
        assert_eq!(value(&[("scaleOnInFlight", "false")]), 200_000);
        assert_eq!(value(&[("scaleOnDelayed", "true")]), 350_000);
        // Defaults: queueLength 5, activation 0; strictly greater activates.
        let s = Scaler::parse(&trigger("aws-sqs-queue", &[url])).unwrap();
        assert_eq!(
            s.metric_spec(0, TargetType::AverageValue)["external"]["target"],
            json!({"type": "AverageValue", "averageValue": "5"})
        );
        assert!(!s.evaluate(&queue(0), 0).unwrap().active);
        assert!(s.evaluate(&queue(1), 0).unwrap().active);
        // Reference: threshold 10, activation 50, 40 messages -> not active.
        let s = Scaler::parse(&trigger(
            "aws-sqs-queue",
            &[url, ("queueLength", "10"), ("activationQueueLength", "50")],
        ))
        .unwrap();
        assert_eq!(
            s.evaluate(&queue(40), 0).unwrap(),
            ScalerMetric {
                value_milli: 40_000,
                active: false
            }
        );
        assert!(!s.evaluate(&queue(50), 0).unwrap().active);
        assert!(s.evaluate(&queue(51), 0).unwrap().active);
        assert!(s
            .evaluate(&Observation::Missing("queue not found".into()), 0)
            .is_err());
    }

    #[test]
    fn rabbitmq_modes() {
        let q = |messages, unacked, publish, deliver| {
            Observation::Queue(QueueObservation {
                messages,
                in_flight: unacked,
                publish_rate: publish,
                deliver_rate: deliver,
                ..Default::default()
            })
        };
        // No mode, value or queueLength: QueueLength with value 20.
        let s = Scaler::parse(&trigger("rabbitmq", &[("queueName", "q")])).unwrap();
        assert_eq!(
            s.metric_spec(0, TargetType::AverageValue)["external"]["target"]["averageValue"],
            json!("20")
        );
        assert_eq!(
            s.evaluate(&q(3, 2, 0.0, 0.0), 0).unwrap(),
            ScalerMetric {
                value_milli: 5000,
                active: true
            }
        );
        let s = Scaler::parse(&trigger(
            "rabbitmq",
            &[
                ("queueName", "q"),
                ("mode", "QueueLength"),
                ("value", "10"),
                ("activationValue", "5"),
                ("excludeUnacknowledged", "true"),
            ],
        ))
        .unwrap();
        assert!(!s.evaluate(&q(5, 10, 0.0, 0.0), 0).unwrap().active);
        let s = Scaler::parse(&trigger(
            "rabbitmq",
            &[
                ("queueName", "q"),
                ("mode", "MessageRate"),
                ("value", "2.5"),
            ],
        ))
        .unwrap();
        assert_eq!(
            s.metric_spec(0, TargetType::Value)["external"]["target"],
            json!({"type": "Value", "value": "2500m"})
        );
        assert_eq!(
            s.evaluate(&q(0, 0, 7.25, 1.0), 0).unwrap(),
            ScalerMetric {
                value_milli: 7250,
                active: true
            }
        );
        assert_eq!(
            Scaler::parse(&trigger(
                "rabbitmq",
                &[
                    ("queueName", "q"),
                    ("queueLength", "5"),
                    ("mode", "QueueLength")
                ]
            ))
            .unwrap_err(),
            "error parsing rabbitmq metadata: queueLength is deprecated; use mode and value"
        );
        assert_eq!(
            Scaler::parse(&trigger("rabbitmq", &[("queueName", "q"), ("value", "5")])).unwrap_err(),
            "error parsing rabbitmq metadata: mode must be specified"
        );
    }

    #[test]
    fn kafka_lag_is_capped_by_partitions() {
        let lags = |l: &[i64]| {
            Observation::Queue(QueueObservation {
                partition_lags: l.to_vec(),
                ..Default::default()
            })
        };
        let base = [("consumerGroup", "g"), ("topic", "t")];
        let s = Scaler::parse(&trigger("kafka", &base)).unwrap();
        // 3 partitions, lag 100 in total: at most 3 consumers -> 3 x lagThreshold (10).
        assert_eq!(
            s.evaluate(&lags(&[50, 30, 20]), 0).unwrap(),
            ScalerMetric {
                value_milli: 30_000,
                active: true
            }
        );
        assert_eq!(s.evaluate(&lags(&[5, 0, 0]), 0).unwrap().value_milli, 5000);
        let idle = Scaler::parse(&trigger(
            "kafka",
            &[base[0], base[1], ("allowIdleConsumers", "true")],
        ))
        .unwrap();
        assert_eq!(
            idle.evaluate(&lags(&[50, 30, 20]), 0).unwrap().value_milli,
            100_000
        );
        let with_lag = Scaler::parse(&trigger(
            "kafka",
            &[base[0], base[1], ("limitToPartitionsWithLag", "true")],
        ))
        .unwrap();
        assert_eq!(
            with_lag
                .evaluate(&lags(&[50, 0, 0]), 0)
                .unwrap()
                .value_milli,
            10_000
        );
        let even = Scaler::parse(&trigger(
            "kafka",
            &[
                base[0],
                base[1],
                ("ensureEvenDistributionOfPartitions", "true"),
            ],
        ))
        .unwrap();
        // 6 partitions, lag 25: the smallest factor of 6 covering 25/10 is 3 -> 30.
        assert_eq!(
            even.evaluate(&lags(&[25, 0, 0, 0, 0, 0]), 0)
                .unwrap()
                .value_milli,
            30_000
        );
        assert_eq!(
            Scaler::parse(&trigger("kafka", &[base[0], ("lagThreshold", "0")])).unwrap_err(),
            "error parsing kafka metadata: \"lagThreshold\" must be positive number"
        );
    }

    #[test]
    fn redis_and_prometheus() {
        let s = Scaler::parse(&trigger(
            "redis",
            &[("listName", "jobs"), ("activationListLength", "3")],
        ))
        .unwrap();
        assert_eq!(
            s.metric_spec(0, TargetType::AverageValue)["external"]["target"]["averageValue"],
            json!("5")
        );
        assert_eq!(
            s.evaluate(&queue(3), 0).unwrap(),
            ScalerMetric {
                value_milli: 3000,
                active: false
            }
        );
        let p = Scaler::parse(&trigger(
            "prometheus",
            &[
                ("query", "sum(rate(http_requests_total[2m]))"),
                ("threshold", "100"),
                ("activationThreshold", "5.5"),
            ],
        ))
        .unwrap();
        assert_eq!(p.metric_name(2).unwrap(), "s2-prometheus");
        assert_eq!(
            p.source(),
            Source::Query("sum(rate(http_requests_total[2m]))".into())
        );
        assert_eq!(
            p.evaluate(&Observation::Value(5.5), 0).unwrap(),
            ScalerMetric {
                value_milli: 5500,
                active: false
            }
        );
        assert_eq!(
            p.evaluate(&Observation::Value(12.3456), 0).unwrap(),
            ScalerMetric {
                value_milli: 12_346,
                active: true
            }
        );
        // ignoreNullValues (default true): an empty result is 0.
        assert_eq!(
            p.evaluate(&Observation::Missing("empty".into()), 0)
                .unwrap()
                .value_milli,
            0
        );
        assert_eq!(
            Scaler::parse(&trigger("prometheus", &[("query", "up")])).unwrap_err(),
            "error parsing prometheus metadata: missing required parameter \"threshold\" in [triggerMetadata]"
        );
        let mut t = trigger("prometheus", &[("query", "up"), ("threshold", "1")]);
        t.metric_type = "Utilization".into();
        assert!(metric_target_type(&t)
            .unwrap_err()
            .starts_with("'Utilization' metric type is unsupported"));
    }

    #[test]
    fn cpu_and_memory_triggers_are_resource_metrics() {
        let mut t = trigger("cpu", &[("value", "60")]);
        t.metric_type = "Utilization".into();
        let s = Scaler::parse(&t).unwrap();
        assert_eq!(s.metric_name(0), None);
        assert_eq!(
            s.metric_spec(0, TargetType::AverageValue),
            json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}})
        );
        let mut t = trigger("memory", &[("value", "512Mi"), ("containerName", "app")]);
        t.metric_type = "AverageValue".into();
        assert_eq!(
            Scaler::parse(&t)
                .unwrap()
                .metric_spec(0, TargetType::AverageValue),
            json!({"type": "ContainerResource", "containerResource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "512Mi"}, "container": "app"}})
        );
        assert!(Scaler::parse(&trigger("cpu", &[("value", "60")]))
            .unwrap_err()
            .contains("unknown metric type"));
        assert_eq!(
            Scaler::parse(&trigger("nope", &[])).unwrap_err(),
            "no scaler found for type: nope"
        );
    }
}
