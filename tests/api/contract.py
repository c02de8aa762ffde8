"""The API contract registry: every `/api/v1/` resource, and what the contract suite needs to
prove its permissions, history, validation and query counts (CONVENTIONS.md, "Tests").

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
    )

What is proven for each entry:
- anonymous gets 401 and `refused_user` 403 on list and detail (and on every write);
- a user holding only object-level grants lists exactly the granted rows (others are 404),
  with the same number of queries at N and 3N rows, below `max_list_queries`;
- writable resources: create, then update and delete of the created row, answer 201/200/204
  and write a history row with the acting user and the `change_reason` sent; a bad payload
  (on create and on update) is a 400 naming `invalid_field`, and malformed JSON a 400, with
  nothing written in any case. `valid_payload` is posted once per test, so it may use fixed
  unique names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from tests.factories import AccessEventFactory, JobRunFactory
from tests.factories.catalogue import ModelVersionFactory
from tests.factories.lineage import IntegrityFindingFactory
from tests.factories.versions import ModelAliasFactory, ModelBranchFactory

__all__ = ["PENDING", "RESOURCES", "Resource"]


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

    def __str__(self) -> str:
        return self.name


# `/api/v1/` routes that have no entry yet, each with its reason (CONVENTIONS.md: any
# exemption states why). `test_meta.py` fails for every other route without an entry, so a new
# resource cannot skip the contract; an entry in RESOURCES makes its exemption unnecessary.
PENDING: dict[str, str] = {
    f"inventory-api:{basename}": "catalogue resource: its registry entry comes with the catalogue API"
    for basename in ("mlmodel", "modelversion", "dataset", "datasetversion", "feature",
                     "pipeline", "team", "compliancetag", "savedsearch")
}

def _branch_payload() -> dict:
    parent = ModelVersionFactory()
    return {"model": parent.model_id, "name": "exp/deeper-trees",
            "parent_version": parent.pk}


def _alias_payload() -> dict:
    version = ModelVersionFactory()
    return {"model": version.model_id, "name": "challenger", "version": version.pk}


RESOURCES: list[Resource] = [
    # Evidence records: written by jobs and by the access-event helper, never through the API.
    Resource(name="job-runs", route="core-api:jobrun", factory=JobRunFactory,
             read_only=True, max_list_queries=6),
    Resource(name="access-events", route="core-api:accessevent", factory=AccessEventFactory,
             read_only=True, max_list_queries=6),
    # Branches and aliases of model versions (issue 4): written through the versions service.
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
    # Raised by the integrity job and the residency check, never through the API (issue 5).
    Resource(name="lineage-findings", route="lineage-api:integrityfinding",
             factory=IntegrityFindingFactory, read_only=True, max_list_queries=6),
]

# Issue 4's lifecycle, retention, CI/CD and webhook resources (their own module).
from tests.api.contract_lifecycle import LIFECYCLE_RESOURCES  # noqa: E402

RESOURCES += LIFECYCLE_RESOURCES
