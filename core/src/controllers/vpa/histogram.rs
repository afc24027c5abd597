//! The recommender's histograms (`pkg/recommender/util/histogram.go`, `histogram_options.go`,
//! `decaying_histogram.go` in kubernetes/autoscaler): bucketed weights, percentiles at bucket
//! ends, and a decaying variant where a sample loses half its weight every half-life.
//!
//! Times are epoch milliseconds; Go's zero `time.Time` (year 1) is [`GO_ZERO_TIME_MS`].

/// Go's zero `time.Time` (0001-01-01T00:00:00Z) in epoch ms: the initial reference timestamp of a
/// decaying histogram, and the origin `Time.Round` rounds from.
pub const GO_ZERO_TIME_MS: i64 = -62_135_596_800_000;

/// `maxDecayExponent`: beyond 2^100 the reference timestamp is moved forward.
const MAX_DECAY_EXPONENT: i64 = 100;

/// `HistogramOptions`: the bucketing scheme.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum HistogramOptions {
    /// `NewLinearHistogramOptions`: fixed-size buckets from 0.
    Linear {
        /// Number of buckets.
        num_buckets: usize,
        /// Bucket size.
        bucket_size: f64,
        /// Minimum weight of a non-empty bucket.
        epsilon: f64,
    },
    /// `NewExponentialHistogramOptions`: bucket n has size `first * ratio^n`.
    Exponential {
        /// Number of buckets.
        num_buckets: usize,
        /// Size of the first bucket.
        first_bucket_size: f64,
        /// Growth ratio (> 1).
        ratio: f64,
        /// Minimum weight of a non-empty bucket.
        epsilon: f64,
    },
}

fn log(base: f64, x: f64) -> f64 {
    x.ln() / base.ln()
}

impl HistogramOptions {
    /// `NewLinearHistogramOptions`: the last bucket starts at or above `max_value`.
    pub fn linear(max_value: f64, bucket_size: f64, epsilon: f64) -> Option<HistogramOptions> {
        if !(max_value > 0.0 && bucket_size > 0.0 && epsilon > 0.0) {
            return None;
        }
        Some(HistogramOptions::Linear {
            num_buckets: (max_value / bucket_size).ceil() as usize + 1,
            bucket_size,
            epsilon,
        })
    }

    /// `NewExponentialHistogramOptions`.
    pub fn exponential(
        max_value: f64,
        first_bucket_size: f64,
        ratio: f64,
        epsilon: f64,
    ) -> Option<HistogramOptions> {
        if !(max_value > 0.0 && first_bucket_size > 0.0 && ratio > 1.0 && epsilon > 0.0) {
            return None;
        }
        let n = log(ratio, max_value * (ratio - 1.0) / first_bucket_size + 1.0).ceil() as usize + 1;
        Some(HistogramOptions::Exponential {
            num_buckets: n,
            first_bucket_size,
            ratio,
            epsilon,
        })
    }

    /// `NumBuckets`.
    pub fn num_buckets(&self) -> usize {
        match *self {
            HistogramOptions::Linear { num_buckets, .. }
            | HistogramOptions::Exponential { num_buckets, .. } => num_buckets,
        }
    }

    /// `Epsilon`.
    pub fn epsilon(&self) -> f64 {
        match *self {
            HistogramOptions::Linear { epsilon, .. }
            | HistogramOptions::Exponential { epsilon, .. } => epsilon,
        }
    }

    /// `FindBucket`: values outside the range fall into the first or last bucket.
    pub fn find_bucket(&self, value: f64) -> usize {
        let last = self.num_buckets().saturating_sub(1);
        match *self {
            HistogramOptions::Linear { bucket_size, .. } => {
                let b = (value / bucket_size) as i64;
                b.clamp(0, last as i64) as usize
            }
            HistogramOptions::Exponential {
                first_bucket_size,
                ratio,
                ..
            } => {
                if value < first_bucket_size {
                    return 0;
                }
                let b = log(ratio, value * (ratio - 1.0) / first_bucket_size + 1.0) as i64;
                b.clamp(0, last as i64) as usize
            }
        }
    }

