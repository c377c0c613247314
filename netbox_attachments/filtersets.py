from datetime import UTC, datetime

import django_filters
from core.models import ObjectType
from django import forms
from django.conf import settings
from django.db import DataError, OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from netbox.filtersets import NetBoxModelFilterSet, PrimaryModelFilterSet
from utilities.filters import MultiValueCharFilter, MultiValueContentTypeFilter, MultiValueNumberFilter
from utilities.filtersets import register_filterset

from .access import assignments_to_visible_objects, current_user, visible_assignments
from .models import NetBoxAttachment, NetBoxAttachmentAssignment, broken_object_type_ids


def object_types_by_label(labels):
    """ObjectTypes named 'app_label.model'; unknown labels are skipped, as NetBox's content type filters do."""
    pairs = [label.lower().split('.', 1) for label in labels if label.count('.') == 1]
    query = Q(pk__in=[])
    for app_label, model in pairs:
        query |= Q(app_label=app_label, model=model)
    return ObjectType.objects.filter(query)


class FilterValuesForm(forms.Form):
    """Refuses filter values that NetBox's generic filters would hand to the database only to fail there (a server
    error): 'null' or an invalid pattern for a __regex lookup. Dates with any zone offset Python accepts are moved
    to UTC, as PostgreSQL refuses offsets beyond 15:59."""

    def clean(self):
        cleaned_data = super().clean()
        for name, value in list(cleaned_data.items()):
            values = value if isinstance(value, list | tuple) else [value]
            is_regex = name.endswith(('__regex', '__iregex'))
            if is_regex and len(values) > MAX_REGEX_VALUES:
                self.add_error(name, _('At most %(limit)s patterns per filter.') % {'limit': MAX_REGEX_VALUES})
                continue
            if is_regex and (regex_problem := next(filter(None, map(regex_error, values)), None)):
                self.add_error(name, regex_problem)
                continue
            if any(isinstance(item, datetime) for item in values):
                try:
                    normalised = [as_utc(item) for item in values]
                except OverflowError:
                    self.add_error(name, _('This date and time is out of range.'))
                    continue
                cleaned_data[name] = normalised if isinstance(value, list | tuple) else normalised[0]
        return cleaned_data


def as_utc(value):
    return value.astimezone(UTC) if isinstance(value, datetime) and value.tzinfo else value


# A pattern longer than this, or one PostgreSQL cannot compile within the time below, is refused: compiling some
# short patterns takes PostgreSQL seconds, and each filter value is compiled for every request.
MAX_REGEX_LENGTH = 256
MAX_REGEX_VALUES = 5
REGEX_CHECK_TIMEOUT_MS = 200


def regex_error(pattern):
    """Why PostgreSQL would refuse (or labour over) this regular expression, or None."""
    if pattern in (None, ''):
        return None
    if pattern == settings.FILTERS_NULL_CHOICE_VALUE:  # NetBox turns it into None: no pattern to match
        return _('A regular expression is required here, not "%(value)s".') % {'value': pattern}
    if len(pattern) > MAX_REGEX_LENGTH:
        return _('Regular expressions may have at most %(limit)s characters.') % {'limit': MAX_REGEX_LENGTH}
    try:
        # Always rolled back, so the timeout ends with the check even inside an outer transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute('SET LOCAL statement_timeout = %s', [REGEX_CHECK_TIMEOUT_MS])
            cursor.execute("SELECT '' ~ %s", [pattern])
            raise CheckDone
    except CheckDone:
        return None
    except OperationalError:  # the timeout
        return _('This regular expression is too complex.')
    except DataError as error:
        return _('Not a valid regular expression: %(error)s') % {'error': str(error).splitlines()[0]}


class CheckDone(Exception):
    pass


@register_filterset
class NetBoxAttachmentFilterSet(PrimaryModelFilterSet):
    # The filters on assignments consider only assignments the reader may view, to objects the reader may view: a
    # filter must not tell which hidden objects an attachment is linked to. All three apply together, to the same
    # assignment.
    object_type = MultiValueCharFilter(method='filter_linked_object', label=_('Object type (app_label.model)'))
    object_type_id = django_filters.ModelMultipleChoiceFilter(
        queryset=ObjectType.objects.all(),
        method='filter_linked_object',
        label=_('Object type (ID)'),
    )
    object_id = MultiValueNumberFilter(method='filter_linked_object', label=_('Object ID'))
    has_assignments = django_filters.BooleanFilter(method='filter_has_assignments', label=_('Has assignments'))
    has_broken_assignments = django_filters.BooleanFilter(
        method='filter_has_broken_assignments', label=_('Has broken assignments')
    )

    class Meta:
        model = NetBoxAttachment
        fields = ('id', 'name', 'description', 'size', 'content_type', 'sha256')
        form = FilterValuesForm

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(file__icontains=value) | Q(description__icontains=value))

    def filter_linked_object(self, queryset, name, value: int):  # the hint gives the OpenAPI parameter type
        data = self.form.cleaned_data
        labels, object_types, object_ids = data.get('object_type'), data.get('object_type_id'), data.get('object_id')
        # django-filter calls each method, even with an empty queryset as its value: the first filter that has a
        # value applies all three.
        if name != next((key for key in ('object_type', 'object_type_id', 'object_id') if data.get(key)), None):
            return queryset
        types = set(object_types or ())
        if labels:
            types.update(object_types_by_label(labels))
            if not types:
                return queryset.none()  # only unknown labels: nothing can be linked to them
        user = getattr(self.request, 'user', None) or current_user()
        assignments = visible_assignments(user)
        if types:
            assignments = assignments.filter(object_type__in=types)
        if object_ids:
            assignments = assignments.filter(object_id__in=object_ids)
        assignments = assignments_to_visible_objects(user, assignments, object_types=types or None)
        return queryset.filter(pk__in=assignments.values('attachment'))

    def filter_has_assignments(self, queryset, name, value):
        if value is None:
            return queryset
        assigned = Exists(NetBoxAttachmentAssignment.objects.filter(attachment=OuterRef('pk')))
        return queryset.filter(assigned if value else ~assigned)

    def filter_has_broken_assignments(self, queryset, name, value):
        if value is None:
            return queryset
        broken = Exists(
            NetBoxAttachmentAssignment.objects.filter(
                attachment=OuterRef('pk'), object_type_id__in=broken_object_type_ids()
            )
        )
        return queryset.filter(broken if value else ~broken)


@register_filterset
class NetBoxAttachmentAssignmentFilterSet(NetBoxModelFilterSet):
    # A plain number filter, not NetBox's usual choice filter (which answers 400 for an unknown ID): an ID that does
    # not exist and one the reader may not view both give an empty list, so the answer does not tell them apart.
    # netbox-attachments 12.x answered the same, and scripts check that deleting an attachment removed its assignments.
    attachment_id = MultiValueNumberFilter(label=_('Attachment (ID)'))
    object_type = MultiValueContentTypeFilter(label=_('Object type (app_label.model)'))
    object_type_id = django_filters.ModelMultipleChoiceFilter(
        queryset=ObjectType.objects.all(),
        label=_('Object type (ID)'),
    )

    class Meta:
        model = NetBoxAttachmentAssignment
        fields = ('id', 'object_id')
        form = FilterValuesForm

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        query = (
            Q(attachment__name__icontains=value)
            | Q(attachment__file__icontains=value)
            | Q(attachment__description__icontains=value)
            | Q(object_type__app_label__icontains=value)
            | Q(object_type__model__icontains=value)
        )
        if value.strip().isdigit():
            query |= Q(object_id=int(value))
        return queryset.filter(query)
