"""Glue between Django forms and services: a service's field errors land next to the form field."""

from django import forms

from core.errors import DomainError


def call_service(form: forms.Form, service, /, **kwargs):
    """Run `service`; on a domain error put its messages on the form and return None."""
    try:
        return service(**kwargs)
    except DomainError as exc:
        form.domain_error = exc
        for field, message in exc.errors.items():
            form.add_error(field if field in form.fields else None, message)
        if not exc.errors:
            form.add_error(None, exc.detail)
        return None


class DateInput(forms.DateInput):
    input_type = "date"
