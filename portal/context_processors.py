from django.conf import settings


def programme(request):
    return {"PROGRAMME_NAME": "睦邻合伙人", "PORTAL_BASE_URL": settings.PORTAL_BASE_URL}
