from django.urls import path

from indeks.planning.views import agenda, planner, plans

app_name = "planning"
urlpatterns = [
    path("p/<int:pk>/planner/", planner.planner, name="planner"),
    path("p/<int:pk>/planner/save/", planner.save, name="save"),
    path("p/<int:pk>/simulator/", planner.simulator, name="simulator"),
    path("p/<int:pk>/plans/", plans.plan_list, name="plans"),
    path("p/<int:pk>/plans/<int:plan_id>/", plans.plan_detail, name="plan"),
    path("p/<int:pk>/plans/<int:plan_id>/track/", plans.track, name="track"),
    path("p/<int:pk>/plans/<int:plan_id>/plan.xlsx", plans.export_xlsx, name="export_xlsx"),
    path("p/<int:pk>/plans/<int:plan_id>/plan.pdf", plans.export_pdf, name="export_pdf"),
    path("p/<int:pk>/actions/<int:action_id>/", plans.update_action, name="action"),
    path("rounds/<int:round_id>/agenda/", agenda.agenda, name="agenda"),
]
