"""The admin's shared kit (kernel: imports no app). Every ModelAdmin of the project builds on it:

* :class:`StaffScopeMixin`: staff see only their program's rows (RULEBOOK conventions: "Staff work for one
  program's office (or both, if granted) and see only that program's members"); a front desk sees its hotel's
  program's members and only its own hotel's bills and certificates. Each ModelAdmin declares ``program_path``
  (the lookup from its model to the program) and, where rows belong to a hotel, ``hotel_path``.
* :class:`ScopedChoicesMixin`: foreign-key choices limited to the user's scope.
* :class:`ReadOnlyAdminMixin` / :class:`ReadOnlyInline`: rows nobody edits in the admin (the ledger, bills as
  received, job runs).
* :class:`ScopedRelatedFieldListFilter`: a related-object filter that offers only the objects in the user's scope.
* :class:`ModelAdmin`, :class:`HistoryAdmin`, :class:`TabularInline`: the office's look (django-unfold's base
  classes, and simple-history's history pages in it); every ModelAdmin and inline of the project builds on them.
  Numbers as people read them everywhere (lists, read-only fields, inlines: ¥1,234 and 1,234), "—" for nothing,
  no empty sections (an inline with no rows on a page that cannot add any, a fieldset with no field), history
  entries in words.
* :func:`trial_run` (a form that shows a service's refusal before saving), :func:`answer_step` (an action that asks
  for input first), :func:`html_table`, ``MEMBER_SEARCH`` (search a member's rows by any card number or name).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect as DjangoAutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.admin import StackedInline as UnfoldStackedInline
from unfold.admin import TabularInline as UnfoldTabularInline

from loyalty.exceptions import LoyaltyError

# --- The office's look: django-unfold's base classes, for every admin ------------------------------------------


EMPTY = "—"  # what the office shows for nothing (never "None", "-" or an empty cell)


# Whole numbers that are not quantities: shown as they are (a year is 2026, never 2,026).
NOT_QUANTITIES = frozenset({"next_serial", "number_digits", "position", "status"})


def _number_field(model, name):
    """The model field ``name`` if it holds whole numbers people read (points, yen, counts), else ``None``."""
    if not isinstance(name, str):
        return None
    try:
        field = model._meta.get_field(name)
    except (FieldDoesNotExist, TypeError):  # a method or an admin's display: as declared
        return None
    if (
        not isinstance(field, models.IntegerField)
        or isinstance(field, models.AutoField | models.BigAutoField)
        or field.choices
        or field.primary_key
        or field.is_relation
        or name in NOT_QUANTITIES
        or name == "year"
        or name.endswith("_year")
    ):
        return None
    return field


def _shows_yen(field) -> bool:
    with translation.override("en"):
        return "JPY" in str(field.verbose_name)


def readable_number(field, value) -> str:
    """A whole number of ``field`` as people read it: yen (a field named in JPY) as ¥1,234, others as 1,234."""
    if value is None or value == "":
        return EMPTY
    return yen(value) if _shows_yen(field) else number(value)


def _readable_column(model, name):
    """A list column of whole numbers as people read them: yen (a field named in JPY) as ¥1,234, points and counts
    as 1,234. Other columns as they are."""
    field = _number_field(model, name)
    if field is None:
        return name

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj):
        return readable_number(field, getattr(obj, name))

    column.__name__ = name
    return column


def _readable_preprocessors(model) -> dict:
    """django-unfold's ``readonly_preprocess_fields``: each read-only field of whole numbers of ``model``, shown
    with separators (yen as ¥) on change pages."""

    def preprocess(field):
        def shown(contents):
            try:
                return readable_number(field, int(str(contents)))
            except (TypeError, ValueError):
                return contents

        return shown

    return {
        field.name: preprocess(field)
        for field in model._meta.concrete_fields
        if _number_field(model, field.name) is not None
    }


def _readable_field_name(model_admin, name):
    """For a read-only inline: the name of a display method showing the whole numbers of field ``name`` as people
    read them (made once per inline class), or ``name`` itself."""
    column = _readable_column(model_admin.model, name)
    if column is name:
        return name
    alias = f"{name}_readable"
    if not hasattr(type(model_admin), alias):

        def method(self, obj, _column=column):
            return _column(obj)

        method.short_description = column.short_description
        method.admin_order_field = name
        setattr(type(model_admin), alias, method)
    return alias


def _keys_only(fk, values) -> list:
    """The values that are keys of the model ``fk`` points to (``member=abc``, posted by hand, is none)."""
    to_field = getattr(fk.remote_field, "field_name", None) or fk.remote_field.model._meta.pk.attname
    target = fk.remote_field.model._meta.get_field(to_field)
    keys = []
    for value in values:
        try:
            target.to_python(value)
        except (ValidationError, TypeError, ValueError):
            continue
        keys.append(value)
    return keys


class AutocompleteSelect(DjangoAutocompleteSelect):
    """The admin's autocomplete, which draws the chosen rows again when a form comes back with errors: a value that
    is no key of the related model used to make that drawing a 500; it is left out (the form names the field)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _keys_only(self.field, value), attr)


