//! The recommender's usage model (kubernetes/autoscaler `pkg/recommender/model`:
//! `aggregations_config.go`, `aggregate_container_state.go`, `container.go`, `types.go`):
//! CPU samples and per-interval memory peaks of the containers of one name, in decaying
//! histograms, and the resource amounts the estimators work with.
use super::histogram::{DecayingHistogram, HistogramOptions, GO_ZERO_TIME_MS};
use std::collections::BTreeMap;

/// `model.ResourceName`: the resources VPA recommends.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum ResourceName {
    /// CPU, amounts in millicores.
    Cpu,
    /// Memory, amounts in bytes.
    Memory,
}

impl ResourceName {
    /// The Kubernetes resource name.
    pub fn as_str(&self) -> &'static str {
        match self {
            ResourceName::Cpu => "cpu",
            ResourceName::Memory => "memory",
        }
    }

    /// `cpu` or `memory`.
    pub fn parse(s: &str) -> Option<ResourceName> {
        match s {
            "cpu" => Some(ResourceName::Cpu),
            "memory" => Some(ResourceName::Memory),
            _ => None,
        }
    }
}

/// `model.Resources`: millicores for CPU, bytes for memory.
pub type Resources = BTreeMap<ResourceName, i64>;

/// `MaxResourceAmount` (1e14).
pub const MAX_RESOURCE_AMOUNT: i64 = 100_000_000_000_000;

/// `resourceAmountFromFloat`: truncated, clamped to `[0, MaxResourceAmount]`.
pub fn resource_amount_from_float(amount: f64) -> i64 {
    if amount > MAX_RESOURCE_AMOUNT as f64 {
        return MAX_RESOURCE_AMOUNT;
    }
    if amount.is_nan() || amount < 0.0 {
        return 0;
    }
    amount as i64
}

/// `CPUAmountFromCores`.
pub fn cpu_amount_from_cores(cores: f64) -> i64 {
    resource_amount_from_float(cores * 1000.0)
}

/// `CoresFromCPUAmount`.
pub fn cores_from_cpu_amount(millicores: i64) -> f64 {
    millicores as f64 / 1000.0
}

/// `ScaleResource`.
pub fn scale_resource(amount: i64, factor: f64) -> i64 {
    resource_amount_from_float(amount as f64 * factor)
}

/// `minSampleWeight`: the weight of a CPU sample before decay.
pub const MIN_SAMPLE_WEIGHT: f64 = 0.1;
/// `epsilon`: the smallest weight a histogram keeps.
pub const EPSILON: f64 = 0.001 * MIN_SAMPLE_WEIGHT;
const HOUR_MS: i64 = 3_600_000;

/// `AggregationsConfig` with upstream's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AggregationsConfig {
    /// `--memory-aggregation-interval` (24 h): one memory peak per interval.
    pub memory_aggregation_interval_ms: i64,
    /// `--memory-aggregation-interval-count` (8).
    pub memory_aggregation_interval_count: i64,
    /// `--memory-histogram-decay-half-life` (24 h).
    pub memory_histogram_decay_half_life_ms: i64,
    /// `--cpu-histogram-decay-half-life` (24 h).
    pub cpu_histogram_decay_half_life_ms: i64,
    /// `--oom-bump-up-ratio` (1.2).
    pub oom_bump_up_ratio: f64,
    /// `--oom-min-bump-up-bytes` (100 MiB).
    pub oom_min_bump_up_bytes: f64,
    /// `HistogramBucketSizeGrowth` (5%).
    pub histogram_bucket_size_growth: f64,
}

impl Default for AggregationsConfig {
    fn default() -> Self {
        AggregationsConfig {
            memory_aggregation_interval_ms: 24 * HOUR_MS,
            memory_aggregation_interval_count: 8,
            memory_histogram_decay_half_life_ms: 24 * HOUR_MS,
            cpu_histogram_decay_half_life_ms: 24 * HOUR_MS,
            oom_bump_up_ratio: 1.2,
            oom_min_bump_up_bytes: 100.0 * 1024.0 * 1024.0,
            histogram_bucket_size_growth: 0.05,
        }
    }
}

