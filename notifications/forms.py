import functools
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .kinds import PREFERENCES
from .models import Delivery, EmailSettings

HOURS = [(h, f"{h:02d}:00") for h in range(24)]
WEEKDAYS = list(
    enumerate(
        [
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        ]
    )
)


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every time zone, read once (listing them scans the time zone files on disk)."""
    return [(zone, zone) for zone in sorted(available_timezones())]


# Each preference group kinds register under (`notifications.kinds.PREFERENCES`), and the
# setting for communities joined later: straight away, daily, weekly or never (radio buttons).
DELIVERY_FIELDS = (*PREFERENCES, "new_communities")


class EmailSettingsForm(forms.ModelForm):
    digest_hour = forms.TypedChoiceField(label=_("Send my digests at"), choices=HOURS, coerce=int)
    weekly_digest_day = forms.TypedChoiceField(
        label=_("Weekly digests arrive on"), choices=WEEKDAYS, coerce=int
    )
    time_zone = forms.ChoiceField(label=_("Your time zone"))

    class Meta:
        model = EmailSettings
        fields = [*DELIVERY_FIELDS, "digest_hour", "weekly_digest_day", "time_zone"]
        widgets = dict.fromkeys(DELIVERY_FIELDS, forms.RadioSelect)

    def __init__(self, *args, show_facilitation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
        if not show_facilitation:
            del self.fields["facilitation"]


class CommunityDeliveryForm(forms.Form):
    """One choice per community the person belongs to."""

    def __init__(self, *args, communities, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        for community in communities:
            self.fields[f"community_{community.pk}"] = forms.ChoiceField(
                label=gettext("Activity in %(name)s") % {"name": community.name},
                choices=Delivery.choices,
                initial=current.get(community.pk, Delivery.DAILY),
                widget=forms.RadioSelect,
            )

    def deliveries(self) -> dict[int, str]:
        return {
            int(name.removeprefix("community_")): value for name, value in self.cleaned_data.items()
        }


class UnsubscribeForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How often would you like these e-mails?"),
        choices=[
            (Delivery.WEEKLY, _("Less often: a weekly digest")),
            (Delivery.DAILY, _("A daily digest")),
            (Delivery.OFF, _("Never")),
        ],
        initial=Delivery.WEEKLY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often you would like these e-mails.")},
    )
