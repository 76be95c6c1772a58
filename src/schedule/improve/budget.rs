//! How much work the search may spend, counted in activity placements
//! (an abstract schedule of n nodes costs n) rather than time, so that the
//! same plan always gets the same search and the same schedule.

use crate::schedule::LevelEffort;

/// Placements the default search may spend on a plan of up to
/// [`SMALL_MODEL`] nodes (see `docs/performance.md` for what it buys).
const NORMAL_BUDGET: usize = 150_000;
/// Placements the default search may spend on a larger plan: one
/// justification for up to 5,000 nodes.
const LARGE_BUDGET: usize = 15_000;
/// The same as [`NORMAL_BUDGET`] for `--level thorough`.
const THOROUGH_BUDGET: usize = 4_000_000;
/// Abstract schedules at most, however small the plan.
const NORMAL_MAX_DECODES: usize = 2_000;
const THOROUGH_MAX_DECODES: usize = 50_000;
/// Below this many abstract schedules the search is not worth its set-up.
pub(super) const MIN_DECODES: usize = 3;

/// Largest model that the default search treats as small, and most users
/// of one resource whose load is kept in a vector.
pub(super) const SMALL_MODEL: usize = 2_000;

/// The search's means for one effort level.
#[derive(Clone, Copy, Debug)]
pub(super) struct Budget {
    effort: LevelEffort,
    /// Placements the search may spend.
    placements: usize,
    /// Abstract schedules at most.
    most: usize,
}

impl Budget {
    pub(super) fn for_effort(effort: LevelEffort) -> Budget {
        let (placements, most) = match effort {
            LevelEffort::Normal => (NORMAL_BUDGET, NORMAL_MAX_DECODES),
            LevelEffort::Thorough => (THOROUGH_BUDGET, THOROUGH_MAX_DECODES),
        };
        Budget {
            effort,
            placements,
            most,
        }
    }

    /// How many abstract schedules the search may build on a model of
    /// `nodes` nodes, each placement costing `weight` times the usual: the
    /// budget shared out, within the cap. Large plans by default get one
    /// justification of the starting rule and no search beyond: there the
    /// search costs more than the levelled pass itself for a rare, small
    /// gain (`docs/performance.md`).
    pub(super) fn decodes_for(self, nodes: usize, weight: usize) -> usize {
        let affordable = (self.placements / weight / nodes.max(1)).min(self.most);
        if self.effort == LevelEffort::Normal && nodes > SMALL_MODEL {
            (LARGE_BUDGET / nodes).min(affordable).min(MIN_DECODES)
        } else {
            affordable
        }
    }
}
