"""Reads an MSPDI file written by `planc build --format mspdi` with MPXJ
(an independent reader) and checks it against planc's JSON schedule of
the same plan: every task's start, finish and outline level, its links
(type and lag) and every assignment's work.

Usage: python3 readback.py PLAN.xml PLAN.json
Prints one line per difference and exits 1 if there is any.
"""
import json
import sys

import jpype
import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)

jpype.startJVM()
from org.mpxj import TimeUnit  # noqa: E402
from org.mpxj.reader import UniversalProjectReader  # noqa: E402

LINK_TYPES = {
    "FINISH_START": "finish-to-start",
    "START_START": "start-to-start",
    "FINISH_FINISH": "finish-to-finish",
    "START_FINISH": "start-to-finish",
}


def minute(t):
    return None if t is None else str(t.toString())[:16]


def hours(duration, props):
    if duration is None:
        return 0.0
    return float(duration.convertUnits(TimeUnit.HOURS, props).getDuration())


def main(xml_path, json_path):
    plan = json.load(open(json_path))
    project = UniversalProjectReader().read(xml_path)
    props = project.getProjectProperties()
    by_uid = {int(t.getUniqueID()): t for t in project.getTasks()}
    resource_uid = {r["id"]: i + 1 for i, r in enumerate(plan["resources"])}
    task_uid = {t["id"]: i + 1 for i, t in enumerate(plan["tasks"])}
    problems = []
    checked = {"tasks": 0, "links": 0, "assignments": 0}

    def differ(task, what, ours, theirs):
        problems.append(f"{task}: {what}: planc {ours!r}, MPXJ {theirs!r}")

    for t in plan["tasks"]:
        uid = task_uid[t["id"]]
        m = by_uid.get(uid)
        if m is None:
            problems.append(f"{t['id']}: missing in the MSPDI file")
            continue
        checked["tasks"] += 1
        if minute(m.getStart()) != t["start"]:
            differ(t["id"], "start", t["start"], minute(m.getStart()))
        if minute(m.getFinish()) != t["end"]:
            differ(t["id"], "finish", t["end"], minute(m.getFinish()))
        level = t["id"].count(".") + 1
        if int(m.getOutlineLevel()) != level:
            differ(t["id"], "outline level", level, int(m.getOutlineLevel()))
        theirs = {}
        for rel in m.getPredecessors():
            pred = int(rel.getPredecessorTask().getUniqueID())
            theirs[pred] = (LINK_TYPES[str(rel.getType().name())], round(hours(rel.getLag(), props), 2))
        seen = set()
        for dep in t["dependencies"]:
            pred = task_uid[dep["task"]]
            if pred in seen:
                # MSPDI holds one link per pair: planc writes the first
                # and a constraint for the rest (docs/interchange.md).
                continue
            seen.add(pred)
            checked["links"] += 1
            ours = (dep["type"], round(dep["lag_hours"], 2))
            if theirs.get(pred) != ours:
                differ(t["id"], f"link from {dep['task']}", ours, theirs.get(pred))
        if set(theirs) != seen:
            differ(t["id"], "predecessors", sorted(seen), sorted(theirs))
        if t["kind"] == "group":
            continue
        their_work = {}
        for a in m.getResourceAssignments():
            r = a.getResource()
            if r is not None:
                uid_r = int(r.getUniqueID())
                their_work[uid_r] = their_work.get(uid_r, 0.0) + hours(a.getWork(), props)
        for a in t["assignments"]:
            checked["assignments"] += 1
            uid_r = resource_uid[a["resource"]]
            got = their_work.get(uid_r)
            if got is None or abs(got - a["hours"]) > 0.01:
                differ(t["id"], f"work of {a['resource']}", a["hours"], got)
    for p in problems:
        print(p)
    print(f"checked {checked['tasks']} tasks, {checked['links']} links, {checked['assignments']} assignments; {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
