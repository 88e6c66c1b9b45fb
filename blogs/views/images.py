"""Serving post pictures through the access module (see blogs.images)."""

from django.http import FileResponse, Http404
from django.views import View

from wagtail.images import get_image_model

from communities import permissions as community_permissions
from communities.models import Community, Visibility

from ..images import SPECS, content_type_for


class ImageServeView(View):
    def get(self, request, image_id: int, spec: str, name: str):
        if spec not in SPECS:
            raise Http404("No such picture size")
        image = get_image_model().objects.filter(pk=image_id).first()
        if image is None:
            raise Http404("No such picture")
        community = Community.objects.holding_collection(image.collection)
        if community is not None:
            community_permissions.require_visible(request.user, community, "picture")
        rendition = image.get_rendition(SPECS[spec][0])
        response = FileResponse(
            rendition.file.open("rb"), content_type=content_type_for(rendition.file.name)
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline"
        public = community is None or community.visibility == Visibility.OPEN
        response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=3600"
        return response
