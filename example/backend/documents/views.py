import json
import logging

from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Document
from .tasks import process_document

logger = logging.getLogger(__name__)


@require_GET
def health(request):
    """200 {"ok": true, "db": true} after a real SELECT 1; 503 when the database fails."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            db_ok = cursor.fetchone() == (1,)
    except Exception as exc:  # any database error means "not healthy"
        logger.warning("health check: database error: %s", exc)
        return JsonResponse({"ok": False, "db": False, "error": str(exc).strip()}, status=503)
    return JsonResponse({"ok": db_ok, "db": db_ok}, status=200 if db_ok else 503)


@require_GET
def document_detail(request, document_id):
    try:
        document = Document.objects.get(pk=document_id)
    except Document.DoesNotExist:
        return JsonResponse({"error": "not found", "id": document_id}, status=404)
    return JsonResponse(document.as_dict())


def _title_from_request(request):
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return None
        return data.get("title") if isinstance(data, dict) else None
    return request.POST.get("title")


@csrf_exempt
@require_POST
def create_document(request):
    """Create a document from {"title": …} (JSON or form data) and enqueue its processing."""
    title = _title_from_request(request)
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        return JsonResponse({"error": "title is required (at most 200 characters)"}, status=400)
    document = Document.objects.create(title=title.strip())
    queued = {}

    def enqueue():
        try:
            result = process_document.delay(document.pk)
            queued["task_id"] = result.id
        except Exception as exc:  # broker down: the document exists, processing is not queued
            logger.error("could not enqueue processing of document %s: %s", document.pk, exc)
            queued["error"] = str(exc)

    transaction.on_commit(enqueue)
    if "error" in queued:
        return JsonResponse({"id": document.pk, "queued": False, "error": queued["error"]}, status=503)
    return JsonResponse(
        {"id": document.pk, "status": document.status, "queued": True, "task_id": queued.get("task_id")},
        status=201,
    )