    /// `GetBucketStart`.
    pub fn bucket_start(&self, bucket: usize) -> f64 {
        match *self {
            HistogramOptions::Linear { bucket_size, .. } => bucket as f64 * bucket_size,
            HistogramOptions::Exponential {
                first_bucket_size,
                ratio,
                ..
            } => {
                if bucket == 0 {
                    0.0
                } else {
                    first_bucket_size * (ratio.powf(bucket as f64) - 1.0) / (ratio - 1.0)
                }
            }
        }
    }
}

/// `histogram`: bucket weights; `percentile` returns the end of the bucket reaching the share.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Histogram {
    options: HistogramOptions,
    bucket_weight: Vec<f64>,
    total_weight: f64,
    min_bucket: usize,
    max_bucket: usize,
}

impl Histogram {
    /// `NewHistogram`.
    pub fn new(options: HistogramOptions) -> Histogram {
        let n = options.num_buckets().max(1);
        Histogram {
            options,
            bucket_weight: vec![0.0; n],
            total_weight: 0.0,
            min_bucket: n - 1,
            max_bucket: 0,
        }
    }

    /// The bucketing scheme.
    pub fn options(&self) -> HistogramOptions {
        self.options
    }

    /// The total weight.
    pub fn total_weight(&self) -> f64 {
        self.total_weight
    }

    /// `AddSample` (negative weights, which upstream rejects with a panic, are ignored).
    pub fn add_sample(&mut self, value: f64, weight: f64) {
        if weight.is_nan() || weight < 0.0 {
            return;
        }
        let b = self.options.find_bucket(value);
        let eps = self.options.epsilon();
        let Some(w) = self.bucket_weight.get_mut(b) else {
            return;
        };
        *w += weight;
        let w = *w;
        self.total_weight += weight;
        if b < self.min_bucket && w >= eps {
            self.min_bucket = b;
        }
        if b > self.max_bucket && w >= eps {
            self.max_bucket = b;
        }
    }

    /// `SubtractSample`: weights never go below zero (below epsilon they become zero).
    pub fn subtract_sample(&mut self, value: f64, weight: f64) {
        if weight.is_nan() || weight < 0.0 {
            return;
        }
        let b = self.options.find_bucket(value);
        let eps = self.options.epsilon();
        self.total_weight = safe_subtract(self.total_weight, weight, eps);
        if let Some(w) = self.bucket_weight.get_mut(b) {
            *w = safe_subtract(*w, weight, eps);
        }
        self.update_min_and_max_bucket();
    }

    /// `Merge`: adds another histogram of the same options (others are ignored).
    pub fn merge(&mut self, other: &Histogram) {
        if self.options != other.options {
            return;
        }
        if other.min_bucket <= other.max_bucket {
            for b in other.min_bucket..=other.max_bucket {
                if let (Some(w), Some(o)) =
                    (self.bucket_weight.get_mut(b), other.bucket_weight.get(b))
                {
                    *w += o;
                }
            }
        }
        self.total_weight += other.total_weight;
        self.min_bucket = self.min_bucket.min(other.min_bucket);
        self.max_bucket = self.max_bucket.max(other.max_bucket);
    }

    /// `Percentile`: the end of the first bucket whose cumulative weight reaches
    /// `percentile x total` (the start of the last bucket, which has no end); 0 when empty.
    pub fn percentile(&self, percentile: f64) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        let threshold = percentile * self.total_weight;
        let mut partial = 0.0;
        let mut bucket = self.min_bucket;
        while bucket < self.max_bucket {
            partial += self.bucket_weight.get(bucket).copied().unwrap_or(0.0);
            if partial >= threshold {
                break;
            }
            bucket += 1;
        }
        if bucket + 1 < self.options.num_buckets() {
            self.options.bucket_start(bucket + 1)
        } else {
            self.options.bucket_start(bucket)
        }
    }

    /// `IsEmpty`: the first non-empty bucket's weight is below epsilon.
    pub fn is_empty(&self) -> bool {
        self.bucket_weight
            .get(self.min_bucket)
            .is_none_or(|w| *w < self.options.epsilon())
    }

    fn update_min_and_max_bucket(&mut self) {
        let eps = self.options.epsilon();
        let last = self.options.num_buckets().saturating_sub(1);
        while self
            .bucket_weight
            .get(self.min_bucket)
            .is_some_and(|w| *w < eps)
            && self.min_bucket < last
        {
            self.min_bucket += 1;
        }
        while self
            .bucket_weight
            .get(self.max_bucket)
            .is_some_and(|w| *w < eps)
            && self.max_bucket > 0
        {
            self.max_bucket -= 1;
        }
    }

    /// `scale`: multiplies every weight (percentiles do not change).
    fn scale(&mut self, factor: f64) {
        if factor.is_nan() || factor < 0.0 {
            return;
        }
        if self.min_bucket <= self.max_bucket {
            for b in self.min_bucket..=self.max_bucket {
                if let Some(w) = self.bucket_weight.get_mut(b) {
                    *w *= factor;
                }
            }
        }
        self.total_weight *= factor;
        self.update_min_and_max_bucket();
    }
}

