from django.contrib import admin

from tasks.models import (
    Assignment,
    Deadline,
    DocumentImport,
    Evidence,
    ExtensionRequest,
    PolicyDocument,
    ProgressUpdate,
    Reminder,
    Report,
    ReportBatch,
    ReportRowReturn,
    Target,
    TargetReading,
    Task,
    TaskChange,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records kept as written: viewable, never edited or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "region", "issued_on", "kind"]
    list_filter = ["kind", "region__level"]
    list_select_related = ["region"]
    search_fields = ["title", "doc_number", "issuer"]
    autocomplete_fields = ["region"]
    readonly_fields = ["checksum", "imported_by", "created_at", "updated_at"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    autocomplete_fields = ["department"]
    extra = 0


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    readonly_fields = ["attained"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "document", "section", "status", "progress"]
    list_filter = ["status", "document"]
    list_select_related = ["document"]
    search_fields = ["text", "label", "section"]
    raw_id_fields = ["parent"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [AssignmentInline, DeadlineInline, TargetInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "department", "role", "text_as_written"]
    list_filter = ["role"]
    list_select_related = ["task", "department"]
    raw_id_fields = ["task"]
    autocomplete_fields = ["department"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "due_on", "task"]
    list_filter = ["kind"]
    list_select_related = ["task"]
    raw_id_fields = ["task"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["text", "metric", "comparator", "value", "unit", "latest_actual", "attained"]
    list_filter = ["comparator", "attained"]
    raw_id_fields = ["task"]
    readonly_fields = ["attained"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    readonly_fields = ["original_name", "size", "content_type", "sha256", "uploaded_by", "created_at"]
    exclude = ["file"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ["task", "department", "author", "status", "percent", "created_at"]
    list_filter = ["status"]
    list_select_related = ["task", "department", "author"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "size", "content_type", "uploaded_by", "created_at"]
    list_select_related = ["uploaded_by"]
    search_fields = ["original_name", "sha256"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["kind", "recipient", "task", "sent_on", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["recipient", "task"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "department", "region", "status", "progress"]
    list_filter = ["kind", "status"]
    list_select_related = ["department", "region"]
    raw_id_fields = ["department", "region", "requested_by", "submitted_by", "reviewed_by", "draft_saved_by"]


@admin.register(ReportRowReturn)
class ReportRowReturnAdmin(ReadOnlyAdmin):
    list_display = ["report", "task", "created_by", "created_at"]
    list_select_related = ["report", "task", "created_by"]


@admin.register(ReportBatch)
class ReportBatchAdmin(ReadOnlyAdmin):
    list_display = ["region", "period", "status", "done", "total", "requested_at"]
    list_filter = ["status"]
    list_select_related = ["region"]


@admin.register(TaskChange)
class TaskChangeAdmin(ReadOnlyAdmin):
    list_display = ["task", "action", "actor", "created_at"]
    list_filter = ["action"]
    list_select_related = ["task", "actor"]


@admin.register(DocumentImport)
class DocumentImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "region", "status", "created_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["region", "created_by"]
    readonly_fields = ["checksum", "created_by", "created_at", "document"]
    raw_id_fields = ["region"]


@admin.register(TargetReading)
class TargetReadingAdmin(ReadOnlyAdmin):
    list_display = ["target", "value", "update"]
    list_select_related = ["target", "update"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["task", "department", "current_due_on", "requested_due_on", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["task", "department"]
    raw_id_fields = ["task", "deadline", "department", "requested_by", "reviewed_by"]
