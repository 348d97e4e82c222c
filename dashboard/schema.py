"""Tables of the case database (SQLAlchemy Core). Alembic migrations mirror this file."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    text,
    true,
)

from dashboard import codes

# PostgreSQL's own default names, so that constraints can be dropped and re-added by name
# (the bulk load does that) on databases created before the names were spelled out.
metadata = MetaData(naming_convention={
    "pk": "%(table_name)s_pkey",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "uq": "%(table_name)s_%(column_0_name)s_key",
})


# Milestones completed after their due day or never: the only ones overdue on some day.
LATE_OR_OPEN = "completed_on IS NULL OR completed_on > due_on"


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


regions = Table(
    "regions",
    metadata,
    Column("code", String(5), primary_key=True, comment="ISO 3166-2, e.g. KZ-71"),
    Column("name_kk", String(80), nullable=False),
    Column("name_ru", String(80), nullable=False),
    Column("name_en", String(80), nullable=False),
    Column("center_en", String(40), nullable=False),
    Column("center_lat", Float, nullable=False),
    Column("center_lon", Float, nullable=False),
    Column("population", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
)

units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("region_code", String(5), ForeignKey("regions.code"), nullable=False),
    Column("name_kk", String(120), nullable=False),
    Column("name_ru", String(120), nullable=False),
    Column("name_en", String(120), nullable=False),
    Column("kind", String(16), nullable=False),
    _one_of("kind", codes.UNIT_KINDS, "ck_units_kind"),
    Index("ix_units_region", "region_code"),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("grade", String(20), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, comment="exclusive; NULL while the post exists"),
    Column("source", String(20), nullable=False),
    Column("transferred_on", Date, comment="date moved from the penal system"),
    _one_of("grade", codes.POST_GRADES, "ck_posts_grade"),
    _one_of("source", codes.POST_SOURCES, "ck_posts_source"),
    CheckConstraint(
        "(source = 'penal_transfer') = (transferred_on IS NOT NULL)", name="ck_posts_transfer"
    ),
    Index("ix_posts_unit", "unit_id"),
)

officers = Table(
    "officers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True, comment="pseudonymous staff code"),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("post_id", Integer, ForeignKey("posts.id"), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("left_on", Date, comment="exclusive; NULL while in post"),
    Column("contracted_hours", Float, nullable=False),
    Index("ix_officers_unit", "unit_id"),
    Index("ix_officers_post", "post_id"),
)

persons = Table(
    "persons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True, comment="pseudonym, no real data"),
    Column("sex", String(1), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("protected_category", String(32)),
    _one_of("sex", codes.SEXES, "ck_persons_sex"),
)

CASES_UNIT_COVER = ("id", "person_id", "officer_id", "closed_on", "close_reason",
                    "probation_type", "legal_category", "risk_tier")
"""What the pages read of a unit's cases besides unit and registration day."""

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("officer_id", Integer, ForeignKey("officers.id"), comment="responsible now or at close"),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("risk_tier", String(8), nullable=False),
    Column("appeared_on", Date, nullable=False, comment="person appeared at the service"),
    Column("registered_on", Date, nullable=False),
    Column("planned_end", Date, nullable=False),
    Column("closed_on", Date, comment="exclusive: on the register until the day before"),
    Column("close_reason", String(32)),
    Column("hearing_on", Date, comment="pre-trial: court hearing date"),
    Column("release_on", Date, comment="penitentiary: expected release date"),
    Column("previous_case_id", Integer, ForeignKey("cases.id"),
           comment="hand-over or inter-region transfer"),
    _one_of("probation_type", codes.PROBATION_TYPES, "ck_cases_type"),
    _one_of("legal_category", codes.LEGAL_CATEGORIES, "ck_cases_category"),
    _one_of("risk_tier", codes.RISK_TIERS, "ck_cases_risk"),
    CheckConstraint("registered_on >= appeared_on", name="ck_cases_registered_after_appeared"),
    CheckConstraint("closed_on IS NULL OR closed_on > registered_on", name="ck_cases_closed_after"),
    CheckConstraint("(closed_on IS NULL) = (close_reason IS NULL)", name="ck_cases_close_reason"),
    # Covering on PostgreSQL: a unit's cases are counted from the index alone, without
    # visiting the table's pages.
    Index("ix_cases_unit_registered", "unit_id", "registered_on",
          postgresql_include=list(CASES_UNIT_COVER)),
    # Migration 0025: a unit's cases closed in a period (the closures per officer).
    Index("ix_cases_unit_closed", "unit_id", "closed_on",
          postgresql_include=["id", "close_reason"]),
    Index("ix_cases_officer", "officer_id"),
    Index("ix_cases_person", "person_id"),
    Index("ix_cases_registered", "registered_on"),
    Index("ix_cases_closed", "closed_on"),
)

