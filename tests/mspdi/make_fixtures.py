"""Writes the MSPDI fixtures of tests/mspdi.rs with MPXJ, a writer planc
did not write: a small construction project with every construct the
importer reads (calendars with exceptions, work, material and cost
resources, an outline, the four link types with lags, constraints,
priorities, progress, actual dates and a baseline), and a sample's
export as MPXJ writes it again.

Run from the repository root: python3 tests/mspdi/make_fixtures.py
(needs `pip install mpxj JPype1` and a Java runtime). The output is
committed; rerun only to change the fixtures.
"""
import jpype
import mpxj  # noqa: F401
from jpype import JArray

jpype.startJVM()
from java.lang import Double  # noqa: E402
from java.time import DayOfWeek, LocalDate, LocalDateTime, LocalTime  # noqa: E402
from org.mpxj import (  # noqa: E402
    Availability, ConstraintType, CostRateTable, CostRateTableEntry, Duration, LocalTimeRange, Priority, ProjectFile, Rate, Relation,
    RelationType, ResourceType, TimeUnit,
)
from org.mpxj.writer import FileFormat, UniversalProjectWriter  # noqa: E402


def at(y, m, d, h=8, mi=0):
    return LocalDateTime.of(y, m, d, h, mi)


def days(n):
    return Duration.getInstance(n, TimeUnit.DAYS)


def set_rate(resource, amount, unit):
    table = CostRateTable()
    rates = JArray(Rate)([Rate(float(amount), unit), Rate(0.0, TimeUnit.HOURS)])
    table.add(CostRateTableEntry(LocalDateTime.MIN, LocalDateTime.MAX, Double(0), rates))
    resource.setCostRateTable(0, table)


def set_max_units(resource, percent):
    resource.getAvailability().add(Availability(LocalDateTime.MIN, LocalDateTime.MAX, Double(percent)))


def link(succ, pred, kind, lag_days=0):
    succ.addPredecessor(
        Relation.Builder().predecessorTask(pred).type(kind).lag(days(lag_days))
    )


