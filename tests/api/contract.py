"""The API contract registry: every `/api/v1/` resource, and what the contract suite needs to
prove its permissions, history, validation and query counts (docs/conventions.md, "Tests").

`tests/api/test_contract.py` runs every check below for every entry in `RESOURCES`; a new
resource gets them all by adding one entry. Entry format (`Resource`):

    Resource(
        name="models",                              # test id; the URL path segment is usual
        route="inventory-api:mlmodel",              # route prefix: "-list"/"-detail" are added
        factory=MLModelFactory,                     # a factory_boy factory: one saved row
        read_only=False,                            # True: list/retrieve only, no write checks
        # Writable resources only. Each payload is a callable so it can create what it
        # refers to (a team, an owner) and return ids; it receives the acting user.
        valid_payload=lambda user: {"name": "credit-default-xgb", "team": TeamFactory().pk},
        update_payload=lambda obj, user: {"purpose": "Scores credit applications"},
        invalid_payload=lambda user: {"name": "Not A Valid Name!"},
        invalid_field="name",                       # the field the 400 must name
        writer="data_scientist",                    # fixture of a user who may create, and change
                                                    # and delete what they created
        max_list_queries=12,                        # pinned ceiling of one list request
        updatable=True,                             # False: PATCH answers 405
        delete_status=204,                          # 405: no delete route; 409: the rules
                                                    # refuse deleting the created row
        owner_field="",                             # per-user records (saved searches): rows
                                                    # belong to this field's user, no grants
    )

What is proven for each entry:
- anonymous gets 401 and `refused_user` 403 on list and detail (and on every write);
- a user holding only object-level grants lists exactly the granted rows (others are 404),
  with the same number of queries at N and 3N rows, below `max_list_queries`; for per-user
  records (`owner_field`), the user lists exactly their own rows and the refused user none;
- writable resources: create, then update and delete of the created row, answer 201/200/204
  and write a history row with the acting user and the `change_reason` sent (models without
  history: the row itself); a bad payload (on create and on update) is a 400 naming
  `invalid_field`, and malformed JSON a 400, with nothing written in any case: the row
  count and the history count are unchanged. `valid_payload` is posted once per test, so it may use fixed
  unique names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from tests.factories import AccessEventFactory, JobRunFactory
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.lineage import IntegrityFindingFactory
from tests.factories.platform import PermissionDenialFactory
from tests.factories.users import UserFactory
from tests.factories.versions import ModelAliasFactory, ModelBranchFactory

__all__ = ["RESOURCES", "Resource"]


@dataclass(frozen=True)
class Resource:
    """One API resource under contract (see the module docstring for the fields)."""

    name: str
    route: str
    factory: Callable[..., Model]
    read_only: bool = False
    valid_payload: Callable[[Any], dict] | None = None
    update_payload: Callable[[Model, Any], dict] | None = None
    invalid_payload: Callable[[Any], dict] | None = None
    invalid_field: str = ""
    writer: str = "platform_admin"
    max_list_queries: int = 10
    updatable: bool = True
    delete_status: int = 204
    owner_field: str = ""

    def __post_init__(self) -> None:
        if not self.read_only:
            missing = [f for f in ("valid_payload", "update_payload", "invalid_payload",
                                   "invalid_field") if not getattr(self, f)]
            assert not missing, f"writable resource {self.name} needs {', '.join(missing)}"

    @property
    def list_route(self) -> str:
        return f"{self.route}-list"

    @property
    def detail_route(self) -> str:
        return f"{self.route}-detail"

    @property
    def model(self) -> type[Model]:
        return self.factory._meta.model

    @property
    def has_history(self) -> bool:
        return hasattr(self.model, "history")

    def __str__(self) -> str:
        return self.name


def _branch_payload() -> dict:
    parent = ModelVersionFactory()
    return {"model": parent.model_id, "name": "exp/deeper-trees",
            "parent_version": parent.pk}


def _denial_payload() -> dict:
    return {"record_type": "inventory.mlmodel", "object_id": str(MLModelFactory().pk),
            "action": "view", "user": UserFactory().username, "reason": "Under investigation"}


def _alias_payload() -> dict:
    version = ModelVersionFactory()
    return {"model": version.model_id, "name": "challenger", "version": version.pk}


RESOURCES: list[Resource] = [
    # Evidence records: written by jobs and by the access-event helper, never through the API.
    Resource(name="job-runs", route="core-api:jobrun", factory=JobRunFactory,
             read_only=True, max_list_queries=6),
    Resource(name="access-events", route="core-api:accessevent", factory=AccessEventFactory,
             read_only=True, max_list_queries=6),
    # Branches and aliases of model versions: written through the versions service.
    Resource(name="model-branches", route="inventory-api:modelbranch",
             factory=ModelBranchFactory,
             valid_payload=lambda user: _branch_payload(),
             update_payload=lambda obj, user: {"description": "Deeper trees, lower learning rate"},
             invalid_payload=lambda user: {**_branch_payload(), "name": "Not A Branch"},
             invalid_field="name", max_list_queries=8),
    Resource(name="model-aliases", route="inventory-api:modelalias", factory=ModelAliasFactory,
             valid_payload=lambda user: _alias_payload(),
             update_payload=lambda obj, user: {
                 "version": ModelVersionFactory(model=obj.model).pk},
             invalid_payload=lambda user: {**_alias_payload(), "name": "Champion!"},
             invalid_field="name", max_list_queries=8),
    # Explicit denials: created and lifted (never changed) by compliance officers.
    Resource(name="permission-denials", route="core-api:permissiondenial",
             factory=PermissionDenialFactory, writer="compliance_officer", updatable=False,
             valid_payload=lambda user: _denial_payload(),
             update_payload=lambda obj, user: {"reason": "Changed"},
             invalid_payload=lambda user: {**_denial_payload(), "action": "fly"},
             invalid_field="action", max_list_queries=8),
    # Raised by the integrity job and the residency check, never through the API.
    Resource(name="lineage-findings", route="lineage-api:integrityfinding",
             factory=IntegrityFindingFactory, read_only=True, max_list_queries=6),
]

# Every other app's resources live in `tests/api/contract_<area>.py` modules, each with a
# module-level list whose name ends in `_RESOURCES`: they are found here, so a new module
# joins the suite without editing this file.
def _area_resources() -> list[Resource]:
    import importlib
    import pkgutil

    import tests.api

    found: list[Resource] = []
    for info in sorted(pkgutil.iter_modules(tests.api.__path__), key=lambda i: i.name):
        if not info.name.startswith("contract_"):
            continue
        module = importlib.import_module(f"tests.api.{info.name}")
        for attribute, value in sorted(vars(module).items()):
            if attribute.endswith("_RESOURCES") and isinstance(value, list):
                found += value
    return found


RESOURCES += _area_resources()
