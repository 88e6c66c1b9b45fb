import pytest

from wagtail.models import Site

from pages.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def test_the_data_migration_makes_our_home_page_the_site_root():
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    statement = StandardPage.objects.get(slug="accessibility")
    assert statement.live and statement.get_parent().pk == site.root_page.pk


def test_the_accessibility_statement_is_linked_from_every_page(client):
    assert 'href="/accessibility/"' in client.get("/communities/").content.decode()
    assert "Accessibility statement" in client.get("/accessibility/").content.decode()


@pytest.mark.parametrize("rows", [1, 10])
def test_the_home_page_query_count_does_not_grow_with_communities(
    client, django_assert_max_num_queries, rows
):
    from tests.factories import CommunityFactory, MembershipFactory

    for _ in range(rows):
        MembershipFactory(community=CommunityFactory(), role="owner")
    with django_assert_max_num_queries(14):
        assert client.get("/").status_code == 200