impl AggregationsConfig {
    /// `cpuHistogramOptions`: exponential buckets from 0.01 core to 1000 cores.
    pub fn cpu_histogram_options(&self) -> HistogramOptions {
        HistogramOptions::exponential(
            1000.0,
            0.01,
            1.0 + self.histogram_bucket_size_growth,
            EPSILON,
        )
        .unwrap_or(HistogramOptions::Linear {
            num_buckets: 1,
            bucket_size: 1.0,
            epsilon: EPSILON,
        })
    }

    /// `memoryHistogramOptions`: exponential buckets from 10 MB to 1 TB.
    pub fn memory_histogram_options(&self) -> HistogramOptions {
        HistogramOptions::exponential(1e12, 1e7, 1.0 + self.histogram_bucket_size_growth, EPSILON)
            .unwrap_or(HistogramOptions::Linear {
                num_buckets: 1,
                bucket_size: 1.0,
                epsilon: EPSILON,
            })
    }

    /// `GetMemoryAggregationWindowLength` (8 days).
    pub fn memory_aggregation_window_ms(&self) -> i64 {
        self.memory_aggregation_interval_ms
            .saturating_mul(self.memory_aggregation_interval_count)
    }
}

/// `AggregateContainerState`: the distributions of one container name's CPU samples and memory
/// peaks. First/last sample times and the count come from CPU samples only.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AggregateContainerState {
    /// `AggregateCPUUsage`, in cores.
    pub cpu_usage: DecayingHistogram,
    /// `AggregateMemoryPeaks`, in bytes.
    pub memory_peaks: DecayingHistogram,
    /// `FirstSampleStart` (Go's zero time when none).
    pub first_sample_start_ms: i64,
    /// `LastSampleStart`.
    pub last_sample_start_ms: i64,
    /// `TotalSamplesCount`.
    pub total_samples_count: u64,
    /// `ControlledResources` (None: cpu and memory).
    pub controlled_resources: Option<Vec<ResourceName>>,
}

impl AggregateContainerState {
    /// `NewAggregateContainerState`.
    pub fn new(config: &AggregationsConfig) -> AggregateContainerState {
        AggregateContainerState {
            cpu_usage: DecayingHistogram::new(
                config.cpu_histogram_options(),
                config.cpu_histogram_decay_half_life_ms,
            ),
            memory_peaks: DecayingHistogram::new(
                config.memory_histogram_options(),
                config.memory_histogram_decay_half_life_ms,
            ),
            first_sample_start_ms: GO_ZERO_TIME_MS,
            last_sample_start_ms: GO_ZERO_TIME_MS,
            total_samples_count: 0,
            controlled_resources: None,
        }
    }

    /// `addCPUSample`: one usage sample (millicores) of weight 0.1.
    pub fn add_cpu_sample(&mut self, millicores: i64, measure_start_ms: i64) {
        self.cpu_usage.add_sample(
            cores_from_cpu_amount(millicores),
            MIN_SAMPLE_WEIGHT,
            measure_start_ms,
        );
        if measure_start_ms > self.last_sample_start_ms {
            self.last_sample_start_ms = measure_start_ms;
        }
        if self.first_sample_start_ms == GO_ZERO_TIME_MS
            || measure_start_ms < self.first_sample_start_ms
        {
            self.first_sample_start_ms = measure_start_ms;
        }
        self.total_samples_count += 1;
    }

    /// `AddSample` for memory: a peak (bytes) of weight 1.
    pub fn add_memory_peak(&mut self, bytes: i64, measure_start_ms: i64) {
        self.memory_peaks
            .add_sample(bytes as f64, 1.0, measure_start_ms);
    }

