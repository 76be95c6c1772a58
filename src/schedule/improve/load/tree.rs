//! A busy resource's load as a balanced search tree of steps (a treap in
//! one vector): a booking and both questions a placement asks (where in a
//! window the load first gets too high, and where that stretch ends) take
//! time logarithmic in the steps, however many bookings the resource has.
//!
//! Written here because no crate fits: the std B-tree keeps no subtree
//! maximum and cannot add to a range lazily, and the lazy segment trees on
//! crates.io (`array_range_query`, `seg-tree`) index a fixed array, while
//! a load's breakpoints arrive with each booking.

/// No node.
const NIL: u32 = u32::MAX;

/// A step of the load: from `time` on (to the next step) the load is
/// `load` plus the `pending` of every ancestor.
#[derive(Clone, Copy)]
struct Node {
    time: i64,
    load: i64,
    /// Highest and lowest load in this subtree, again before the
    /// ancestors' pending additions.
    max: i64,
    min: i64,
    /// Added to every load below this node but not yet written there: a
    /// booking over many steps then writes only the nodes on two paths.
    pending: i64,
    priority: u32,
    left: u32,
    right: u32,
}

/// The steps of one resource's load; zero before the first.
#[derive(Clone)]
pub(in crate::schedule::improve) struct Steps {
    nodes: Vec<Node>,
    root: u32,
    /// The generator of priorities: fixed, so that the same bookings give
    /// the same tree and the same work count.
    seed: u64,
}

const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

impl Steps {
    pub(super) fn new() -> Steps {
        Steps {
            nodes: Vec::new(),
            root: NIL,
            seed: SEED,
        }
    }

    pub(super) fn clear(&mut self) {
        self.nodes.clear();
        self.root = NIL;
        self.seed = SEED;
    }

    /// The load at `t`. Adds the nodes it visits to `work`.
    pub(super) fn load_at(&self, t: i64, work: &mut u64) -> i64 {
        let mut at = 0;
        let mut above = 0;
        let mut n = self.root;
        while let Some(node) = self.node(n) {
            *work += 1;
            if node.time <= t {
                at = node.load + above;
                above += node.pending;
                n = node.right;
            } else {
                above += node.pending;
                n = node.left;
            }
        }
        at
    }

    /// The first time in [from, to) where the load exceeds `most`, if any.
    pub(super) fn first_over(&self, from: i64, to: i64, most: i64, work: &mut u64) -> Option<i64> {
        if self.load_at(from, work) > most {
            return Some(from);
        }
        self.first_where(self.root, 0, (from, to), &|load| load > most, work)
    }

    /// The first step after `t` where the load is at most `most`, if any.
    pub(super) fn first_within_after(&self, t: i64, most: i64, work: &mut u64) -> Option<i64> {
        self.first_where(self.root, 0, (t, i64::MAX), &|load| load <= most, work)
    }

    /// The earliest step in the subtree `n` (whose ancestors add `above`)
    /// strictly inside (after, before) whose load satisfies `wanted`;
    /// `wanted` is either "above a bound" or "at most a bound", so a
    /// subtree's max or min says whether it can hold one.
    fn first_where(
        &self,
        n: u32,
        above: i64,
        (after, before): (i64, i64),
        wanted: &dyn Fn(i64) -> bool,
        work: &mut u64,
    ) -> Option<i64> {
        let node = self.node(n)?;
        *work += 1;
        if !wanted(node.max + above) && !wanted(node.min + above) {
            return None;
        }
        let below = above + node.pending;
        if node.time <= after {
            return self.first_where(node.right, below, (after, before), wanted, work);
        }
        if node.time >= before {
            return self.first_where(node.left, below, (after, before), wanted, work);
        }
        self.first_where(node.left, below, (after, before), wanted, work)
            .or_else(|| wanted(node.load + above).then_some(node.time))
            .or_else(|| self.first_where(node.right, below, (after, before), wanted, work))
    }

