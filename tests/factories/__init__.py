import factory.random

from .evidence import AccessEventFactory, JobRunFactory
from .users import UserFactory

factory.random.reseed_random("custodia")

__all__ = ["AccessEventFactory", "JobRunFactory", "UserFactory"]