    /// `SubtractSample` for memory.
    pub fn subtract_memory_peak(&mut self, bytes: i64, measure_start_ms: i64) {
        self.memory_peaks
            .subtract_sample(bytes as f64, 1.0, measure_start_ms);
    }

    /// `MergeContainerState`.
    pub fn merge(&mut self, other: &AggregateContainerState) {
        self.cpu_usage.merge(&other.cpu_usage);
        self.memory_peaks.merge(&other.memory_peaks);
        if self.first_sample_start_ms == GO_ZERO_TIME_MS
            || (other.first_sample_start_ms != GO_ZERO_TIME_MS
                && other.first_sample_start_ms < self.first_sample_start_ms)
        {
            self.first_sample_start_ms = other.first_sample_start_ms;
        }
        if other.last_sample_start_ms > self.last_sample_start_ms {
            self.last_sample_start_ms = other.last_sample_start_ms;
        }
        self.total_samples_count += other.total_samples_count;
    }

    /// `GetControlledResources`.
    pub fn controlled_resources(&self) -> Vec<ResourceName> {
        self.controlled_resources
            .clone()
            .unwrap_or_else(|| vec![ResourceName::Cpu, ResourceName::Memory])
    }
}

/// `ContainerState`: one running container's sampling state, feeding an aggregate: CPU samples
/// in order, and the peak memory of each aggregation interval (replaced when a higher sample comes
/// in the same interval, or raised after an OOM kill).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContainerState {
    /// `LastCPUSampleStart`.
    pub last_cpu_sample_start_ms: i64,
    memory_peak: i64,
    oom_peak: i64,
    /// `WindowEnd`: the end of the current memory aggregation interval.
    pub window_end_ms: i64,
    last_memory_sample_start_ms: i64,
}

impl Default for ContainerState {
    fn default() -> Self {
        ContainerState {
            last_cpu_sample_start_ms: GO_ZERO_TIME_MS,
            memory_peak: 0,
            oom_peak: 0,
            window_end_ms: GO_ZERO_TIME_MS,
            last_memory_sample_start_ms: GO_ZERO_TIME_MS,
        }
    }
}

impl ContainerState {
    /// `addCPUSample`: duplicate, out-of-order and negative samples are discarded.
    pub fn add_cpu_sample(
        &mut self,
        aggregate: &mut AggregateContainerState,
        millicores: i64,
        measure_start_ms: i64,
    ) -> bool {
        if millicores < 0 || measure_start_ms <= self.last_cpu_sample_start_ms {
            return false;
        }
        aggregate.add_cpu_sample(millicores, measure_start_ms);
        self.last_cpu_sample_start_ms = measure_start_ms;
        true
    }

    /// `GetMaxMemoryPeak`.
    pub fn max_memory_peak(&self) -> i64 {
        self.memory_peak.max(self.oom_peak)
    }

    /// `addMemorySample`: keeps one peak per aggregation interval in the aggregate.
    pub fn add_memory_sample(
        &mut self,
        aggregate: &mut AggregateContainerState,
        config: &AggregationsConfig,
        bytes: i64,
        measure_start_ms: i64,
        is_oom: bool,
    ) -> bool {
        let ts = measure_start_ms;
        if bytes < 0 || (!is_oom && ts < self.last_memory_sample_start_ms) {
            return false;
        }
        self.last_memory_sample_start_ms = ts;
        if self.window_end_ms == GO_ZERO_TIME_MS {
            self.window_end_ms = ts;
        }
        let mut add_new_peak = false;
        if ts < self.window_end_ms {
            let old = self.max_memory_peak();
            if old != 0 && bytes > old {
                aggregate.subtract_memory_peak(old, self.window_end_ms);
                add_new_peak = true;
            }
        } else {
            let interval = config.memory_aggregation_interval_ms.max(1);
            let elapsed = ts.saturating_sub(self.window_end_ms);
            let shift = (elapsed / interval) * interval + interval;
            self.window_end_ms = self.window_end_ms.saturating_add(shift);
            self.memory_peak = 0;
            self.oom_peak = 0;
            add_new_peak = true;
        }
        if add_new_peak {
            aggregate.add_memory_peak(bytes, self.window_end_ms);
            if is_oom {
                self.oom_peak = bytes;
            } else {
                self.memory_peak = bytes;
            }
        }
        true
    }