fn safe_subtract(value: f64, sub: f64, epsilon: f64) -> f64 {
    let v = value - sub;
    if v < epsilon {
        0.0
    } else {
        v
    }
}

/// `round`: `floor(x + 0.5)`.
fn round(x: f64) -> i64 {
    (x + 0.5).floor() as i64
}

/// Go's `Time.Round(d)`: the nearest multiple of `d` since the zero time, halves up.
fn go_round(t_ms: i64, d_ms: i64) -> i64 {
    if d_ms <= 0 {
        return t_ms;
    }
    let since = i128::from(t_ms) - i128::from(GO_ZERO_TIME_MS);
    let d = i128::from(d_ms);
    let r = since.rem_euclid(d);
    let rounded = if r + r < d { since - r } else { since + d - r };
    (rounded + i128::from(GO_ZERO_TIME_MS)).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// `decayingHistogram`: a sample's weight is multiplied by `2^((t - reference) / halfLife)`, so a
/// fresh sample is twice as important as one a half-life older.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DecayingHistogram {
    histogram: Histogram,
    half_life_ms: i64,
    reference_ms: i64,
}

impl DecayingHistogram {
    /// `NewDecayingHistogram`.
    pub fn new(options: HistogramOptions, half_life_ms: i64) -> DecayingHistogram {
        DecayingHistogram {
            histogram: Histogram::new(options),
            half_life_ms: half_life_ms.max(1),
            reference_ms: GO_ZERO_TIME_MS,
        }
    }

    /// The underlying weights.
    pub fn histogram(&self) -> &Histogram {
        &self.histogram
    }

    /// The reference timestamp (a multiple of the half-life since Go's zero time).
    pub fn reference_ms(&self) -> i64 {
        self.reference_ms
    }

    /// `Percentile`.
    pub fn percentile(&self, percentile: f64) -> f64 {
        self.histogram.percentile(percentile)
    }

    /// `IsEmpty`.
    pub fn is_empty(&self) -> bool {
        self.histogram.is_empty()
    }

    /// `AddSample`.
    pub fn add_sample(&mut self, value: f64, weight: f64, time_ms: i64) {
        let factor = self.decay_factor(time_ms);
        self.histogram.add_sample(value, weight * factor);
    }

    /// `SubtractSample`.
    pub fn subtract_sample(&mut self, value: f64, weight: f64, time_ms: i64) {
        let factor = self.decay_factor(time_ms);
        self.histogram.subtract_sample(value, weight * factor);
    }

    /// `Merge`: the older reference timestamp is moved to the younger one first.
    pub fn merge(&mut self, other: &DecayingHistogram) {
        if self.half_life_ms != other.half_life_ms {
            return;
        }
        let mut other = other.clone();
        if self.reference_ms < other.reference_ms {
            self.shift_reference(other.reference_ms);
        } else if other.reference_ms < self.reference_ms {
            other.shift_reference(self.reference_ms);
        }
        self.histogram.merge(&other.histogram);
    }

    fn shift_reference(&mut self, new_reference_ms: i64) {
        let new_reference = go_round(new_reference_ms, self.half_life_ms);
        let exponent =
            round((self.reference_ms as f64 - new_reference as f64) / self.half_life_ms as f64);
        let exponent = exponent.clamp(-2000, 2000) as i32;
        self.histogram.scale(2f64.powi(exponent));
        self.reference_ms = new_reference;
    }

