from django.conf import settings
from django.http import HttpRequest


def project(request: HttpRequest) -> dict[str, str]:
    # Templates get the name from settings rather than having it pasted into
    # them, so Django's auto-escaping applies to whatever the name contains.
    return {"project_name": settings.PROJECT["name"]}
