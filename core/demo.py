"""Demo users for `make run`: one per role, all with the same password.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import Role

DEMO_PASSWORD = "custodia-demo"

DEMO_USERS = [
    # username, full name, role
    ("dana", "Dana Scientist", Role.DATA_SCIENTIST),
    ("omar", "Omar Owner", Role.MODEL_OWNER),
    ("vera", "Vera Validator", Role.VALIDATOR),
    ("carla", "Carla Compliance", Role.COMPLIANCE_OFFICER),
    ("rick", "Rick Risk", Role.RISK_OFFICER),
    ("aude", "Aude Auditor", Role.AUDITOR),
    ("cabe", "Cabe Board", Role.CAB_MEMBER),
    ("pat", "Pat Platform", Role.PLATFORM_ADMIN),
]


def demo_users_load() -> list[tuple[str, str]]:
    """Create the demo users (one per role). Returns (username, role) pairs."""
    user_model = get_user_model()
    created = []
    for username, full_name, role in DEMO_USERS:
        first, last = full_name.split(" ", 1)
        user, is_new = user_model.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org",
                      "is_staff": role in Role.STAFF},
        )
        if is_new:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        created.append((username, role))
    return created
