from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from packbuilder.web import views

M = "meetings/<slug:slug>"
V = f"{M}/versions/<int:number>"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.SignIn.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new", views.new_meeting, name="new-meeting"),
    path(f"{M}/", views.meeting, name="meeting"),
    path(f"{M}/upload", views.upload, name="upload"),
    path(f"{M}/inputs/<str:name>", views.input_file, name="input"),
    path(f"{M}/inputs/<str:name>/remove", views.remove_input, name="remove-input"),
    path(f"{M}/build", views.start_build, name="start-build"),
    path(f"{M}/builds/<int:pk>/", views.build, name="build"),
    path(f"{M}/builds/<int:pk>/events", views.build_events, name="build-events"),
    path(f"{V}/", views.version, name="version"),
    path(f"{V}/publish", views.publish, name="publish"),
    path(f"{V}/withdraw", views.withdraw, name="withdraw"),
    path(f"{V}/preview/<str:file>/", views.preview, name="preview"),
    path(f"{V}/preview/<str:file>/<int:page>.png", views.page_image, name="page-image"),
    path(f"{V}/<str:file>", views.version_file, name="version-file"),
    path("audit/", views.audit, name="audit"),
    path("public/", views.public_index, name="public-index"),
    path("public/<slug:slug>/", views.public, name="public"),
    path(
        "public/<slug:slug>/v<int:number>/<str:file>",
        views.public_version_file,
        name="public-version-file",
    ),
    path("public/<slug:slug>/<str:file>", views.public_file, name="public-file"),
    path("admin/", admin.site.urls),
]
handler403 = views.forbidden
handler404 = views.not_found