case_assignments = Table(
    "case_assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("officer_id", Integer, ForeignKey("officers.id"), nullable=False),
    Column("assigned_on", Date, nullable=False),
    Column("unassigned_on", Date, comment="exclusive; NULL while responsible"),
    # Migration 0022: the columns of the assignment in force on a day (queries.common
    # .held_on), so that a count per officer reads them from the index alone.
    Index("ix_assignments_case", "case_id",
          postgresql_include=["assigned_on", "unassigned_on", "officer_id"]),
    Index("ix_assignments_officer", "officer_id", "assigned_on"),
)

milestones = Table(
    "milestones",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("seq", SmallInteger, nullable=False, comment="1, 2, ... for repeating kinds"),
    Column("due_on", Date, nullable=False),
    Column("completed_on", Date),
    _one_of("kind", codes.MILESTONE_KINDS, "ck_milestones_kind"),
    Index("ix_milestones_case", "case_id"),
    Index("ix_milestones_due", "due_on"),
    Index("ix_milestones_kind_completed", "kind", "completed_on"),
    # Migration 0003. Covering on PostgreSQL: "due and overdue on a day" reads only the
    # index for the cases on the register that day.
    Index("ix_milestones_case_due", "case_id", "due_on",
          postgresql_include=["completed_on", "kind"]),
    # Migration 0003. Only milestones that are ever overdue (about 1 in 9): the worklist,
    # aging and month-end series read this small index instead of the table.
    Index("ix_milestones_late", "case_id", "due_on", "completed_on",
          postgresql_include=["id", "kind", "seq"],
          postgresql_where=text(LATE_OR_OPEN), sqlite_where=text(LATE_OR_OPEN)),
)

assistance = Table(
    "assistance",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("requested_on", Date, nullable=False),
    Column("provided_on", Date),
    Column("result", String(16), comment="NULL until provided"),
    _one_of("kind", codes.ASSISTANCE_KINDS, "ck_assistance_kind"),
    _one_of("result", codes.ASSISTANCE_RESULTS, "ck_assistance_result"),
    Index("ix_assistance_case", "case_id"),
    Index("ix_assistance_requested", "requested_on"),
)

violations = Table(
    "violations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("submitted_to_court_on", Date, comment="request to replace the sentence"),
    Column("court_decision", String(16)),
    Column("decided_on", Date),
    _one_of("kind", codes.EVENT_KINDS, "ck_violations_kind"),
    _one_of("court_decision", codes.COURT_DECISIONS, "ck_violations_decision"),
    Index("ix_violations_case", "case_id"),
    Index("ix_violations_occurred", "occurred_on", "kind"),
)

dataset_info = Table(
    "dataset_info",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# --- The caseload forecast (issue 30): month-end counts on the register for the 12 months
# after the data's last day, with the 80 % interval, per place x probation type. Derived
# data: service/readmodel/forecast.py rewrites every row on each refresh.
caseload_forecast = Table(
    "caseload_forecast",
    metadata,
    Column("region_code", String(5), comment="NULL: the nation"),
    Column("unit_id", Integer, comment="NULL: the region (or the nation)"),
    Column("probation_type", String(20), comment="NULL: all types"),
    Column("month", Date, nullable=False, comment="the month's end"),
    Column("mean", Float, nullable=False),
    Column("lower", Float, nullable=False),
    Column("upper", Float, nullable=False),
    Column("method", String(16), nullable=False, comment="ets or seasonal_naive"),
    Column("reason", String(16), comment="why seasonal_naive: short, zero, failed"),
    Index("ix_caseload_forecast_place", "region_code", "unit_id", "month"),
)

# Load order (parents first); delete in reverse.
# A milestone is open (due and not done) on the days strictly between due_on and
# completed_on; one done on or before its due day never is (an empty range).
OPEN_RANGE = ("daterange({t}due_on, CASE WHEN {t}completed_on < {t}due_on THEN {t}due_on "
              "ELSE {t}completed_on END, '()')")

PG_ACCESS_INDEXES = {
    # Milestones open on day d: due_on < d < completed_on (or not completed) is
    # daterange(due_on, completed_on, '()') @> d (queries.common.milestone_overdue_on).
    # An expression GiST index only PostgreSQL builds; the bulk load drops it before it
    # writes and builds it again after, like the tables' own indexes.
    "ix_milestones_open_range":
        "CREATE INDEX IF NOT EXISTS ix_milestones_open_range ON milestones "
        f"USING gist ({OPEN_RANGE.format(t='')})",
}


def drop_access_indexes(conn) -> None:
    if conn.dialect.name == "postgresql":
        for name in PG_ACCESS_INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))


