"""The rules a new case needs, kept in each process: the categories in use, routing (with the
organizations it names), deadline rules, the calendar's changes, and the thresholds of the
hard-case flags.
They change a few times a year, through the admin or the organization pages; every such save
or delete, and every migration, raises the shared version "cases.rules" and each process
reloads within seconds (see nghedan.lib.process_cache for how)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.apps import apps
from django.db.models.signals import post_delete, post_migrate, post_save

from nghedan.cases.models import CalendarChange, Category, DeadlineRule, FlagRule, RoutingRule
from nghedan.lib.process_cache import ProcessCache, changed
from nghedan.lib.workdays import WorkCalendar
from nghedan.people.models import Organization

VERSION = "cases.rules"
WATCHED = (Category, RoutingRule, DeadlineRule, CalendarChange, FlagRule, Organization)

Pair = tuple[int | None, int | None]  # (category id, commune id); None matches any


@dataclass(frozen=True)
class RoutingTable:
    routes: dict[Pair, Organization]  # the first rule of each pair, active organizations only
    committees: dict[int, Organization]  # commune id → its active People's Committee

    def organization_for(
        self, category_id: int | None, commune_id: int | None
    ) -> Organization | None:
        """Category and commune, then commune alone, then category alone, then the default
        rule; without any rule, the commune's People's Committee."""
        pairs: list[Pair] = [(category_id, None), (None, None)]
        if commune_id is not None:
            pairs = [(category_id, commune_id), (None, commune_id), *pairs]
        for pair in pairs:
            if pair in self.routes:
                return self.routes[pair]
        return self.committees.get(commune_id) if commune_id is not None else None


def load_routing() -> RoutingTable:
    routes: dict[Pair, Organization] = {}
    rules = RoutingRule.objects.filter(organization__is_active=True).select_related("organization")
    for rule in rules.order_by("organization_id", "pk"):
        routes.setdefault((rule.category_id, rule.commune_id), rule.organization)
    committees: dict[int, Organization] = {}
    offices = Organization.objects.filter(kind=Organization.Kind.PEOPLES_COMMITTEE, is_active=True)
    for office in offices.order_by("path", "pk"):
        if office.commune_id is not None:
            committees.setdefault(office.commune_id, office)
    return RoutingTable(routes, committees)


def load_deadline_rules() -> dict[tuple[str, str, str], DeadlineRule]:
    return {(r.kind, r.stage, r.condition): r for r in DeadlineRule.objects.all()}


def load_calendar() -> WorkCalendar:
    changes = CalendarChange.objects.values_list("day", "is_working_day")
    return WorkCalendar(
        extra_days_off=[day for day, working in changes if not working],
        extra_working_days=[day for day, working in changes if working],
    )


def load_flag_thresholds() -> dict[str, int]:
    return dict(FlagRule.objects.values_list("rule", "threshold"))


def load_active_categories() -> dict[str, Category]:
    return {category.code: category for category in Category.objects.filter(is_active=True)}


_active_categories = ProcessCache(VERSION, load_active_categories)
_routing = ProcessCache(VERSION, load_routing)
_deadline_rules = ProcessCache(VERSION, load_deadline_rules)
_calendar = ProcessCache(VERSION, load_calendar)
_flag_thresholds = ProcessCache(VERSION, load_flag_thresholds)


def active_category(code: str) -> Category | None:
    """The category in use with this code; None for an unknown or retired one."""
    found = _active_categories.get().get(code)
    return copy.copy(found) if found is not None else None


def route(category_id: int | None, commune_id: int | None) -> Organization | None:
    found = _routing.get().organization_for(category_id, commune_id)
    # A copy: the kept instance is shared by every request of the process.
    return copy.copy(found) if found is not None else None


def deadline_rule(kind: str, stage: str, condition: str) -> DeadlineRule | None:
    found = _deadline_rules.get().get((kind, stage, condition))
    return copy.copy(found) if found is not None else None


def work_calendar() -> WorkCalendar:
    """Shared by the process's requests: a WorkCalendar is never changed once made."""
    return _calendar.get()


def flag_threshold(rule: str) -> int | None:
    """The threshold of one `FlagRule.Rule`; None when its row is gone."""
    return _flag_thresholds.get().get(rule)


def _rules_changed(**kwargs) -> None:
    changed(VERSION)


def _migrated(using: str = "default", **kwargs) -> None:
    # A data migration changes the tables through historical models, which send no signal.
    if using == "default":
        changed(VERSION)


def connect() -> None:
    """Called once from the app's ready(): every change to the watched tables is announced."""
    for model in WATCHED:
        post_save.connect(_rules_changed, sender=model, dispatch_uid=f"rules-{model.__name__}")
        post_delete.connect(_rules_changed, sender=model, dispatch_uid=f"rules-x-{model.__name__}")
    post_migrate.connect(_migrated, sender=apps.get_app_config("cases"), dispatch_uid="rules-mig")
