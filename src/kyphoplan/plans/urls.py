from django.urls import path

from kyphoplan.plans import views as v

app_name = "plans"
urlpatterns = [
    path("<uuid:case_id>/plan/", v.review, name="review"),
    path("<uuid:case_id>/plan/recompute/", v.recompute, name="recompute"),
    path("<uuid:case_id>/plan/amend/", v.amend, name="amend"),
    path("<uuid:case_id>/plan/<int:number>/overlay/", v.add_overlay, name="overlay"),
    path("<uuid:case_id>/plan/<int:number>/sign/", v.sign, name="sign"),
]
