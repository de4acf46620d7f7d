from django.core.management.base import BaseCommand

from cms.services import ensure_site


class Command(BaseCommand):
    help = "Create the locales and the home page in every language (idempotent)."

    def handle(self, *args, **options):
        home = ensure_site()
        self.stdout.write(f"Site ready: home page #{home.pk}")
