"""The notifications page, e-mail settings, and the signed links in e-mails."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from communities import permissions as community_permissions

from . import preferences, unsubscribe
from .forms import CommunityDeliveryForm, EmailSettingsForm, UnsubscribeForm
from .models import CommunityEmailSetting, Delivery, EmailSettings, Notification
from .targets import describe

PER_PAGE = 30


def visible_notifications(user, notifications: list[Notification]) -> list[Notification]:
    """Keep the ones whose target the person may still see, described for them (one query per
    kind of target on the page, not per notification). The final check: the page's rows were
    already filtered in the query (`Notification.objects.visible_to`)."""
    ids_by_type: dict[str, list[int]] = defaultdict(list)
    for notification in notifications:
        ids_by_type[notification.target_type].append(notification.target_id)
    views = {
        target_type: describe(user, target_type, ids) for target_type, ids in ids_by_type.items()
    }
    shown = []
    for notification in notifications:
        view = views[notification.target_type].get(notification.target_id)
        if view is not None:
            notification.view = view
            shown.append(notification)
    return shown


class NotificationListView(LoginRequiredMixin, TemplateView):
    """The person's notifications, newest first, paginated over only those they may still
    see (so hidden ones neither leave gaps on a page nor count), in a fixed number of
    queries whatever their number."""

    template_name = "notifications/list/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = (
            Notification.objects.visible_to(user)
            .select_related("actor")
            .order_by("-updated_at", "-pk")
        )
        # One query counts both what the pages hold and what the header says is unread.
        counts = rows.aggregate(total=Count("pk"), unread=Count("pk", filter=Q(read_at=None)))
        paginator = Paginator(rows, PER_PAGE)
        paginator.count = counts["total"]
        page = paginator.get_page(self.request.GET.get("page"))
        notifications = list(page.object_list)
        context["page_obj"] = page
        context["notifications"] = visible_notifications(user, notifications)
        unread = [n.pk for n in notifications if n.read_at is None]
        if unread:  # seen now; they still show as new on this page
            Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
        # For the header (copsite.context_processors): what is still unread after this page.
        self.request.unread_notification_count = counts["unread"] - len(unread)
        return context


class NotificationOpenView(LoginRequiredMixin, View):
    def get(self, request, notification_id: int):
        notification = Notification.objects.filter(
            pk=notification_id, recipient=request.user
        ).first()
        if notification is None:
            raise Http404("No such notification")
        view = describe(request.user, notification.target_type, [notification.target_id]).get(
            notification.target_id
        )
        if notification.read_at is None:
            Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
        if view is None:
            messages.error(request, gettext("That is no longer available to you."))
            return redirect("notifications:list")
        return redirect(view.url)


class MarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        messages.success(request, gettext("All notifications are marked as read."))
        return redirect("notifications:list")


def _settings_page(request, user, *, token: str | None = None):
    """The settings form for `user`, used signed in and through an e-mail link."""
    email_settings, _ = EmailSettings.objects.get_or_create(user=user)
    communities = list(community_permissions.communities_of(user).order_by("name"))
    current = dict(
        CommunityEmailSetting.objects.filter(user=user).values_list("community_id", "delivery")
    )
    show_facilitation = community_permissions.moderates_any_community(user)
    data = request.POST if request.method == "POST" else None
    form = EmailSettingsForm(data, instance=email_settings, show_facilitation=show_facilitation)
    community_form = CommunityDeliveryForm(data, communities=communities, current=current)
    if data is not None and form.is_valid() and community_form.is_valid():
        with transaction.atomic():
            form.save()
            preferences.community_deliveries_save(user.pk, community_form.deliveries())
        messages.success(request, gettext("Your e-mail settings have been saved."))
        return redirect(request.path)
    return render(
        request,
        "notifications/settings/index.html",
        {"form": form, "community_form": community_form, "token": token, "person": user},
        status=400 if data is not None else 200,
    )


class EmailSettingsView(LoginRequiredMixin, View):
    def get(self, request):
        return _settings_page(request, request.user)

    def post(self, request):
        return _settings_page(request, request.user)


class EmailLinkSettingsView(View):
    """The "manage your e-mail settings" link in every e-mail: works without signing in."""

    def dispatch(self, request, token: str):
        try:
            user, scope = unsubscribe.read_token(token)
        except unsubscribe.BadLink as error:
            return _bad_link(request, error)
        if scope.kind != "manage":
            return _bad_link(request, unsubscribe.BadLink(gettext("This link cannot change that.")))
        return _settings_page(request, user, token=token)


def _bad_link(request, error: Exception) -> HttpResponse:
    return render(request, "notifications/bad_link/index.html", {"problem": str(error)}, status=400)


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The unsubscribe link. GET offers "less often" before "never"; a one-click POST
    (RFC 8058, from the mail client) turns the e-mails off at once."""

    template_name = "notifications/unsubscribe/index.html"

    def dispatch(self, request, token: str):
        try:
            self.user, self.scope = unsubscribe.read_token(token)
        except unsubscribe.BadLink as error:
            return _bad_link(request, error)
        if self.scope.kind == "manage":
            return _bad_link(request, unsubscribe.BadLink(gettext("This link cannot change that.")))
        return super().dispatch(request, token)

    def get(self, request, token: str):
        return render(request, self.template_name, {"form": UnsubscribeForm(), "token": token})

    def post(self, request, token: str):
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        form = UnsubscribeForm(request.POST)
        if not one_click and not form.is_valid():
            return render(request, self.template_name, {"form": form, "token": token}, status=400)
        delivery = Delivery.OFF if one_click else form.cleaned_data["delivery"]
        try:  # a link to a community deleted since, say
            done = unsubscribe.scope_apply(self.user, self.scope, delivery)
        except unsubscribe.BadLink as error:
            return _bad_link(request, error)
        if one_click:
            return HttpResponse(gettext("Unsubscribed."), content_type="text/plain")
        return render(
            request,
            "notifications/unsubscribe/done.html",
            {"done": done, "manage_url": unsubscribe.manage_url(self.user.pk)},
        )
