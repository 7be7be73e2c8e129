"""Create or update the officials' groups: city editor, district editor, reviewer."""

from django.core.management.base import BaseCommand

from layout.roles import ROLES, ensure_roles


class Command(BaseCommand):
    help = (
        "Create the groups 'city editor', 'district editor' and 'reviewer' with their permissions "
        "(run by `make run`; migrate does it too). Give a district editor their district in the admin, "
        "under Users → editor profile."
    )

    def handle(self, *args, **options):
        groups = ensure_roles()
        if options["verbosity"]:
            for name in ROLES:
                self.stdout.write(f"{name}: {groups[name].permissions.count()} permissions")
