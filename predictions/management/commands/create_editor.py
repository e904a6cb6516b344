"""Create an editor's account: staff, in the Editors group, not a superuser.

The group and its permissions come from migration predictions 0007_editors_group.
The password is random and printed once; it is stored only as a hash.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

EDITORS_GROUP = "Editors"


class Command(BaseCommand):
    help = "Create a staff account in the Editors group and print its password once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, email: str, **options) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            raise CommandError(
                f"{username!r} already exists; to give it a new password run "
                f"`manage.py changepassword {username}`."
            )
        group = Group.objects.filter(name=EDITORS_GROUP).first()
        if group is None:
            raise CommandError(f"No {EDITORS_GROUP!r} group: run `manage.py migrate`.")
        password = secrets.token_urlsafe(18)
        with transaction.atomic():
            user = user_model.objects.create_user(
                username, email, password, is_staff=True
            )
            user.groups.add(group)
        self.stdout.write(
            f"Editor {username!r} created. One-time password (shown only now): "
            f"{password}\nLog in at /admin/ and change it at once under "
            "'Change password' (/admin/password_change/)."
        )
