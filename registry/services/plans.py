"""Plans as data: a plan, its agencies, tasks and targets, loaded from a mapping in the form of
registry/reference_data/plan.py — the 2023 plan by init-data, a later one (the merged province
will issue its own) by an admin's JSON upload or `flask load-plan`, without a code change.

Loading is idempotent and additive: rows that exist keep what admins made of them; only what is
missing is filled in (a new task, a missing link, a succession not yet recorded)."""
import json
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from registry.extensions import db
from registry.models import Agency, Plan, PlanTask, Target
from registry.models.reference import AGENCY_KINDS, TARGET_MEASURES, TARGET_SET_BY, plan_task_agencies
from registry.services.errors import NotFound, ValidationFailed
from registry.services.unit_of_work import flush

MAX_PLAN_FILE_BYTES = 2 * 1024 * 1024
PLAN_FIELDS = ("code", "title_vi", "issuer_vi", "issued_on", "area_vi", "period_start", "period_end")
TASK_FIELDS = ("code", "title_vi")
TARGET_FIELDS = ("code", "title_vi", "deadline")
ROLES = ("lead", "coordinating")


@dataclass
class PlanLoad:
    plan: Plan
    added: dict[str, int] = field(default_factory=lambda: {"agencies": 0, "tasks": 0, "targets": 0})


def counted_plan() -> Plan | None:
    """The plan whose targets and tasks the registry counts and reports on."""
    return db.session.scalar(sa.select(Plan).where(Plan.is_counted.is_(True)).limit(1))


def all_plans() -> list[Plan]:
    return list(db.session.scalars(sa.select(Plan).order_by(Plan.sort_order, Plan.issued_on, Plan.id)))


def plan_by_code(code: str | None) -> Plan | None:
    """The plan asked for by code, or the counted one; None for a code no plan has."""
    if not code:
        return counted_plan()
    return db.session.scalar(sa.select(Plan).where(Plan.code == code))


def _date(value, where: str, errors: dict) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(where, []).append(_("Must be a date (YYYY-MM-DD)."))
        return None


# Columns a file does not give: the registry keeps them itself.
NOT_FROM_FILE = {"id", "plan_id", "sort_order", "created_at", "succeeded_by_id", "commune_id",
                 "cells_follow_id"}
# Keys that are not columns: the codes a row refers to by.
REFERENCES = {
    Agency: {"succeeded_by": str},
    PlanTask: {"lead": list, "coordinating": list, "cells_follow": str},
    Plan: {},
    Target: {},
}


