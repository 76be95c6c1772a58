//! The ready queue of a forward pass: the activities whose predecessors
//! are all placed, taken smallest queue key first.
//!
//! A pass's keys never change while it runs, so the activities are ranked
//! once by their key (a sort of contiguous integers) into ordinals, and
//! the queue is a set of ordinals kept as a hierarchical bitset: taking
//! the smallest is a find-first-set per level rather than a heap's
//! log n comparisons (see `docs/performance.md`).

use super::network::Pos;

/// The activities of a pass in queue-key order, and per activity its
/// place in that order and how many of its targets are still unplaced.
pub struct Ranking {
    /// Per ordinal: the activity.
    task: Vec<Pos>,
    /// Per task (by index; unused for groups).
    pending: Vec<Pending>,
}

/// Side by side because a pass reads both for every waiter it releases
/// (one cache miss rather than two on a large plan).
#[derive(Clone, Copy, Debug, Default)]
struct Pending {
    ordinal: u32,
    /// Targets not yet placed.
    left: u32,
}

impl Ranking {
    /// The activities in queue order (see [`Ranking::order`]), of `tasks`
    /// tasks in all; each waits for `targets(activity)` targets.
    pub fn new(tasks: usize, task: Vec<Pos>, targets: impl Fn(Pos) -> u32) -> Ranking {
        let mut pending = vec![Pending::default(); tasks];
        for (o, &t) in task.iter().enumerate() {
            pending[t.index()] = Pending {
                ordinal: o as u32,
                left: targets(t),
            };
        }
        Ranking { task, pending }
    }

    /// `activities` sorted by `key`, which must be distinct per activity
    /// (it packs the task's index).
    pub fn order(activities: &[Pos], key: impl Fn(Pos) -> u128) -> Vec<Pos> {
        let mut keys: Vec<u128> = activities.iter().map(|&a| key(a)).collect();
        // Keys are distinct, so an unstable sort gives the one order.
        keys.sort_unstable();
        keys.iter().map(|&k| Pos::at(node_of_key(k))).collect()
    }

    /// How many activities are ranked.
    pub fn len(&self) -> usize {
        self.task.len()
    }

    /// The activity at ordinal `o`.
    pub fn task(&self, o: u32) -> Pos {
        self.task[o as usize]
    }

    /// The ordinal of activity `t` if it waits for nothing at all.
    pub fn ready_from_start(&self, t: Pos) -> Option<u32> {
        let p = self.pending[t.index()];
        (p.left == 0).then_some(p.ordinal)
    }

    /// Notes that one of `t`'s targets is done; `t`'s ordinal if that was
    /// the last one it waited for.
    pub fn release(&mut self, t: Pos) -> Option<u32> {
        let p = &mut self.pending[t.index()];
        p.left -= 1;
        (p.left == 0).then_some(p.ordinal)
    }

    /// Whether activity `t` still waits for some target.
    pub fn waits(&self, t: Pos) -> bool {
        self.pending[t.index()].left > 0
    }
}

/// The order in which a pass takes eligible activities (or abstract
/// nodes): (rank, key, index) packed into one integer that sorts the same
/// way, so that ranking and queueing compare integers, not tuples.
pub fn queue_key(rank: u32, key: i64, node: usize) -> u128 {
    // Flipping the sign bit maps i64 order onto u64 order.
    let key = (key as u64) ^ (1 << 63);
    (u128::from(rank) << 96) | (u128::from(key) << 32) | (node as u128 & 0xFFFF_FFFF)
}

/// The index packed by [`queue_key`].
pub fn node_of_key(packed: u128) -> usize {
    (packed & 0xFFFF_FFFF) as usize
}

/// A set of ordinals below a fixed bound, smallest first out.
pub struct ReadyQueue {
    /// `levels[0]` has a bit per ordinal; each level above has a bit per
    /// word of the one below, set when that word is not zero. The top
    /// level is one word.
    levels: Vec<Vec<u64>>,
}

