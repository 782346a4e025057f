"""Which organization handles a case: the routing rules, most specific first."""

from django.db.models import Q

from nghedan.cases.models import Category, RoutingRule
from nghedan.people.models import Organization
from nghedan.places.models import Commune


def route(category: Category, commune: Commune | None) -> Organization | None:
    """Category and commune, then commune alone, then category alone, then the default rule;
    without any rule, the People's Committee of the commune."""
    rules = RoutingRule.objects.filter(
        Q(category=category) | Q(category__isnull=True),
        Q(commune=commune) | Q(commune__isnull=True),
        organization__is_active=True,
    ).select_related("organization")
    ranked = sorted(rules, key=lambda rule: (rule.commune_id is None, rule.category_id is None))
    if ranked:
        return ranked[0].organization
    if commune is None:
        return None
    return Organization.objects.filter(
        commune=commune, kind=Organization.Kind.PEOPLES_COMMITTEE, is_active=True
    ).first()
