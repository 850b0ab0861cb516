"""The web side of rectification (core.rectification), shared by every app with finding-like records: the four
forms, the detail page, and the thin views over progress, deadline, evidence and voiding.

An app builds its views once, saying how to find the item, who may change it, which service voids it and which
template shows it (with the names it knows the parent and the item by):

    finding_views = ItemViews(lookup=_finding, can_edit=permissions.can_edit, void_item=services.void_finding,
                              voided_message="已作废该问题", template="audits/finding_detail.html",
                              names=("audit", "finding"))
    # urls.py: the item's detail page, then its actions (finding_detail, finding_progress, ..., evidence_download)
    urlpatterns = [..., *views.finding_views.urlpatterns("<uuid:code>/findings/<uuid:finding_code>/", "finding")]

`lookup(request, **codes)` receives the URL's codes (without `evidence_code`) and returns (parent, item) through
the user's `visible_to` queryset, so an item the user may not see is a 404; `can_edit(user)` false is a 403.
Every action redirects back to the item with a message.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from core import rectification
from core.permissions import deny, office_required
from core.refusals import Refused, show_form_errors, show_refusal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgressForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    status = forms.ChoiceField(label="整改状态", choices=rectification.RectificationStatus.choices)
    note = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label="新整改期限", widget=DATE)
    reason = forms.CharField(label="调整理由", max_length=300)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料")
    description = forms.CharField(label="说明", required=False, max_length=200)


class VoidForm(forms.Form):
    reason = forms.CharField(label="作废理由", max_length=200)


def detail_context(item, today):
    """What an item's detail page shows of its rectification: the progress log, the evidence and the forms."""
    return {
        "progress": item.progress_entries.select_related("recorded_by"),
        "evidence": item.evidence_files.select_related("uploaded_by"),
        "progress_form": ProgressForm(initial={"date": today, "status": item.rectification_status}),
        "deadline_form": DeadlineForm(initial={"deadline": item.rectification_deadline}),
        "evidence_form": EvidenceForm(), "void_form": VoidForm(),
        "accepted": rectification.ACCEPTED_DESCRIPTION,
        "max_mb": rectification.MAX_EVIDENCE_BYTES // (1024 * 1024),
    }


class ItemViews:
    """The views over one kind of finding-like item (see the module docstring)."""

    def __init__(self, *, lookup, can_edit, void_item, voided_message, template, names, extra=None):
        self.lookup = lookup
        self.can_edit = can_edit
        self.void_item = void_item
        self.voided_message = voided_message
        self.template = template
        self.names = names  # (parent, item): the names the detail template knows them by
        self.extra = extra or {}

    @method_decorator(office_required)
    def detail(self, request, **codes):
        """The item's page: its facts, the rectification log, the evidence, and the forms when it may be changed."""
        parent, item = self.lookup(request, **codes)
        today = timezone.localdate()
        parent_name, item_name = self.names
        return render(request, self.template, {
            parent_name: parent, item_name: item, "today": today, **self.extra,
            "can_edit": self.can_edit(request.user) and item.voided_at is None, **detail_context(item, today)})

    def _act(self, request, item, form_class, run):
        """Check the right to change, validate the form, run the service; a refusal becomes an error message."""
        if not self.can_edit(request.user):
            deny(request)
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            show_form_errors(request, form)
            return redirect(item)
        try:
            message = run(form.cleaned_data)
        except Refused as error:
            show_refusal(request, error)
        else:
            messages.success(request, message)
        return redirect(item)

    def _item(self, request, codes):
        _parent, item = self.lookup(request, **codes)
        return item

    @method_decorator(office_required)
    @method_decorator(require_POST)
    def progress(self, request, **codes):
        item = self._item(request, codes)

        def run(data):
            rectification.record_progress(item, date=data["date"], note=data["note"], status=data["status"],
                                          actor=request.user, request=request)
            return "已记录整改进展"

        return self._act(request, item, ProgressForm, run)

    @method_decorator(office_required)
    @method_decorator(require_POST)
    def deadline(self, request, **codes):
        item = self._item(request, codes)

        def run(data):
            rectification.change_deadline(item, data["deadline"], data["reason"], actor=request.user,
                                          request=request)
            return f"整改期限已调整为{data['deadline']:%Y-%m-%d}"

        return self._act(request, item, DeadlineForm, run)

    @method_decorator(office_required)
    @method_decorator(require_POST)
    def void(self, request, **codes):
        item = self._item(request, codes)

        def run(data):
            self.void_item(item, data["reason"], actor=request.user, request=request)
            return self.voided_message

        return self._act(request, item, VoidForm, run)

    @method_decorator(office_required)
    @method_decorator(require_POST)
    def evidence_upload(self, request, **codes):
        item = self._item(request, codes)

        def run(data):
            evidence = rectification.attach_evidence(item, data["file"], description=data["description"],
                                                     actor=request.user, request=request)
            return f"已上传：{evidence.original_name}"

        return self._act(request, item, EvidenceForm, run)

    @method_decorator(office_required)
    def evidence_download(self, request, evidence_code, **codes):
        item = self._item(request, codes)
        evidence = get_object_or_404(item.evidence_files, code=evidence_code)
        return rectification.evidence_response(evidence, request)

    @method_decorator(office_required)
    @method_decorator(require_POST)
    def evidence_void(self, request, evidence_code, **codes):
        item = self._item(request, codes)
        evidence = get_object_or_404(item.evidence_files, code=evidence_code)

        def run(data):
            rectification.void_evidence(item, evidence, data["reason"], actor=request.user, request=request)
            return "已作废该材料"

        return self._act(request, item, VoidForm, run)

    def urlpatterns(self, prefix, name):
        """The routes of these views at and below `prefix` (the item's URL with its codes): `<name>_detail`,
        `<name>_progress`, `<name>_deadline`, `<name>_void`, `evidence_upload`, `evidence_download` and
        `evidence_void`."""
        return [
            path(prefix, self.detail, name=f"{name}_detail"),
            path(prefix + "progress/", self.progress, name=f"{name}_progress"),
            path(prefix + "deadline/", self.deadline, name=f"{name}_deadline"),
            path(prefix + "void/", self.void, name=f"{name}_void"),
            path(prefix + "evidence/", self.evidence_upload, name="evidence_upload"),
            path(prefix + "evidence/<uuid:evidence_code>/", self.evidence_download, name="evidence_download"),
            path(prefix + "evidence/<uuid:evidence_code>/void/", self.evidence_void, name="evidence_void"),
        ]