    fn decay_factor(&mut self, time_ms: i64) -> f64 {
        let max_allowed = self
            .reference_ms
            .saturating_add(self.half_life_ms.saturating_mul(MAX_DECAY_EXPONENT));
        if time_ms > max_allowed {
            self.shift_reference(time_ms);
        }
        ((time_ms as f64 - self.reference_ms as f64) / self.half_life_ms as f64).exp2()
    }
}

#[cfg(test)]
mod tests {
    //! Vectors from upstream's `histogram_test.go`, `histogram_options_test.go` and
    //! `decaying_histogram_test.go`.
    use super::*;

    /// `testHistogramOptions`: linear, 10 buckets of 1, epsilon 1e-15.
    fn test_options() -> HistogramOptions {
        HistogramOptions::linear(10.0, 1.0, 1e-15).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-15 * b.abs().max(1.0)
    }

    /// `startTime = time.Unix(1234567890, 0)`.
    const START: i64 = 1_234_567_890_000;
    const HOUR: i64 = 3_600_000;

    #[test]
    fn options_from_histogram_options_test() {
        let o = HistogramOptions::linear(5.0, 0.3, 0.001).unwrap();
        assert_eq!(o.num_buckets(), 18);
        assert_eq!(o.bucket_start(0), 0.0);
        assert!(close(o.bucket_start(17), 5.1));
        assert_eq!(
            [
                o.find_bucket(-1.0),
                o.find_bucket(0.0),
                o.find_bucket(1.3),
                o.find_bucket(100.0)
            ],
            [0, 0, 4, 17]
        );
        let o = HistogramOptions::exponential(500.0, 40.0, 1.5, 0.001).unwrap();
        assert_eq!(o.num_buckets(), 6);
        for (b, start) in [
            (0, 0.0),
            (1, 40.0),
            (2, 100.0),
            (3, 190.0),
            (4, 325.0),
            (5, 527.5),
        ] {
            assert!(close(o.bucket_start(b), start), "bucket {b}");
        }
        assert_eq!(
            [
                o.find_bucket(-1.0),
                o.find_bucket(39.99),
                o.find_bucket(40.0),
                o.find_bucket(100.0),
                o.find_bucket(900.0)
            ],
            [0, 0, 1, 2, 5]
        );
        assert!(HistogramOptions::exponential(1.0, 1.0, 1.0, 1.0).is_none());
    }

    #[test]
    fn percentiles_from_histogram_test() {
        let mut h = Histogram::new(test_options());
        for p in [-0.5, 0.0, 0.5, 1.0, 1.5] {
            assert_eq!(h.percentile(p), 0.0);
        }
        for i in 1..=4 {
            h.add_sample(f64::from(i), f64::from(i));
        }
        for (p, v) in [
            (0.0, 2.0),
            (0.1, 2.0),
            (0.2, 3.0),
            (0.3, 3.0),
            (0.4, 4.0),
            (0.5, 4.0),
            (0.6, 4.0),
            (0.7, 5.0),
            (0.8, 5.0),
            (0.9, 5.0),
            (1.0, 5.0),
        ] {
            assert!(close(h.percentile(p), v), "p{p}: {}", h.percentile(p));
        }
        // TestPercentileOutOfBounds.
        let o = HistogramOptions::linear(1.0, 0.1, 1e-15).unwrap();
        let mut h = Histogram::new(o);
        h.add_sample(0.1, 0.1);
        h.add_sample(0.2, 0.2);
        assert!(close(h.percentile(-0.1), 0.2));
        assert!(close(h.percentile(1.1), 0.3));
        h.add_sample(0.0, 0.1);
        h.add_sample(1.0, 0.2);
        assert!(close(h.percentile(-0.1), 0.1));
        assert!(close(h.percentile(1.1), 1.0));
    }

