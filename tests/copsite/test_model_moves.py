"""Moving a model between apps never deletes a content type something points at."""

import pytest

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from copsite.model_moves import _drop_unused

pytestmark = pytest.mark.django_db


def test_a_content_type_in_use_is_refused_and_an_unused_one_dropped():
    in_use = ContentType.objects.get(app_label="pages", model="homepage")
    with pytest.raises(RuntimeError, match="is in use"):
        _drop_unused(apps, in_use)
    assert ContentType.objects.filter(pk=in_use.pk).exists()
    unused = ContentType.objects.create(app_label="gone", model="nothing")
    _drop_unused(apps, unused)
    assert not ContentType.objects.filter(pk=unused.pk).exists()
