"""Maria's T12 + L1 case as Rita reads it: T12 a moderate wedge, L1 a mild biconcave fracture."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kyphoplan.candidacy import services
from kyphoplan.candidacy.models import Finding, Oedema
from kyphoplan.clinical.candidacy import ItemKind, checklist
from tests.pathway.fixtures import NOW

IP = "127.0.0.1"
NO_CONTRAINDICATION = {i.id: ("present" if i.kind is ItemKind.INDICATION else "absent") for i in checklist().items}
MARIA_FACTS = {
    "payer_record": "medicare-lcd", "setting": "outpatient", "pain_nrs": 7, "pain_worsening": True,
    "conservative_care_weeks": 6, "analgesic_weeks": 6, "exercise_weeks": 4,
    "conservative_care": "Paracetamol and tramadol 6 weeks, brace, physiotherapy 4 weeks; pain still stops her walking.",
    "kyphosis": True, "bone_density_referral": True, "osteoporosis_education": True, "osteoporosis_programme": True,
}


def read_maria(rita: Any, case: Any) -> None:
    services.do_record_level(rita, case, level="T12", anterior=Decimal("17.5"), middle=Decimal("24.0"),
                             posterior=Decimal("27.0"), reference=Decimal("28.0"), oedema=Oedema.YES,
                             retropulsion=Finding.NO, fracture_age_weeks=6, pain_nrs=7, ip=IP, now=NOW)
    services.do_record_level(rita, case, level="L1", anterior=Decimal("29.0"), middle=Decimal("23.0"),
                             posterior=Decimal("30.0"), reference=Decimal("30.0"), oedema=Oedema.YES,
                             retropulsion=Finding.NO, fracture_age_weeks=6, pain_nrs=6, ip=IP, now=NOW)
    services.do_update_facts(rita, case, values=MARIA_FACTS, ip=IP, now=NOW)
