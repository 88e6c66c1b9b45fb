"""Form fields shared by the apps (rendering lives in `copsite.forms`)."""

from __future__ import annotations

from django import forms


class TypedTextField(forms.CharField):
    """Text typed in a box: line breaks counted once, as the browser's maxlength counts them
    (browsers send each as CR LF, which would otherwise count twice)."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")
