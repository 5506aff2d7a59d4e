"""Pages of the shared kernel: health. (The home page is the portal's.)"""

from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """For the operator and the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
