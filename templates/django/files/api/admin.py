from django.contrib import admin

from api.models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin[Note]):
    list_display = ("title", "owner", "created")
    list_select_related = ("owner",)
    search_fields = ("title", "body", "owner__username")
    raw_id_fields = ("owner",)
