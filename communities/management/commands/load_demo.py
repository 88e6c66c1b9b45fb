"""Demo content for `make run`: a few named sign-ins on top of the same seed data."""

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from communities.models import Community, Membership, MembershipRequest, Role, Visibility
from communities.seeding import seed_app_content, seed_communities, seed_members

DEMO_PASSWORD = "copsite-demo-2026"
DEMO_ACCOUNTS = [
    ("admin@example.com", "Alex Admin", "Site administrator", True),
    ("facilitator@example.gov.uk", "Fran Facilitator", "Community manager", False),
    ("member@example.gov.uk", "Morgan Member", "Policy officer", False),
]


class Command(BaseCommand):
    help = "Load demo communities and sign-ins (development only). Safe to run twice."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo content is for development only (DEBUG is off).")
        if not User.objects.filter(email=DEMO_ACCOUNTS[0][0]).exists():
            self._load()
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email, name, _, is_staff in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:32} {name}{' (site staff)' if is_staff else ''}")

    @transaction.atomic
    def _load(self) -> None:
        from allauth.account.models import EmailAddress

        rng = random.Random(2026)
        admin, facilitator, member = [
            User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                job_title=title,
                organisation="Copsite demo council",
                is_staff=is_staff,
                is_superuser=is_staff,
            )
            for email, name, title, is_staff in DEMO_ACCOUNTS
        ]
        for user in (admin, facilitator, member):
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        members = seed_members(60, rng, password=DEMO_PASSWORD)
        communities = seed_communities(8, members, rng)
        now = timezone.now()
        private = Community.objects.filter(pk__in=[c.pk for c in communities]).first()
        private.visibility = Visibility.PRIVATE
        private.allowed_email_domains = ""
        private.save()
        for community in communities:
            Membership.objects.update_or_create(
                community=community,
                user=facilitator,
                defaults={"role": Role.OWNER, "accepted_guidelines_at": now},
            )
        open_ones = [c for c in communities if c.visibility == Visibility.OPEN]
        restricted = Community.objects.filter(
            pk__in=[c.pk for c in communities], visibility=Visibility.RESTRICTED
        ).first()
        if open_ones:
            Membership.objects.get_or_create(
                community=open_ones[0], user=member, defaults={"accepted_guidelines_at": now}
            )
        if restricted:
            MembershipRequest.objects.get_or_create(
                community=restricted,
                user=member,
                status="pending",
                defaults={"message": "I lead on this at my council and would love to join."},
            )
        seed_app_content(communities, members, rng)
