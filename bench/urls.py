"""The project's URLs plus two minimal endpoints, the baseline of every ratio in RESULTS.md.

/bench/ok      a plain view returning "ok" (through the full middleware stack)
/bench/insert  a one-row INSERT in one transaction (raw SQL into bench_row, made by generate.py)
"""

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onevisit.urls import urlpatterns as project_urlpatterns


def ok(request):
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def insert(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_row (created_at, payload) VALUES (%s, %s)",
            [timezone.now(), request.body[:200].decode("utf-8", "replace")],
        )
    return HttpResponse("created", status=201)


urlpatterns = [
    path("bench/ok", ok),
    path("bench/insert", insert),
    *project_urlpatterns,
]
