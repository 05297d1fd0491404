"""The production window: low-traffic windows from the session's countries, and the chosen one.

A window is good when it is far from business hours (09:00-18:00 local, Monday to Friday) in
every time zone of every country of the deployment (the tz database's zone.tab), and touches no
public holiday of those countries (the holidays package). Candidates start on the hour over the
next N days; the best of each local day is suggested, best first. A window the user picks or types
is assessed the same way: each time zone where it falls in business hours, and each holiday it
touches, becomes a warning that names the country, the zone and the local time."""

from __future__ import annotations

from golive.ops.window.assessment import (
    CountryTime,
    WindowAssessment,
    WindowSuggestions,
    ZoneTime,
    _Deployment,
    _Zone,
    with_legal_warnings,
)
from golive.ops.window.choice import (
    _check_length,
    assess_window,
    choose_window,
    parse_moment,
    suggest_windows,
)
from golive.ops.window.zones import (
    BUSINESS_DAYS,
    BUSINESS_END,
    BUSINESS_START,
    DEFAULT_DAYS,
    DEFAULT_HOURS,
    SEARCH_MARGIN,
    _holidays,
    country_time_zones,
    local_zone,
    zone_name,
)

__all__ = [
    "BUSINESS_DAYS",
    "BUSINESS_END",
    "BUSINESS_START",
    "DEFAULT_DAYS",
    "DEFAULT_HOURS",
    "SEARCH_MARGIN",
    "CountryTime",
    "WindowAssessment",
    "WindowSuggestions",
    "ZoneTime",
    "_Deployment",
    "_Zone",
    "_check_length",
    "_holidays",
    "assess_window",
    "choose_window",
    "country_time_zones",
    "local_zone",
    "parse_moment",
    "suggest_windows",
    "with_legal_warnings",
    "zone_name",
]
