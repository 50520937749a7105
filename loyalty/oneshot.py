"""One-shot forms (issue 14): a double click, a browser retry or a replayed POST acts once.

Every rendered form carries a fresh token (hidden field ``form_token``; ``{{ form_token }}`` in a template gives a
new one each time it is used). The token is signed (bound to the user, valid ``ONE_SHOT_MAX_AGE`` seconds) and, when
the form is POSTed, claimed in the database (``members.FormSubmission``, token unique) in the same transaction as
what the view does:

* the first POST claims it; when the view answers with a redirect (the result page) the row keeps that address;
  when it answers otherwise (the form again, with errors) nothing was done and the claim is dropped;
* a repeated POST with the same token finds the row and is sent to the first result with a notice: nothing runs
  again. A concurrent repeat waits on the unique index until the first commits, then does the same;
* a view that moves points or changes identity declares ``one_shot = True`` (class-based views), or its ModelAdmin
  does (for ``ONE_SHOT_ADMIN_VIEWS``): a POST without a valid token is refused (sent back to the form).

The kernel imports no app: the store is looked up by name (``apps.get_model``).
"""

from __future__ import annotations

import secrets

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

FIELD = "form_token"
SALT = "loyalty.oneshot"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
ONE_SHOT_ADMIN_VIEWS = frozenset({"add_view", "change_view", "changelist_view", "office_view"})


def _max_age() -> int:
    return getattr(settings, "ONE_SHOT_MAX_AGE", 60 * 60 * 12)


def _user_key(user) -> str:
    return str(user.pk) if user is not None and getattr(user, "is_authenticated", False) else "0"


def token_issue(*, user=None) -> str:
    """A new token for one rendered form of ``user`` (None: an anonymous visitor)."""
    return signing.TimestampSigner(salt=SALT).sign(f"{_user_key(user)}:{secrets.token_urlsafe(18)}")


def token_valid(token: str, *, user=None) -> bool:
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=_max_age())
    except signing.BadSignature:
        return False
    return value.split(":", 1)[0] == _user_key(user)


def context(request) -> dict:
    """Context processor: ``{{ form_token }}`` renders a fresh token for the logged-in user (or the visitor)."""
    return {"form_token": lambda: token_issue(user=getattr(request, "user", None))}


def _model_admin(func):
    """The ModelAdmin (and the view's name) behind an admin URL's view function, following the decorators."""
    seen = 0
    while func is not None and seen < 10:
        owner = getattr(func, "__self__", None)
        if owner is not None and hasattr(owner, "admin_site"):
            return owner, func.__name__
        func = getattr(func, "__wrapped__", None)
        seen += 1
    return None, ""


def required_for(func) -> bool:
    """Does the view behind ``func`` take only one-shot POSTs?"""
    view_class = getattr(func, "view_class", None)
    if view_class is not None:
        return bool(getattr(view_class, "one_shot", False))
    model_admin, name = _model_admin(func)
    return bool(model_admin is not None and getattr(model_admin, "one_shot", False) and name in ONE_SHOT_ADMIN_VIEWS)


def _refuse(request):
    messages.error(request, _("This form has expired or was already used. Please check the page and try again."))
    return HttpResponseRedirect(request.get_full_path())


def _replay(request, first):
    if not first.location:  # the first is still running (it cannot be, after the unique index let us in)
        return _refuse(request)
    messages.info(request, _("This form was already sent: this is the result of the first submission."))
    return HttpResponseRedirect(first.location)


class OneShotMiddleware:
    """Claims the token of every POST that carries one; refuses POSTs without one to one-shot views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.content_type not in FORM_TYPES:
            return self.get_response(request)  # the API's JSON bodies (its own Idempotency-Key) among them
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if hasattr(match.func, "cls"):
            return self.get_response(request)  # the API (DRF views, its own idempotency), whatever the body
        token = request.POST.get(FIELD, "")
        user = getattr(request, "user", None)
        if not token:
            return _refuse(request) if required_for(match.func) else self.get_response(request)
        if not token_valid(token, user=user):
            return _refuse(request)
        store = apps.get_model("members", "FormSubmission")
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = store.objects.create(
                        token=token,
                        user=user if _user_key(user) != "0" else None,
                        path=request.path[:300],
                    )
            except IntegrityError:
                return _replay(request, store.objects.filter(token=token).first())
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif 300 <= response.status_code < 400 and response.has_header("Location"):
                row.location = response["Location"][:500]
                row.save(update_fields=["location"])
            else:
                row.delete()  # nothing done (the form again): the same form may be sent again
            return response
