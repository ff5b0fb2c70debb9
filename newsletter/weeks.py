"""ISO weeks in the site's time zone (Paris): what "a week's articles" means for the digest.

A week runs from Monday 00:00 to the next Monday 00:00 in ``settings.TIME_ZONE``; its
label is ``YYYY-Www`` (ISO 8601), as the pages' addresses and ``send_digest --week`` write it.
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

# ASCII digits only: ``\d`` would also take « ٢٠٢٦ » or « ２０２６ », one week under many addresses.
LABEL = re.compile(r"^([0-9]{4})-W([0-9]{2})$")
# Weeks whose Monday 00:00 in Paris, and the Monday after, are dates Python can hold in UTC.
YEARS = range(2, 9999)


@dataclass(frozen=True, order=True)
class Week:
    monday: datetime.date

    @classmethod
    def of(cls, day):
        return cls(day - datetime.timedelta(days=day.weekday()))

    @classmethod
    def parse(cls, label):
        """The week of a label ``YYYY-Www``; ValueError for anything else or a week that does not exist."""
        match = LABEL.match(label or "")
        if not match:
            raise ValueError(f"not a week: {label!r} (expected YYYY-Www, e.g. 2024-W21)")
        try:
            if int(match[1]) not in YEARS:
                raise ValueError
            monday = datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise ValueError(f"no such week: {label}") from None
        return cls(monday)

    @classmethod
    def current(cls, now=None):
        return cls.of(timezone.localtime(now or timezone.now(), zone()).date())

    @classmethod
    def last_complete(cls, now=None):
        """The last week that has ended: the one before this one."""
        return cls.current(now).previous

    @property
    def label(self):
        year, week, _day = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def year(self):
        return self.monday.isocalendar()[0]

    @property
    def number(self):
        return self.monday.isocalendar()[1]

    @property
    def sunday(self):
        return self.monday + datetime.timedelta(days=6)

    @property
    def previous(self):
        return Week(self.monday - datetime.timedelta(days=7))

    @property
    def next(self):
        return Week(self.monday + datetime.timedelta(days=7))

    @property
    def start(self):
        """Monday 00:00, Paris time, as an aware datetime."""
        return datetime.datetime.combine(self.monday, datetime.time(), tzinfo=zone())

    @property
    def end(self):
        return self.next.start

    def __str__(self):
        return self.label


def zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)
