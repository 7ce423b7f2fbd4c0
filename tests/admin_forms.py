"""What an admin change page would POST back unchanged, for tests that change one thing and save."""

from django import forms
from django.forms.widgets import MultiWidget


def _add(data: dict, bound) -> None:
    field, widget = bound.field, bound.field.widget
    widget = getattr(widget, "widget", widget)  # inside the admin's add/change-links wrapper
    value = bound.value()
    if isinstance(field, forms.FileField):
        return  # an existing file stays as it is when nothing is uploaded
    if isinstance(field, forms.BooleanField):
        if value:
            data[bound.html_name] = "on"
        return
    if value is None:
        return
    if isinstance(widget, MultiWidget):
        parts = widget.decompress(value) if not isinstance(value, list) else value
        for index, part in enumerate(parts):
            data[f"{bound.html_name}_{index}"] = "" if part is None else part
        return
    if isinstance(value, list | tuple):
        data[bound.html_name] = [str(item) for item in value]
        return
    data[bound.html_name] = value


def change_form_data(page) -> dict:
    """The values of an admin page's form and of its inline formsets (management forms included)."""
    data: dict = {}
    form = page.context["adminform"].form
    for name in form.fields:
        _add(data, form[name])
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            data[bound.html_name] = bound.value()
        for row in formset.forms:
            for name in row.fields:
                _add(data, row[name])
    return data


def inline_errors(response) -> list:
    """Every inline formset's row errors and non-form errors, as the page shows them."""
    return [
        (inline.formset.prefix, inline.formset.errors, list(inline.formset.non_form_errors()))
        for inline in response.context["inline_admin_formsets"]
    ]
