"""Issue an API bearer token to a user; the raw token is printed once and never stored."""

from django.core.management.base import BaseCommand, CommandError

from onevisit.core.errors import DomainError
from onevisit.core.models import User
from onevisit.core.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token (Authorization: Bearer …) to USERNAME and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. 'bench'.")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            token, raw = api_token_issue(actor=None, user=user, name=name)
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stderr.write(
            f"Token {token.prefix}… issued to {user.username}; it is shown only this once."
        )
        self.stdout.write(raw)