    /// Adds `demand` to the load over [from, to).
    pub(super) fn add(&mut self, from: i64, to: i64, demand: i64, work: &mut u64) {
        self.ensure_step(from, work);
        self.ensure_step(to, work);
        let (before, rest) = self.split(self.root, from, work);
        let (inside, after) = self.split(rest, to, work);
        if let Some(node) = self.nodes.get_mut(inside as usize) {
            node.load += demand;
            node.max += demand;
            node.min += demand;
            node.pending += demand;
        }
        let rest = self.merge(inside, after, work);
        self.root = self.merge(before, rest, work);
    }

    /// Makes sure a step starts at `t`, carrying the load there.
    fn ensure_step(&mut self, t: i64, work: &mut u64) {
        if self.has_step(t, work) {
            return;
        }
        let load = self.load_at(t, work);
        let priority = self.next_priority();
        let index = self.nodes.len() as u32;
        self.nodes.push(Node {
            time: t,
            load,
            max: load,
            min: load,
            pending: 0,
            priority,
            left: NIL,
            right: NIL,
        });
        let (before, after) = self.split(self.root, t, work);
        let rest = self.merge(index, after, work);
        self.root = self.merge(before, rest, work);
    }

    fn has_step(&self, t: i64, work: &mut u64) -> bool {
        let mut n = self.root;
        while let Some(node) = self.node(n) {
            *work += 1;
            if node.time == t {
                return true;
            }
            n = if t < node.time { node.left } else { node.right };
        }
        false
    }

    /// Splits the subtree `n` into the steps before `t` and those from `t`.
    fn split(&mut self, n: u32, t: i64, work: &mut u64) -> (u32, u32) {
        if n == NIL {
            return (NIL, NIL);
        }
        *work += 1;
        self.push_down(n);
        let node = self.nodes[n as usize];
        if node.time < t {
            let (l, r) = self.split(node.right, t, work);
            self.nodes[n as usize].right = l;
            self.pull_up(n);
            (n, r)
        } else {
            let (l, r) = self.split(node.left, t, work);
            self.nodes[n as usize].left = r;
            self.pull_up(n);
            (l, n)
        }
    }

    /// Joins two subtrees, every step of `a` before every step of `b`.
    fn merge(&mut self, a: u32, b: u32, work: &mut u64) -> u32 {
        if a == NIL {
            return b;
        }
        if b == NIL {
            return a;
        }
        *work += 1;
        if self.nodes[a as usize].priority >= self.nodes[b as usize].priority {
            self.push_down(a);
            let right = self.nodes[a as usize].right;
            self.nodes[a as usize].right = self.merge(right, b, work);
            self.pull_up(a);
            a
        } else {
            self.push_down(b);
            let left = self.nodes[b as usize].left;
            self.nodes[b as usize].left = self.merge(a, left, work);
            self.pull_up(b);
            b
        }
    }

    /// Writes a node's pending addition into its children.
    fn push_down(&mut self, n: u32) {
        let node = self.nodes[n as usize];
        if node.pending == 0 {
            return;
        }
        for child in [node.left, node.right] {
            if let Some(c) = self.nodes.get_mut(child as usize) {
                c.load += node.pending;
                c.max += node.pending;
                c.min += node.pending;
                c.pending += node.pending;
            }
        }
        self.nodes[n as usize].pending = 0;
    }

    /// Recomputes a node's max and min from its own load and its children.
    fn pull_up(&mut self, n: u32) {
        let node = self.nodes[n as usize];
        let (mut max, mut min) = (node.load, node.load);
        for child in [node.left, node.right] {
            if let Some(c) = self.node(child) {
                max = max.max(c.max + node.pending);
                min = min.min(c.min + node.pending);
            }
        }
        let node = &mut self.nodes[n as usize];
        node.max = max;
        node.min = min;
    }

    fn node(&self, n: u32) -> Option<&Node> {
        self.nodes.get(n as usize)
    }

    fn next_priority(&mut self) -> u32 {
        // xorshift64: any fixed sequence with well-spread values will do.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        (self.seed >> 32) as u32
    }

    /// How deep the tree is (for tests: it stays logarithmic).
    #[cfg(test)]
    pub(super) fn depth(&self) -> usize {
        fn depth_of(steps: &Steps, n: u32) -> usize {
            steps.node(n).map_or(0, |node| {
                1 + depth_of(steps, node.left).max(depth_of(steps, node.right))
            })
        }
        depth_of(self, self.root)
    }
}