def _check_types(model, row: dict, where: str, errors: dict) -> None:
    """Every key of `row` is a column of `model` (or a reference by code) of the right type:
    text no longer than its column, a number, a yes/no, a date (YYYY-MM-DD)."""
    columns = model.__table__.columns
    for key, value in row.items():
        place = f"{where}.{key}"
        if key in REFERENCES[model]:
            if value is not None and not isinstance(value, REFERENCES[model][key]):
                errors.setdefault(place, []).append(_("Not a valid value."))
            continue
        if key not in columns or key in NOT_FROM_FILE:
            errors.setdefault(place, []).append(_("Not a known field."))
            continue
        if value is None:
            if not columns[key].nullable:
                errors.setdefault(place, []).append(_("This field is required."))
            continue
        kind = columns[key].type
        if isinstance(kind, sa.Date):
            if not isinstance(value, date):
                _date(value, place, errors)
        elif isinstance(kind, sa.Boolean):
            if not isinstance(value, bool):
                errors.setdefault(place, []).append(_("Must be true or false."))
        elif isinstance(kind, (sa.Float, sa.Integer)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                errors.setdefault(place, []).append(_("Must be a number."))
        elif isinstance(kind, (sa.String, sa.Text)):
            if not isinstance(value, str):
                errors.setdefault(place, []).append(_("Must be text."))
            elif getattr(kind, "length", None) and len(value) > kind.length:
                errors.setdefault(place, []).append(_("At most %(n)s characters.", n=kind.length))


def _missing(row: dict, names, where: str, errors: dict) -> None:
    for name in names:
        if not isinstance(row.get(name), (str, int, float, date)) or str(row.get(name)).strip() == "":
            errors.setdefault(f"{where}.{name}", []).append(_("This field is required."))


def validate_plan_data(data) -> dict[str, list[str]]:
    """What is wrong with a plan's mapping, by where it is ("tasks[3].lead"): nothing is loaded
    unless nothing is wrong."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict) or not isinstance(data.get("plan"), dict):
        return {"plan": [_("The file must hold an object with a \"plan\".")]}
    plan = data["plan"]
    _missing(plan, PLAN_FIELDS, "plan", errors)
    _check_types(Plan, plan, "plan", errors)
    if not errors and _date(plan["period_start"], "", {}) > _date(plan["period_end"], "", {}):
        errors.setdefault("plan.period_end", []).append(_("The period ends before it starts."))
    known = {a.code for a in db.session.scalars(sa.select(Agency))}
    agencies = data.get("agencies", [])
    tasks = data.get("tasks", [])
    targets = data.get("targets", [])
    for name, rows in (("agencies", agencies), ("tasks", tasks), ("targets", targets)):
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            errors.setdefault(name, []).append(_("Must be a list of objects."))
    if errors:
        return errors
    for name, model, rows in (("agencies", Agency, agencies), ("tasks", PlanTask, tasks),
                              ("targets", Target, targets)):
        for i, row in enumerate(rows):
            _check_types(model, row, f"{name}[{i}]", errors)
    for i, task in enumerate(tasks):
        for role in ROLES:
            if isinstance(task.get(role), list) and not all(isinstance(c, str) for c in task[role]):
                errors.setdefault(f"tasks[{i}].{role}", []).append(_("Must be a list of agency codes."))
    if errors:  # what follows reads the codes as text
        return errors
    for i, agency in enumerate(agencies):
        _missing(agency, ("code", "name_vi"), f"agencies[{i}]", errors)
        if agency.get("kind", "department") not in AGENCY_KINDS:
            errors.setdefault(f"agencies[{i}].kind", []).append(_("Not a known kind of agency."))
        known.add(str(agency.get("code")))
    successors = {a.code: a.succeeded_by.code for a in db.session.scalars(sa.select(Agency))
                  if a.succeeded_by is not None}
    successors.update({a["code"]: a["succeeded_by"] for a in agencies if a.get("succeeded_by")})
    for i, agency in enumerate(agencies):
        successor = agency.get("succeeded_by")
        if successor and successor not in known:
            errors.setdefault(f"agencies[{i}].succeeded_by", []).append(
                _("No agency has the code %(code)s.", code=successor))
        if successor:
            _date(agency.get("succeeded_on", ""), f"agencies[{i}].succeeded_on", errors)
            code, seen = agency["code"], set()
            while code in successors and code not in seen:
                seen.add(code)
                code = successors[code]
            if code in seen:
                errors.setdefault(f"agencies[{i}].succeeded_by", []).append(
                    _("The successions make a loop."))
    task_codes = [str(t.get("code")) for t in tasks]
    for i, task in enumerate(tasks):
        _missing(task, TASK_FIELDS, f"tasks[{i}]", errors)
        if task_codes.count(str(task.get("code"))) > 1:
            errors.setdefault(f"tasks[{i}].code", []).append(_("This code is used twice."))
        for role in ROLES:
            codes = task.get(role, [])
            if not isinstance(codes, list):
                errors.setdefault(f"tasks[{i}].{role}", []).append(_("Must be a list of agency codes."))
                continue
            for code in codes:
                if code not in known:
                    errors.setdefault(f"tasks[{i}].{role}", []).append(
                        _("No agency has the code %(code)s.", code=code))
        follows = task.get("cells_follow")
        if follows and (follows not in task_codes or follows == task.get("code")):
            errors.setdefault(f"tasks[{i}].cells_follow", []).append(_("No task of this plan has this code."))
        elif follows and tasks[task_codes.index(follows)].get("cells_follow"):
            errors.setdefault(f"tasks[{i}].cells_follow", []).append(
                _("Name the task whose cells are written, not one that follows another."))
    for name, rows in (("agencies", agencies), ("targets", targets)):
        codes = [str(row.get("code")) for row in rows]
        for i, code in enumerate(codes):
            if codes.count(code) > 1:
                errors.setdefault(f"{name}[{i}].code", []).append(_("This code is used twice."))
    for i, target in enumerate(targets):
        _missing(target, TARGET_FIELDS, f"targets[{i}]", errors)
        if target.get("deadline"):
            _date(target["deadline"], f"targets[{i}].deadline", errors)
        if target.get("measure", "indicator") not in TARGET_MEASURES:
            errors.setdefault(f"targets[{i}].measure", []).append(_("Not a known measure."))
        if target.get("target_set_by", "plan") not in TARGET_SET_BY:
            errors.setdefault(f"targets[{i}].target_set_by", []).append(_("Not a known value."))
        for bound in ("target_min", "target_max"):
            if target.get(bound) is not None and not isinstance(target[bound], (int, float)):
                errors.setdefault(f"targets[{i}].{bound}", []).append(_("Must be a number."))
    return errors


DATE_COLUMNS = ("issued_on", "period_start", "period_end", "deadline", "window_start", "succeeded_on")


def _values(model, row: dict, skip=()) -> dict:
    columns = set(model.__table__.columns.keys()) - NOT_FROM_FILE
    return {key: (date.fromisoformat(value) if key in DATE_COLUMNS and isinstance(value, str) else value)
            for key, value in row.items() if key in columns and key not in skip}


def load_plan(data: dict) -> PlanLoad:
    """Insert what is missing of a plan (see the module's docstring); raises ValidationFailed,
    loading nothing, when the mapping is wrong."""
    errors = validate_plan_data(data)
    if errors:
        raise ValidationFailed(_("The plan was not loaded: correct the file and load it again."), errors)
    plan = db.session.scalar(sa.select(Plan).where(Plan.code == data["plan"]["code"]))
    if plan is None:
        plan = Plan(**_values(Plan, data["plan"], skip=("is_counted",)))
        plan.is_counted = counted_plan() is None
        plan.sort_order = len(all_plans())
        db.session.add(plan)
    result = PlanLoad(plan)
    agencies = _load_agencies(data.get("agencies", []), result)
    flush()
    _load_tasks(plan, data.get("tasks", []), agencies, result)
    _load_targets(plan, data.get("targets", []), result)
    flush()
    return result


def _load_agencies(rows: list[dict], result: PlanLoad) -> dict[str, Agency]:
    agencies = {a.code: a for a in db.session.scalars(sa.select(Agency))}
    for row in rows:
        if row["code"] not in agencies:
            agency = Agency(**_values(Agency, row, skip=("succeeded_on",)))
            agency.name_en = agency.name_en or agency.name_vi
            db.session.add(agency)
            agencies[row["code"]] = agency
            result.added["agencies"] += 1
    for row in rows:
        agency = agencies[row["code"]]
        # A merger recorded since the agency was added; one already recorded stays as it is.
        if row.get("succeeded_by") and agency.succeeded_by is None:
            agency.succeeded_by = agencies[row["succeeded_by"]]
            agency.succeeded_on = date.fromisoformat(str(row["succeeded_on"]))
            for key in ("succession_note_vi", "succession_note_en", "succession_source"):
                setattr(agency, key, row.get(key, ""))
    return agencies


def _load_tasks(plan: Plan, rows: list[dict], agencies: dict[str, Agency], result: PlanLoad) -> dict:
    tasks = {t.code: t for t in db.session.scalars(sa.select(PlanTask).where(PlanTask.plan_id == plan.id))}
    for order, row in enumerate(rows):
        if row["code"] not in tasks:
            task = PlanTask(plan=plan, sort_order=order,
                            **_values(PlanTask, row, skip=("cells_follow_id", "plan_id", "sort_order")))
            for stem in ("title", "coordination", "timeframe"):
                setattr(task, f"{stem}_vi", row.get(f"{stem}_vi", "") or "")
                setattr(task, f"{stem}_en", row.get(f"{stem}_en", "") or "")
            db.session.add(task)
            tasks[row["code"]] = task
            result.added["tasks"] += 1
    flush()
    for row in rows:
        task = tasks[row["code"]]
        if row.get("cells_follow") and task.cells_follow_id is None:
            task.cells_follow = tasks[row["cells_follow"]]
        if row.get("lead_not_written") and not task.lead_not_written:
            task.lead_not_written = True
    links = {(r.task_id, r.agency_id, r.role): r.position
             for r in db.session.execute(sa.select(plan_task_agencies))}
    new_links = []
    for row in rows:
        task = tasks[row["code"]]
        for role in ROLES:
            ids = [agencies[code].id for code in row.get(role, [])]
            unordered = all(links.get((task.id, i, role), 0) == 0 for i in ids)
            for position, agency_id in enumerate(ids):
                key = (task.id, agency_id, role)
                if key not in links:
                    links[key] = position
                    new_links.append({"task_id": task.id, "agency_id": agency_id, "role": role,
                                      "position": position})
                elif unordered and position:
                    # Links made before the plan's order was kept take it now.
                    db.session.execute(
                        plan_task_agencies.update().where(
                            plan_task_agencies.c.task_id == task.id,
                            plan_task_agencies.c.agency_id == agency_id,
                            plan_task_agencies.c.role == role).values(position=position))
    if new_links:
        db.session.execute(plan_task_agencies.insert(), new_links)
    return tasks


def _load_targets(plan: Plan, rows: list[dict], result: PlanLoad) -> None:
    existing = {t.code: t for t in db.session.scalars(sa.select(Target).where(Target.plan_id == plan.id))}
    for order, row in enumerate(rows):
        target = existing.get(row["code"])
        if target is not None:
            # How a figure is measured, written since the target was loaded.
            for key in ("definition_vi", "definition_en"):
                if row.get(key) and not getattr(target, key):
                    setattr(target, key, row[key])
            continue
        target = Target(plan=plan, sort_order=order, **_values(Target, row, skip=("plan_id", "sort_order")))
        target.title_en = target.title_en or target.title_vi
        db.session.add(target)
        result.added["targets"] += 1


def read_plan_file(content: bytes) -> dict:
    """An uploaded plan's JSON, or ValidationFailed saying why it cannot be read."""
    if len(content) > MAX_PLAN_FILE_BYTES:
        raise ValidationFailed(_("The file is larger than %(size)s.", size="2 MB"),
                               {"file": [_("The file is too large.")]})
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(_("The file is not JSON in UTF-8."),
                               {"file": [_("The file is not JSON in UTF-8.")]}) from exc


def set_counted_plan(plan_id: int) -> Plan:
    """The plan the progress page, the targets API and the annual report follow by default."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(_("No such plan."))
    for other in all_plans():
        other.is_counted = other.id == plan.id
    flush()
    return plan


def seed_plan_data() -> dict:
    """The 2023 plan as init-data loads it."""
    from registry.reference_data.basics import TARGETS
    from registry.reference_data.plan import AGENCIES, PLAN, PLAN_TASKS

    return {"plan": {**PLAN, "is_counted": True}, "agencies": AGENCIES, "tasks": PLAN_TASKS,
            "targets": TARGETS}