class _Autocomplete:
    """Every ``autocomplete_fields`` of the office drawn by the kit's :class:`AutocompleteSelect`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ModelAdmin(_Autocomplete, UnfoldModelAdmin):
    """Every ModelAdmin of the office: unfold's look, filters applied with a button (one query, not one per click),
    a warning before leaving a form with unsaved changes, numbers with separators (yen as ¥) in lists and read-only
    fields, "—" for nothing, and no fieldset without a field."""

    list_filter_submit = True
    warn_unsaved_form = True
    compressed_fields = True
    empty_value_display = EMPTY

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.readonly_preprocess_fields = {**_readable_preprocessors(model), **self.readonly_preprocess_fields}

    def get_list_display(self, request):
        return [_readable_column(self.model, name) for name in super().get_list_display(request)]

    def get_fieldsets(self, request, obj=None):
        return [(name, options) for name, options in super().get_fieldsets(request, obj) if options.get("fields")]

    def get_changelist(self, request, **kwargs):
        return _tolerant_changelist(super().get_changelist(request, **kwargs))

    def response_action(self, request, queryset):
        """An action posted with a selection that names no row (``_selected_action=abc``, tampered or stale) is
        refused in words, not a 500 when the ids are read."""
        pk = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk.to_python(value)
        except ValidationError:
            self.message_user(request, _("The selection is not valid: choose the rows again."), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


_TOLERANT: dict[type, type] = {}


def _tolerant_changelist(base: type) -> type:
    """The list of ``base`` with impossible filters in the address (``?paid_on__year=9999`` makes the date drill-down
    compute year 10000; ``?created_at__year=99999999999`` overflows) answered as Django answers an unknown filter
    (the list again, with "invalid filter" noted: ``?e=1``), never a 500."""
    if base not in _TOLERANT:

        class TolerantChangeList(base):
            def __init__(self, *args, **kwargs):
                try:
                    super().__init__(*args, **kwargs)
                except (ValueError, OverflowError) as exc:
                    raise IncorrectLookupParameters(exc) from exc

        _TOLERANT[base] = TolerantChangeList
    return _TOLERANT[base]


def _pk_or_404(model, object_id):
    try:
        return model._meta.pk.to_python(unquote(object_id))
    except ValidationError as exc:
        raise Http404 from exc


class _HistoryInWords(HistoricalRecordContextHelper):
    """A history entry's changes as people read them: labels for codes, yes/no, ¥ and separators, the office's
    date format, the related row by its name, and "—" for nothing (never "None" nor "Deleted user (pk=None)").
    ``labels``: the labels of the codes a list field holds (``HistoryAdmin.history_labels``)."""

    def __init__(self, model, historical_record, *, labels=None):
        super().__init__(model, historical_record)
        self.labels = labels or {}

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject):
            return EMPTY if value.pk is None else _("a deleted %(kind)s") % {"kind": value.model._meta.verbose_name}
        if value is None or value == "" or value == []:
            return EMPTY
        if getattr(field, "many_to_many", False):
            return ", ".join(str(v) for v in super().prepare_delta_change_value(change, value)) or EMPTY
        if getattr(field, "choices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        if _number_field(self.model, change.field) is not None:
            return readable_number(field, value)
        if isinstance(value, dt.datetime):
            return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
        if isinstance(value, dt.date):
            return date_format(value, "DATE_FORMAT")
        if isinstance(value, list | tuple):  # a list of codes (program settings): by their labels
            labels = self.labels.get(change.field, {})
            return ", ".join(str(labels.get(v, v)) if isinstance(v, str) else str(v) for v in value)
        return value


class HistoryAdmin(SimpleHistoryAdmin, ModelAdmin):
    """A ModelAdmin whose rows keep their history (django-simple-history), with the history pages in the look: each
    entry says when, what happened, who did it and what changed, in words (no internal ids)."""

    object_history_list_template = "admin/office_history_list.html"

    def history_view_title(self, request, obj):
        return _("History of %(name)s") % {"name": obj}

    def history_labels(self, request) -> dict:
        """The labels of the codes held in list fields ({field: {code: label}}), for the history in words."""
        return {}

    def get_historical_record_context_helper(self, request, historical_record):
        return _HistoryInWords(self.model, historical_record, labels=self.history_labels(request))


class _LabelledInlineMixin:
    """A tabular inline's inputs sit under column headers, not beside labels: each gets its field's name as its
    accessible name (screen readers, axe-core's "label" and "select-name" rules)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        return formset


class TabularInline(_Autocomplete, _LabelledInlineMixin, UnfoldTabularInline):
    """A table of related rows under its columns' headers (no title line repeating each row), left out of a page
    when it has no row and the user cannot add one (no empty section under a bare header)."""

    template = "admin/edit_inline/office_tabular.html"
    empty_value_display = EMPTY
    hide_title = True


class StackedInline(_Autocomplete, UnfoldStackedInline):
    empty_value_display = EMPTY


# --- Shared pieces ---------------------------------------------------------------------------------------------


def _scope_of(request) -> tuple[list[int], object | None]:
    """The user's programs (office staff) and hotel (front desk), read once per request."""
    cached = getattr(request, "_staff_scope", None)
    if cached is None:
        user = request.user
        cached = (list(user.programs.values_list("pk", flat=True)), user.hotel)
        request._staff_scope = cached
    return cached


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to the rows the user may see (the related model's admin scope).

    Used by every ModelAdmin and inline, so a clerk of one program cannot pick (or type the id of) another
    program's member, hotel or program.
    """

    def _scoped_choices(self, request, db_field, kwargs):
        if "queryset" in kwargs:
            return kwargs
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related_admin, StaffScopeMixin) and not request.user.is_superuser:
            kwargs["queryset"] = related_admin.scope_queryset(
                request, db_field.remote_field.model._default_manager.all()
            )
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scoped_choices(request, db_field, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped_choices(request, db_field, kwargs))


class StaffScopeMixin(ScopedChoicesMixin):
    """Superusers see everything; office staff (``user.programs``) the rows of their programs; a front desk
    (``user.hotel``) the rows of its hotel (``hotel_path``) or, for rows that are not a hotel's, of its hotel's
    program. A staff user with neither sees nothing.

    ``program_path``: lookup from the model to ``members.Program`` (several: any of them). ``"pk"`` for Program.
    ``scope_distinct``: the path crosses a many-valued relation, so rows could repeat.
    """

    program_path: str | tuple[str, ...] = ()
    hotel_path: str | None = None
    scope_distinct = False

    def _program_paths(self) -> tuple[str, ...]:
        return (self.program_path,) if isinstance(self.program_path, str) else tuple(self.program_path)

    def scope_q(self, request) -> Q | None:
        """The filter of the user's scope; ``None``: everything (superuser)."""
        if request.user.is_superuser:
            return None
        programs, hotel = _scope_of(request)
        q = Q(pk__in=[])
        for path in self._program_paths():
            if programs:
                q |= Q(**{f"{path}__in": programs})
            if hotel is not None and not self.hotel_path:
                q |= Q(**{path: hotel.program_id})
        if hotel is not None and self.hotel_path:
            q |= Q(**{self.hotel_path: hotel.pk})
        return q

    def scope_queryset(self, request, queryset: QuerySet) -> QuerySet:
        q = self.scope_q(request)
        if q is None:
            return queryset
        queryset = queryset.filter(q)
        return queryset.distinct() if self.scope_distinct else queryset

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def out_of_scope(self) -> PermissionDenied:
        """The refusal of a row the user may not open (another program's, another hotel's) or that is not there: a
        page in the office's look with a way back (``loyalty.office.errors``), never the row's internal id."""
        return PermissionDenied(
            str(
                _("This %(name)s is not one your office may open, or it is no longer there.")
                % {"name": self.opts.verbose_name}
            )
        )

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """A row's page the user may not open: back to the work queue, with the refusal in words (Django's own
        message would name the row's internal id)."""
        self.message_user(request, self.out_of_scope().args[0], messages.WARNING)
        return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))

    def _ensure_in_scope(self, request, object_id) -> None:
        _pk_or_404(self.model, object_id)  # "abc" is no row of anyone's: 404, also for a superuser
        if request.user.is_superuser:
            return
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise self.out_of_scope()

    # simple-history's views fall back to the history rows when get_queryset does not find the object: check the
    # scope first, so staff never read another program's history. History is for reading: no revert from here.
    def history_view(self, request, object_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        if not (str(version_id).isascii() and str(version_id).isdigit()):
            raise Http404
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """Nobody adds, changes or deletes these rows in the admin: the ledger is corrected with an Adjustment, never by
    editing (NE7, R1: entries are append-only), bills come from the hotels through the API, jobs write job runs."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, ScopedChoicesMixin, TabularInline):
    """Related rows to read: whole numbers with separators (yen as ¥)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def __init__(self, parent_model, admin_site):
        super().__init__(parent_model, admin_site)
        names = self.fields or [f.name for f in self.model._meta.fields if not f.primary_key]
        self.fields = tuple(_readable_field_name(self, name) for name in names)

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-object filter listing only the objects of the user's scope (e.g. a clerk's own program)."""

    def field_choices(self, field, request, model_admin):
        model = field.remote_field.model
        queryset = model._default_manager.all()
        related_admin = model_admin.admin_site._registry.get(model)
        if isinstance(related_admin, StaffScopeMixin):
            queryset = related_admin.scope_queryset(request, queryset)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


def html_table(headers: list[str], rows: list[tuple], *, empty=None) -> str:
    """A small read-only HTML table (escaped) for the panels of change pages; ``empty``: what to say instead when
    there is no row (Default: "Nothing yet.")."""
    if not rows:
        return format_html('<p class="office-note">{}</p>', empty or _("Nothing yet."))
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows)
    )
    return format_html(
        '<div class="loyalty-panel-wrap" tabindex="0"><table class="loyalty-panel">'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>",
        head,
        body,
    )


def number(value) -> str:
    """Points and counts as people read them: 1,020 (never "1020")."""
    return f"{int(value or 0):,}"


def signed(value) -> str:
    """A movement of points: +1,020 or -300."""
    return f"{int(value or 0):+,}"


def yen(value) -> str:
    """Yen as people read them: ¥166,750 (a negative amount -¥400)."""
    value = round(value or 0)
    return f"-¥{-value:,}" if value < 0 else f"¥{value:,}"


class _TrialRun(Exception):
    pass


def trial_run(service, *, refusal: type[Exception]) -> None:
    """Run a service in a transaction that is always rolled back, so that whatever it refuses shows on the form
    (as a ValidationError) before the real run in ``save_model``: rules stay in the service, not in the form."""
    try:
        with transaction.atomic():
            service()
            raise _TrialRun
    except _TrialRun:
        pass
    except refusal as exc:
        raise ValidationError(exc.detail) from exc


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, do it"), required=True)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer to the member"), widget=forms.Textarea, required=True)


def answer_step(model_admin, request, queryset, *, action, title, run, form_class=AnswerForm, intro=""):
    """An admin action that asks for input first (an answer, points): the form posts back to the action."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = refused = 0
        for obj in queryset:
            try:
                run(obj, form.cleaned_data)
                done += 1
            except LoyaltyError as exc:  # every domain refusal
                refused += 1
                model_admin.message_user(request, f"{obj}: {exc.detail}", messages.ERROR)
        if done:  # only the refusals when nothing was done: never a green "0 done"
            model_admin.message_user(request, _("%(n)d done.") % {"n": done}, messages.SUCCESS)
        elif not refused:
            model_admin.message_user(
                request, _("Nothing to do: none of the selected rows is waiting."), messages.WARNING
            )
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "intro": intro,
        "objects": list(queryset),
        "form": form,
        "action": action,
    }
    return TemplateResponse(request, "admin/office_form.html", context)


MEMBER_SEARCH = ("=member__cards__number", "=member__number", "^member__family_name", "^member__given_name")
