"""Wagtail documents (`/documents/<id>/<name>`) in a community's collection follow that
community's access rule, like its pictures: 404 where the community must stay hidden, 403 where
its content is for members. Documents outside any community stay public."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.documents import get_document_model
from wagtail.models import Collection

from communities.models import Visibility
from community_pages.collections import community_collection
from tests.conftest import make_cast

pytestmark = pytest.mark.django_db


def _document(collection):
    return get_document_model().objects.create(
        title="Minutes",
        file=SimpleUploadedFile("minutes.txt", b"Agreed: more tea.", content_type="text/plain"),
        collection=collection,
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


EXPECTED = {
    Visibility.OPEN: {"anonymous": 200, "outsider": 200, "member": 200, "staff": 200},
    Visibility.RESTRICTED: {"anonymous": 403, "outsider": 403, "member": 200, "staff": 200},
    Visibility.PRIVATE: {"anonymous": 404, "outsider": 404, "member": 200, "staff": 200},
}


@pytest.mark.parametrize("visibility", list(EXPECTED))
@pytest.mark.parametrize("nested", [False, True])
def test_a_community_s_documents_follow_its_access_rule(client, visibility, nested):
    cast = make_cast(visibility)
    collection = community_collection(cast.community)
    if nested:
        collection = collection.add_child(name="Meeting papers")
    url = _document(collection).url
    for role, expected in EXPECTED[visibility].items():
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(cast, role))
        response = client.get(url)
        assert response.status_code == expected, (role, response.status_code)
        if expected == 200:
            assert b"".join(response.streaming_content) == b"Agreed: more tea."
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "private" in response["Cache-Control"]  # no shared cache keeps it


def test_documents_outside_every_community_stay_public(client):
    document = _document(Collection.get_first_root_node())
    assert client.get(document.url).status_code == 200
