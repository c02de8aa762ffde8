import factory.random

from .users import UserFactory

factory.random.reseed_random("custodia")

__all__ = ["UserFactory"]
