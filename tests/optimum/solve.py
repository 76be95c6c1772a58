#!/usr/bin/env python3
"""Exact optimal makespans, with OR-Tools CP-SAT, of the small plans that
tests/any_of_optimum.rs generates.

Reads one JSON document on standard input: a list of instances, each
    {"units": [units of resource 0, 1, ...],
     "tasks": [{"days": N, "after": [task index, ...],
                "fixed": [[resource, count], ...],
                "any_of": [[resource, ...], ...]}, ...]}
and writes one JSON list on standard output: per instance
    {"makespan": working days, "optimal": true|false}.

The model is the plan's meaning under levelling on the default calendar,
in whole working days: a task of N days holds every resource it books for
N consecutive days (no splitting); `fixed` books `count` units of a
resource; each `any_of` list books one unit of exactly one of its
resources (an optional interval per alternative, one of them present);
at every moment the units booked of a resource are at most its `units`;
a task starts at or after the end of each task it comes `after`. The
objective is the latest end.
"""
import json
import sys

from ortools.sat.python import cp_model

# Seconds per instance: these plans solve in milliseconds; a plan that did
# not would be reported as not proven optimal rather than hang CI.
TIME_LIMIT = 20.0


def add_subset_bounds(m, units, tasks, intervals):
    """Redundant constraints that only speed up the proof: for every set of
    two or more resources, the units a task surely books within the set
    (its fixed bookings there, one per `any_of` list wholly inside it) never
    exceed the set's units. The optional intervals of the alternatives
    alone bound the makespan weakly."""
    n = len(units)
    for mask in range(1, 1 << n):
        members = [r for r in range(n) if mask >> r & 1]
        if len(members) < 2:
            continue
        ivs, demands = [], []
        for i, t in enumerate(tasks):
            d = sum(c for r, c in t["fixed"] if r in members)
            d += sum(1 for options in t["any_of"] if all(r in members for r in options))
            if d > 0:
                ivs.append(intervals[i])
                demands.append(d)
        if ivs:
            m.add_cumulative(ivs, demands, sum(units[r] for r in members))


def solve(inst):
    units = inst["units"]
    tasks = inst["tasks"]
    horizon = sum(t["days"] for t in tasks)
    m = cp_model.CpModel()
    starts, ends, intervals_of = [], [], []
    per_resource = [([], []) for _ in units]
    for i, t in enumerate(tasks):
        d = t["days"]
        s = m.new_int_var(0, horizon, f"s{i}")
        e = m.new_int_var(0, horizon, f"e{i}")
        iv = m.new_interval_var(s, d, e, f"t{i}")
        intervals_of.append(iv)
        starts.append(s)
        ends.append(e)
        for r, count in t["fixed"]:
            per_resource[r][0].append(iv)
            per_resource[r][1].append(count)
        for k, options in enumerate(t["any_of"]):
            present = []
            for r in options:
                p = m.new_bool_var(f"p{i}_{k}_{r}")
                opt = m.new_optional_interval_var(s, d, e, p, f"o{i}_{k}_{r}")
                per_resource[r][0].append(opt)
                per_resource[r][1].append(1)
                present.append(p)
            m.add_exactly_one(present)
    for i, t in enumerate(tasks):
        for p in t["after"]:
            m.add(starts[i] >= ends[p])
    for r, (intervals, demands) in enumerate(per_resource):
        if intervals:
            m.add_cumulative(intervals, demands, units[r])
    add_subset_bounds(m, units, tasks, intervals_of)
    makespan = m.new_int_var(0, horizon, "makespan")
    m.add_max_equality(makespan, ends)
    m.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = TIME_LIMIT
    # The portfolio of eight search strategies (on however many cores)
    # proves in milliseconds optima that a single one cannot in seconds;
    # a proven optimum is the same whichever proves it.
    solver.parameters.num_workers = 8
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"makespan": None, "optimal": False}
    return {"makespan": int(solver.value(makespan)), "optimal": status == cp_model.OPTIMAL}


def main():
    instances = json.load(sys.stdin)
    json.dump([solve(inst) for inst in instances], sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
