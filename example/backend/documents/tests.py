import json

from django.test import TestCase

from tldr.celery import app as celery_app

from .models import Document
from .tasks import process_document


class DocumentModelTests(TestCase):
    def test_default_status_is_pending(self):
        document = Document.objects.create(title="a report")
        self.assertEqual(document.status, Document.Status.PENDING)
        self.assertIsNone(document.processed_at)
        self.assertIsNotNone(document.created_at)


class ProcessDocumentTaskTests(TestCase):
    def test_task_marks_document_done(self):
        document = Document.objects.create(title="to process")
        result = process_document(document.pk)
        document.refresh_from_db()
        self.assertEqual(document.status, Document.Status.DONE)
        self.assertIsNotNone(document.processed_at)
        self.assertEqual(result, {"id": document.pk, "status": "done"})

    def test_task_applied_eagerly(self):
        document = Document.objects.create(title="eager")
        process_document.apply(args=(document.pk,)).get()
        document.refresh_from_db()
        self.assertEqual(document.status, Document.Status.DONE)

    def test_missing_document_is_ignored(self):
        self.assertIsNone(process_document(987654321))


class ViewTests(TestCase):
    def test_health_returns_200(self):
        for url in ("/", "/health/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertEqual(response.json(), {"ok": True, "db": True})

    def test_document_detail(self):
        document = Document.objects.create(title="shown")
        response = self.client.get("/documents/%d/" % document.pk)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual((body["id"], body["title"], body["status"]), (document.pk, "shown", "pending"))

    def test_document_detail_missing_is_404(self):
        self.assertEqual(self.client.get("/documents/987654321/").status_code, 404)

    def test_create_document_enqueues_processing(self):
        previous = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(
                    "/documents/", data=json.dumps({"title": "new"}), content_type="application/json"
                )
        finally:
            celery_app.conf.task_always_eager = previous
        self.assertEqual(response.status_code, 201)
        document = Document.objects.get(pk=response.json()["id"])
        self.assertEqual(document.status, Document.Status.DONE)

    def test_create_document_requires_title(self):
        response = self.client.post("/documents/", data="{}", content_type="application/json")
        self.assertEqual(response.status_code, 400)
