"""Create a local admin account once, and say how to log in with it.

Only for a laptop (`make run`): the password is kept in DATA_DIR so that it can
be printed again on every start.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the local admin account once and print how to log in."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin is for DEBUG=1 laptops only.")
        password_file = settings.DATA_DIR / "admin-password.txt"
        user_model = get_user_model()
        if not user_model.objects.filter(username=USERNAME).exists():
            password = secrets.token_urlsafe(12)
            user_model.objects.create_superuser(USERNAME, "", password)
            password_file.write_text(password + "\n")
        password = (
            password_file.read_text().strip()
            if password_file.exists()
            else "(unknown: set one with `manage.py changepassword admin`)"
        )
        self.stdout.write(
            f"Admin: http://127.0.0.1:8000/admin/  user {USERNAME!r}  "
            f"password {password!r}"
        )