    #[test]
    fn emptiness_and_merge_from_histogram_test() {
        let o = HistogramOptions::linear(1.0, 0.1, 1e-15).unwrap();
        let mut h = Histogram::new(o);
        assert!(h.is_empty());
        h.add_sample(0.1, 2.5e-15);
        assert!(!h.is_empty());
        h.subtract_sample(0.1, 1e-15);
        assert!(!h.is_empty());
        h.subtract_sample(0.1, 1e-15);
        assert!(h.is_empty());
        // TestNonEmptyOnEpsilonAddition.
        let mut h = Histogram::new(o);
        h.add_sample(9.9, 3e-15);
        h.add_sample(0.1, 0.3e-15);
        h.add_sample(999.9, 0.3e-15);
        assert!(!h.is_empty());
        // TestHistogramMerge.
        let mut h1 = Histogram::new(test_options());
        h1.add_sample(1.0, 1.0);
        h1.add_sample(2.0, 1.0);
        let mut h2 = Histogram::new(test_options());
        h2.add_sample(2.0, 1.0);
        h2.add_sample(3.0, 1.0);
        let mut expected = Histogram::new(test_options());
        for v in [1.0, 2.0, 2.0, 3.0] {
            expected.add_sample(v, 1.0);
        }
        h1.merge(&h2);
        assert_eq!(h1, expected);
    }

    #[test]
    fn decay_from_decaying_histogram_test() {
        // TestSimpleDecay: a sample 20 half-lives younger outweighs one 1000x heavier.
        let mut h = DecayingHistogram::new(test_options(), HOUR);
        h.add_sample(2.0, 1000.0, START);
        h.add_sample(1.0, 1.0, START + 20 * HOUR);
        assert!(close(h.percentile(0.999), 2.0));
        assert!(close(h.percentile(1.0), 3.0));
        // TestLongtermDecay: past 2^100 the reference moves and the old sample vanishes.
        let mut h = DecayingHistogram::new(test_options(), HOUR);
        h.add_sample(2.0, 1.0, START);
        h.add_sample(1.0, 1.0, START + 101 * HOUR);
        assert!(close(h.percentile(1.0), 2.0));
        // TestDecayingHistogramPercentiles.
        let mut h = DecayingHistogram::new(test_options(), HOUR);
        for i in 1..=4 {
            h.add_sample(f64::from(i), f64::from(i), START + i64::from(i - 1) * HOUR);
        }
        for (p, v) in [
            (0.0, 2.0),
            (0.02, 2.0),
            (0.03, 3.0),
            (0.10, 3.0),
            (0.11, 4.0),
            (0.34, 4.0),
            (0.35, 5.0),
            (1.0, 5.0),
        ] {
            assert!(close(h.percentile(p), v), "p{p}");
        }
        // TestNoDecay.
        let mut h = DecayingHistogram::new(test_options(), HOUR);
        for i in 1..=4 {
            h.add_sample(f64::from(i), f64::from(i), START);
        }
        for (p, v) in [
            (0.0, 2.0),
            (0.2, 3.0),
            (0.1, 2.0),
            (0.3, 3.0),
            (0.4, 4.0),
            (0.5, 4.0),
            (0.6, 4.0),
            (0.7, 5.0),
            (1.0, 5.0),
        ] {
            assert!(close(h.percentile(p), v), "p{p}");
        }
        // The reference is a multiple of the half-life since Go's zero time.
        assert_eq!((h.reference_ms() - GO_ZERO_TIME_MS) % HOUR, 0);
    }

    #[test]
    fn decaying_merge_from_decaying_histogram_test() {
        let mut h1 = DecayingHistogram::new(test_options(), HOUR);
        h1.add_sample(1.0, 1.0, START);
        h1.add_sample(2.0, 1.0, START + HOUR);
        let mut h2 = DecayingHistogram::new(test_options(), HOUR);
        h2.add_sample(2.0, 1.0, START + 2 * HOUR);
        h2.add_sample(3.0, 1.0, START + HOUR);
        let mut expected = DecayingHistogram::new(test_options(), HOUR);
        expected.add_sample(2.0, 1.0, START + 2 * HOUR);
        expected.add_sample(2.0, 1.0, START + HOUR);
        expected.add_sample(3.0, 1.0, START + HOUR);
        expected.add_sample(1.0, 1.0, START);
        h1.merge(&h2);
        assert_eq!(h1.reference_ms(), expected.reference_ms());
        for p in [0.0, 0.2, 0.5, 0.8, 1.0] {
            assert!(close(h1.percentile(p), expected.percentile(p)));
        }
        assert!(close(
            h1.histogram().total_weight(),
            expected.histogram().total_weight()
        ));
    }
}
