"""FHIR R4: resources we read from EHRs (inbound) and the ones we serve at /fhir/."""