def construction():
    project = ProjectFile()
    props = project.getProjectProperties()
    props.setProjectTitle("Garden studio")
    props.setStartDate(at(2027, 4, 5))
    props.setStatusDate(at(2027, 4, 19, 0))
    props.setCurrencyCode("EUR")
    standard = project.addDefaultBaseCalendar()
    project.setDefaultCalendar(standard)
    holiday = standard.addCalendarException(LocalDate.of(2027, 5, 6), LocalDate.of(2027, 5, 7))
    holiday.setName("Ascension")
    # A crew that works a short Friday and has a week off.
    crew_cal = project.addDefaultDerivedCalendar()
    crew_cal.setName("Crew")
    crew_cal.setParent(standard)
    friday = crew_cal.addCalendarHours(DayOfWeek.FRIDAY)
    friday.add(LocalTimeRange(LocalTime.of(7, 0), LocalTime.of(13, 0)))
    crew_cal.setCalendarDayType(DayOfWeek.FRIDAY, org_day_type("WORKING"))
    off = crew_cal.addCalendarException(LocalDate.of(2027, 4, 26), LocalDate.of(2027, 4, 30))
    off.setName("Training week")

    ana = project.addResource()
    ana.setName("Ana Builder")
    ana.setType(ResourceType.WORK)
    ana.setGroup("Carpenter")
    set_rate(ana, 360, TimeUnit.DAYS)
    set_max_units(ana, 100)
    ana.setCalendar(crew_cal)
    crew = project.addResource()
    crew.setName("Labour pool")
    crew.setType(ResourceType.WORK)
    set_rate(crew, 35, TimeUnit.HOURS)
    set_max_units(crew, 300)
    sparky = project.addResource()
    sparky.setName("Sam Sparks")
    sparky.setType(ResourceType.WORK)
    set_rate(sparky, 50, TimeUnit.HOURS)
    set_max_units(sparky, 50)
    timber = project.addResource()
    timber.setName("Timber")
    timber.setType(ResourceType.MATERIAL)
    permit_fee = project.addResource()
    permit_fee.setName("Permit fee")
    permit_fee.setType(ResourceType.COST)

    site = project.addTask()
    site.setName("Site work")
    permit = site.addTask()
    permit.setName("Building permit")
    permit.setDuration(days(5))
    permit.setPercentageComplete(Double(100))
    permit.setActualStart(at(2027, 4, 5))
    permit.setActualFinish(at(2027, 4, 9, 17))
    permit.setBaselineStart(at(2027, 4, 5))
    permit.setBaselineFinish(at(2027, 4, 9, 17))
    permit.addResourceAssignment(permit_fee)
    dig = site.addTask()
    dig.setName("Dig foundations")
    dig.setDuration(days(3))
    dig.setWork(Duration.getInstance(48, TimeUnit.HOURS))
    dig.setPercentageComplete(Double(50))
    dig.setActualStart(at(2027, 4, 12))
    dig.setPriority(Priority.getInstance(700))
    a = dig.addResourceAssignment(crew)
    a.setUnits(Double(200))
    a.setWork(Duration.getInstance(48, TimeUnit.HOURS))
    link(dig, permit, RelationType.FINISH_START)
    slab = site.addTask()
    slab.setName("Pour slab")
    slab.setDuration(days(1))
    link(slab, dig, RelationType.FINISH_START, 1)
    cure = site.addTask()
    cure.setName("Slab cures")
    cure.setDuration(Duration.getInstance(7, TimeUnit.ELAPSED_DAYS))
    link(cure, slab, RelationType.FINISH_START)

    build = project.addTask()
    build.setName("Build")
    frame = build.addTask()
    frame.setName("Frame walls")
    frame.setDuration(days(4))
    frame.setWork(Duration.getInstance(32, TimeUnit.HOURS))
    frame.addResourceAssignment(ana).setWork(Duration.getInstance(32, TimeUnit.HOURS))
    frame.addResourceAssignment(timber)
    link(frame, cure, RelationType.FINISH_START)
    roof = build.addTask()
    roof.setName("Roof")
    roof.setDuration(days(3))
    link(roof, frame, RelationType.START_START, 2)
    roof.setConstraintType(ConstraintType.START_NO_EARLIER_THAN)
    roof.setConstraintDate(at(2027, 5, 20))
    wiring = build.addTask()
    wiring.setName("Wiring")
    wiring.setDuration(days(2))
    wiring.setWork(Duration.getInstance(8, TimeUnit.HOURS))
    wiring.addResourceAssignment(sparky).setWork(Duration.getInstance(8, TimeUnit.HOURS))
    link(wiring, frame, RelationType.FINISH_FINISH, 1)
    inspect = build.addTask()
    inspect.setName("Electrical inspection")
    inspect.setDuration(days(1))
    inspect.setConstraintType(ConstraintType.MUST_START_ON)
    inspect.setConstraintDate(at(2027, 6, 1))
    link(inspect, wiring, RelationType.START_FINISH)
    paint = build.addTask()
    paint.setName("Paint")
    paint.setDuration(days(2))
    paint.setConstraintType(ConstraintType.FINISH_NO_LATER_THAN)
    paint.setConstraintDate(at(2027, 6, 30, 17))
    paint.setNotes("Two coats, \"studio white\".")
    link(paint, roof, RelationType.FINISH_START)
    done = project.addTask()
    done.setName("Studio ready")
    done.setMilestone(True)
    done.setDuration(days(0))
    link(done, paint, RelationType.FINISH_START)
    link(done, inspect, RelationType.FINISH_START)
    done.setDeadline(at(2027, 7, 2, 17))
    return project


def org_day_type(name):
    from org.mpxj import DayType
    return getattr(DayType, name)


def write(project, path):
    UniversalProjectWriter(FileFormat.MSPDI).write(project, path)


def rewritten(path):
    """planc's own export of a sample, read and written again by MPXJ: the
    same project as another writer lays it out."""
    from org.mpxj.reader import UniversalProjectReader
    return UniversalProjectReader().read(path)


if __name__ == "__main__":
    import subprocess
    import tempfile

    write(construction(), "tests/mspdi/garden-studio.xml")
    print("wrote tests/mspdi/garden-studio.xml")
    with tempfile.TemporaryDirectory() as tmp:
        exported = f"{tmp}/website-relaunch.xml"
        subprocess.run(
            ["cargo", "run", "--release", "-q", "--", "build",
             "samples/website-relaunch.plan", "-o", exported],
            check=True,
        )
        write(rewritten(exported), "tests/mspdi/website-relaunch-mpxj.xml")
    print("wrote tests/mspdi/website-relaunch-mpxj.xml")
