//! The pest binding. `Rule` and `Pair` never leave the syntax module.

use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "../grammar/plan.pest"]
pub(crate) struct PlanParser;
