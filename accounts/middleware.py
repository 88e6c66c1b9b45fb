from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from communities import permissions

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/health/", "/theme.css", "/accessibility/")


class RequireMultiFactorMiddleware:
    """With COPSITE_REQUIRE_MFA_FOR_STAFF on, staff and facilitators must set up an
    authenticator app before doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up_mfa(self, request) -> bool:
        if not settings.COPSITE_REQUIRE_MFA_FOR_STAFF:
            return False
        user = request.user
        if not user.is_authenticated or request.path.startswith(ALLOWED_PREFIXES):
            return False
        if not permissions.moderates_any_community(user):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class AdminAccessMiddleware:
    """Signed-in people without admin access get a clear 403 on /admin/ rather than Wagtail's
    redirect to the sign-in page (which, for someone already signed in, would loop)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith("/admin/")
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            raise PermissionDenied("The admin is for community facilitators and site staff.")
        return self.get_response(request)