def create_access_indexes(conn) -> None:
    if conn.dialect.name == "postgresql":
        for ddl in PG_ACCESS_INDEXES.values():
            conn.execute(text(ddl))


DATA_TABLES = (
    regions, units, posts, officers, persons, cases,
    case_assignments, milestones, assistance, violations,
)

# --- Users and the audit log (issue 3). No foreign keys to regions/units on purpose:
# `generate --replace` truncates the data tables, and accounts must survive a reload.
# create-user checks that the region or unit exists when the account is made.
USER_ROLES = ("ministry", "region_head", "unit_head", "admin")
USER_LANGUAGES = ("kk", "ru", "en")

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False, comment="werkzeug scrypt"),
    Column("role", String(16), nullable=False),
    Column("region_code", String(5), comment="region_head: the region"),
    Column("unit_id", Integer, comment="unit_head: the unit"),
    Column("language", String(2), nullable=False, server_default="kk"),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime, comment="UTC; sign-in refused until then"),
    Column("last_sign_in", DateTime, comment="UTC"),
    Column("session_epoch", Integer, nullable=False, server_default="0",
           comment="bumped on sign-out, password change, disable: old cookies stop working"),
    Column("created_at", DateTime, nullable=False),
    _one_of("role", USER_ROLES, "ck_users_role"),
    _one_of("language", USER_LANGUAGES, "ck_users_language"),
    CheckConstraint("role <> 'region_head' OR region_code IS NOT NULL",
                    name="ck_users_region_head"),
    CheckConstraint("role <> 'unit_head' OR unit_id IS NOT NULL", name="ck_users_unit_head"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, comment="UTC"),
    Column("username", String(64), comment="as signed in, or as typed on a failed sign-in"),
    Column("event", String(32), nullable=False),
    Column("target", String(200), comment="what was asked for: a path, region, case id"),
    Column("ip", String(45)),
    Column("detail", Text),
    Index("ix_audit_at", "at"),
    Index("ix_audit_user_at", "username", "at"),
    comment="append-only: triggers refuse UPDATE and DELETE",
)

# --- Workload weights (issue 6). Reference data, not case data: national, not scoped, and
# not among DATA_TABLES, so that `generate --replace` keeps a ministry's own weights.
WORK_ITEMS = ("case", "pre_trial_report")

workload_weights = Table(
    "workload_weights",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_item", String(20), nullable=False, server_default="case",
           comment="case: a case held; pre_trial_report: a report in hand"),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), comment="NULL: any category of the type"),
    Column("risk_tier", String(8), comment="NULL: any tier"),
    Column("points", Float, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_until", Date, comment="exclusive; NULL while in force"),
    _one_of("work_item", WORK_ITEMS, "ck_workload_weights_item"),
    _one_of("probation_type", codes.PROBATION_TYPES, "ck_workload_weights_type"),
    CheckConstraint("points >= 0", name="ck_workload_weights_points"),
    CheckConstraint("effective_until IS NULL OR effective_until > effective_from",
                    name="ck_workload_weights_dates"),
    Index("ix_workload_weights_from", "effective_from"),
)

# Who holds a case on a day: most assignments have ended, and the open ones (NULL) or those
# ending after the day are few, so the staff page's load per officer reads them by index.
Index("ix_assignments_unassigned", case_assignments.c.unassigned_on)

# Outcomes (migration 0006): assistance provided and violations submitted or decided in a
# period, read by index together with the requested and occurred days (BitmapOr).
Index("ix_assistance_provided", assistance.c.provided_on)
Index("ix_violations_submitted", violations.c.submitted_to_court_on)
Index("ix_violations_decided", violations.c.decided_on)

# Outcomes (migration 0008): the revocations per window of the outlier rule read only the
# revoked closures, a few per cent of all.
Index("ix_cases_revoked", cases.c.closed_on,
      postgresql_where=cases.c.close_reason == "revoked",
      sqlite_where=cases.c.close_reason == "revoked")

# Milestones (migration 0009): the pre-trial hearings of a period and the prisoners
# released within a year of a day are read by these days, not by a scan of every case.
Index("ix_cases_hearing", cases.c.hearing_on,
      postgresql_where=cases.c.hearing_on.isnot(None),
      sqlite_where=cases.c.hearing_on.isnot(None))
Index("ix_cases_release", cases.c.release_on,
      postgresql_where=cases.c.release_on.isnot(None),
      sqlite_where=cases.c.release_on.isnot(None))
