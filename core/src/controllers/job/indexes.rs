//! Completed indexes of an Indexed Job as upstream keeps them (`orderedIntervals`,
//! pkg/controller/job/indexed_job_utils.go): sorted, disjoint intervals, so a Job of two
//! billion completions costs what its intervals cost, never one entry per index.
use std::collections::BTreeSet;

/// Sorted, disjoint, non-adjacent intervals of indexes (inclusive bounds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Intervals(Vec<(i64, i64)>);

impl Intervals {
    /// `parseIndexesFromString`: "1,3-5,7"; parts that are not numbers are skipped, indexes at
    /// or above `completions` are dropped. Parts may come in any order and overlap.
    pub fn parse(s: &str, completions: i64) -> Intervals {
        let mut parts: Vec<(i64, i64)> = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = part.split_once('-').unwrap_or((part, part));
            let (Ok(first), Ok(last)) = (a.parse::<i64>(), b.parse::<i64>()) else {
                continue;
            };
            let last = last.min(completions.saturating_sub(1));
            if first < 0 || first > last {
                continue;
            }
            parts.push((first, last));
        }
        parts.sort_unstable();
        let mut out = Intervals::default();
        for (first, last) in parts {
            out.push(first, last);
        }
        out
    }

    /// Appends `[first, last]`, which must not start before the last interval starts.
    fn push(&mut self, first: i64, last: i64) {
        match self.0.last_mut() {
            Some((_, l)) if first <= l.saturating_add(1) => *l = (*l).max(last),
            _ => self.0.push((first, last)),
        }
    }

    /// Whether `index` is in one of the intervals.
    pub fn contains(&self, index: i64) -> bool {
        let i = self.0.partition_point(|(_, last)| *last < index);
        self.0.get(i).is_some_and(|(first, _)| *first <= index)
    }

    /// Adds one index.
    pub fn insert(&mut self, index: i64) {
        if self.contains(index) {
            return;
        }
        let i = self.0.partition_point(|(_, last)| *last < index);
        self.0.insert(i, (index, index));
        // Merge with the neighbours it touches.
        if i + 1 < self.0.len() && self.0[i + 1].0 == index + 1 {
            self.0[i].1 = self.0[i + 1].1;
            self.0.remove(i + 1);
        }
        if i > 0 && self.0[i - 1].1 + 1 == index {
            self.0[i - 1].1 = self.0[i].1;
            self.0.remove(i);
        }
    }

    /// How many indexes the intervals hold (`orderedIntervals.total`).
    pub fn total(&self) -> i64 {
        self.0
            .iter()
            .fold(0i64, |n, (a, b)| n.saturating_add(b - a + 1))
    }

    /// Whether no index is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `firstPendingIndexes`: the `count` lowest indexes below `completions` that are neither
    /// held nor `busy`, skipping whole intervals at a time.
    pub fn first_pending(&self, busy: &BTreeSet<i64>, count: usize, completions: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut intervals = self.0.iter().peekable();
        let mut i = 0;
        while out.len() < count && i < completions {
            while intervals.next_if(|(_, last)| *last < i).is_some() {}
            if let Some((first, last)) = intervals.peek() {
                if *first <= i {
                    i = last.saturating_add(1);
                    continue;
                }
            }
            if !busy.contains(&i) {
                out.push(i);
            }
            i += 1;
        }
        out
    }
}

impl std::fmt::Display for Intervals {
    /// As upstream writes `status.completedIndexes`: "1,3-5,7" (two in a row are "3,4").
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, (first, last)) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str(",")?;
            }
            write!(f, "{first}")?;
            if last > first {
                let sep = if *last == first + 1 { "," } else { "-" };
                write!(f, "{sep}{last}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(indexes: &[i64]) -> Intervals {
        let mut iv = Intervals::default();
        for i in indexes {
            iv.insert(*i);
        }
        iv
    }

    #[test]
    fn round_trip_in_upstream_format() {
        // orderedIntervals.String and parseIndexesFromString.
        let cases: [(&[i64], &str); 6] = [
            (&[], ""),
            (&[0], "0"),
            (&[0, 1], "0,1"),
            (&[0, 1, 2], "0-2"),
            (&[1, 3, 4, 5, 7], "1,3-5,7"),
            (&[0, 2, 3, 9], "0,2,3,9"),
        ];
        for (idx, want) in cases {
            let iv = of(idx);
            assert_eq!(iv.to_string(), want);
            assert_eq!(Intervals::parse(want, 10), iv);
            assert_eq!(iv.total(), idx.len() as i64);
        }
        assert_eq!(Intervals::parse("0-9", 3), of(&[0, 1, 2]));
        assert_eq!(Intervals::parse("5,x,1-2,2-3", 10).to_string(), "1-3,5");
    }

    #[test]
    fn inserting_merges_neighbours() {
        let mut iv = of(&[1, 3]);
        iv.insert(2);
        assert_eq!(iv.to_string(), "1-3");
        assert!(iv.contains(2) && !iv.contains(0) && !iv.contains(4));
    }

    #[test]
    fn huge_intervals_cost_what_their_bounds_cost() {
        let iv = Intervals::parse("0-1999999997", 2_000_000_000);
        assert_eq!(iv.total(), 1_999_999_998);
        let busy: BTreeSet<i64> = [1_999_999_998].into();
        assert_eq!(
            iv.first_pending(&busy, 500, 2_000_000_000),
            vec![1_999_999_999]
        );
        assert_eq!(of(&[0, 2]).first_pending(&BTreeSet::new(), 2, 10), [1, 3]);
    }
}
