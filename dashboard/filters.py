"""The filter state of every page, parsed from the URL query so that a link reproduces a view.

    ?period=month|quarter|year|custom  &from=YYYY-MM-DD  &to=YYYY-MM-DD  &asof=YYYY-MM-DD
    &type=<probation type>  &category=<legal category>  &region=<ISO code>  &unit=<unit id>
    &metric=<map metric>

A month, quarter or year is the one that holds `to` (or `from`, or the data's last day);
custom uses `from` and `to` as given. `asof` is the day for stock figures ("on the register
now", "overdue now") and defaults to the period's last day. Periods never run past the
data's last day (dataset_info.data_until): the default view is the data's last day, not
today's date. `unit` picks one unit (a section page then shows its officers): it is
checked against the user's scope where the page finds the place (queries.places.in_view),
and every query narrows to it within the scope anyway. A value that cannot be used is
dropped for its default and reported in `notices`; parsing never fails.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from urllib.parse import parse_qs, urlencode

from dashboard import metrics as M
from dashboard.codes import LEGAL_CATEGORIES, PROBATION_TYPES

PERIODS = ("month", "quarter", "year", "custom")
DEFAULT_PERIOD = "year"
MAP_METRICS = ("on_register", "registered", "closed", "overdue", "caseload_per_post",
               "repeat_offences")
DEFAULT_METRIC = "on_register"
DATA_FROM = date(2014, 1, 1)
QUERY_KEYS = ("period", "from", "to", "asof", "type", "category", "region", "unit", "metric")
UNIT_ID_DIGITS = 12


@dataclass(frozen=True)
class Notice:
    """A filter value that was not used: `reason` is "invalid" or "not_permitted"."""

    param: str
    value: str
    reason: str = "invalid"


@dataclass(frozen=True)
class Filters:
    period: str
    start: date
    end: date
    as_of: date
    probation_type: str | None = None
    legal_category: str | None = None
    region: str | None = None
    metric: str = DEFAULT_METRIC
    # From ?unit=, or set by drill-down pages from their path.
    unit_id: int | None = None
    officer_id: int | None = None
    notices: tuple[Notice, ...] = field(default=(), compare=False)

    @classmethod
    def default(cls, data_until: date) -> Filters:
        start, end = period_bounds(DEFAULT_PERIOD, data_until, data_until)
        return cls(period=DEFAULT_PERIOD, start=start, end=end, as_of=end)

    @classmethod
    def from_query(cls, search: str | None, data_until: date, *,
                   allowed_regions: Collection[str] | None = None,
                   data_from: date = DATA_FROM) -> Filters:
        """Filters from a URL query (with or without the leading "?").

        `allowed_regions`: the region codes in the user's scope; a region outside it is
        refused with a "not_permitted" notice. None means every region is allowed."""
        raw = {k: v[-1].strip() for k, v in parse_qs((search or "").lstrip("?")).items()}
        notices: list[Notice] = []

        def bad(param: str, reason: str = "invalid") -> None:
            notices.append(Notice(param, raw[param][:40], reason))

        def day(param: str) -> date | None:
            if not raw.get(param):
                return None
            try:
                value = date.fromisoformat(raw[param])
            except ValueError:
                bad(param)
                return None
            if not data_from <= value <= data_until:
                bad(param, "out_of_range")
                return min(max(value, data_from), data_until)
            return value

        period = raw.get("period") or None
        if period is not None and period not in PERIODS:
            bad("period")
            period = None
        first, last = day("from"), day("to")
        if period is None:
            period = "custom" if first and last else DEFAULT_PERIOD
        if period == "custom":
            if first and last and first > last:
                bad("from")
                first = last = None
            if not (first and last):
                period = DEFAULT_PERIOD
        if period == "custom":
            start, end = first, last
        else:
            start, end = period_bounds(period, last or first or data_until, data_until)
            start = max(start, data_from)
        as_of = day("asof") or end

        def code(param: str, allowed: Collection[str]) -> str | None:
            value = raw.get(param) or None
            if value is not None and value not in allowed:
                bad(param)
                return None
            return value

        region = raw.get("region") or None
        if region is not None and allowed_regions is not None and region not in allowed_regions:
            bad("region", "not_permitted")
            region = None
        metric = code("metric", MAP_METRICS) or DEFAULT_METRIC
        unit = raw.get("unit") or None
        if unit is not None and not (unit.isascii() and unit.isdigit()
                                     and len(unit) <= UNIT_ID_DIGITS):
            bad("unit")
            unit = None
        return cls(period=period, start=start, end=end, as_of=as_of,
                   probation_type=code("type", PROBATION_TYPES),
                   legal_category=code("category", LEGAL_CATEGORIES),
                   region=region, metric=metric,
                   unit_id=int(unit) if unit is not None else None, notices=tuple(notices))

    def to_query(self, **changes) -> str:
        """The query string ("?..." or "") that reproduces these filters, with `changes`
        (query keys, None to drop one) applied: for links that keep the user's filters."""
        return self._query(changes) if changes else self._plain_query

    @cached_property
    def _plain_query(self) -> str:
        # Every link of a page (a worklist block: two per row) keeps the same filters.
        return self._query({})

    def _query(self, changes: dict) -> str:
        params: dict[str, str | None] = {"period": self.period}
        if self.period == "custom":
            params.update({"from": self.start.isoformat(), "to": self.end.isoformat()})
        else:
            params["to"] = self.end.isoformat()
        if self.as_of != self.end:
            params["asof"] = self.as_of.isoformat()
        params.update({"type": self.probation_type, "category": self.legal_category,
                       "region": self.region,
                       "unit": str(self.unit_id) if self.unit_id is not None else None,
                       "metric": self.metric if self.metric != DEFAULT_METRIC else None})
        params.update(changes)
        kept = {k: v for k, v in params.items() if v}
        return "?" + urlencode(kept) if kept else ""

    @property
    def current(self) -> M.Period:
        return M.Period(self.start, self.end)

    @property
    def partial(self) -> bool:
        """A month, quarter or year not over by the data's last day (this year so far):
        shown as partial, compared with the same days of another (metrics.is_partial)."""
        return M.is_partial(self.current, self.period)

    def previous(self) -> M.Period:
        """The period before, like for like (metrics.previous_period)."""
        return M.previous_period(self.current, self.period)

    def previous_year(self) -> tuple[date, date]:
        """The same days one year earlier (29 February becomes the 28th)."""
        earlier = M.year_earlier(self.current)
        return earlier.start, earlier.end

    def within(self, **changes) -> Filters:
        return dataclasses.replace(self, **changes)


def period_bounds(period: str, inside: date, data_until: date) -> tuple[date, date]:
    """First and last day of the month, quarter or year holding `inside`, never past
    `data_until`."""
    if period == "month":
        start = inside.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
    elif period == "quarter":
        start = date(inside.year, 3 * ((inside.month - 1) // 3) + 1, 1)
        following = (start + timedelta(days=95)).replace(day=1)
    else:
        start = date(inside.year, 1, 1)
        following = date(inside.year + 1, 1, 1)
    return start, min(following - timedelta(days=1), data_until)
