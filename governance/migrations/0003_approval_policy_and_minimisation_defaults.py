"""Default approval policies (one per risk tier and gated stage) and data-minimisation rules.

Starting points an administrator edits in the admin: this migration only creates rows that
do not exist yet, so it never overwrites what was configured.

Policies: staging needs one validator for high and critical risk; production needs one
validator for low risk, one validator or risk officer for medium, two of them plus a CAB
member for high (SR 11-7's independent review and effective challenge) and three plus a
CAB member for critical.

Rules: protected characteristics (GDPR art. 9 special categories; equal-credit and
fair-lending law) are prohibited as inputs of customer-facing models and credit models;
precise location, a date of birth and a postcode need a written justification.
"""

from django.db import migrations

VALIDATOR, RISK, CAB = "Validator", "Risk officer", "CAB member"
POLICIES = [
    # tier, stage, approvals, roles, cab, review hours, expiry days
    ("low", "staging", 0, [], False, 72, 14),
    ("medium", "staging", 0, [], False, 72, 14),
    ("high", "staging", 1, [VALIDATOR], False, 72, 14),
    ("critical", "staging", 1, [VALIDATOR], False, 48, 14),
    ("low", "production", 1, [VALIDATOR], False, 72, 14),
    ("medium", "production", 1, [VALIDATOR, RISK], False, 72, 14),
    ("high", "production", 2, [VALIDATOR, RISK], True, 72, 14),
    ("critical", "production", 3, [VALIDATOR, RISK], True, 48, 7),
]
SPECIAL_CATEGORIES = ["ethnicity", "ethnic origin", "race", "religion", "religious belief",
                      "political opinion", "trade union", "health", "diagnosis", "disability",
                      "genetic", "biometric", "sexual orientation", "sex life"]
RULES = [
    ("Customer-facing models: no special-category data", "customer_facing", "",
     SPECIAL_CATEGORIES, ["latitude", "longitude", "gps", "exact location", "date of birth"],
     "Models that decide about customers may not use special categories of personal data "
     "(GDPR art. 9) or their obvious proxies; a precise location or a date of birth needs a "
     "written justification (GDPR art. 5(1)(c), data minimisation)."),
    ("Credit decisions: protected characteristics", "", "credit",
     [*SPECIAL_CATEGORIES, "gender", "sex", "marital status", "nationality"],
     ["postcode", "zip code"],
     "Credit models may not use characteristics protected by equal-credit and "
     "anti-discrimination law; a postcode needs a written justification (fair-lending "
     "proxy risk)."),
]


def forwards(apps, schema_editor):
    policy_model = apps.get_model("governance", "ApprovalPolicy")
    for tier, stage, count, roles, cab, review, expiry in POLICIES:
        policy_model.objects.get_or_create(
            risk_tier=tier, to_stage=stage,
            defaults={"approvals_required": count, "approver_roles": roles, "cab_required": cab,
                      "review_within_hours": review, "expires_after_days": expiry,
                      "reapprove_on_change": True})
    rule_model = apps.get_model("governance", "MinimisationRule")
    for name, purpose, domain, prohibited, justify, description in RULES:
        rule_model.objects.get_or_create(
            name=name, defaults={"purpose_category": purpose, "domain": domain,
                                 "prohibited_attributes": prohibited,
                                 "justification_attributes": justify,
                                 "description": description})


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_approvals_and_minimisation")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
