"""Which organization handles a case: the routing rules, most specific first."""

from nghedan.cases import rule_cache
from nghedan.cases.models import Category
from nghedan.people.models import Organization
from nghedan.places.models import Commune


def route(category: Category | None, commune: Commune | None) -> Organization | None:
    """Category and commune, then commune alone, then category alone, then the default rule;
    without any rule, the People's Committee of the commune. The rules are kept in the
    process (nghedan.cases.rule_cache): no query once they are loaded."""
    return rule_cache.route(
        category.pk if category is not None else None, commune.pk if commune is not None else None
    )
