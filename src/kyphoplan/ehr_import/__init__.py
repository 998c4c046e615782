"""Import medicines and allergies from an external FHIR R4 server into a case's intake."""
