import django_filters
from django.db.models import Q
from django.utils import timezone

from cadres.dates import add_months
from core import rectification
from core.filters import UnitSubtreeFilter
from matters.models import (
    ApplicationStatus,
    Certificate,
    CertificateKind,
    CertificateStatus,
    EventKind,
    ExitEntryRegistration,
    Inspection,
    InspectionItem,
    InspectionKind,
    MattersRules,
    PersonalEvent,
    TravelApplication,
)
from matters.services import LEFT_STATUSES


def _by_name(qs, name, value):
    value = value.strip()
    return qs.filter(cadre__name__contains=value) if value else qs


class RegistrationFilter(django_filters.FilterSet):
    STATES = [("active", "备案中"), ("removed", "已撤销"), ("left", "已离开管理范围、应撤销")]

    state = django_filters.ChoiceFilter(label="状态", choices=STATES, method="by_state", empty_label="全部状态")
    unit = UnitSubtreeFilter(label="单位", field_name="cadre__unit", empty_label="全部单位")
    q = django_filters.CharFilter(label="姓名", method=lambda qs, n, v: _by_name(qs, n, v))

    class Meta:
        model = ExitEntryRegistration
        fields = []

    def by_state(self, qs, name, value):
        if value == "active":
            return qs.filter(removed_on__isnull=True)
        if value == "removed":
            return qs.filter(removed_on__isnull=False)
        if value == "left":
            return qs.filter(removed_on__isnull=True, cadre__status__in=LEFT_STATUSES)
        return qs


class CertificateFilter(django_filters.FilterSet):
    FLAGS = [("expiring", "有效期不足6个月"), ("expired", "已过期"), ("overdue_return", "借出逾期未还"),
             ("overdue_handover", "逾期未交存")]

    kind = django_filters.ChoiceFilter(label="证照类别", choices=CertificateKind.choices, empty_label="全部类别")
    status = django_filters.ChoiceFilter(label="状态", choices=CertificateStatus.choices, empty_label="全部状态")
    flag = django_filters.ChoiceFilter(label="提示", choices=FLAGS, method="by_flag", empty_label="全部提示")
    unit = UnitSubtreeFilter(label="单位", field_name="cadre__unit", empty_label="全部单位")
    q = django_filters.CharFilter(label="姓名", method=lambda qs, n, v: _by_name(qs, n, v))

    class Meta:
        model = Certificate
        fields = []

    def by_flag(self, qs, name, value):
        today = timezone.localdate()
        held = ~Q(status=CertificateStatus.CANCELLED)
        if value == "expiring":
            # the viewer's jurisdiction's window (a county user's county; the city's for the city)
            rules = MattersRules.for_unit(self.request.user.jurisdiction_id if self.request else None)
            limit = add_months(today, rules.expiry_notice_months)
            return qs.filter(held, expires_on__gte=today, expires_on__lte=limit)
        if value == "expired":
            return qs.filter(held, expires_on__lt=today)
        if value == "overdue_return":
            return qs.filter(loans__returned_on__isnull=True, loans__return_due__lt=today).distinct()
        if value == "overdue_handover":
            return qs.filter(status=CertificateStatus.AWAITING, handover_due__lt=today)
        return qs


class ApplicationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度")
    status = django_filters.ChoiceFilter(label="状态", choices=ApplicationStatus.choices, empty_label="全部状态")
    unit = UnitSubtreeFilter(label="单位", field_name="cadre__unit", empty_label="全部单位")
    q = django_filters.CharFilter(label="姓名", method=lambda qs, n, v: _by_name(qs, n, v))

    class Meta:
        model = TravelApplication
        fields = []


class PersonalEventFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度", field_name="event_date__year")
    kind = django_filters.ChoiceFilter(label="事项类别", choices=EventKind.choices, empty_label="全部类别")
    late = django_filters.BooleanFilter(label="仅迟报", method="by_late", widget=django_filters.widgets.BooleanWidget())
    unit = UnitSubtreeFilter(label="单位", field_name="cadre__unit", empty_label="全部单位")
    q = django_filters.CharFilter(label="姓名", method=lambda qs, n, v: _by_name(qs, n, v))

    class Meta:
        model = PersonalEvent
        fields = []

    def by_late(self, qs, name, value):
        return qs.filter(late=True) if value else qs


class InspectionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="来源", choices=InspectionKind.choices, empty_label="全部来源")
    unit = UnitSubtreeFilter(label="单位", empty_label="全部单位")

    class Meta:
        model = Inspection
        fields = []


class ItemFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="来源", choices=InspectionKind.choices, field_name="inspection__kind",
                                       empty_label="全部来源")
    status = django_filters.ChoiceFilter(label="整改状态", choices=rectification.RectificationStatus.choices,
                                         field_name="rectification_status", empty_label="全部状态")
    overdue = django_filters.BooleanFilter(label="仅逾期", method="by_overdue",
                                           widget=django_filters.widgets.BooleanWidget())
    unit = UnitSubtreeFilter(label="单位", field_name="inspection__unit", empty_label="全部单位")

    class Meta:
        model = InspectionItem
        fields = []

    def by_overdue(self, qs, name, value):
        if value:
            return qs.filter(rectification.OPEN_Q, rectification_deadline__lt=timezone.localdate())
        return qs
