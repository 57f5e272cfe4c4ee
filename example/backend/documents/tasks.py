import logging

from celery import shared_task
from django.utils import timezone

from .models import Document

logger = logging.getLogger(__name__)


@shared_task
def process_document(document_id):
    """Mark a document in progress, "process" it, and mark it done."""
    try:
        document = Document.objects.get(pk=document_id)
    except Document.DoesNotExist:
        logger.warning("document %s does not exist", document_id)
        return None
    document.status = Document.Status.IN_PROGRESS
    document.save(update_fields=["status"])
    # The real work would happen here.
    document.status = Document.Status.DONE
    document.processed_at = timezone.now()
    document.save(update_fields=["status", "processed_at"])
    logger.info("document %s processed", document_id)
    return {"id": document.pk, "status": document.status}
