//! Wake-up times. Controllers are level-triggered: a timer only says "look again at this
//! instant"; what to do is decided from the state at that instant.
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default)]
pub struct Timers {
    due: BTreeSet<i64>,
}

impl Timers {
    pub fn wake_at(&mut self, ms: i64) {
        self.due.insert(ms);
    }
    /// The earliest wake-up strictly after `now` and at or before `until`.
    pub fn next_between(&self, now: i64, until: i64) -> Option<i64> {
        if until <= now {
            return None;
        }
        self.due.range(now + 1..=until).next().copied()
    }
    /// Whether a wake-up is due at or before `now`.
    pub fn due_by(&self, now: i64) -> bool {
        self.due.first().is_some_and(|t| *t <= now)
    }

    /// Forgets every wake-up at or before `now`.
    pub fn expire(&mut self, now: i64) {
        self.due = self.due.split_off(&(now + 1));
    }
    pub fn is_empty(&self) -> bool {
        self.due.is_empty()
    }
}

impl Timers {
    /// Every pending wake-up, in order (for snapshots).
    pub fn all(&self) -> Vec<i64> {
        self.due.iter().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_between_is_exclusive_of_now_and_inclusive_of_until() {
        let mut t = Timers::default();
        t.wake_at(5);
        t.wake_at(10);
        assert_eq!(t.next_between(0, 5), Some(5));
        assert_eq!(t.next_between(5, 10), Some(10));
        assert_eq!(t.next_between(10, 10), None);
        assert_eq!(t.next_between(10, 3), None);
        t.expire(5);
        assert_eq!(t.all(), vec![10]);
    }
}
