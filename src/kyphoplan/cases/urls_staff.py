from django.urls import path

from kyphoplan.cases import views_staff as v

app_name = "cases"
urlpatterns = [
    path("", v.case_list, name="list"),
    path("search/", v.search, name="search"),
    path("new/", v.new_case, name="new"),
    path("from-callback/<uuid:request_id>/", v.from_callback, name="from_callback"),
    path("<uuid:case_id>/", v.detail, name="detail"),
    path("<uuid:case_id>/edit/", v.edit, name="edit"),
    path("<uuid:case_id>/status/", v.set_status, name="status"),
    path("<uuid:case_id>/owner/", v.set_owner, name="owner"),
    path("<uuid:case_id>/messages/<int:reminder_id>/", v.settle_reminder, name="settle_reminder"),
    path("<uuid:case_id>/labs/", v.set_labs, name="labs"),
    path("<uuid:case_id>/links/", v.issue_link, name="issue_link"),
    path("<uuid:case_id>/links/<int:link_id>/revoke/", v.revoke_link, name="revoke_link"),
]
