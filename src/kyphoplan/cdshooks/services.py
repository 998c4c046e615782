"""The services this server offers, as the discovery endpoint lists them."""

from __future__ import annotations

from dataclasses import dataclass

from kyphoplan.fhir.inbound import LAB_CODES, LOINC

_LAB_QUERY = ",".join(f"{LOINC}|{code}" for code in LAB_CODES)

PREFETCH: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}&status=active,on-hold",
    "medicationStatements": "MedicationStatement?patient={{context.patientId}}&status=active,intended,on-hold",
    "allergies": "AllergyIntolerance?patient={{context.patientId}}",
    "labs": f"Observation?patient={{{{context.patientId}}}}&code={_LAB_QUERY}&_sort=-date&_count=50",
}
# A plan without the medicine list or the allergies would look complete and be wrong.
REQUIRED_ANY_OF: tuple[tuple[str, ...], ...] = (("medicationRequests", "medicationStatements"), ("allergies",))


@dataclass(frozen=True)
class Service:
    id: str
    hook: str
    title: str
    description: str

    def discovery(self) -> dict[str, object]:
        return {
            "hook": self.hook,
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "prefetch": dict(PREFETCH),
            "usageRequirements": (
                "Send a signed JWT (asymmetric algorithm) from an issuer configured in kyphoplan. "
                "Prefetch the medicines and allergies, or give fhirServer and fhirAuthorization."
            ),
        }


SERVICES: dict[str, Service] = {
    s.id: s
    for s in (
        Service(
            id="kyphoplasty-order-sign",
            hook="order-sign",
            title="Kyphoplasty preparation check",
            description=(
                "When a kyphoplasty or vertebroplasty order (CPT 22510-22515) is signed: which blood "
                "thinners and other medicines to hold, when, and what a clinician must review."
            ),
        ),
        Service(
            id="kyphoplasty-appointment-book",
            hook="appointment-book",
            title="Kyphoplasty preparation timeline",
            description=(
                "When a kyphoplasty or vertebroplasty appointment is booked: the preparation dates "
                "for that appointment and whether there is enough lead time."
            ),
        ),
    )
}
