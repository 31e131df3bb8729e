"""The account admin (/admin/): admins create accounts and give each a role."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from packbuilder.web.models import AuditEntry, Subscriber, User


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Role", {"fields": ("role",)}))  # type: ignore[misc]
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Role", {"fields": ("role", "email")}))


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "name")


@admin.register(AuditEntry)
class AuditAdmin(admin.ModelAdmin):
    list_display = ("at", "who", "action", "meeting", "detail")
    list_filter = ("action",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
