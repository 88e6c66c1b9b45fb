"""Site-wide form rendering with GOV.UK Frontend markup.

`settings.FORM_RENDERER = "copsite.forms.GovukFormRenderer"` makes `{{ form }}`
render through `templates/forms/govuk_form.html` and each field through
`templates/forms/govuk_field.html`, for every form: Copsite's own, allauth's
and Wagtail form pages.

The field template renders the widget with `{{ field.govuk_widget }}`: the
bound widget (so a typed value is kept when the form comes back with errors,
and Django's own `aria-describedby`/`aria-invalid` attributes are set) with the
GOV.UK classes added. `{{ field }}` itself is left unchanged, so admin screens
that render widgets directly look as they always did.
"""

from __future__ import annotations

from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

# GOV.UK class (and its error modifier) for each kind of widget; a kind is what
# `govuk_kind` returns and what the field template branches on.
_INPUT_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "password": (
        "govuk-input govuk-password-input__input govuk-js-password-input-input",
        "govuk-input--error",
    ),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
}


def _join_classes(*parts: str | None) -> str:
    seen: list[str] = []
    for part in parts:
        for name in (part or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


class GovukBoundField(BoundField):
    """A BoundField that knows how to render itself as GOV.UK markup."""

    @cached_property
    def govuk_kind(self) -> str:
        """The GOV.UK pattern for this field's widget.

        One of: "hidden", "checkbox", "radioselect", "checkboxselectmultiple",
        "fieldset" (other multi-part widgets), "select", "textarea", "file",
        "password", "input".
        """
        widget = self.field.widget
        if widget.is_hidden:
            return "hidden"
        if isinstance(widget, widgets.CheckboxSelectMultiple):
            return "checkboxselectmultiple"
        if isinstance(widget, widgets.RadioSelect):
            return "radioselect"
        if widget.use_fieldset:  # MultiWidget, SplitDateTimeWidget, SelectDateWidget
            return "fieldset"
        if isinstance(widget, widgets.CheckboxInput):
            return "checkbox"
        if isinstance(widget, widgets.Select):  # also SelectMultiple, NullBooleanSelect
            return "select"
        if isinstance(widget, widgets.Textarea):
            return "textarea"
        if isinstance(widget, widgets.FileInput):  # also ClearableFileInput
            return "file"
        if isinstance(widget, widgets.PasswordInput):
            return "password"
        return "input"

    @property
    def govuk_widget(self) -> SafeString:
        """The widget HTML with GOV.UK classes, the bound value and ARIA attributes."""
        kind = self.govuk_kind
        widget = self.field.widget
        if kind == "hidden":
            return self.as_widget()
        if kind == "fieldset":
            parts = getattr(widget, "widgets", [])
            all_selects = bool(parts) and all(isinstance(part, widgets.Select) for part in parts)
            base_class, error_class = _INPUT_CLASSES["select" if all_selects else "input"]
        else:
            base_class, error_class = _INPUT_CLASSES.get(kind, ("", ""))
        attrs = {
            "class": _join_classes(
                base_class,
                error_class if self.errors else "",
                widget.attrs.get("class"),
            )
        }
        if kind == "password":
            attrs.setdefault("spellcheck", "false")
            attrs.setdefault("autocapitalize", "none")
        if kind == "file" and isinstance(widget, widgets.ClearableFileInput):
            # Only the <input type="file">: the field template shows the
            # current file and the "remove" checkbox as GOV.UK markup.
            file_input = widgets.FileInput()
            file_input.attrs = dict(widget.attrs)
            file_input.allow_multiple_selected = widget.allow_multiple_selected
            file_input.is_required = widget.is_required
            widget = file_input
        html = self.as_widget(widget=widget, attrs=attrs)
        if self.field.show_hidden_initial:
            html += self.as_hidden(only_initial=True)
        return html

    @property
    def govuk_current_file(self):
        """The file already saved for a ClearableFileInput field, or None."""
        widget = self.field.widget
        if not isinstance(widget, widgets.ClearableFileInput):
            return None
        value = self.initial
        return value if widget.is_initial(value) else None

    @property
    def govuk_clear_checkbox(self) -> dict | None:
        """Name and id of the "remove the current file" checkbox, when it applies."""
        widget = self.field.widget
        if not isinstance(widget, widgets.ClearableFileInput) or self.field.required:
            return None
        if self.govuk_current_file is None:
            return None
        name = widget.clear_checkbox_name(self.html_name)
        return {
            "name": name,
            "id": widget.clear_checkbox_id(name),
            "checked": bool(self.form.is_bound and self.form.data.get(name)),
            "disabled": self.field.disabled,
        }

    @property
    def govuk_label_html(self) -> SafeString:
        """Label text (escaped), with " (optional)" for optional fields."""
        optional = gettext("(optional)")
        if (
            not self.field.required
            and self.govuk_kind != "checkbox"
            and optional not in str(self.label).lower()
        ):
            # Translators: an optional form field's label, e.g. "Caption (optional)".
            return format_html(gettext("{label} (optional)"), label=self.label)
        return conditional_escape(self.label)


class GovukFormRenderer(TemplatesSetting):
    """Render forms and fields with GOV.UK Frontend markup (see module docstring)."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
    bound_field_class = GovukBoundField
