//! Client-side rate limiting of a controller's writes: client-go's token bucket
//! (`flowcontrol.NewTokenBucketRateLimiter(qps, burst)`, over golang.org/x/time/rate), on the
//! virtual clock.
//!
//! Every controller of kube-controller-manager has its own client (`ClientBuilder.ClientOrDie`
//! per controller), each limited to `--kube-api-qps` requests per second with bursts of
//! `--kube-api-burst` (defaults 20 and 30: `RecommendedDefaultGenericControllerManagerConfiguration`
//! in k8s.io/controller-manager/config/v1alpha1/defaults.go). A request waits for a token, so
//! a sync that creates 500 pods takes 25 s, while the controller's other syncs get tokens in
//! between. kplane's reconciles cannot wait half-way: a reconcile makes its writes at once,
//! takes the tokens the bucket holds, and its key then rests until the rest are paid off at
//! `qps` (the time its worker would have been blocked); other keys go on as tokens come back.
//!
//! This is what bounds the work of one instant for any input: a ReplicaSet of 2,000,000,000
//! replicas creates 500 pods (one sync's `burstReplicas`), then about 20 a second, as on a
//! real cluster. Events are not counted (they go through the event broadcaster's own client
//! and spam filter upstream).
use serde::{Deserialize, Serialize};

/// One token, in the bucket's unit (thousandths of a token, so that the refill of one
/// millisecond is a whole number for any whole `qps`).
const TOKEN: i64 = 1000;

/// A client's rate limit: `qps` requests per second on average, bursts of `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientRate {
    /// `--kube-api-qps`.
    pub qps: u32,
    /// `--kube-api-burst`.
    pub burst: u32,
}

impl ClientRate {
    /// How long `n` requests take at `qps` (ms, rounded up).
    pub fn ms_for(self, n: u64) -> i64 {
        let qps = u64::from(self.qps.max(1));
        let ms = n.saturating_mul(1000).div_ceil(qps);
        i64::try_from(ms).unwrap_or(i64::MAX)
    }
}

/// kube-controller-manager's defaults (`--kube-api-qps=20 --kube-api-burst=30`).
pub const KUBE_CONTROLLER_MANAGER: ClientRate = ClientRate { qps: 20, burst: 30 };

/// A token bucket (golang.org/x/time/rate's `Limiter`): full at first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// Thousandths of a token.
    tokens: i64,
    /// When `tokens` was last brought up to date (virtual ms).
    at_ms: i64,
}

impl Bucket {
    /// A full bucket at `now`.
    pub fn full(rate: ClientRate, now: i64) -> Bucket {
        Bucket {
            tokens: i64::from(rate.burst).saturating_mul(TOKEN),
            at_ms: now,
        }
    }

    /// Refills for the time since the last look (`Limiter.advance`), up to the burst.
    fn refill(&mut self, rate: ClientRate, now: i64) {
        let elapsed = now.saturating_sub(self.at_ms).max(0);
        let cap = i64::from(rate.burst).saturating_mul(TOKEN);
        self.tokens = self
            .tokens
            .saturating_add(elapsed.saturating_mul(i64::from(rate.qps)))
            .min(cap.max(self.tokens));
        self.at_ms = self.at_ms.max(now);
    }

    /// `None` when a request may go now; else how many ms until one token is there.
    pub fn wait_ms(&mut self, rate: ClientRate, now: i64) -> Option<i64> {
        self.refill(rate, now);
        if self.tokens >= TOKEN {
            return None;
        }
        let missing = TOKEN.saturating_sub(self.tokens);
        let qps = i64::from(rate.qps.max(1));
        // Rounded up: the token is whole at that instant.
        Some(missing.saturating_add(qps - 1) / qps)
    }

    /// Takes `n` tokens for requests made at `now`, as many as the bucket holds; returns how
    /// many it could not give (the requests that would have waited for later tokens).
    pub fn take(&mut self, rate: ClientRate, now: i64, n: u64) -> u64 {
        self.refill(rate, now);
        let held = u64::try_from(self.tokens / TOKEN).unwrap_or(0);
        let given = n.min(held);
        self.tokens -= i64::try_from(given).unwrap_or(0) * TOKEN;
        n - given
    }

    /// Whether the bucket is full at `now` (nothing to save).
    pub fn is_full(&self, rate: ClientRate, now: i64) -> bool {
        let mut b = *self;
        b.refill(rate, now);
        b.tokens >= i64::from(rate.burst).saturating_mul(TOKEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: ClientRate = KUBE_CONTROLLER_MANAGER;

    #[test]
    fn a_full_bucket_lets_a_burst_through_then_paces_at_qps() {
        let mut b = Bucket::full(R, 0);
        assert_eq!(b.wait_ms(R, 0), None);
        assert_eq!(b.take(R, 0, 30), 0);
        // Empty: the next token takes 1000 / 20 = 50 ms.
        assert_eq!(b.wait_ms(R, 0), Some(50));
        assert_eq!(b.wait_ms(R, 49), Some(1));
        assert_eq!(b.wait_ms(R, 50), None);
    }

    #[test]
    fn writes_beyond_the_bucket_are_paid_off_at_qps() {
        let mut b = Bucket::full(R, 0);
        // 500 creates of one ReplicaSet sync and its status update: 471 beyond the burst,
        // 23.55 s at 20 a second.
        let rest = b.take(R, 0, 501);
        assert_eq!(rest, 471);
        assert_eq!(R.ms_for(rest), 23_550);
        assert_eq!(b.wait_ms(R, 0), Some(50));
    }

    #[test]
    fn refills_never_exceed_the_burst() {
        let mut b = Bucket::full(R, 0);
        b.take(R, 0, 1);
        assert!(!b.is_full(R, 0));
        assert!(b.is_full(R, i64::MAX));
        assert_eq!(b.take(R, i64::MAX, 31), 1);
        assert_eq!(b.wait_ms(R, i64::MAX), Some(50));
    }
}
