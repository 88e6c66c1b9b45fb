import factory
from allauth.account.models import EmailAddress

from django.utils import timezone

from accounts.models import User
from communities.models import Community, Membership, MembershipRequest, Role, Visibility


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.gov.uk")
    display_name = factory.Faker("name", locale="en_GB")
    job_title = "Policy officer"
    organisation = "Example Council"
    password = factory.django.Password("a-Strong-passw0rd")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users have a verified primary address unless built with verified=False."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    description = "People working on the same thing, sharing what works."
    guidelines = "Be kind."
    visibility = Visibility.OPEN
    last_activity_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    accepted_guidelines_at = factory.LazyFunction(timezone.now)


class MembershipRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipRequest

    community = factory.SubFactory(CommunityFactory, visibility=Visibility.RESTRICTED)
    user = factory.SubFactory(UserFactory)
    message = "Please let me in."


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forums.Category"

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


def make_thread(community=None, author=None, title="Has anyone done X?", body="We are trying X.",
                replies: int = 0, **kwargs):  # fmt: skip
    """A published thread with its first post and `replies` replies, through the services."""
    from forums.models import Category
    from forums.services import posts as post_services
    from forums.services import threads as thread_services

    community = community or CommunityFactory()
    author = author or MembershipFactory(community=community).user
    category = kwargs.pop("category", None) or Category.objects.filter(community=community).first()
    thread = thread_services.thread_create(
        actor=author, community=community, category=category, title=title, body=body, **kwargs
    )
    for n in range(replies):
        replier = MembershipFactory(community=community).user
        post_services.post_reply(actor=replier, thread=thread, body=f"Reply {n}")
    thread.refresh_from_db()
    return thread
