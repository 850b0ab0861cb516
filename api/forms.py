from django import forms

from api.models import Scope
from liaison.models import MemberUnit


class ClientForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, help_text="如“县纪委监委案件管理系统”“12380举报网站对接”")
    member_unit = forms.ModelChoiceField(label="成员单位", queryset=MemberUnit.objects.select_related("unit"),
                                         required=False, empty_label="（监督科自用：12380 受理、统计）")
    scopes = forms.MultipleChoiceField(label="授权范围", choices=Scope.choices, widget=forms.CheckboxSelectMultiple)
    rate_per_minute = forms.IntegerField(label="每分钟调用上限", min_value=1, max_value=6000, initial=60)


class ScopesForm(forms.Form):
    scopes = forms.MultipleChoiceField(label="授权范围", choices=Scope.choices, widget=forms.CheckboxSelectMultiple)
    rate_per_minute = forms.IntegerField(label="每分钟调用上限", min_value=1, max_value=6000)
