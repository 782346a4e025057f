"""Hooks of the web server (gunicorn) for each of its processes, named by `manage.py serve`.

A process that starts answering at once makes its first requests each build what every later
request shares: the URL map, the gazetteer's index of 2025 and older place names (about a
second of CPU), the working-day calendar. Under load, several threads of a new process would
build them at the same time, each slowed by the others. Each process therefore builds them
once, before it takes its first request.
"""


def warm_up() -> None:
    # Imported here: gunicorn reads this module before Django is set up.
    from django.db import connections
    from django.urls import get_resolver

    from nghedan.cases import rule_cache
    from nghedan.places import gazetteer

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    gazetteer.load_index()
    rule_cache.work_calendar()
    # Opened by this thread, which serves no request: not left to linger.
    connections.close_all()


def post_worker_init(worker) -> None:
    warm_up()
