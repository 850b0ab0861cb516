from django.urls import path

from cadres.views import avoidance, cadres, imports, lrmx, personal_matters, records
from core import export_views

app_name = "cadres"

urlpatterns = [
    path("", cadres.index, name="index"),
    export_views.old_address("export.xlsx", "cadres", "export"),
    path("new/", cadres.create, name="create"),
    path("warnings/", cadres.warning_list, name="warnings"),
    path("pick/", cadres.pick, name="pick"),
    path("avoidance/", avoidance.conflicts, name="avoidance"),
    path("avoidance/decide/", avoidance.decide, name="avoidance_decide"),
    path("import/", imports.upload, name="import"),
    path("import/confirm/", imports.confirm, name="import_confirm"),
    path("import/template.xlsx", imports.template, name="import_template"),
    path("import/lrmx/", lrmx.upload, name="lrmx_import"),
    path("import/lrmx/confirm/", lrmx.confirm, name="lrmx_import_confirm"),
    path("personal-matters/", personal_matters.overview, name="personal_matters"),
    path("personal-matters/draws/", personal_matters.draw_create, name="draw_create"),
    path("personal-matters/draws/<uuid:draw_code>/", personal_matters.draw_detail, name="draw_detail"),
    path("<uuid:code>/", cadres.profile, name="profile"),
    path("<uuid:code>/id-number/", cadres.id_number, name="id_number"),
    path("<uuid:code>/edit/", cadres.edit, name="edit"),
    path("<uuid:code>/appointment-form/", lrmx.appointment_form, name="appointment_form"),
    path("<uuid:code>/family/id-numbers/", records.family_id_number, name="family_id_number"),
    path("<uuid:code>/appointment-form/photo/", lrmx.photo, name="appointment_photo"),
    path("<uuid:code>/appointment-form.lrmx", lrmx.export, name="lrmx_export"),
    path("<uuid:code>/post/", cadres.change_post, name="change_post"),
    path("<uuid:code>/measures/new/", records.measure_create, name="measure_create"),
    path("<uuid:code>/measures/<uuid:measure_code>/delivery/", records.inquiry_delivery, name="inquiry_delivery"),
    path("<uuid:code>/measures/<uuid:measure_code>/reply/", records.inquiry_reply, name="inquiry_reply"),
    path("<uuid:code>/measures/<uuid:measure_code>/void/", records.measure_void, name="measure_void"),
    path("<uuid:code>/assessments/new/", records.assessment_create, name="assessment_create"),
    path("<uuid:code>/duty-reports/new/", records.duty_report_create, name="duty_report_create"),
    path("<uuid:code>/personal-matters/new/", personal_matters.report_create, name="report_create"),
    path("<uuid:code>/personal-matters/expected/", personal_matters.report_expect, name="report_expect"),
    path("<uuid:code>/verifications/new/", personal_matters.verification_create, name="verification_create"),
    path("<uuid:code>/verifications/<uuid:verification_code>/result/", personal_matters.verification_result,
         name="verification_result"),
]
