import django_filters
from core.models import ObjectType
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from netbox.filtersets import NetBoxModelFilterSet, PrimaryModelFilterSet
from utilities.filters import MultiValueContentTypeFilter, MultiValueNumberFilter
from utilities.filtersets import register_filterset

from .models import NetBoxAttachment, NetBoxAttachmentAssignment, broken_object_type_ids


@register_filterset
class NetBoxAttachmentFilterSet(PrimaryModelFilterSet):
    object_type = MultiValueContentTypeFilter(
        field_name='assignments__object_type',
        distinct=True,
        label=_('Object type (app_label.model)'),
    )
    object_type_id = django_filters.ModelMultipleChoiceFilter(
        queryset=ObjectType.objects.all(),
        method='filter_assigned_object',
        label=_('Object type (ID)'),
    )
    object_id = MultiValueNumberFilter(method='filter_assigned_object', label=_('Object ID'))
    has_assignments = django_filters.BooleanFilter(method='filter_has_assignments', label=_('Has assignments'))
    has_broken_assignments = django_filters.BooleanFilter(
        method='filter_has_broken_assignments', label=_('Has broken assignments')
    )

    class Meta:
        model = NetBoxAttachment
        fields = ('id', 'name', 'description', 'size', 'content_type', 'sha256')

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(file__icontains=value) | Q(description__icontains=value))

    def filter_assigned_object(self, queryset, name, value: int):  # the hint gives the OpenAPI parameter type
        # object_type_id and object_id must match the same assignment, so both are applied together, once.
        object_types = self.form.cleaned_data.get('object_type_id')
        object_ids = self.form.cleaned_data.get('object_id')
        if name == 'object_id' and object_types:
            return queryset  # already applied by object_type_id
        if not object_types and not object_ids:
            return queryset  # django-filter calls methods with an empty queryset value too
        assignments = NetBoxAttachmentAssignment.objects.filter(attachment=OuterRef('pk'))
        if object_types:
            assignments = assignments.filter(object_type__in=object_types)
        if object_ids:
            assignments = assignments.filter(object_id__in=object_ids)
        return queryset.filter(Exists(assignments))

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
    attachment_id = django_filters.ModelMultipleChoiceFilter(
        queryset=NetBoxAttachment.objects.all(),
        label=_('Attachment (ID)'),
    )
    object_type = MultiValueContentTypeFilter(label=_('Object type (app_label.model)'))
    object_type_id = django_filters.ModelMultipleChoiceFilter(
        queryset=ObjectType.objects.all(),
        label=_('Object type (ID)'),
    )

    class Meta:
        model = NetBoxAttachmentAssignment
        fields = ('id', 'object_id')

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
