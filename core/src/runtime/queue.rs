//! A de-duplicating FIFO of keys (client-go's `workqueue`): a key added while it waits is not
//! added twice; keys come out in the order they first went in.
use crate::store::Key;
use rustc_hash::FxHashSet as HashSet;
use std::collections::VecDeque;

#[derive(Debug, Clone, Default)]
pub struct WorkQueue {
    order: VecDeque<Key>,
    queued: HashSet<Key>,
}

impl WorkQueue {
    /// Adds `key` unless it is already waiting.
    pub fn add(&mut self, key: Key) {
        if self.queued.insert(key.clone()) {
            self.order.push_back(key);
        }
    }

    /// The next key, which may then be added again.
    pub fn pop(&mut self) -> Option<Key> {
        let key = self.order.pop_front()?;
        self.queued.remove(&key);
        Some(key)
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deduplicates_and_keeps_first_order() {
        let mut q = WorkQueue::default();
        let (a, b) = (
            Key::new("root", "configmaps", "default", "a"),
            Key::new("root", "configmaps", "default", "b"),
        );
        q.add(a.clone());
        q.add(b.clone());
        q.add(a.clone());
        assert_eq!(q.len(), 2);
        assert_eq!(q.pop(), Some(a.clone()));
        q.add(a.clone());
        assert_eq!(q.pop(), Some(b));
        assert_eq!(q.pop(), Some(a));
        assert!(q.is_empty());
    }
}
