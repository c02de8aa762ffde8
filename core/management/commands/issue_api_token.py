"""Issue (or rotate) the API token of a user, for CI/CD pipelines and scripts."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Print an API token for USERNAME (use it as 'Authorization: Bearer <token>')."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true",
                            help="Replace an existing token (the old one stops working).")

    def handle(self, *args, username: str, rotate: bool = False, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
