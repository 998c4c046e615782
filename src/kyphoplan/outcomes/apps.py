from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "kyphoplan.outcomes"
    label = "outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kyphoplan.fhir.capability import PAGED, register

        # What outcomes.fhir_urls serves under /fhir/ (QuestionnaireResponse, Observation,
        # DocumentReference and Questionnaire are the FHIR app's types too: its parameters apply).
        for kind in ("QuestionnaireResponse", "Observation", "DocumentReference", "Questionnaire"):
            register(kind, read=True, search_params=[])
        register("Communication", read=True, search_params=[("patient", "reference"), *PAGED])
