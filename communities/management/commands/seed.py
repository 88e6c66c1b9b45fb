import time

from django.core.management.base import BaseCommand

from communities.seeding import seed


class Command(BaseCommand):
    help = "Add a realistic data set in bulk: members, communities, memberships and requests."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=1000)
        parser.add_argument("--communities", type=int, default=20)
        parser.add_argument(
            "--random-seed", type=int, default=1, help="Random seed, for repeatable data."
        )

    def handle(self, *args, members: int, communities: int, random_seed: int, **options):
        started = time.perf_counter()
        groups, people = seed(members=members, communities=communities, seed_value=random_seed)
        self.stdout.write(
            f"Seeded {len(people)} members and {len(groups)} communities "
            f"in {time.perf_counter() - started:.1f}s"
        )
