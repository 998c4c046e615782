"""FHIR R4 views of a liaison letter: DocumentReference (the PDF) and Communication (sent to the
primary-care physician, pointing at the document)."""

from __future__ import annotations

import base64
from typing import Any

from kyphoplan.fhir.resources import instant
from kyphoplan.liaison.models import Letter, LetterKind


def document_reference(letter: Letter) -> dict[str, Any]:
    case_id = str(letter.track.case_id)
    return {
        "resourceType": "DocumentReference", "id": f"liaison-letter-{letter.pk}", "status": "current",
        "type": {"text": LetterKind(letter.kind).label},  # no document code is verified: text
        "subject": {"reference": f"Patient/{case_id}"},
        "date": instant(letter.created_at),
        "description": "Letter to the primary-care physician about bone health after a vertebral fracture",
        "content": [{"attachment": {"contentType": "application/pdf", "data": base64.b64encode(letter.pdf).decode(),
                                    "title": f"bone-health-letter-{letter.track.case.reference}.pdf",
                                    "creation": instant(letter.created_at)}}],
    }


def communication(letter: Letter) -> dict[str, Any]:
    case_id = str(letter.track.case_id)
    recipient = letter.track.pcp_name or "primary-care physician"
    return {
        "resourceType": "Communication", "id": f"liaison-letter-{letter.pk}", "status": "completed",
        "category": [{"text": "Fracture liaison letter"}],
        "subject": {"reference": f"Patient/{case_id}"},
        "sent": instant(letter.created_at),
        "recipient": [{"display": recipient}],
        "payload": [{"contentString": LetterKind(letter.kind).label},
                    {"contentReference": {"reference": f"DocumentReference/liaison-letter-{letter.pk}"}}],
    }
