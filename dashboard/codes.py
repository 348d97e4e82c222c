"""The coded vocabularies of the case database. Labels live in the i18n catalogs."""

PROBATION_TYPES = ("pre_trial", "sentence", "penitentiary", "post_penitentiary")

# Legal category -> the probation type it is supervised under.
CATEGORY_TYPE = {
    "conditionally_sentenced": "sentence",
    "restriction_of_freedom": "sentence",
    "public_works": "sentence",  # sentenced to public works (hours of unpaid work)
    "deferred_sentence": "sentence",  # serving of the sentence deferred (e.g. to raise a child)
    "parole": "post_penitentiary",
    "admin_supervision": "post_penitentiary",
    "suspect_protected": "pre_trial",
    "prisoner_last_year": "penitentiary",
}
LEGAL_CATEGORIES = tuple(CATEGORY_TYPE)

CLOSE_REASONS = (
    "completed",
    "revoked",  # sentence replaced with imprisonment
    "new_offence",
    "death",
    "transferred",
    "released_to_post_penitentiary",
    "other",
)

RISK_TIERS = ("low", "medium", "high")

# Socially protected categories eligible for pre-trial probation (Law "On Probation").
PROTECTED_CATEGORIES = (
    "minor",
    "woman_pension_age",
    "pregnant",
    "woman_child_under_3",
    "disabled",
    "man_pension_age",
    "single_father_child_under_3",
)

SEXES = ("M", "F")

MILESTONE_KINDS = (
    "registration",
    "program_drafted",
    "program_review",
    "check_in",
    "pre_trial_report",
    "release_prep_program",
    "handover",
    "summons",  # public works: the person summoned after the judgment arrives
)
PROGRAM_KINDS = ("program_drafted", "release_prep_program")

ASSISTANCE_KINDS = (
    "employment",
    "education",
    "vocational_training",
    "medical",
    "legal",
    "psychological",
    "documents",
    "housing",
    "other",
)
ASSISTANCE_RESULTS = ("achieved", "partial", "not_achieved")

EVENT_KINDS = ("violation", "malicious_violation", "new_offence")
COURT_DECISIONS = ("revoked", "rejected")

POST_SOURCES = ("establishment_2012", "penal_transfer")
POST_GRADES = ("head", "senior_inspector", "inspector")

UNIT_KINDS = ("city", "district", "city_district")

REGION_KINDS = ("oblast", "city")  # city = city of republican significance
