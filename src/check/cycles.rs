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
/// (what every task inside waits for). An edge from `a` to `b` means `a`
/// waits for `b`.
pub fn check_dependencies(tasks: &[Task], diags: &mut Diagnostics) {
    // Nearly every plan has no cycle, and proving that on a compact copy of
    // the graph is much cheaper than building the full graph (and listing
    // every task as a component of its own).
    if Waits::new(tasks).is_acyclic() {
        return;
    }
    let graph = full_graph(tasks);
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

/// Calls `wait(a, b)` for every edge of the graph described above, task by
/// task.
fn for_each_wait(tasks: &[Task], mut wait: impl FnMut(usize, usize)) {
    let n = tasks.len();
    for (i, task) in tasks.iter().enumerate() {
        let is_group = task.kind == TaskKind::Group;
        if let Some(p) = task.parent {
            wait(i, n + p.index());
            wait(p.index(), i);
            if is_group {
                wait(n + i, n + p.index());
            }
        }
        let from = if is_group { n + i } else { i };
        for dep in &task.dependencies {
            wait(from, dep.target.index());
        }
    }
}

/// The graph for reporting cycles; its edges are in `for_each_wait` order.
fn full_graph(tasks: &[Task]) -> DiGraph<(), ()> {
    let n = tasks.len();
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(2 * n, 3 * n);
    for _ in 0..2 * n {
        graph.add_node(());
    }
    for_each_wait(tasks, |a, b| {
        graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
    });
    graph
}

/// The same graph in compressed form: each node's successors side by side
/// in one array, sized exactly by a counting pass.
struct Waits {
    /// Node `v`'s successors are `targets[starts[v]..starts[v + 1]]`.
    starts: Vec<u32>,
    targets: Vec<u32>,
}

impl Waits {
    fn new(tasks: &[Task]) -> Waits {
        let nodes = 2 * tasks.len();
        let mut starts = vec![0u32; nodes + 1];
        for_each_wait(tasks, |a, _| starts[a] += 1);
        // Running sums make `starts[v]` the end of `v`'s range; filling
        // from the back then moves it to the start.
        let mut total = 0;
        for s in &mut starts {
            total += *s;
            *s = total;
        }
        let mut targets = vec![0u32; total as usize];
        for_each_wait(tasks, |a, b| {
            starts[a] -= 1;
            targets[starts[a] as usize] = b as u32;
        });
        Waits { starts, targets }
    }

    fn successors(&self, node: usize) -> &[u32] {
        &self.targets[self.starts[node] as usize..self.starts[node + 1] as usize]
    }

    /// Kahn's algorithm: a graph has no cycle when repeatedly taking away
    /// nodes without incoming edges takes away all of them. Iterative, so
    /// long chains cannot overflow the stack.
    fn is_acyclic(&self) -> bool {
        let nodes = self.starts.len() - 1;
        let mut incoming = vec![0u32; nodes];
        for &t in &self.targets {
            incoming[t as usize] += 1;
        }
        let mut ready: Vec<u32> = Vec::with_capacity(nodes);
        ready.extend((0..nodes as u32).filter(|&v| incoming[v as usize] == 0));
        let mut removed = 0;
        while let Some(v) = ready.pop() {
            removed += 1;
            for &next in self.successors(v as usize) {
                let waiting = &mut incoming[next as usize];
                *waiting -= 1;
                if *waiting == 0 {
                    ready.push(next);
                }
            }
        }
        removed == nodes
    }
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
