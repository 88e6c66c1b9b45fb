"""Demo content for `make run`: a few named sign-ins on top of the same seed data."""

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import User
from communities.models import Community, Membership, MembershipRequest, Role, Visibility
from communities.seeding import seed_app_content, seed_communities, seed_members

DEMO_PASSWORD = "copsite-demo-2026"
DEMO_ACCOUNTS = [
    ("admin@example.com", "Alex Admin", "Site administrator", True),
    ("facilitator@example.gov.uk", "Fran Facilitator", "Community manager", False),
    ("member@example.gov.uk", "Morgan Member", "Policy officer", False),
]
# A Welsh speaker: the site and her e-mails are in Welsh.
WELSH_ACCOUNT = ("aelod@example.gov.uk", "Rhiannon Jones", "Swyddog polisi", False)
# Communities written in Welsh: one with an English version, one in Welsh only.
WELSH_COMMUNITIES = [
    {
        "name": "Tai a Digartrefedd yng Nghymru",
        "slug": "tai-cymru",
        "description": "Cymuned ymarfer i bobl sy'n gweithio ar dai a digartrefedd yng Nghymru: "
        "rhannwch yr hyn sy'n gweithio, gofynnwch gwestiynau a dewch o hyd i gymheiriaid.",
        "guidelines": "Byddwch yn garedig ac yn barchus. Peidiwch â rhannu data personol am bobl "
        "rydych yn eu cefnogi. Ysgrifennwch yn Gymraeg neu yn Saesneg: mae croeso i'r ddwy iaith.",
        "translated_name": "Housing and Homelessness in Wales",
        "translated_description": "A community of practice for people working on housing and "
        "homelessness in Wales: share what works, ask questions, find peers.",
        "translated_guidelines": "Be kind and respectful. Do not share personal data about "
        "people you support. Write in Welsh or English: both are welcome.",
    },
    {
        "name": "Gwasanaethau Cymraeg",
        "slug": "gwasanaethau-cymraeg",
        "description": "I swyddogion sy'n cynnig gwasanaethau yn Gymraeg: Safonau'r Gymraeg, "
        "cyfieithu, a chynllunio gweithlu dwyieithog.",
        "guidelines": "Trafodwn yn Gymraeg. Byddwch yn amyneddgar gyda dysgwyr.",
    },
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
        self.stdout.write(f"  {WELSH_ACCOUNT[0]:32} {WELSH_ACCOUNT[1]} (Cymraeg)")

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
        self._load_welsh(facilitator, members, rng)

    def _load_welsh(self, facilitator: User, members: list[User], rng: random.Random) -> None:
        """A Welsh-speaking sign-in and communities written in Welsh (made in Welsh, so their
        forum's first categories are Welsh too)."""
        from allauth.account.models import EmailAddress

        email, name, title, _ = WELSH_ACCOUNT
        speaker = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            display_name=name,
            job_title=title,
            organisation="Cyngor Sir Gâr",
            language="cy",
        )
        EmailAddress.objects.create(user=speaker, email=email, verified=True, primary=True)
        now = timezone.now()
        with translation.override("cy"):
            for fields in WELSH_COMMUNITIES:
                community = Community.objects.create(
                    language="cy", visibility=Visibility.OPEN, created_by=facilitator, **fields
                )
                Membership.objects.create(
                    community=community,
                    user=facilitator,
                    role=Role.OWNER,
                    accepted_guidelines_at=now,
                )
                Membership.objects.create(
                    community=community, user=speaker, accepted_guidelines_at=now
                )
                for member in rng.sample(members, k=min(6, len(members))):
                    Membership.objects.get_or_create(
                        community=community, user=member, defaults={"accepted_guidelines_at": now}
                    )
