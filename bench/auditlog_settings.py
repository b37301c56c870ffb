"""Settings for `bench/bench_ledger.py auditlog` only: the service's own, plus django-auditlog.

The service never installs django-auditlog (it is in the `bench` extra); this module is
only ever named by that benchmark's process, as DJANGO_SETTINGS_MODULE.
"""

from safeshare.settings import *  # noqa: F403
from safeshare.settings import INSTALLED_APPS as SERVICE_APPS

INSTALLED_APPS = [*SERVICE_APPS, "auditlog"]