    /// `RecordOOM`: a memory sample of `max(used + 100 MiB, used x 1.2)`, where used is the larger
    /// of the request and the interval's peak. Err with upstream's text when it is too old.
    pub fn record_oom(
        &mut self,
        aggregate: &mut AggregateContainerState,
        config: &AggregationsConfig,
        timestamp_ms: i64,
        requested_memory_bytes: i64,
    ) -> Result<(), String> {
        if self.last_memory_sample_start_ms != GO_ZERO_TIME_MS
            && timestamp_ms
                < self
                    .last_memory_sample_start_ms
                    .saturating_sub(config.memory_aggregation_interval_ms)
        {
            return Err(format!(
                "OOM event will be discarded - it is too old ({})",
                crate::sim::format_rfc3339(timestamp_ms)
            ));
        }
        let used = requested_memory_bytes.max(self.memory_peak);
        let needed = used
            .saturating_add(resource_amount_from_float(config.oom_min_bump_up_bytes))
            .max(scale_resource(used, config.oom_bump_up_ratio));
        if !self.add_memory_sample(aggregate, config, needed, timestamp_ms, true) {
            return Err("adding OOM sample failed".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! Behaviour of `container.go` (upstream's `container_test.go` scenarios).
    use super::*;

    const START: i64 = 1_767_225_600_000;
    const HOUR: i64 = 3_600_000;

    #[test]
    fn cpu_samples_are_ordered() {
        let config = AggregationsConfig::default();
        let mut agg = AggregateContainerState::new(&config);
        let mut c = ContainerState::default();
        assert!(c.add_cpu_sample(&mut agg, 500, START));
        // Duplicate, out-of-order and negative samples are discarded.
        assert!(!c.add_cpu_sample(&mut agg, 500, START));
        assert!(!c.add_cpu_sample(&mut agg, 500, START - 1));
        assert!(!c.add_cpu_sample(&mut agg, -1, START + 1));
        assert_eq!(agg.total_samples_count, 1);
        assert_eq!(
            (agg.first_sample_start_ms, agg.last_sample_start_ms),
            (START, START)
        );
    }

    #[test]
    fn one_memory_peak_per_interval() {
        let config = AggregationsConfig::default();
        let mut agg = AggregateContainerState::new(&config);
        let mut c = ContainerState::default();
        // The first sample opens a window ending at its own timestamp; the next ones roll it.
        c.add_memory_sample(&mut agg, &config, 100 << 20, START, false);
        assert_eq!(c.window_end_ms, START + 24 * HOUR);
        c.add_memory_sample(&mut agg, &config, 300 << 20, START + HOUR, false);
        c.add_memory_sample(&mut agg, &config, 200 << 20, START + 2 * HOUR, false);
        assert_eq!(c.max_memory_peak(), 300 << 20);
        // Only the interval's peak stays in the histogram: total weight one sample.
        assert!((agg.memory_peaks.histogram().total_weight() - 1.0).abs() < 1e-9);
        // OOM: max(300Mi + 100Mi, 300Mi x 1.2) = 400Mi.
        c.record_oom(&mut agg, &config, START + 3 * HOUR, 128 << 20)
            .unwrap();
        assert_eq!(c.max_memory_peak(), 400 << 20);
        assert!(c
            .record_oom(&mut agg, &config, START - 48 * HOUR, 0)
            .unwrap_err()
            .starts_with("OOM event will be discarded - it is too old"));
    }
}