impl ReadyQueue {
    /// An empty set for ordinals below `n`.
    pub fn new(n: usize) -> ReadyQueue {
        let mut levels = Vec::new();
        let mut bits = n.max(1);
        loop {
            let words = bits.div_ceil(64);
            levels.push(vec![0u64; words]);
            if words == 1 {
                break;
            }
            bits = words;
        }
        ReadyQueue { levels }
    }

    /// Adds ordinal `o` (below the bound).
    pub fn insert(&mut self, o: u32) {
        let mut i = o as usize;
        for level in &mut self.levels {
            let word = &mut level[i / 64];
            let was_empty = *word == 0;
            *word |= 1 << (i % 64);
            // The levels above already know about a non-empty word.
            if !was_empty {
                return;
            }
            i /= 64;
        }
    }

    /// The smallest ordinal, if any, left in the set.
    pub fn peek_min(&self) -> Option<u32> {
        let top = self.levels.len() - 1;
        if self.levels[top][0] == 0 {
            return None;
        }
        let mut i = 0usize;
        for level in self.levels.iter().rev() {
            i = i * 64 + level[i].trailing_zeros() as usize;
        }
        Some(i as u32)
    }

    /// Removes and returns the smallest ordinal, if any.
    pub fn pop_min(&mut self) -> Option<u32> {
        let i = self.peek_min()? as usize;
        // Clear it, and each word above whose only child just emptied.
        let mut j = i;
        for level in &mut self.levels {
            let word = &mut level[j / 64];
            *word &= !(1 << (j % 64));
            if *word != 0 {
                break;
            }
            j /= 64;
        }
        Some(i as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn pops_in_ascending_order_like_a_sorted_set() {
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        for n in [1usize, 63, 64, 65, 4096, 4097, 300_000] {
            let mut q = ReadyQueue::new(n);
            let mut naive = BTreeSet::new();
            for _ in 0..2_000 {
                if next(3) == 0 {
                    assert_eq!(q.pop_min(), naive.pop_first());
                } else {
                    let o = next(n as u64) as u32;
                    if naive.insert(o) {
                        q.insert(o);
                    }
                }
            }
            while let Some(o) = naive.pop_first() {
                assert_eq!(q.pop_min(), Some(o));
            }
            assert_eq!(q.pop_min(), None);
        }
    }

    #[test]
    fn ranks_by_key_and_releases_on_the_last_target() {
        let acts = [Pos::at(0), Pos::at(2), Pos::at(3)];
        let keys = [30u128, 0, 10, 20];
        let targets = [0u32, 0, 2, 1];
        let order = Ranking::order(&acts, |t| (keys[t.index()] << 32) | t.index() as u128);
        let mut r = Ranking::new(4, order, |t| targets[t.index()]);
        assert_eq!(r.len(), 3);
        assert_eq!(r.task(0), Pos::at(2));
        assert_eq!(r.task(1), Pos::at(3));
        assert_eq!(r.task(2), Pos::at(0));
        assert_eq!(r.ready_from_start(Pos::at(0)), Some(2));
        assert_eq!(r.ready_from_start(Pos::at(2)), None);
        assert_eq!(r.release(Pos::at(2)), None);
        assert!(r.waits(Pos::at(2)));
        assert_eq!(r.release(Pos::at(2)), Some(0));
        assert!(!r.waits(Pos::at(2)));
    }

    #[test]
    fn packed_queue_keys_sort_like_tuples() {
        let tuples = [
            (0u32, i64::MIN, 3usize),
            (0, -5, 9),
            (0, -5, 10),
            (0, 0, 0),
            (0, 7, 1),
            (0, i64::MAX, 0),
            (1, i64::MIN, 0),
            (1000, -1, 2),
        ];
        for w in tuples.windows(2) {
            let (a, b) = (w[0], w[1]);
            assert!(queue_key(a.0, a.1, a.2) < queue_key(b.0, b.1, b.2));
        }
        assert_eq!(node_of_key(queue_key(3, -8, 77)), 77);
    }
}
