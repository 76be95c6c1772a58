//! How much work the search may spend, counted in operations rather than
//! time, so that the same plan always gets the same search and the same
//! schedule on any machine. An operation is one step of real work: placing
//! a node, following a link, asking one resource, reading or writing one
//! step of a resource's load (an entry of its vector, a node of its tree,
//! a cell of its grid: see `load.rs`). An abstract schedule of n nodes
//! with k demands each costs about n * k operations times the logarithm
//! of the busiest load's history.

use crate::schedule::LevelEffort;

/// Operations the default search may spend (see `docs/performance.md` for
/// what it buys).
const NORMAL_WORK: u64 = 12_000_000;
/// Operations the default search may spend on a model above
/// [`SMALL_MODEL`] nodes: about one justification for up to 5,000 nodes.
const LARGE_WORK: u64 = 105_000;
/// The same as [`NORMAL_WORK`] for `--level thorough`: sized so that any
/// plan under 1,000 tasks levels in well under a second.
pub(super) const THOROUGH_WORK: u64 = 30_000_000;
/// By default, the abstract schedules that the search beyond the starting
/// rule needs to settle: the other starting orders and enough children for
/// the genetic search to stall once and restart (about three schedules a
/// child). A smaller sample lands on another order after every edit
/// (`docs/performance.md`, "Stability under edits"); `--level thorough`
/// runs whatever it can afford.
const NORMAL_WIDER_SEARCH: usize = 500;
/// Abstract schedules at most, however small the plan.
const NORMAL_MAX_DECODES: usize = 2_000;
const THOROUGH_MAX_DECODES: usize = 50_000;
/// Below this many abstract schedules the search is not worth its set-up.
pub(super) const MIN_DECODES: usize = 3;
/// What the real, calendar-aware pass that confirms the search's order
/// costs, in operations per node and demand of the abstract model: it is
/// charged to the budget before the search starts.
const REAL_PASS_FACTOR: u64 = 4;

/// Largest model that the default search treats as small.
pub(super) const SMALL_MODEL: usize = 2_000;

/// The search's means for one effort level.
#[derive(Clone, Copy, Debug)]
pub(super) struct Budget {
    effort: LevelEffort,
    /// Operations the search may spend.
    work: u64,
    /// Abstract schedules at most.
    most: usize,
}

/// What one search on one model may spend: both limits hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Allowance {
    pub(super) decodes: usize,
    pub(super) work: u64,
    /// Abstract schedules the search beyond the starting rule must be able
    /// to afford, after the rule's own, to run at all (see `search`).
    pub(super) wider_search: usize,
}

impl Budget {
    pub(super) fn for_effort(effort: LevelEffort) -> Budget {
        let (work, most) = match effort {
            LevelEffort::Normal => (NORMAL_WORK, NORMAL_MAX_DECODES),
            LevelEffort::Thorough => (THOROUGH_WORK, THOROUGH_MAX_DECODES),
            LevelEffort::Rule => (0, 0),
        };
        Budget { effort, work, most }
    }

    /// What the search may spend on a model of `nodes` nodes making
    /// `demands` demands in all: the budget less the real pass that
    /// confirms its order. Large plans by default get one justification of
    /// the starting rule and no search beyond: there the search costs more
    /// than the levelled pass itself for a rare, small gain
    /// (`docs/performance.md`).
    pub(super) fn allowance(self, nodes: usize, demands: usize) -> Allowance {
        let per_decode = decode_estimate(nodes, demands);
        let total = if self.effort == LevelEffort::Normal && nodes > SMALL_MODEL {
            LARGE_WORK
        } else {
            self.work
        };
        let work = total.saturating_sub(per_decode.saturating_mul(REAL_PASS_FACTOR));
        let affordable = usize::try_from(work / per_decode).unwrap_or(usize::MAX);
        let decodes = if self.effort == LevelEffort::Rule {
            0
        } else if self.effort == LevelEffort::Normal && nodes > SMALL_MODEL {
            affordable.min(MIN_DECODES)
        } else {
            affordable.min(self.most)
        };
        let wider_search = match self.effort {
            LevelEffort::Normal => NORMAL_WIDER_SEARCH,
            LevelEffort::Thorough | LevelEffort::Rule => 0,
        };
        Allowance {
            decodes,
            work,
            wider_search,
        }
    }
}

/// The least an abstract schedule of `nodes` nodes with `demands` demands
/// costs: every node placed, every demand asked once and booked once.
pub(super) fn decode_estimate(nodes: usize, demands: usize) -> u64 {
    (nodes as u64 + 2 * demands as u64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confirming_pass_is_charged_and_large_plans_get_one_justification() {
        let normal = Budget::for_effort(LevelEffort::Normal);
        let a = normal.allowance(100, 200);
        assert_eq!(a.work, NORMAL_WORK - 500 * REAL_PASS_FACTOR);
        assert_eq!(a.decodes, NORMAL_MAX_DECODES);
        assert_eq!(normal.allowance(4_000, 4_000).decodes, MIN_DECODES);
        assert!(normal.allowance(100_000, 100_000).decodes < MIN_DECODES);
        let thorough = Budget::for_effort(LevelEffort::Thorough);
        assert!(thorough.allowance(1_000, 1_000_000).decodes < 30);
    }
}
