"""Admin for plans (with the publish action), published versions and staff feed tokens.

Published versions are read-only here as everywhere: the admin lists and
shows them but cannot change or delete them.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from scheduler.models import FeedToken, Plan, ScheduleVersion
from scheduler.publishing import feed_token_rotate, latest_version, plan_publish


class PlanPublishForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="What changed and why; shown with the version's changelog.",
    )


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "solver_status", "targets_met", "objective", "created_at"]
    list_filter = ["solver_status", "targets_met"]
    readonly_fields = [f.name for f in Plan._meta.fields]
    actions = ["publish"]

    @admin.action(description="Publish as the next schedule version", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Plan]) -> TemplateResponse | None:
        """Ask for the version's comment, then publish the one chosen plan."""
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one plan to publish.", messages.ERROR)
            return None
        plan = queryset.get()
        published = ScheduleVersion.objects.filter(plan=plan).first()
        if published is not None:
            self.message_user(
                request,
                f"This plan is already schedule version {published.number}.",
                messages.WARNING,
            )
            return None
        form = PlanPublishForm(request.POST if request.POST.get("post") else None)
        if form.is_valid():
            try:
                version = plan_publish(
                    plan=plan, comment=form.cleaned_data["comment"], user=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(request, f"Published as schedule version {version.number}.")
            return None
        latest = latest_version()
        return TemplateResponse(
            request,
            "admin/scheduler/plan/publish_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": "Publish a plan",
                "opts": self.model._meta,
                "plan": plan,
                "next_number": latest.number + 1 if latest else 1,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_publish_permission(self, request: HttpRequest) -> bool:
        """Publishing adds a schedule version: planners and administrators."""
        return request.user.has_perm("scheduler.add_scheduleversion")


@admin.register(ScheduleVersion)
class ScheduleVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "published_at", "published_by", "comment"]
    readonly_fields = ["number", "plan", "comment", "published_at", "published_by", "changelog"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created"]
    readonly_fields = ["user", "token", "created"]
    actions = ["rotate"]

    @admin.action(description="Replace the secret (old feed URLs stop working)")
    def rotate(self, request: HttpRequest, queryset: QuerySet[FeedToken]) -> None:
        for token in queryset.select_related("user"):
            feed_token_rotate(user=token.user)
        self.message_user(request, f"Replaced {queryset.count()} secret(s).")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
