"""Each community's Wagtail collection: where its pictures (and its documents) are filed."""

from __future__ import annotations

from django.db import transaction

from wagtail.models import Collection

from communities.models import Community


@transaction.atomic
def community_collection(community: Community) -> Collection:
    """The community's collection, made (named after the community) if it has none yet."""
    if community.collection_id:
        return community.collection
    collection = Collection.get_first_root_node().add_child(name=community.name[:255])
    Community.objects.filter(pk=community.pk).update(collection=collection)
    community.collection = collection
    return collection
