//! Dependency cycles. Built on a graph in which a group's dependencies
//! hold for every task inside it and a dependency on a group waits for all
//! of it, so that cycles through groups are found too.

use super::model::{Task, TaskId, TaskKind};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{HashMap, HashSet, VecDeque};

/// Most tasks a cycle message names and labels; a longer cycle is
/// summarised.
const MAX_NAMED: usize = 12;

/// Node `i` is task `i` finished; node `n + i` is the gate of group `i`
/// (what every task inside waits for).
pub fn check_dependencies(tasks: &[Task], diags: &mut Diagnostics) {
    let n = tasks.len();
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(2 * n, 3 * n);
    for _ in 0..2 * n {
        graph.add_node(());
    }
    let node = |i: usize| NodeIndex::new(i);
    for (i, task) in tasks.iter().enumerate() {
        if let Some(p) = task.parent {
            graph.add_edge(node(i), node(n + p.index()), ());
            graph.add_edge(node(p.index()), node(i), ());
            if task.kind == TaskKind::Group {
                graph.add_edge(node(n + i), node(n + p.index()), ());
            }
        }
        let from = if task.kind == TaskKind::Group {
            n + i
        } else {
            i
        };
        for dep in &task.dependencies {
            graph.add_edge(node(from), node(dep.target.index()), ());
        }
    }
    // Nearly every plan has no cycle, and proving that is much cheaper
    // than listing every task as a component of its own.
    if is_acyclic(&graph) {
        return;
    }
    // kosaraju_scc is iterative: long chains cannot overflow the stack.
    let mut sccs = kosaraju_scc(&graph);
    // Report in declaration order whatever order the algorithm found them in.
    for scc in &mut sccs {
        scc.sort_unstable();
    }
    sccs.sort_unstable();
    for scc in sccs {
        if scc.len() < 2 {
            continue;
        }
        report_cycle(tasks, &graph, &scc, diags);
    }
}

/// Kahn's algorithm: a graph has no cycle when repeatedly taking away
/// nodes without incoming edges takes away all of them. Iterative, so long
/// chains cannot overflow the stack.
fn is_acyclic(graph: &DiGraph<(), ()>) -> bool {
    let mut incoming = vec![0u32; graph.node_count()];
    for edge in graph.raw_edges() {
        incoming[edge.target().index()] += 1;
    }
    let mut ready: Vec<NodeIndex> = graph
        .node_indices()
        .filter(|n| incoming[n.index()] == 0)
        .collect();
    let mut removed = 0;
    while let Some(n) = ready.pop() {
        removed += 1;
        for next in graph.neighbors(n) {
            incoming[next.index()] -= 1;
            if incoming[next.index()] == 0 {
                ready.push(next);
            }
        }
    }
    removed == graph.node_count()
}

fn report_cycle(
    tasks: &[Task],
    graph: &DiGraph<(), ()>,
    scc: &[NodeIndex],
    diags: &mut Diagnostics,
) {
    let n = tasks.len();
    let to_task = |ix: NodeIndex| TaskId((ix.index() % n) as u32);
    let members: HashSet<NodeIndex> = scc.iter().copied().collect();
    let path = shortest_loop(graph, &members, scc);
    // Name each task once, in the order of the loop.
    let mut order: Vec<TaskId> = Vec::new();
    for ix in &path {
        let t = to_task(*ix);
        if !order.contains(&t) {
            order.push(t);
        }
    }
    let in_cycle: HashSet<TaskId> = scc.iter().map(|ix| to_task(*ix)).collect();
    let mut names: Vec<String> = order
        .iter()
        .take(MAX_NAMED)
        .map(|t| format!("`{}`", tasks[t.index()].path))
        .collect();
    if order.len() > MAX_NAMED {
        names.push(format!("... ({} more)", order.len() - MAX_NAMED));
    }
    if let Some(first) = names.first().cloned() {
        names.push(first);
    }
    let mut labels = Vec::new();
    for t in &order {
        let task = &tasks[t.index()];
        for dep in &task.dependencies {
            let target = dep.target;
            let reaches = in_cycle.contains(&target)
                || tasks[target.index()]
                    .children
                    .iter()
                    .any(|c| in_cycle.contains(c));
            if reaches {
                labels.push((
                    dep.span,
                    format!("`{}` waits for `{}`", task.path, tasks[target.index()].path),
                ));
            }
        }
    }
    let Some((first_span, first_text)) = labels.first().cloned() else {
        return;
    };
    let mut d = Diagnostic::error(
        codes::DEPENDENCY_CYCLE,
        format!(
            "these tasks wait for each other in a cycle: {}",
            names.join(" -> ")
        ),
    )
    .at(first_span, first_text)
    .with_help("no task on a cycle can ever start; remove or reverse one of these dependencies");
    for (span, text) in labels.into_iter().skip(1).take(MAX_NAMED) {
        d = d.also(span, text);
    }
    diags.push(d);
}

/// A shortest loop through the first node of the component, found by BFS
/// inside it, so that the message names the cycle in order.
fn shortest_loop(
    graph: &DiGraph<(), ()>,
    members: &HashSet<NodeIndex>,
    scc: &[NodeIndex],
) -> Vec<NodeIndex> {
    let Some(&start) = scc.iter().min() else {
        return Vec::new();
    };
    let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(cur) = queue.pop_front() {
        for next in graph.neighbors(cur) {
            if !members.contains(&next) {
                continue;
            }
            if next == start {
                let mut path = vec![cur];
                let mut at = cur;
                while at != start {
                    let Some(&before) = prev.get(&at) else { break };
                    at = before;
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(next) {
                e.insert(cur);
                queue.push_back(next);
            }
        }
    }
    scc.to_vec()
}
