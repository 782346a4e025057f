"""Background upkeep of the shared tables: the sweep (manage.py sweep_tasks) deletes the rate
counters of windows that have passed."""

from nghedan.lib import ratelimit
from nghedan.lib.sweepers import register

register("shell.rate_counters", ratelimit.purge_expired)
