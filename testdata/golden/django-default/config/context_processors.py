from django.conf import settings


def project(request):
    # Templates get the name from settings rather than having it pasted into
    # them, so Django's auto-escaping applies to whatever the name contains.
    return {"project_name": settings.PROJECT["name"]}
